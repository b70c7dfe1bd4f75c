// libFuzzer target for the reader of the reference system's redb files
// (src/import/redb_reader.cpp).
//
// Input layout: byte 0 bit 0 set = checksums not compared (so mutations reach the
// structural checks behind them); the rest is the file. Checks: no crash, no sanitizer
// report, no allocation beyond what the input justifies; an error is CORRUPTION or
// UNSUPPORTED; a success holds records in strictly ascending id order, every vector of
// the reported dimensions, and metadata that is empty or a JSON object.
//
// Seeds: tests/fuzz/corpus/redb_reader_fuzz/ (a reference file re-laid out with
// 1 KiB pages so it stays small; `make fuzz` copies it into the build directory).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "import/redb_reader.h"
#include "ruvector/json.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "redb_reader_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool verify = (data[0] & 1) == 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto db = ruvector::detail::parse_reference_database(file, verify);
  if (!db.ok()) {
    Check(db.status().code() == ruvector::StatusCode::kCorruption ||
              db.status().code() == ruvector::StatusCode::kUnsupported,
          "error code other than CORRUPTION / UNSUPPORTED");
    return 0;
  }
  for (std::size_t i = 0; i < db->records.size(); ++i) {
    const ruvector::StoredRecord& r = db->records[i];
    Check(i == 0 || db->records[i - 1].id < r.id, "ids not strictly ascending");
    Check(r.vector.size() == db->dimensions && !r.vector.empty(), "vector of the wrong length");
    if (!r.metadata_json.empty())
      Check(ruvector::Json::parse(r.metadata_json, nullptr, false).is_object(), "metadata not a JSON object");
  }
  return 0;
}
