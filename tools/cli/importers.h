// Import-file parsers of the `ruvector` command line tool: JSON, JSON Lines, CSV,
// NumPy .npy and .fvecs. Pure functions from bytes to rows; they never touch a
// database, never throw, and allocate no more than the input's size justifies
// (declared sizes are checked against the byte count first), so they can be unit
// tested and fuzzed (tests/unit/importers_test.cpp, tests/fuzz/importers_fuzz.cpp).
//
// Every error names its place: "<source>:<line>: ..." for text formats (the line a
// row starts on, 1-based) and "<source>: row <n>: ..." for binary ones (0-based, as
// numpy counts). Wrong vector lengths are DIMENSION_MISMATCH, everything else is
// INVALID_ARGUMENT. The formats are specified in docs/cli.md ("Import formats").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/json.h"
#include "ruvector/result.h"

namespace ruvector::cli {

enum class ImportFormat { kJson, kJsonl, kCsv, kNpy, kFvecs };

// "json", "jsonl", "csv", "npy", "fvecs".
const char* import_format_name(ImportFormat format) noexcept;
// Case-insensitive name; also "ndjson" for JSON Lines. INVALID_ARGUMENT otherwise.
Result<ImportFormat> parse_import_format(std::string_view name);
// From the file name's extension (.json .jsonl .ndjson .csv .npy .fvecs).
// INVALID_ARGUMENT (asking for --format) when there is none or it is unknown.
Result<ImportFormat> import_format_from_path(std::string_view path);

struct ImportOptions {
  // Name used in messages, usually the file name as the user typed it.
  std::string source = "input";
  // Expected vector length (the database's); 0 = take it from the first row and
  // require every other row to match.
  std::uint32_t dimensions = 0;
  // Ids of rows that carry none: npy and fvecs rows are always "<prefix><row>" (row
  // 0-based; prefix "" when unset). JSON, JSON Lines and CSV rows without an id get
  // "<prefix><row>" when a prefix is set, else "" (the engine generates a UUID).
  std::optional<std::string> id_prefix;
  // Stop after this many rows (0 = all). The rest of the input is not validated.
  std::size_t max_rows = 0;
  // Called now and then with (bytes consumed, total bytes); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

// Parsed rows, columnar. Every row has `dimensions` finite values.
struct ImportedData {
  std::uint32_t dimensions = 0;
  std::vector<float> values;           // rows() * dimensions, row-major
  std::vector<std::string> ids;        // per row; "" = let the engine generate one
  std::vector<Json> metadata;          // per row; null = none, else an object
  std::vector<std::uint64_t> lines;    // per row: source line (text) or row index (binary)
  bool line_numbers = true;            // false: `lines` holds row indexes

  std::size_t rows() const noexcept { return ids.size(); }
  std::span<const float> row(std::size_t i) const noexcept {
    return {values.data() + i * dimensions, dimensions};
  }
  // "<source>:<line>" or "<source>: row <n>", for messages about row i.
  std::string where(const std::string& source, std::size_t i) const;
};

// Parses a whole input in the given format. An empty input (no bytes, or only
// whitespace for text formats) is INVALID_ARGUMENT; a well-formed input with no
// rows (`[]`, a CSV header alone, an npy of shape (0, d)) is fine.
Result<ImportedData> parse_import(std::string_view bytes, ImportFormat format, const ImportOptions& options);

Result<ImportedData> parse_json(std::string_view bytes, const ImportOptions& options);
Result<ImportedData> parse_jsonl(std::string_view bytes, const ImportOptions& options);
Result<ImportedData> parse_csv(std::string_view bytes, const ImportOptions& options);
Result<ImportedData> parse_npy(std::string_view bytes, const ImportOptions& options);
Result<ImportedData> parse_fvecs(std::string_view bytes, const ImportOptions& options);

// A vector typed on the command line: a JSON array "[1, 2.5, -3e-2]" or bare
// comma-separated numbers "1,2.5,-3e-2" (whitespace allowed around values).
// Values must be finite and within float32 range. Empty vectors are rejected.
Result<std::vector<float>> parse_vector_text(std::string_view text);

// The shortest decimal that reads back as `value` (as float32), as a double, so
// JSON output shows 0.1 rather than 0.10000000149011612.
double float_for_json(float value);

}  // namespace ruvector::cli
