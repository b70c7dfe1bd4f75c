// The engine's record readers and JSON Lines writer (src/records/): every format's happy path,
// and malformed input for each, checking the code and that the message names the
// line / row / column.
#include "ruvector/record_io.h"

#include "ruvector/database.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace ruvector {
namespace {

RecordReadOptions opts(const std::string& source, std::uint32_t dims = 0) {
  RecordReadOptions o;
  o.source = source;
  o.dimensions = dims;
  return o;
}

// Expects an error with `code` whose message contains every piece of `parts`.
template <class T>
void expect_error(const Result<T>& r, StatusCode code, std::initializer_list<const char*> parts) {
  ASSERT_FALSE(r.ok()) << "expected an error";
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  for (const char* p : parts)
    EXPECT_NE(r.status().message().find(p), std::string::npos) << "missing '" << p << "' in " << r.status().ToString();
}

std::vector<float> row(const RecordRows& d, std::size_t i) {
  auto r = d.row(i);
  return {r.begin(), r.end()};
}

// ---- format names ----

TEST(RecordFormat, NamesAndExtensions) {
  EXPECT_EQ(*parse_record_format("JSONL"), RecordFormat::kJsonl);
  EXPECT_EQ(*parse_record_format("ndjson"), RecordFormat::kJsonl);
  EXPECT_EQ(*parse_record_format("npy"), RecordFormat::kNpy);
  EXPECT_FALSE(parse_record_format("parquet").ok());
  EXPECT_EQ(*record_format_from_path("/a/b.c/data.fvecs"), RecordFormat::kFvecs);
  EXPECT_EQ(*record_format_from_path("x.CSV"), RecordFormat::kCsv);
  EXPECT_EQ(*record_format_from_path("x.json"), RecordFormat::kJson);
  expect_error(record_format_from_path("/a.b/data"), StatusCode::kInvalidArgument, {"--format"});
  expect_error(record_format_from_path("data.txt"), StatusCode::kInvalidArgument, {".txt", "--format"});
  for (auto f : {RecordFormat::kJson, RecordFormat::kJsonl, RecordFormat::kCsv, RecordFormat::kNpy,
                 RecordFormat::kFvecs})
    EXPECT_EQ(*parse_record_format(record_format_name(f)), f);
}

// ---- vectors typed on the command line ----

TEST(VectorText, AcceptsJsonArrayAndBareList) {
  EXPECT_EQ(*parse_vector_text("[1,2,3]"), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(*parse_vector_text("  [ 1 , -2.5e0 ,3e-1 ] "), (std::vector<float>{1, -2.5f, 0.3f}));
  EXPECT_EQ(*parse_vector_text("1,2.5,-3"), (std::vector<float>{1, 2.5f, -3}));
  EXPECT_EQ(*parse_vector_text("+4"), (std::vector<float>{4}));
  EXPECT_EQ(*parse_vector_text("1e-400"), (std::vector<float>{0}));  // underflow rounds to 0
}

TEST(VectorText, RejectsMalformed) {
  expect_error(parse_vector_text(""), StatusCode::kInvalidArgument, {"empty"});
  expect_error(parse_vector_text("[]"), StatusCode::kInvalidArgument, {"empty"});
  expect_error(parse_vector_text("[1,2"), StatusCode::kInvalidArgument, {"']'"});
  expect_error(parse_vector_text("1,,2"), StatusCode::kInvalidArgument, {"vector[1]", "empty"});
  expect_error(parse_vector_text("1,x"), StatusCode::kInvalidArgument, {"vector[1]", "'x' is not a number"});
  expect_error(parse_vector_text("1,2,"), StatusCode::kInvalidArgument, {"vector[2]"});
  expect_error(parse_vector_text("1 2"), StatusCode::kInvalidArgument, {"not a number"});
  expect_error(parse_vector_text("[1,NaN]"), StatusCode::kInvalidArgument, {"vector[1]", "NaN is not allowed"});
  expect_error(parse_vector_text("inf"), StatusCode::kInvalidArgument, {"Infinity is not allowed"});
  expect_error(parse_vector_text("-Infinity"), StatusCode::kInvalidArgument, {"-Infinity is not allowed"});
  expect_error(parse_vector_text("1e39"), StatusCode::kInvalidArgument, {"out of float32 range"});
  expect_error(parse_vector_text("1e400"), StatusCode::kInvalidArgument, {"out of float32 range"});
  // The float32 boundary: FLT_MAX's shortest text (3.4028235e38 > FLT_MAX as a double)
  // and anything that rounds to it are accepted; what rounds to infinity is not.
  auto top = parse_vector_text("3.4028235e38, -3.40282356e38");
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ((*top)[0], std::numeric_limits<float>::max());
  EXPECT_EQ((*top)[1], -std::numeric_limits<float>::max());
  expect_error(parse_vector_text("3.4028236e38"), StatusCode::kInvalidArgument, {"out of float32 range"});
  expect_error(parse_vector_text("++1"), StatusCode::kInvalidArgument, {"not a number"});
}

TEST(VectorText, FloatForJsonIsShortest) {
  EXPECT_EQ(float_for_json(0.1f), 0.1);
  EXPECT_EQ(float_for_json(-3.25f), -3.25);
  EXPECT_EQ(static_cast<float>(float_for_json(1.0f / 3.0f)), 1.0f / 3.0f);
  EXPECT_EQ(Json(float_for_json(0.1f)).dump(), "0.1");
}

// ---- JSON ----

TEST(JsonImport, ArrayOfEntries) {
  const std::string text = R"([
    {"id": "a", "vector": [1, 2, 3], "metadata": {"k": 1}},
    {"vector": [4, 5, 6]},
    {"id": 7, "vector": [0.5, 0, 0], "metadata": null},
    [7, 8, 9]
  ])";
  auto r = read_json_records(text, opts("d.json", 3));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows(), 4u);
  EXPECT_EQ(r->dimensions, 3u);
  EXPECT_EQ(r->ids, (std::vector<std::string>{"a", "", "7", ""}));
  EXPECT_EQ(r->metadata[0], Json({{"k", 1}}));
  EXPECT_TRUE(r->metadata[1].is_null());
  EXPECT_EQ(row(*r, 1), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(r->lines, (std::vector<std::uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(r->where("d.json", 2), "d.json:4");
}

TEST(JsonImport, EntriesObjectSingleEntryAndBareVector) {
  auto r = read_json_records(R"({"dimensions": 2, "entries": [{"id": "x", "vector": [1, 2]}]})", opts("d.json"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ids, std::vector<std::string>{"x"});
  r = read_json_records(R"({"id": "y", "vector": [1, 2], "metadata": {"a": [1]}})", opts("d.json"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ids, std::vector<std::string>{"y"});
  r = read_json_records("[1.5, 2.5]", opts("d.json"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 1u);
  EXPECT_EQ(row(*r, 0), (std::vector<float>{1.5f, 2.5f}));
  r = read_json_records("\xEF\xBB\xBF[]", opts("d.json"));  // BOM, no entries
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 0u);
}

std::string seven_lines(const std::string& line7) {
  std::string s = "[\n";
  for (int i = 2; i <= 6; ++i) s += "  {\"vector\": [1, 2, 3, 4]},\n";
  return s + line7 + "\n]\n";
}

TEST(JsonImport, BadJsonNamesTheLine) {
  auto r = read_json_records(seven_lines("  {\"vector\": [1, 2, 3, 4]"), opts("data.json", 4));
  expect_error(r, StatusCode::kInvalidArgument, {"data.json:8:", "invalid JSON"});
  r = read_json_records(seven_lines("  {\"vector\": [1, 2, 3, 4],, }"), opts("data.json", 4));
  expect_error(r, StatusCode::kInvalidArgument, {"data.json:7:", "invalid JSON (column"});
}

TEST(JsonImport, WrongDimensionNamesLineAndEntry) {
  auto r = read_json_records(seven_lines("  {\"vector\": [1, 2, 3]}"), opts("data.json", 4));
  expect_error(r, StatusCode::kDimensionMismatch,
               {"data.json:7: entry 5: vector has 3 values, database expects 4"});
  // Without a database, the first row sets the length.
  r = read_json_records(seven_lines("  {\"vector\": [1, 2, 3]}"), opts("data.json"));
  expect_error(r, StatusCode::kDimensionMismatch, {"data.json:7: entry 5: vector has 3 values, expected 4 like line 2"});
  // {"entries": [...]} gets its lines too.
  r = read_json_records("{\"entries\": [\n[1, 2],\n\n[1]]}", opts("e.json"));
  expect_error(r, StatusCode::kDimensionMismatch, {"e.json:4: entry 1"});
}

TEST(JsonImport, RejectsBadEntries) {
  const auto o = opts("d.json", 2);
  expect_error(read_json_records(R"([{"vector": [1, "2"]}])", o), StatusCode::kInvalidArgument,
               {"d.json:1: entry 0: vector[1] is string, expected a number"});
  expect_error(read_json_records(R"([{"vector": [1, 2], "metdata": {}}])", o), StatusCode::kInvalidArgument,
               {"unknown key 'metdata'"});
  expect_error(read_json_records(R"([{"vector": [1, 2], "metadata": [1]}])", o), StatusCode::kInvalidArgument,
               {"metadata must be a JSON object, got array"});
  expect_error(read_json_records(R"([{"id": "a"}])", o), StatusCode::kInvalidArgument, {"no \"vector\""});
  expect_error(read_json_records(R"([{"id": true, "vector": [1, 2]}])", o), StatusCode::kInvalidArgument,
               {"id must be a string or an integer"});
  expect_error(read_json_records(R"([{"id": "", "vector": [1, 2]}])", o), StatusCode::kInvalidArgument, {"id is empty"});
  expect_error(read_json_records(R"([{"vector": [1, 1e39]}])", o), StatusCode::kInvalidArgument, {"out of float32 range"});
  expect_error(read_json_records(R"([{"vector": [1, 2]}, "x"])", o), StatusCode::kInvalidArgument,
               {"entry 1", "expected an object"});
  expect_error(read_json_records(R"({"a": 1})", o), StatusCode::kInvalidArgument, {"\"entries\""});
  expect_error(read_json_records(R"({"entries": 3})", o), StatusCode::kInvalidArgument, {"\"entries\" must be an array"});
  expect_error(read_json_records("42", o), StatusCode::kInvalidArgument, {"expected an array"});
  const std::string long_id(600, 'x');
  expect_error(read_json_records("[{\"id\": \"" + long_id + "\", \"vector\": [1, 2]}]", o), StatusCode::kInvalidArgument,
               {"600 bytes long"});
}

TEST(JsonImport, EmptyInput) {
  expect_error(read_json_records("", opts("d.json")), StatusCode::kInvalidArgument, {"d.json: the file is empty"});
  expect_error(read_json_records(" \n\t", opts("d.json")), StatusCode::kInvalidArgument, {"empty"});
}

// Zero vectors are valid rows (a cosine database scores them 1 against everything).
TEST(JsonImport, ZeroVectorsAreRows) {
  auto r = read_json_records("[[1, 0], [0, 0]]", opts("d.json", 2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 2u);
}

// ---- JSON Lines ----

std::string jsonl_with_line7(const std::string& line7) {
  std::string s;
  for (int i = 1; i <= 6; ++i) s += "{\"id\": \"r" + std::to_string(i) + "\", \"vector\": [1, 2, 3, 4]}\n";
  return s + line7 + "\n{\"vector\": [1, 2, 3, 4]}\n";
}

TEST(JsonlImport, Rows) {
  const std::string text = "{\"id\":\"a\",\"vector\":[1,2],\"metadata\":{\"t\":\"x\"}}\r\n\n  \n[3,4]\r\n{\"vector\":[5,6]}";
  auto o = opts("d.jsonl", 2);
  o.id_prefix = "doc-";
  auto r = read_jsonl_records(text, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ids, (std::vector<std::string>{"a", "doc-1", "doc-2"}));
  EXPECT_EQ(r->lines, (std::vector<std::uint64_t>{1, 4, 5}));
  EXPECT_EQ(r->metadata[0], Json({{"t", "x"}}));
  EXPECT_EQ(row(*r, 2), (std::vector<float>{5, 6}));
}

TEST(JsonlImport, BadJsonOnLine7) {
  auto r = read_jsonl_records(jsonl_with_line7("{\"vector\": [1, 2, 3, 4]"), opts("data.jsonl", 4));
  expect_error(r, StatusCode::kInvalidArgument, {"data.jsonl:7: invalid JSON"});
  r = read_jsonl_records(jsonl_with_line7("{\"vector\": [1, 2, 3, 4]}}"), opts("data.jsonl", 4));
  expect_error(r, StatusCode::kInvalidArgument, {"data.jsonl:7: invalid JSON (column 25)"});
}

TEST(JsonlImport, WrongDimensionOnLine7) {
  auto r = read_jsonl_records(jsonl_with_line7("{\"vector\": [1, 2, 3]}"), opts("data.jsonl", 4));
  expect_error(r, StatusCode::kDimensionMismatch, {"data.jsonl:7: vector has 3 values, database expects 4"});
  EXPECT_EQ(r.status().ToString(), "DIMENSION_MISMATCH: data.jsonl:7: vector has 3 values, database expects 4");
  r = read_jsonl_records(jsonl_with_line7("{\"vector\": [1, 2, 3, 4, 5]}"), opts("data.jsonl"));
  expect_error(r, StatusCode::kDimensionMismatch, {"data.jsonl:7: vector has 5 values, expected 4 like line 1"});
}

TEST(JsonlImport, MaxRowsStopsEarly) {
  auto o = opts("d.jsonl");
  o.max_rows = 2;
  auto r = read_jsonl_records("[1]\n[2]\nnot json\n", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 2u);
}

TEST(JsonlImport, EmptyInput) {
  expect_error(read_jsonl_records("", opts("d.jsonl")), StatusCode::kInvalidArgument, {"empty"});
  expect_error(read_jsonl_records("\n\n", opts("d.jsonl")), StatusCode::kInvalidArgument, {"empty"});
}

// ---- CSV ----

TEST(CsvImport, VectorColumn) {
  const std::string text =
      "id,vector,metadata\n"
      "a,\"[1, 2, 3]\",\"{\"\"genre\"\": \"\"jazz\"\"}\"\n"
      "\n"
      "b,\"4,5,6\",\n"
      ",\"[7 , 8, 9]\",{}\r\n";
  auto r = read_csv_records(text, opts("d.csv", 3));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows(), 3u);
  EXPECT_EQ(r->ids, (std::vector<std::string>{"a", "b", ""}));
  EXPECT_EQ(r->metadata[0], Json({{"genre", "jazz"}}));
  EXPECT_TRUE(r->metadata[1].is_null());
  EXPECT_EQ(r->metadata[2], Json::object());
  EXPECT_EQ(row(*r, 1), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(r->lines, (std::vector<std::uint64_t>{2, 4, 5}));
}

TEST(CsvImport, NumericColumns) {
  const std::string text = "\xEF\xBB\xBF" "v0, v1 ,ID,x\n1,2,a,3\n 4 , 5 ,b, -6e0\n";
  auto r = read_csv_records(text, opts("d.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dimensions, 3u);
  EXPECT_EQ(r->ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(row(*r, 1), (std::vector<float>{4, 5, -6}));
}

TEST(CsvImport, NanNamesLineAndColumn) {
  std::string text = "id,vector\n";
  for (int line = 2; line <= 11; ++line) text += "r" + std::to_string(line) + ",\"[1, 2]\"\n";
  auto r = read_csv_records(text + "r12,\"[1, NaN]\"\n", opts("data.csv", 2));
  expect_error(r, StatusCode::kInvalidArgument, {"data.csv:12: column 'vector': ", "NaN is not allowed"});
  r = read_csv_records("a,b\n1,2\n3,nan\n", opts("data.csv", 2));
  expect_error(r, StatusCode::kInvalidArgument, {"data.csv:3: column 'b': NaN is not allowed"});
  r = read_csv_records("a,b\n1,2\n3,\n", opts("data.csv", 2));
  expect_error(r, StatusCode::kInvalidArgument, {"data.csv:3: column 'b': empty value"});
  r = read_csv_records("a,b\n1,2\n3,seven\n", opts("data.csv", 2));
  expect_error(r, StatusCode::kInvalidArgument, {"data.csv:3: column 'b': 'seven' is not a number"});
}

TEST(CsvImport, MultiLineQuotedFieldKeepsLineNumbers) {
  const std::string text = "id,vector,metadata\na,\"[1,2]\",\"{\"\"t\"\":\n\"\"x\"\"}\"\nb,\"[1]\",\n";
  auto r = read_csv_records(text, opts("d.csv"));
  expect_error(r, StatusCode::kDimensionMismatch, {"d.csv:4: vector has 1 values, expected 2 like line 2"});
}

TEST(CsvImport, StructuralErrors) {
  const auto o = opts("d.csv", 2);
  expect_error(read_csv_records("a,b\n1,2\n3\n", o), StatusCode::kInvalidArgument, {"d.csv:3: has 1 fields, the header has 2"});
  expect_error(read_csv_records("id,vector\nx,\"[1,2]\n", o), StatusCode::kInvalidArgument, {"d.csv:2: unterminated"});
  expect_error(read_csv_records("id,vector\nx,\"[1,2]\"z\n", o), StatusCode::kInvalidArgument, {"d.csv:2: unexpected 'z'"});
  expect_error(read_csv_records("a,A\n1,2\n", o), StatusCode::kInvalidArgument, {"d.csv:1: column 'A' appears twice"});
  expect_error(read_csv_records("id,vector,extra\n", o), StatusCode::kInvalidArgument, {"'extra' is not allowed"});
  expect_error(read_csv_records("id,metadata\n", o), StatusCode::kInvalidArgument, {"no 'vector' column"});
  expect_error(read_csv_records(",a,b\n0,1,2\n", o), StatusCode::kInvalidArgument, {"no name"});
  expect_error(read_csv_records("a,b,c\n1,2,3\n", o), StatusCode::kDimensionMismatch,
               {"d.csv:1: the header has 3 numeric columns, database expects 2"});
  expect_error(read_csv_records("id,vector,metadata\nx,\"[1,2]\",{bad\n", o), StatusCode::kInvalidArgument,
               {"d.csv:2: column 'metadata': not valid JSON"});
  expect_error(read_csv_records("id,vector,metadata\nx,\"[1,2]\",[1]\n", o), StatusCode::kInvalidArgument,
               {"d.csv:2: column 'metadata': must be a JSON object"});
  expect_error(read_csv_records("", o), StatusCode::kInvalidArgument, {"empty"});
  auto r = read_csv_records("id,vector\n", o);  // header alone: no rows, fine
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 0u);
}

// ---- .npy ----

std::string npy(const std::string& dict, const std::string& data, int major = 1, std::size_t declared_len = 0) {
  std::string header = dict;
  const std::size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string s = "\x93NUMPY";
  s += static_cast<char>(major);
  s += '\0';
  const std::size_t len = declared_len ? declared_len : header.size();
  s += static_cast<char>(len & 0xff);
  s += static_cast<char>((len >> 8) & 0xff);
  if (major != 1) {
    s += static_cast<char>((len >> 16) & 0xff);
    s += static_cast<char>((len >> 24) & 0xff);
  }
  return s + header + data;
}

template <class T>
std::string bytes_of(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

TEST(NpyImport, Float32AndFloat64AndInts) {
  auto r = read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                         bytes_of(std::vector<float>{1, 2, 3, 4, 5, 6})),
                     opts("d.npy", 3));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(row(*r, 1), (std::vector<float>{4, 5, 6}));
  EXPECT_FALSE(r->line_numbers);
  EXPECT_EQ(r->where("d.npy", 1), "d.npy: row 1");

  auto o = opts("d.npy");
  o.id_prefix = "img-";
  r = read_npy_records(npy("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1, 2)}",
                    bytes_of(std::vector<double>{0.25, -1e10})),
                o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ids, std::vector<std::string>{"img-0"});
  EXPECT_EQ(row(*r, 0), (std::vector<float>{0.25f, -1e10f}));

  r = read_npy_records(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 3)}", std::string("\x01\x02\xff", 3)),
                opts("d.npy"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(row(*r, 0), (std::vector<float>{1, 2, 255}));

  // 1-D: one vector. Version 2 header.
  r = read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", bytes_of(std::vector<float>{7, 8}), 2),
                opts("d.npy"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 1u);
  EXPECT_EQ(row(*r, 0), (std::vector<float>{7, 8}));

  // Zero rows.
  r = read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5)}", ""), opts("d.npy", 5));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 0u);
}

TEST(NpyImport, MalformedHeaders) {
  const auto o = opts("d.npy");
  const std::string good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}",
                               bytes_of(std::vector<float>{1, 2}));
  expect_error(read_npy_records("", o), StatusCode::kInvalidArgument, {"empty"});
  expect_error(read_npy_records("\x93NUMPY", o), StatusCode::kInvalidArgument, {"truncated .npy header"});
  expect_error(read_npy_records(good.substr(0, 9), o), StatusCode::kInvalidArgument, {"truncated .npy header"});
  expect_error(read_npy_records(good.substr(0, 40), o), StatusCode::kInvalidArgument,
               {"truncated .npy header: it declares"});
  expect_error(read_npy_records("PK\x03\x04 not numpy at all", o), StatusCode::kInvalidArgument, {"not a .npy file"});
  std::string v9 = good;
  v9[6] = 9;
  expect_error(read_npy_records(v9, o), StatusCode::kInvalidArgument, {"unsupported .npy format version 9"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'shape': (1, 2)}", bytes_of(std::vector<float>{1, 2})), o),
               StatusCode::kInvalidArgument, {"lacks"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)", ""), o),
               StatusCode::kInvalidArgument, {"malformed header"});
  expect_error(read_npy_records(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", ""), o),
               StatusCode::kInvalidArgument, {"structured dtypes"});
  // Huge declared header length (v2, 4 GiB - 1) with a tiny file: no allocation.
  expect_error(read_npy_records(npy("{}", "", 2, 0xffffffffu), o), StatusCode::kInvalidArgument,
               {"declares 4294967295 bytes"});
}

TEST(NpyImport, WrongDtypeOrderAndShape) {
  const auto o = opts("d.npy");
  const std::string data = bytes_of(std::vector<float>{1, 2});
  expect_error(read_npy_records(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 1)}", data), o),
               StatusCode::kInvalidArgument, {"dtype '<c8' is not supported"});
  expect_error(read_npy_records(npy("{'descr': '|S4', 'fortran_order': False, 'shape': (1, 2)}", data), o),
               StatusCode::kInvalidArgument, {"dtype '|S4'"});
  expect_error(read_npy_records(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2)}", data), o),
               StatusCode::kInvalidArgument, {"big-endian"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2)}", data), o),
               StatusCode::kInvalidArgument, {"Fortran-order"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2)}", data), o),
               StatusCode::kInvalidArgument, {"3 dimensions"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", data), o),
               StatusCode::kInvalidArgument, {"0 dimensions"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 100000)}", data), o),
               StatusCode::kInvalidArgument, {"limit is 65536"});
}

