// PRIVATE header. int8 scalar quantization with a per-dimension offset and scale:
// x_i ~ offset_i + scale_i * c_i, c_i in 0..255, where [offset_i, offset_i + 255 *
// scale_i] is the range of dimension i over the training vectors (values outside are
// clamped). Per-dimension rather than per-vector ranges: see docs/quantization.md.
//
// A code is D bytes (code_bytes()) and one f32 "extra", kept apart by the caller
// (CodeStore keeps the extras in an array of their own, so a code's bytes fill whole
// cache lines):
//   euclidean: sum (scale_i c_i)^2      cosine: 1 / |x| of the float vector
//   dot, manhattan: 0
// Asymmetric distances (query q in float, internal distances as in VectorSpace):
//   euclidean: |q - o|^2 - sum w_i c_i + extra,  w_i = 2 (q_i - o_i) s_i
//   cosine:    1 - (<q, o> + sum w_i c_i) / |q| * extra,  w_i = q_i s_i
//   dot:       -(<q, o> + sum w_i c_i)
//   manhattan: sum |(q_i - o_i) - s_i c_i|
// The query is prepared once: the constants in double, and for euclidean, cosine and
// dot the weights w_i in 16-bit fixed point (w_i ~ W w16_i, W = max |w_i| / 32767), so
// sum w_i c_i is one exact integer kernel (dot_u8_i16: VPDPWSSD / VPMADDWD / SMLAL /
// i32x4.dot) times W. The weights' rounding error is at most W/2 = max |w_i| / 65534
// per dimension, 1/128 of the codes' own rounding (half a step of 255); see
// docs/quantization.md for the measured effect (none on recall).
//
// Threads: const methods may run concurrently; train() needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "quant/query_codes.h"
#include "ruvector/metric.h"
#include "ruvector/result.h"
#include "simd/quant_kernels.h"

namespace ruvector::detail {

class Int8Codec {
 public:
  Int8Codec(std::size_t dim, Metric metric) : dim_(dim), metric_(metric), offset_(dim, 0.0f), scale_(dim, 0.0f) {}

  std::size_t code_bytes() const noexcept { return dim_; }
  // Sets the ranges from `sample` (each of length dim; non-empty).
  void train(const std::vector<const float*>& sample);
  // Writes the code_bytes() bytes of v's code to `code` and returns its extra.
  float encode(const float* v, std::uint8_t* code) const noexcept;
  // The vector the code stands for (offset + scale * c).
  void decode(const std::uint8_t* code, float* out) const noexcept;
  void prepare(const float* q, QueryCodes& out) const;
  // The trained ranges appended to `out` / read back (CORRUPTION when they do not fit
  // this codec's dimension); loading them reproduces the codec bit for bit.
  void save_parameters(std::string& out) const;
  Status load_parameters(std::string_view in);
  // False for an extra no encode() can produce (not finite). Every byte is a valid code.
  static bool extra_valid(float extra) noexcept { return std::isfinite(extra); }

  float distance(const QueryCodes& q, const std::uint8_t* code, float extra, const QuantKernels& k) const noexcept {
    switch (metric_) {
      case Metric::kEuclidean: return q.c0 - weighted_sum(q, code, k) + extra;
      case Metric::kCosine: return 1.0f - (q.c0 + weighted_sum(q, code, k)) * q.c1 * extra;
      case Metric::kDot: return -(q.c0 + weighted_sum(q, code, k));
      case Metric::kManhattan: return k.l1_u8(q.w.data(), scale_.data(), code, dim_);
    }
    return 0.0f;
  }

 private:
  // sum w_i c_i from the fixed-point weights.
  float weighted_sum(const QueryCodes& q, const std::uint8_t* code, const QuantKernels& k) const noexcept {
    return q.w16_scale * static_cast<float>(k.dot_u8_i16(q.w16.data(), code, dim_));
  }

  std::size_t dim_;
  Metric metric_;
  std::vector<float> offset_;
  std::vector<float> scale_;
};

}  // namespace ruvector::detail
