// libFuzzer target for the engine's record readers (src/records/record_readers.cpp):
// JSON, JSON Lines, CSV, .npy, .fvecs, snapshots, and vectors typed on the command line.
//
// Input layout: byte 0 picks the format (mod 7, in RecordFormat order; 6 = parse_vector_text), byte 1 the
// options (expected dimensions 0/2/3/784, an id prefix, a row
// limit); the rest is the file. Checks: no crash, no exception, no sanitizer report,
// no allocation beyond what the input justifies (libFuzzer's -rss_limit_mb), errors
// are INVALID_ARGUMENT / DIMENSION_MISMATCH (CORRUPTION for snapshots) naming the source, and a success holds
// rows x dimensions finite values with per-row ids, metadata and locations.
//
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DRUVECTOR_BUILD_FUZZ=ON
//        ninja -C build-fuzz record_readers_fuzz && build-fuzz/tests/record_readers_fuzz -max_total_time=20
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ruvector/record_io.h"
#include "ruvector/types.h"

namespace {

using ruvector::StatusCode;
using namespace ruvector;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "record_readers_fuzz: check failed: %s\n", what);
    std::abort();
  }
}

void CheckError(const ruvector::Status& s, bool named) {
  Check(s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kDimensionMismatch ||
            s.code() == StatusCode::kCorruption,
        "error code is INVALID_ARGUMENT, DIMENSION_MISMATCH or CORRUPTION");
  Check(!s.message().empty(), "error has a message");
  if (named) Check(s.message().rfind("fuzz", 0) == 0, "error message starts with the source name");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned which = data[0] % 7;
  const unsigned flags = data[1];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);

  if (which == 6) {
    auto v = parse_vector_text(bytes);
    if (!v.ok()) {
      CheckError(v.status(), false);
      return 0;
    }
    Check(!v->empty() && v->size() <= ruvector::kMaxDimensions, "vector length in range");
    for (float x : *v) Check(std::isfinite(x), "vector values are finite");
    return 0;
  }

  static constexpr std::uint32_t kDims[] = {0, 2, 3, 784};
  RecordReadOptions options;
  options.source = "fuzz";
  options.dimensions = kDims[flags & 3];
  if (flags & 8) options.id_prefix = "p";
  if (flags & 16) options.max_rows = 1 + ((flags >> 5) & 3);
  const auto format = static_cast<RecordFormat>(which);
  auto r = read_records(bytes, format, options);
  if (!r.ok()) {
    CheckError(r.status(), true);
    return 0;
  }
  const RecordRows& d = *r;
  const std::size_t rows = d.rows();
  Check(d.metadata.size() == rows && d.lines.size() == rows, "per-row columns have one entry per row");
  Check(d.values.size() == rows * d.dimensions, "values hold rows x dimensions");
  if (rows > 0) Check(d.dimensions >= 1 && d.dimensions <= ruvector::kMaxDimensions, "dimensions in range");
  if (options.dimensions != 0 && rows > 0) Check(d.dimensions == options.dimensions, "expected dimensions kept");
  if (options.max_rows != 0) Check(rows <= options.max_rows, "row limit honoured");
  for (float x : d.values) Check(std::isfinite(x), "values are finite");
  for (std::size_t i = 0; i < rows; ++i) {
    Check(d.ids[i].size() <= ruvector::kMaxIdBytes, "ids within the limit");
    Check(d.metadata[i].is_null() || d.metadata[i].is_object(), "metadata is null or an object");
    if (format == RecordFormat::kNpy || format == RecordFormat::kFvecs || options.id_prefix)
      Check(!d.ids[i].empty(), "rows get <prefix><row> ids");
    Check(d.where("fuzz", i).rfind("fuzz", 0) == 0, "where() names the source");
  }
  return 0;
}
