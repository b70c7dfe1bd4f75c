// The import/export record formats every face shares: readers for JSON, JSON Lines,
// CSV, NumPy .npy, .fvecs and portable snapshots, and the JSON Lines writer. Both
// command line tools (tools/cli and npm/ruvector/bin, through the Node addon or the
// wasm module) use these and nothing else, so a file reads the same everywhere.
//
// Readers are pure functions from bytes to rows; they never touch a database, never
// throw, and allocate no more than the input's size justifies (declared sizes are
// checked against the byte count first), so they can be unit tested and fuzzed
// (tests/unit/record_readers_test.cpp, tests/fuzz/record_readers_fuzz.cpp).
// Thread safety: every function is reentrant.
//
// Every error names its place: "<source>:<line>: ..." for text formats (the line a
// row starts on, 1-based) and "<source>: row <n>: ..." for binary ones (0-based, as
// numpy counts). Wrong vector lengths are DIMENSION_MISMATCH, a damaged snapshot is
// CORRUPTION, everything else is INVALID_ARGUMENT. The formats are specified in docs/cli.md ("Import formats").
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
#include "ruvector/types.h"

namespace ruvector {

enum class RecordFormat { kJson, kJsonl, kCsv, kNpy, kFvecs, kSnapshot };

// "json", "jsonl", "csv", "npy", "fvecs", "snapshot".
const char* record_format_name(RecordFormat format) noexcept;
// Case-insensitive name; also "ndjson" for JSON Lines. INVALID_ARGUMENT otherwise.
Result<RecordFormat> parse_record_format(std::string_view name);
// From the file name's extension (.json .jsonl .ndjson .csv .npy .fvecs).
// INVALID_ARGUMENT (asking for --format) when there is none or it is unknown.
Result<RecordFormat> record_format_from_path(std::string_view path);

struct RecordReadOptions {
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

// The options as the Node addon and the wasm module receive them from JS: a JSON object
// {source, dimensions, idPrefix, maxRows}, every key optional; keys of another type or
// unknown keys are ignored (defaults above).
RecordReadOptions record_read_options_from_json(const Json& options);

// Parsed rows, columnar. Every row has `dimensions` finite values.
struct RecordRows {
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
Result<RecordRows> read_records(std::string_view bytes, RecordFormat format, const RecordReadOptions& options);

Result<RecordRows> read_json_records(std::string_view bytes, const RecordReadOptions& options);
Result<RecordRows> read_jsonl_records(std::string_view bytes, const RecordReadOptions& options);
Result<RecordRows> read_csv_records(std::string_view bytes, const RecordReadOptions& options);
Result<RecordRows> read_npy_records(std::string_view bytes, const RecordReadOptions& options);
Result<RecordRows> read_fvecs_records(std::string_view bytes, const RecordReadOptions& options);
// The records of a portable snapshot (any face's serialize()), checksums verified; ids
// and metadata as stored, `lines` = record index. `dimensions` set and different from
// the snapshot's: DIMENSION_MISMATCH. Settings and the index image are not used.
Result<RecordRows> read_snapshot_records(std::string_view bytes, const RecordReadOptions& options);

// A vector typed on the command line: a JSON array "[1, 2.5, -3e-2]" or bare
// comma-separated numbers "1,2.5,-3e-2" (whitespace allowed around values).
// Values must be finite and within float32 range. Empty vectors are rejected.
Result<std::vector<float>> parse_vector_text(std::string_view text);

// The shortest decimal that reads back as `value` (as float32), as a double, so
// JSON output shows 0.1 rather than 0.10000000149011612.
double float_for_json(float value);

// ---- writers ----

// Appends one JSON Lines row, {"id":"..","vector":[..],"metadata":{..}}\n (no
// "metadata" key when it is null), floats in their shortest exact form, so reading
// it back gives bit-identical vectors.
void append_jsonl_record(const Record& record, std::string& out);

// Every record of a snapshot as JSON Lines, in the snapshot's order. Errors as
// read_snapshot_records.
Result<std::string> snapshot_to_jsonl(std::string_view snapshot_bytes, const std::string& source = "snapshot");

}  // namespace ruvector
