// PRIVATE header. 1-bit codes with an asymmetric, RaBitQ-style distance estimate
// (after Gao & Long, "RaBitQ: Quantizing High-Dimensional Vectors with a Theoretical
// Error Bound for Approximate Nearest Neighbor Search", SIGMOD 2024; our own
// formulation, summarised here and in docs/quantization.md).
//
// Training: K centroids by k-means, k-means++ seeded (K = clamp(n / 400, 1, 128), on at most 8192
// vectors; cosine works on x / |x|), and the mean mu of the training vectors. The
// residual to the nearest centroid is what is coded: RaBitQ's error grows with
// |x - c| |q - c|, so local centroids (as in its IVF setting) make the 1-bit estimate
// far sharper than one global mean.
//
// Encoding x: j = nearest centroid, r = x - c_j, y = R r (R: Rotation), bit_i = y_i > 0,
// s = 2 bit - 1. The estimator of <r, v> for any v is f1 <s, R v> with
// f1 = |r|^2 / sum |y_i| (exact for v = r; RaBitQ's unbiased estimator up to an error
// shrinking as 1/sqrt(D)).
//
// Query, prepared once: z = R(q - mu) (one rotation), rounded to kQueryPlanes bits
// (z_i ~ lo + delta u_i), and per centroid j a term T_j (below). Because
// q - c_j = (q - mu) - (c_j - mu), the estimate of <r, q - c_j> is
// f1 <s, z> - g, with g = f1 <s, R(c_j - mu)> computed at encode time, so the centroid
// is folded into per-vector constants and a query needs one set of bit planes:
//   <s, z> = 2 (lo popcount(code) + delta sum_k 2^k popcount(code & plane_k)) - zsum,
// one call of the popcount kernel QuantKernels::bit_planes, then
//   distance = A + T_j - m <s, z>
// with (internal distances as in VectorSpace; q' = q / |q| under cosine):
//   euclidean, manhattan: m = 2 f1, A = |r|^2 + 2g,        T_j = |q - c_j|^2
//   cosine:               m = f1,   A = (|r|^2 + 2g) / 2,  T_j = |q' - c_j|^2 / 2
//   dot:                  m = f1,   A = g - <r, c_j>,      T_j = -<q, c_j>
// (manhattan walks on the euclidean estimate: a ranking surrogate only; it always
// re-ranks, rescore 0 is refused).
//
// Error bound (RaBitQ, with <xbar, obar> at its typical value sqrt(2 / pi)): with
// confidence ~ that of kBoundSigmas standard deviations,
//   |distance - estimate| <= m (kBoundSigmas * 0.6 |q' - c_j| + bound0),
// bound0 = the query rounding's share (kBoundSigmas delta sqrt(D / 12)).
//
// Code layout (code_bytes() = 8 * ceil(D / 64) + 8): sign bits (bit i of word i / 64,
// padding bits 0), then f32 m and f32 A, with the centroid number j stored in A's low
// 8 mantissa bits (a relative change below 2^-15, far under the estimator's error).
//
// Threads: const methods may run concurrently; train()/load_parameters() need
// exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "quant/query_codes.h"
#include "quant/rotation.h"
#include "ruvector/metric.h"
#include "ruvector/result.h"
#include "simd/quant_kernels.h"

namespace ruvector::detail {

class BinaryCodec {
 public:
  static constexpr std::size_t kMaxCentroids = 128;
  // Width of the error bound in (approximate) standard deviations of the estimator. 3
  // rather than 2: on clustered-768 re-ranked recall 0.983 -> 0.989 for ~40% more exact
  // distances (docs/quantization.md).
  static constexpr float kBoundSigmas = 3.0f;

  BinaryCodec(std::size_t dim, Metric metric, std::uint64_t seed)
      : dim_(dim), words_((dim + 63) / 64), metric_(metric), seed_(seed), rotation_(dim, seed) {}

