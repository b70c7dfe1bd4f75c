// NEON quantized kernels (aarch64). dot_u8_i16: SMLAL on codes widened to 16 bits;
// l1_u8: 16 codes per iteration (widened u8 -> u16 -> u32 -> f32) into 4
// accumulators, then a scalar tail; popcounts with CNT on 16-byte blocks.
#include <arm_neon.h>

#include <algorithm>

#include "simd/quant_kernels.h"

#if !defined(__aarch64__) && !defined(_M_ARM64)
#error "quant_kernels_neon.cpp is for aarch64 only"
#endif

namespace ruvector::detail {
namespace {

struct Widened {
  float32x4_t v[4];
};

inline Widened widen16(const std::uint8_t* c) noexcept {
  const uint8x16_t b = vld1q_u8(c);
  const uint16x8_t lo = vmovl_u8(vget_low_u8(b));
  const uint16x8_t hi = vmovl_u8(vget_high_u8(b));
  return Widened{{vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo))), vcvtq_f32_u32(vmovl_u16(vget_high_u16(lo))),
                  vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi))), vcvtq_f32_u32(vmovl_u16(vget_high_u16(hi)))}};
}

// Codes widened to 16 bits, multiplied by the 16-bit weights and accumulated in 32
// bits (SMLAL), 16 a step into 4 accumulators, blocks of kDotI16Block.
std::int64_t dot_u8_i16_neon(const std::int16_t* w, const std::uint8_t* c, std::size_t n) noexcept {
  std::int64_t sum = 0;
  std::size_t i = 0;
  while (n - i >= 16) {
    const std::size_t end = i + std::min(n - i, kDotI16Block);
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 16 <= end; i += 16) {
      const uint8x16_t b = vld1q_u8(c + i);
      const int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(b)));
      const int16x8_t hi = vreinterpretq_s16_u16(vmovl_high_u8(b));
      const int16x8_t w0 = vld1q_s16(w + i), w1 = vld1q_s16(w + i + 8);
      a0 = vmlal_s16(a0, vget_low_s16(w0), vget_low_s16(lo));
      a1 = vmlal_high_s16(a1, w0, lo);
      a2 = vmlal_s16(a2, vget_low_s16(w1), vget_low_s16(hi));
      a3 = vmlal_high_s16(a3, w1, hi);
    }
    sum += vaddlvq_s32(vaddq_s32(vaddq_s32(a0, a1), vaddq_s32(a2, a3)));
  }
  return sum + dot_u8_i16_from(w, c, i, n);
}

float l1_u8_neon(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept {
  float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const Widened x = widen16(c + i);
    a0 = vaddq_f32(a0, vabsq_f32(vfmsq_f32(vld1q_f32(a + i), vld1q_f32(s + i), x.v[0])));
    a1 = vaddq_f32(a1, vabsq_f32(vfmsq_f32(vld1q_f32(a + i + 4), vld1q_f32(s + i + 4), x.v[1])));
    a2 = vaddq_f32(a2, vabsq_f32(vfmsq_f32(vld1q_f32(a + i + 8), vld1q_f32(s + i + 8), x.v[2])));
    a3 = vaddq_f32(a3, vabsq_f32(vfmsq_f32(vld1q_f32(a + i + 12), vld1q_f32(s + i + 12), x.v[3])));
  }
  float tail = 0.0f;
  for (; i < n; ++i) {
    const float d = a[i] - s[i] * static_cast<float>(c[i]);
    tail += d < 0.0f ? -d : d;
  }
  return vaddvq_f32(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3))) + tail;
}

inline std::uint64_t popcount16(uint64x2_t v) noexcept { return vaddvq_u8(vcntq_u8(vreinterpretq_u8_u64(v))); }

std::uint64_t bit_planes_neon(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept {
  std::uint64_t pop = 0, weighted = 0;
  std::size_t i = 0;
  for (; i + 2 <= words; i += 2) {
    const uint64x2_t b = vld1q_u64(code + i);
    pop += popcount16(b);
    for (std::size_t j = 0; j < kQueryPlanes; ++j)
      weighted += popcount16(vandq_u64(b, vld1q_u64(planes + j * words + i))) << j;
  }
  return ((pop << 32) | weighted) + bit_planes_from(code, planes, words, i);
}

constexpr QuantKernels kNeon{SimdLevel::kNeon, "neon", &dot_u8_i16_neon, &l1_u8_neon, &bit_planes_neon};

}  // namespace

const QuantKernels& quant_kernels_neon() noexcept { return kNeon; }

}  // namespace ruvector::detail