TEST(NpyImport, SizesCheckedAgainstBytes) {
  const auto o = opts("d.npy");
  // Declares 2^40 rows over 8 bytes: rejected before any allocation.
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 128)}",
                             bytes_of(std::vector<float>{1, 2})),
                         o),
               StatusCode::kInvalidArgument, {"truncated .npy data"});
  expect_error(read_npy_records(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2)}", ""), o),
               StatusCode::kInvalidArgument, {"integer too large"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}",
                             bytes_of(std::vector<float>{1, 2, 3})),
                         o),
               StatusCode::kInvalidArgument, {"truncated .npy data"});
  expect_error(read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}",
                             bytes_of(std::vector<float>{1, 2, 3})),
                         o),
               StatusCode::kInvalidArgument, {"data is 12 bytes", "needs 8"});
}

TEST(NpyImport, ValuesAndDimensions) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto r = read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2)}",
                         bytes_of(std::vector<float>{1, 2, 3, 4, 5, nan})),
                     opts("d.npy"));
  expect_error(r, StatusCode::kInvalidArgument, {"d.npy: row 2: vector[1]: NaN is not allowed"});
  r = read_npy_records(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}", bytes_of(std::vector<double>{1, 1e300})),
                opts("d.npy"));
  expect_error(r, StatusCode::kInvalidArgument, {"row 0: vector[1]", "out of float32 range"});
  r = read_npy_records(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}", bytes_of(std::vector<float>{1, 2})),
                opts("d.npy", 128));
  expect_error(r, StatusCode::kDimensionMismatch, {"d.npy: vectors have 2 values, database expects 128"});
}

