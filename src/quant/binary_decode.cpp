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

float BinaryCodec::pair_distance(const std::uint8_t* a, const std::uint8_t* b) const noexcept {
  // y = R (c_j - mu) + (2 f1 / pi) s for each code (R mu, common to both, cancels in
  // differences; dot adds it back); then the metric on y.
  auto unpack = [&](const std::uint8_t* code, std::size_t& j) {
    float f[2];
    std::memcpy(f, code + words_ * 8, sizeof f);
    std::uint32_t f2_bits;
    std::memcpy(&f2_bits, &f[1], sizeof f2_bits);
    j = f2_bits & 0xffu;
    if (j >= centroid_count_) j = 0;
    const float f1 = metric_ == Metric::kEuclidean || metric_ == Metric::kManhattan ? 0.5f * f[0] : f[0];
    return 0.63661977f * f1;
  };
  std::size_t ja = 0, jb = 0;
  const float sa = unpack(a, ja), sb = unpack(b, jb);
  const float* ca = rotated_offsets_.data() + ja * dim_;
  const float* cb = rotated_offsets_.data() + jb * dim_;
  thread_local std::vector<float> rmu;
  if (metric_ == Metric::kDot) {
    rmu.resize(dim_);
    rotation_.apply(mean_.data(), rmu.data());
  }
  const auto* wa = reinterpret_cast<const std::uint64_t*>(a);
  const auto* wb = reinterpret_cast<const std::uint64_t*>(b);
  double d = 0.0, dot = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    const float ya = ca[i] + (((wa[i / 64] >> (i % 64)) & 1u) ? sa : -sa);
    const float yb = cb[i] + (((wb[i / 64] >> (i % 64)) & 1u) ? sb : -sb);
    d += static_cast<double>(ya - yb) * (ya - yb);
    if (metric_ == Metric::kDot) dot += static_cast<double>(ya + rmu[i]) * (yb + rmu[i]);
  }
  switch (metric_) {
    case Metric::kDot: return static_cast<float>(-dot);
    case Metric::kCosine: return static_cast<float>(0.5 * d);  // unit inputs: 1 - cos = |u - v|^2 / 2
    default: return static_cast<float>(d);
  }
}

}  // namespace ruvector::detail
