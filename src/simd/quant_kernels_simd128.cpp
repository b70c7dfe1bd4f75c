// WebAssembly SIMD128 quantized kernels (built only with -msimd128). dot_u8_i16:
// i32x4.dot_i16x8_s on codes widened to 16 bits; l1_u8: 16 codes per iteration
// (widened u8 -> u16 -> u32 -> f32) into 4 accumulators, then a scalar tail;
// popcounts with i8x16.popcnt on 16-byte blocks.
#include <wasm_simd128.h>

#include <algorithm>

#include "simd/quant_kernels.h"

#if !defined(__wasm_simd128__)
#error "quant_kernels_simd128.cpp must be compiled with -msimd128"
#endif

namespace ruvector::detail {
namespace {

struct Widened {
  v128_t v[4];
};

inline Widened widen16(const std::uint8_t* c) noexcept {
  const v128_t b = wasm_v128_load(c);
  const v128_t lo = wasm_u16x8_extend_low_u8x16(b);
  const v128_t hi = wasm_u16x8_extend_high_u8x16(b);
  return Widened{{wasm_f32x4_convert_u32x4(wasm_u32x4_extend_low_u16x8(lo)),
                  wasm_f32x4_convert_u32x4(wasm_u32x4_extend_high_u16x8(lo)),
                  wasm_f32x4_convert_u32x4(wasm_u32x4_extend_low_u16x8(hi)),
                  wasm_f32x4_convert_u32x4(wasm_u32x4_extend_high_u16x8(hi))}};
}

inline float hsum(v128_t v) noexcept {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// Codes widened to 16 bits, times the 16-bit weights, pairs summed into 32-bit lanes
// (i32x4.dot_i16x8_s), 16 a step into 2 accumulators, blocks of kDotI16Block.
std::int64_t dot_u8_i16_simd128(const std::int16_t* w, const std::uint8_t* c, std::size_t n) noexcept {
  std::int64_t sum = 0;
  std::size_t i = 0;
  while (n - i >= 16) {
    const std::size_t end = i + std::min(n - i, kDotI16Block);
    v128_t a0 = wasm_i32x4_splat(0), a1 = a0;
    for (; i + 16 <= end; i += 16) {
      const v128_t b = wasm_v128_load(c + i);
      a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_v128_load(w + i), wasm_u16x8_extend_low_u8x16(b)));
      a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(wasm_v128_load(w + i + 8), wasm_u16x8_extend_high_u8x16(b)));
    }
    std::int32_t lanes[4];
    wasm_v128_store(lanes, wasm_i32x4_add(a0, a1));
    sum += sum_lanes(lanes);
  }
  return sum + dot_u8_i16_from(w, c, i, n);
}

float l1_u8_simd128(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept {
  auto term = [](v128_t av, v128_t sv, v128_t cv) { return wasm_f32x4_abs(wasm_f32x4_sub(av, wasm_f32x4_mul(sv, cv))); };
  v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const Widened x = widen16(c + i);
    a0 = wasm_f32x4_add(a0, term(wasm_v128_load(a + i), wasm_v128_load(s + i), x.v[0]));
    a1 = wasm_f32x4_add(a1, term(wasm_v128_load(a + i + 4), wasm_v128_load(s + i + 4), x.v[1]));
    a2 = wasm_f32x4_add(a2, term(wasm_v128_load(a + i + 8), wasm_v128_load(s + i + 8), x.v[2]));
    a3 = wasm_f32x4_add(a3, term(wasm_v128_load(a + i + 12), wasm_v128_load(s + i + 12), x.v[3]));
  }
  float tail = 0.0f;
  for (; i < n; ++i) {
    const float d = a[i] - s[i] * static_cast<float>(c[i]);
    tail += d < 0.0f ? -d : d;
  }
  return hsum(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3))) + tail;
}

// Sum of the bit counts of the 16 bytes of v (at most 128).
inline std::uint64_t popcount16(v128_t v) noexcept {
  const v128_t c = wasm_u16x8_extadd_pairwise_u8x16(wasm_i8x16_popcnt(v));
  const v128_t d = wasm_u32x4_extadd_pairwise_u16x8(c);
  return static_cast<std::uint64_t>(wasm_i32x4_extract_lane(d, 0)) + wasm_i32x4_extract_lane(d, 1) +
         wasm_i32x4_extract_lane(d, 2) + wasm_i32x4_extract_lane(d, 3);
}

std::uint64_t bit_planes_simd128(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept {
  std::uint64_t pop = 0, weighted = 0;
  std::size_t i = 0;
  for (; i + 2 <= words; i += 2) {
    const v128_t b = wasm_v128_load(code + i);
    pop += popcount16(b);
    for (std::size_t j = 0; j < kQueryPlanes; ++j)
      weighted += popcount16(wasm_v128_and(b, wasm_v128_load(planes + j * words + i))) << j;
  }
  return ((pop << 32) | weighted) + bit_planes_from(code, planes, words, i);
}

constexpr QuantKernels kSimd128{SimdLevel::kSimd128, "simd128", &dot_u8_i16_simd128, &l1_u8_simd128, &bit_planes_simd128};

}  // namespace

const QuantKernels& quant_kernels_simd128() noexcept { return kSimd128; }

}  // namespace ruvector::detail