// ---- .fvecs ----

std::string fvecs(const std::vector<std::vector<float>>& rows) {
  std::string s;
  for (const auto& r : rows) {
    const auto d = static_cast<std::int32_t>(r.size());
    s.append(reinterpret_cast<const char*>(&d), 4);
    s += bytes_of(r);
  }
  return s;
}

std::string int32_bytes(std::int32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }

TEST(FvecsImport, Rows) {
  auto o = opts("d.fvecs", 3);
  o.id_prefix = "v";
  auto r = read_fvecs_records(fvecs({{1, 2, 3}, {4, 5, 6}}), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ids, (std::vector<std::string>{"v0", "v1"}));
  EXPECT_EQ(row(*r, 1), (std::vector<float>{4, 5, 6}));
  o.max_rows = 1;
  r = read_fvecs_records(fvecs({{1, 2, 3}, {4, 5, 6}}) + "junk", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows(), 1u);
}

TEST(FvecsImport, Malformed) {
  const auto o = opts("d.fvecs");
  const std::string two = fvecs({{1, 2, 3}, {4, 5, 6}});
  expect_error(read_fvecs_records("", o), StatusCode::kInvalidArgument, {"empty"});
  expect_error(read_fvecs_records(two.substr(0, two.size() - 2), o), StatusCode::kInvalidArgument,
               {"d.fvecs: row 1 (byte 16): truncated: the row declares 3 values (12 bytes), only 10 bytes remain"});
  expect_error(read_fvecs_records(two + std::string("\x01\x00", 2), o), StatusCode::kInvalidArgument,
               {"row 2 (byte 32): truncated: 2 bytes left"});
  expect_error(read_fvecs_records(fvecs({{1, 2, 3}, {4, 5}}), o), StatusCode::kDimensionMismatch,
               {"d.fvecs: row 1: vector has 2 values, expected 3 like row 0"});
  expect_error(read_fvecs_records(fvecs({{1, 2, 3}}), opts("d.fvecs", 4)), StatusCode::kDimensionMismatch,
               {"row 0: vector has 3 values, database expects 4"});
  expect_error(read_fvecs_records(int32_bytes(0) + "xxxx", o), StatusCode::kInvalidArgument, {"dimension 0 is out of range"});
  expect_error(read_fvecs_records(int32_bytes(-5) + "xxxx", o), StatusCode::kInvalidArgument, {"dimension -5"});
  // Huge declared dimension: rejected, nothing allocated.
  expect_error(read_fvecs_records(int32_bytes(1 << 30) + "xxxx", o), StatusCode::kInvalidArgument,
               {"dimension 1073741824 is out of range"});
  expect_error(read_fvecs_records(int32_bytes(60000) + "xxxx", o), StatusCode::kInvalidArgument,
               {"declares 60000 values (240000 bytes), only 4 bytes remain"});
  const float inf = std::numeric_limits<float>::infinity();
  expect_error(read_fvecs_records(fvecs({{1, 2}, {3, -inf}}), o), StatusCode::kInvalidArgument,
               {"d.fvecs: row 1: vector[1]: -Infinity is not allowed"});
}

