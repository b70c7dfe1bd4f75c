// Scalar reference quantized kernels: portable C++, no intrinsics; every other set
// is tested against these. dot_u8_i16 sums in 64 bits (exact); l1_u8 uses four
// accumulators (element i to accumulator i % 4), as in kernels_scalar.cpp.
#include "simd/quant_kernels.h"

namespace ruvector::detail {
namespace {

std::int64_t dot_u8_i16_scalar(const std::int16_t* w, const std::uint8_t* c, std::size_t n) noexcept {
  return dot_u8_i16_from(w, c, 0, n);
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

constexpr QuantKernels kScalar{SimdLevel::kScalar, "scalar", &dot_u8_i16_scalar, &l1_u8_scalar, &bit_planes_scalar};

}  // namespace

const QuantKernels& quant_kernels_scalar() noexcept { return kScalar; }

}  // namespace ruvector::detail
