// Scalar reference quantized kernels: portable C++, no intrinsics; every other set
// is tested against these. Four accumulators (element i to accumulator i % 4), as
// in kernels_scalar.cpp.
#include "simd/quant_kernels.h"

namespace ruvector::detail {
namespace {

float dot_u8_scalar(const float* w, const std::uint8_t* c, std::size_t n) noexcept {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += w[i] * static_cast<float>(c[i]);
    s1 += w[i + 1] * static_cast<float>(c[i + 1]);
    s2 += w[i + 2] * static_cast<float>(c[i + 2]);
    s3 += w[i + 3] * static_cast<float>(c[i + 3]);
  }
  for (; i < n; ++i) s0 += w[i] * static_cast<float>(c[i]);
  return (s0 + s1) + (s2 + s3);
}

float l1_u8_scalar(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  auto term = [&](std::size_t i) {
    const float d = a[i] - s[i] * static_cast<float>(c[i]);
    return d < 0.0f ? -d : d;
  };
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += term(i);
    s1 += term(i + 1);
    s2 += term(i + 2);
    s3 += term(i + 3);
  }
  for (; i < n; ++i) s0 += term(i);
  return (s0 + s1) + (s2 + s3);
}

std::uint64_t bit_planes_scalar(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept {
  return bit_planes_from(code, planes, words, 0);
}

constexpr QuantKernels kScalar{SimdLevel::kScalar, &dot_u8_scalar, &l1_u8_scalar, &bit_planes_scalar};

}  // namespace

const QuantKernels& quant_kernels_scalar() noexcept { return kScalar; }

}  // namespace ruvector::detail