// ---- dispatch ----

TEST(ParseImport, DispatchesAndCatches) {
  auto r = read_records("[[1,2]]", RecordFormat::kJson, opts("x"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows(), 1u);
  for (auto f : {RecordFormat::kJson, RecordFormat::kJsonl, RecordFormat::kCsv, RecordFormat::kNpy,
                 RecordFormat::kFvecs})
    expect_error(read_records("", f, opts("x")), StatusCode::kInvalidArgument, {"x: the file is empty"});
}

TEST(ParseImport, ProgressIsReported) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "[1, 2, 3, 4]\n";
  auto o = opts("p.jsonl");
  std::uint64_t last = 0, calls = 0;
  o.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_EQ(total, text.size());
    EXPECT_GE(done, last);
    last = done;
    ++calls;
  };
  auto r = read_jsonl_records(text, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(last, text.size());
  EXPECT_GE(calls, 2u);
}

// ---- snapshots and the JSON Lines writer ----

// A snapshot of a 3-dimensional database holding a (metadata), b (none), c (awkward floats).
std::string sample_snapshot() {
  DatabaseOptions o;
  o.dimensions = 3;
  o.metric = Metric::kEuclidean;
  auto db = Database::open(o);
  EXPECT_TRUE(db.ok());
  std::vector<Entry> entries(3);
  const std::vector<float> va{1, 2, 3}, vb{-0.5f, 0, 4}, vc{0.1f, 1e-7f, 3.4028234e38f};
  entries[0].id = "a";
  entries[0].vector = va;
  entries[0].metadata = Json{{"k", 1}, {"s", "x\"y"}};
  entries[1].id = "b";
  entries[1].vector = vb;
  entries[2].id = "c";
  entries[2].vector = vc;
  EXPECT_TRUE((*db)->insert_batch(entries).ok());
  auto bytes = (*db)->serialize();
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

TEST(SnapshotRecords, ReadsEveryRecord) {
  const std::string snap = sample_snapshot();
  auto r = read_records(snap, RecordFormat::kSnapshot, opts("s.rvs", 3));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows(), 3u);
  EXPECT_EQ(r->dimensions, 3u);
  EXPECT_FALSE(r->line_numbers);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < r->rows(); ++i) at[r->ids[i]] = i;
  ASSERT_EQ(at.size(), 3u);
  EXPECT_EQ(r->metadata[at["a"]], (Json{{"k", 1}, {"s", "x\"y"}}));
  EXPECT_TRUE(r->metadata[at["b"]].is_null());
  EXPECT_EQ(r->row(at["c"])[2], 3.4028234e38f);
  EXPECT_EQ(r->where("s.rvs", at["b"]), "s.rvs: row " + std::to_string(at["b"]));
  auto limited = read_records(snap, RecordFormat::kSnapshot, [] { auto o = opts("s.rvs"); o.max_rows = 2; return o; }());
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->rows(), 2u);
}

