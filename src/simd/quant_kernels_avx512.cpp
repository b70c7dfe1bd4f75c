// AVX-512 quantized kernels (x86-64; compiled with -mavx512f -mavx512dq -mavx512vl
// -mavx512vpopcntdq -mpopcnt, chosen only when the float registry found AVX-512
// F/DQ/VL). 64 codes per iteration into 4 accumulators, then 16 at a time, then a
// masked tail. bit_planes uses VPOPCNTDQ when the CPU has it (checked at run time),
// else the POPCNT instruction.
//
// VNNI (VPDPBUSD, u8 x s8 -> s32) does not apply: scoring is asymmetric, the query
// stays in float, so the inner product is float x u8 (docs/quantization.md).
#include <immintrin.h>

#include "simd/quant_kernels.h"

namespace ruvector::detail {
namespace {

// Horizontal sums by hand: GCC 12's _mm512_reduce_add_* trip -Wuninitialized inside
// its own header.
inline float hsum(__m512 v) noexcept {
  const __m256 y = _mm256_add_ps(_mm512_extractf32x8_ps(v, 0), _mm512_extractf32x8_ps(v, 1));
  const __m128 x = _mm_add_ps(_mm256_castps256_ps128(y), _mm256_extractf128_ps(y, 1));
  const __m128 t = _mm_add_ps(x, _mm_movehl_ps(x, x));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

inline std::uint64_t hsum64(__m512i v) noexcept {
  alignas(64) std::uint64_t lanes[8];
  _mm512_store_si512(lanes, v);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

inline __m512 load_u8x16(const std::uint8_t* c) noexcept {
  // Zero-masked forms: the plain ones trip GCC 12's -Wuninitialized (_mm512_undefined_*).
  const __mmask16 all = 0xffff;
  return _mm512_maskz_cvtepi32_ps(all, _mm512_maskz_cvtepu8_epi32(all, _mm_loadu_si128(reinterpret_cast<const __m128i*>(c))));
}

// The last r < 16 codes, zero-extended, without reading past c + r.
inline __m512 load_u8_tail(const std::uint8_t* c, std::size_t r) noexcept {
  alignas(16) std::uint8_t buf[16] = {};
  for (std::size_t i = 0; i < r; ++i) buf[i] = c[i];
  return load_u8x16(buf);
}

float dot_u8_avx512(const float* w, const std::uint8_t* c, std::size_t n) noexcept {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i), load_u8x16(c + i), a0);
    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 16), load_u8x16(c + i + 16), a1);
    a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 32), load_u8x16(c + i + 32), a2);
    a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 48), load_u8x16(c + i + 48), a3);
  }
  for (; i + 16 <= n; i += 16) a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i), load_u8x16(c + i), a0);
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + i), load_u8_tail(c + i, n - i), a1);
  }
  return hsum(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

float l1_u8_avx512(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept {
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff);
  auto term = [&](__m512 av, __m512 sv, __m512 cv) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(_mm512_fnmadd_ps(sv, cv, av)), abs_mask));
  };
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_ps(a0, term(_mm512_loadu_ps(a + i), _mm512_loadu_ps(s + i), load_u8x16(c + i)));
    a1 = _mm512_add_ps(a1, term(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(s + i + 16), load_u8x16(c + i + 16)));
    a2 = _mm512_add_ps(a2, term(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(s + i + 32), load_u8x16(c + i + 32)));
    a3 = _mm512_add_ps(a3, term(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(s + i + 48), load_u8x16(c + i + 48)));
  }
  for (; i + 16 <= n; i += 16)
    a0 = _mm512_add_ps(a0, term(_mm512_loadu_ps(a + i), _mm512_loadu_ps(s + i), load_u8x16(c + i)));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    a1 = _mm512_add_ps(a1, term(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, s + i),
                                load_u8_tail(c + i, n - i)));
  }
  return hsum(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

std::uint64_t bit_planes_vpopcnt(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept {
  __m512i pop = _mm512_setzero_si512();
  __m512i p[kQueryPlanes];
  for (__m512i& v : p) v = _mm512_setzero_si512();
  for (std::size_t i = 0; i < words; i += 8) {
    const __mmask8 m = words - i >= 8 ? static_cast<__mmask8>(0xff) : static_cast<__mmask8>((1u << (words - i)) - 1);
    const __m512i b = _mm512_maskz_loadu_epi64(m, code + i);
    pop = _mm512_add_epi64(pop, _mm512_popcnt_epi64(b));
    for (std::size_t j = 0; j < kQueryPlanes; ++j)
      p[j] = _mm512_add_epi64(
          p[j], _mm512_popcnt_epi64(_mm512_and_si512(b, _mm512_maskz_loadu_epi64(m, planes + j * words + i))));
  }
  // Plane j weighs 2^j: shift each lane sum before one horizontal sum.
  __m512i weighted = _mm512_setzero_si512();
  for (std::size_t j = 0; j < kQueryPlanes; ++j)
    weighted = _mm512_add_epi64(weighted, _mm512_maskz_sll_epi64(0xff, p[j], _mm_cvtsi32_si128(static_cast<int>(j))));
  return (hsum64(pop) << 32) | hsum64(weighted);
}

// Without VPOPCNTDQ: the POPCNT instruction (this file is compiled with -mpopcnt).
std::uint64_t bit_planes_popcnt512(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept {
  return bit_planes_from(code, planes, words, 0);
}

constexpr QuantKernels kAvx512Popcnt{SimdLevel::kAvx512, &dot_u8_avx512, &l1_u8_avx512, &bit_planes_vpopcnt};
constexpr QuantKernels kAvx512{SimdLevel::kAvx512, &dot_u8_avx512, &l1_u8_avx512, &bit_planes_popcnt512};

}  // namespace

const QuantKernels& quant_kernels_avx512() noexcept {
  static const bool vpopcnt = __builtin_cpu_supports("avx512vpopcntdq");
  return vpopcnt ? kAvx512Popcnt : kAvx512;
}

}  // namespace ruvector::detail