  std::size_t code_bytes() const noexcept { return code_bytes_for(dim_); }
  static constexpr std::size_t code_bytes_for(std::size_t dim) noexcept { return (dim + 63) / 64 * 8 + 8; }
  std::size_t centroids() const noexcept { return centroid_count_; }
  // Centroid j (< centroids(); under cosine in the space of unit vectors) and the one a
  // vector (as given to encode()) is coded against. For analysis (bench/binary_ceiling).
  const float* centroid(std::size_t j) const noexcept { return centroids_.data() + j * dim_; }
  std::size_t nearest_centroid_of(const float* v) const;
  // k-means on `sample` (each of length dim; non-empty).
  void train(const std::vector<const float*>& sample);
  // `code` must be 8-byte aligned.
  void encode(const float* v, std::uint8_t* code) const noexcept;
  void prepare(const float* q, QueryCodes& out) const;
  std::size_t memory_bytes() const noexcept {
    return (centroids_.size() + mean_.size() + rotated_offsets_.size()) * sizeof(float);
  }

  // The trained parameters (centroids and mean; the rotation follows from the seed),
  // appended to `out` / read back from `in` (CORRUPTION when they do not fit this
  // codec's dimension). Loading them reproduces the codec bit for bit.
  void save_parameters(std::string& out) const;
  Status load_parameters(std::string_view in);
  // False for a code no encode() can produce (centroid number out of range, non-finite
  // constants, padding bits set).
  bool code_valid(const std::uint8_t* code) const noexcept;
  // The vector a code stands for (binary_decode.cpp): c_j + R^T (a s), s_i = +-1 the
  // sign bits, a = 2 f1 / pi the mean |y_i| of a rotated residual (|y_i| ~ half-normal:
  // sum |y_i| ~ |r| sqrt(2D / pi)). Under cosine a direction near x / |x|.
  void decode(const std::uint8_t* code, float* out) const noexcept;
  // The distance (internal, as distance()) between the vectors two codes stand for,
  // computed in the rotated space (R c_j + a s: O(D), no rotation; R is orthogonal, so
  // distances and inner products are those of the decoded vectors). For graph building
  // when the floats were dropped. Manhattan: the euclidean one.
  float pair_distance(const std::uint8_t* a, const std::uint8_t* b) const noexcept;

  float distance(const QueryCodes& q, const std::uint8_t* code, const QuantKernels& k) const noexcept {
    float f[2];
    std::uint32_t j;
    read_constants(q, code, f, j);
    const std::uint64_t r = k.bit_planes(reinterpret_cast<const std::uint64_t*>(code), q.planes.data(), words_);
    const float sz = 2.0f * (q.lo * static_cast<float>(r >> 32) + q.delta * static_cast<float>(r & 0xffffffffu)) - q.zsum;
    return f[1] + q.w[2 * j] - f[0] * sz;
  }
  // How far below distance() the true distance may be (see the error bound above).
  float error_bound(const QueryCodes& q, const std::uint8_t* code) const noexcept {
    float f[2];
    std::uint32_t j;
    read_constants(q, code, f, j);
    return f[0] * (kBoundSigmas * 0.6f * q.w[2 * j + 1] + q.bound0);
  }

 private:
  void read_constants(const QueryCodes&, const std::uint8_t* code, float f[2], std::uint32_t& j) const noexcept {
    std::memcpy(f, code + words_ * 8, 2 * sizeof(float));
    std::memcpy(&j, &f[1], sizeof j);
    j &= 0xffu;
  }
  // v (normalised under cosine) into out.
  void input(const float* v, float* out) const noexcept;
  std::size_t nearest_centroid(const float* x) const noexcept;
  // The k-means starting centres from the first n normalised sample rows in xs.
  void seed_centroids(const std::vector<float>& xs, std::size_t n);
  // Derived from centroids_ and mean_: R(c_j - mu).
  void derive();

  std::size_t dim_;
  std::size_t words_;
  Metric metric_;
  std::uint64_t seed_;  // the rotation's and the k-means seeding's
  Rotation rotation_;
  std::size_t centroid_count_ = 0;
  std::vector<float> centroids_;        // centroid_count_ * dim_
  std::vector<float> mean_;             // dim_
  std::vector<float> rotated_offsets_;  // R (c_j - mu), centroid_count_ * dim_ (encode only)
};

}  // namespace ruvector::detail