TEST(SnapshotRecords, HostileInput) {
  const std::string snap = sample_snapshot();
  expect_error(read_snapshot_records("", opts("s.rvs")), StatusCode::kInvalidArgument, {"s.rvs: the file is empty"});
  expect_error(read_snapshot_records(snap, opts("s.rvs", 4)), StatusCode::kDimensionMismatch,
               {"s.rvs: the snapshot's vectors have 3 values, database expects 4"});
  expect_error(read_snapshot_records("not a snapshot at all", opts("s.rvs")), StatusCode::kCorruption, {"s.rvs"});
  // Every truncation is CORRUPTION (never a crash or a partial result).
  for (std::size_t n = 1; n < snap.size(); n += 7)
    expect_error(read_snapshot_records(snap.substr(0, n), opts("s.rvs")), StatusCode::kCorruption, {"s.rvs"});
  // Any flipped byte is caught (magic, lengths, checksums).
  for (std::size_t i = 0; i < snap.size(); i += 5) {
    std::string bad = snap;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto r = read_snapshot_records(bad, opts("s.rvs"));
    if (r.ok()) continue;  // a byte no reader looks at (none expected, but not the point)
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << "byte " << i << ": " << r.status().ToString();
  }
  // A huge declared length right after the header: refused, not allocated.
  std::string huge = snap.substr(0, 12) + std::string("SETT") + std::string(8, '\xff') + snap.substr(24);
  expect_error(read_snapshot_records(huge, opts("s.rvs")), StatusCode::kCorruption, {"s.rvs"});
}

