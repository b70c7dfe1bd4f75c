// PRIVATE header. A query prepared for distances against quantized codes. The query
// itself stays in float (asymmetric scoring); what each codec needs is precomputed
// once per query. Owned by the PreparedQuery that carries it.
#pragma once

#include <cstdint>
#include <vector>

namespace ruvector::detail {

// Threads: a QueryCodes is used by one search at a time (the binary codec fills its
// per-centroid tables lazily, through the mutable members).
struct QueryCodes {
  std::vector<float> w;  // int8: per-dimension weights; binary: the rotated query
  float c0 = 0.0f, c1 = 0.0f;  // int8 constants (see Int8Codec)
  // binary, per centroid j (filled on first use): kQueryPlanes bit planes of the 4-bit
  // rotated query minus centroid j, and 4 constants (delta, lo, sum, metric term).
  mutable std::vector<std::uint64_t> planes;
  mutable std::vector<float> consts;
  mutable std::vector<unsigned char> ready;
};

}  // namespace ruvector::detail
