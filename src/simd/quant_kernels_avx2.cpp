// AVX2 + FMA quantized kernels (x86-64; compiled with -mavx2 -mfma -mpopcnt, chosen
// only when the float registry found AVX2 + FMA, which implies POPCNT). dot_u8_i16:
// VPMADDWD on codes widened to 16 bits, 32 per iteration; l1_u8: 32 codes per
// iteration into 4 accumulators, then 8 at a time, then a scalar tail.
#include <immintrin.h>

#include <algorithm>

#include "simd/quant_kernels.h"

namespace ruvector::detail {
namespace {

inline __m256 load_u8x8(const std::uint8_t* c) noexcept {
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(c))));
}

inline float hsum(__m256 v) noexcept {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

// 16 codes widened to 16 bits, times 16 weights, summed in pairs into 8 lanes.
inline __m256i madd16(const std::int16_t* w, const std::uint8_t* c) noexcept {
  return _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)),
                           _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(c))));
}

std::int64_t dot_u8_i16_avx2(const std::int16_t* w, const std::uint8_t* c, std::size_t n) noexcept {
  std::int64_t sum = 0;
  std::size_t i = 0;
  while (n - i >= 16) {
    const std::size_t end = i + std::min(n - i, kDotI16Block);
    __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
    for (; i + 32 <= end; i += 32) {
      a0 = _mm256_add_epi32(a0, madd16(w + i, c + i));
      a1 = _mm256_add_epi32(a1, madd16(w + i + 16, c + i + 16));
    }
    if (i + 16 <= end) {
      a0 = _mm256_add_epi32(a0, madd16(w + i, c + i));
      i += 16;
    }
    std::int32_t lanes[8];
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes), _mm256_add_epi32(a0, a1));
    sum += sum_lanes(lanes);
  }
  return sum + dot_u8_i16_from(w, c, i, n);
}

float l1_u8_avx2(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  auto step = [&](std::size_t i, __m256 acc) {
    const __m256 d = _mm256_fnmadd_ps(_mm256_loadu_ps(s + i), load_u8x8(c + i), _mm256_loadu_ps(a + i));
    return _mm256_add_ps(acc, _mm256_and_ps(d, abs_mask));
  };
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = step(i, a0);
    a1 = step(i + 8, a1);
    a2 = step(i + 16, a2);
    a3 = step(i + 24, a3);
  }
  for (; i + 8 <= n; i += 8) a0 = step(i, a0);
  float tail = 0.0f;
  for (; i < n; ++i) {
    const float d = a[i] - s[i] * static_cast<float>(c[i]);
    tail += d < 0.0f ? -d : d;
  }
  return hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3))) + tail;
}

// AVX2 has no vector popcount; the scalar POPCNT instruction does 64 bits a cycle.
std::uint64_t bit_planes_popcnt(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept {
  std::uint64_t p[kQueryPlanes] = {}, pop = 0;
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint64_t b = code[i];
    pop += static_cast<std::uint64_t>(_mm_popcnt_u64(b));
    for (std::size_t j = 0; j < kQueryPlanes; ++j)
      p[j] += static_cast<std::uint64_t>(_mm_popcnt_u64(b & planes[j * words + i]));
  }
  std::uint64_t weighted = 0;
  for (std::size_t j = 0; j < kQueryPlanes; ++j) weighted += p[j] << j;
  return (pop << 32) | weighted;
}

constexpr QuantKernels kAvx2{SimdLevel::kAvx2, "avx2", &dot_u8_i16_avx2, &l1_u8_avx2, &bit_planes_popcnt};

}  // namespace

const QuantKernels& quant_kernels_avx2() noexcept { return kAvx2; }

}  // namespace ruvector::detail
