// BinaryCodec::decode: what a binary code stands for, for databases that dropped their
// floats (docs/quantization.md "Where the floats live"). Kept apart from the encoder
// and estimator in binary_codec.cpp.
#include <cstring>
#include <vector>

#include "quant/binary_codec.h"

namespace ruvector::detail {

void BinaryCodec::decode(const std::uint8_t* code, float* out) const noexcept {
  float f[2];
  std::memcpy(f, code + words_ * 8, sizeof f);
  std::uint32_t f2_bits;
  std::memcpy(&f2_bits, &f[1], sizeof f2_bits);
  const std::size_t j = f2_bits & 0xffu;
  constexpr float kTwoOverPi = 0.63661977f;
  // The first constant is m = 2 f1 (euclidean, manhattan) or f1 (cosine, dot).
  const float f1 = metric_ == Metric::kEuclidean || metric_ == Metric::kManhattan ? 0.5f * f[0] : f[0];
  const float a = kTwoOverPi * f1;
  std::vector<float> y(dim_);
  for (std::size_t i = 0; i < dim_; ++i) {
    const std::uint64_t word = reinterpret_cast<const std::uint64_t*>(code)[i / 64];
    y[i] = ((word >> (i % 64)) & 1u) ? a : -a;
  }
  rotation_.apply_transpose(y.data(), out);
  const float* c = centroids_.data() + (j < centroid_count_ ? j : 0) * dim_;
  for (std::size_t i = 0; i < dim_; ++i) out[i] += c[i];
}

}  // namespace ruvector::detail
