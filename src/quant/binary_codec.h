// PRIVATE header. 1-bit codes with an asymmetric, RaBitQ-style distance estimate
// (after Gao & Long, "RaBitQ: Quantizing High-Dimensional Vectors with a Theoretical
// Error Bound for Approximate Nearest Neighbor Search", SIGMOD 2024; our own
// formulation, summarised here and in docs/quantization.md).
//
// Training: K centroids by k-means (K = clamp(n / 400, 1, 128), on at most 8192
// vectors; cosine works on x / |x|). The residual to the nearest centroid is what is
// coded: RaBitQ's error grows with |x - c| |q - c|, so local centroids (as in its
// IVF setting) make the 1-bit estimate far sharper than one global mean.
//
// Encoding x: j = nearest centroid, r = x - c_j, y = R r (R: Rotation), bit_i = y_i > 0.
// The code stands for the unit vector xbar = (2 bit - 1) / sqrt(D) in the rotated
// space; the estimator of <r, v> for any v is |r| <xbar, R v> / <xbar, R r / |r|>
// (unbiased up to an error shrinking as 1/sqrt(D)). With sum_abs = sum |y_i| that is
// f1 * (2 S - sum (R v)_i), f1 = |r|^2 / sum_abs, S = sum of (R v)_i over set bits.
//
// The query stays in float except inside S: R(q - c_j) = Rq - Rc_j (rotation is
// linear; Rc_j is precomputed) is rounded to 4 bits, u_i = round((y_i - lo) / delta),
// so S ~ delta * sum_{bit} u_i + lo * popcount(code), and sum_{bit} u_i =
// sum_k 2^k popcount(code & plane_k): the popcount kernel QuantKernels::bit_planes.
//
// Code layout (code_bytes() = 8 * ceil(D / 64) + 8): sign bits (bit i of word i / 64,
// padding bits 0), then f32 f1 and f32 f2, where f2 = |r|^2 (euclidean, cosine,
// manhattan) or <r, c_j> (dot), with the centroid number j stored in f2's low 8
// mantissa bits (a relative change below 2^-15, far under the estimator's error).
// Internal distance estimates (as in VectorSpace), ip = estimate of <r, q - c_j>:
//   euclidean: f2 + |q - c_j|^2 - 2 ip     cosine: (f2 + |q' - c_j|^2 - 2 ip) / 2
//   dot: -(ip + f2 + <c_j, q>)             manhattan: the euclidean estimate (a ranking
//   surrogate only: manhattan always re-ranks, rescore 0 is refused).
//
// Threads: const methods may run concurrently (distance() only fills the QueryCodes
// it is given); train() needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "quant/query_codes.h"
#include "quant/rotation.h"
#include "ruvector/metric.h"
#include "simd/quant_kernels.h"

namespace ruvector::detail {

class BinaryCodec {
 public:
  static constexpr std::size_t kMaxCentroids = 128;

  BinaryCodec(std::size_t dim, Metric metric, std::uint64_t seed)
      : dim_(dim), words_((dim + 63) / 64), metric_(metric), rotation_(dim, seed) {}

  std::size_t code_bytes() const noexcept { return words_ * 8 + 8; }
  std::size_t centroids() const noexcept { return centroid_count_; }
  // k-means on `sample` (each of length dim; non-empty).
  void train(const std::vector<const float*>& sample);
  // `code` must be 8-byte aligned.
  void encode(const float* v, std::uint8_t* code) const noexcept;
  void prepare(const float* q, QueryCodes& out) const;
  std::size_t memory_bytes() const noexcept { return (centroids_.size() + rotated_centroids_.size()) * sizeof(float); }

  float distance(const QueryCodes& q, const std::uint8_t* code, const QuantKernels& k) const noexcept {
    float f[2];
    std::memcpy(f, code + words_ * 8, sizeof f);
    std::uint32_t f2_bits;
    std::memcpy(&f2_bits, &f[1], sizeof f2_bits);
    const std::size_t j = f2_bits & 0xffu;
    if (!q.ready[j]) fill_centroid(q, j);
    const float* c = q.consts.data() + 4 * j;
    const std::uint64_t r =
        k.bit_planes(reinterpret_cast<const std::uint64_t*>(code), q.planes.data() + j * kQueryPlanes * words_, words_);
    const float s = c[0] * static_cast<float>(r & 0xffffffffu) + c[1] * static_cast<float>(r >> 32);
    const float ip = f[0] * (2.0f * s - c[2]);
    switch (metric_) {
      case Metric::kDot: return -(ip + f[1] + c[3]);
      case Metric::kCosine: return 0.5f * (f[1] + c[3] - 2.0f * ip);
      default: return f[1] + c[3] - 2.0f * ip;
    }
  }

 private:
  // v (normalised under cosine) into out.
  void input(const float* v, float* out) const noexcept;
  std::size_t nearest_centroid(const float* x) const noexcept;
  // The query tables for centroid j.
  void fill_centroid(const QueryCodes& q, std::size_t j) const noexcept;

  std::size_t dim_;
  std::size_t words_;
  Metric metric_;
  Rotation rotation_;
  std::size_t centroid_count_ = 0;
  std::vector<float> centroids_;          // centroid_count_ * dim_
  std::vector<float> rotated_centroids_;  // R c_j
};

}  // namespace ruvector::detail
