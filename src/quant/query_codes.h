// PRIVATE header. A query prepared for distances against quantized codes. The query
// itself stays in float (asymmetric scoring); what each codec needs is precomputed
// once per query. Owned by the PreparedQuery that carries it.
#pragma once

#include <cstdint>
#include <vector>

namespace ruvector::detail {

// Threads: read-only once prepared; any number of threads may score with it.
struct QueryCodes {
  // int8: per-dimension weights. binary: per centroid j, w[2j] = the centroid's query
  // term and w[2j + 1] = |q - c_j| (for the error bound); see BinaryCodec.
  std::vector<float> w;
  float c0 = 0.0f, c1 = 0.0f;  // int8 constants (see Int8Codec)
  // int8 under euclidean, cosine and dot: w in 16-bit fixed point, w_i ~ w16_scale *
  // w16_i with |w16_i| <= 32767 (w is then left empty).
  std::vector<std::int16_t> w16;
  float w16_scale = 0.0f;
  // binary: kQueryPlanes bit planes of the rotated, centred query rounded to
  // kQueryPlanes bits (u_i = round((z_i - lo) / delta)), and the constants
  // lo, delta, zsum = sum of the rounded values (lo * D + delta * sum u_i), and
  // bound0, the query rounding's share of the error bound.
  std::vector<std::uint64_t> planes;
  float lo = 0.0f, delta = 0.0f, zsum = 0.0f, bound0 = 0.0f;
};

}  // namespace ruvector::detail