TEST(JsonlWriter, RoundTripsBitIdentical) {
  const std::string snap = sample_snapshot();
  auto text = snapshot_to_jsonl(snap);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto back = read_records(*text, RecordFormat::kJsonl, opts("x.jsonl", 3));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto orig = read_records(snap, RecordFormat::kSnapshot, opts("s.rvs"));
  ASSERT_TRUE(orig.ok());
  ASSERT_EQ(back->rows(), orig->rows());
  for (std::size_t i = 0; i < back->rows(); ++i) {
    EXPECT_EQ(back->ids[i], orig->ids[i]);
    EXPECT_EQ(back->metadata[i], orig->metadata[i]);
    EXPECT_EQ(std::memcmp(back->row(i).data(), orig->row(i).data(), 3 * sizeof(float)), 0) << back->ids[i];
  }
  Record r;
  r.id = "q\"1";
  r.vector = {0.1f, -2.0f};
  std::string line;
  append_jsonl_record(r, line);
  EXPECT_EQ(line, "{\"id\":\"q\\\"1\",\"vector\":[0.1,-2]}\n");
  expect_error(snapshot_to_jsonl("junk", "db"), StatusCode::kCorruption, {"db"});
}

TEST(RecordFormats, OptionsFromJson) {
  auto o = record_read_options_from_json(Json{{"source", "f.csv"}, {"dimensions", 3}, {"idPrefix", "p-"}, {"maxRows", 5}});
  EXPECT_EQ(o.source, "f.csv");
  EXPECT_EQ(o.dimensions, 3u);
  EXPECT_EQ(o.id_prefix, std::optional<std::string>("p-"));
  EXPECT_EQ(o.max_rows, 5u);
  // Wrong types, out-of-range values and other keys fall back to the defaults.
  auto d = record_read_options_from_json(Json{{"source", 1}, {"dimensions", -1}, {"idPrefix", nullptr}, {"x", 1}});
  EXPECT_EQ(d.source, "input");
  EXPECT_EQ(d.dimensions, 0u);
  EXPECT_FALSE(d.id_prefix.has_value());
  EXPECT_EQ(record_read_options_from_json(Json{{"dimensions", 70000}}).dimensions, 0u);
  EXPECT_EQ(record_read_options_from_json(Json()).source, "input");
}

TEST(RecordFormats, NamesAndExtensions) {
  for (auto f : {RecordFormat::kJson, RecordFormat::kJsonl, RecordFormat::kCsv, RecordFormat::kNpy,
                 RecordFormat::kFvecs, RecordFormat::kSnapshot}) {
    auto back = parse_record_format(record_format_name(f));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, f);
  }
  EXPECT_EQ(*parse_record_format("RVS"), RecordFormat::kSnapshot);
  EXPECT_EQ(*record_format_from_path("dir/x.rvs"), RecordFormat::kSnapshot);
  expect_error(record_format_from_path("x.txt"), StatusCode::kInvalidArgument, {"--format", "snapshot"});
}

}  // namespace
}  // namespace ruvector
