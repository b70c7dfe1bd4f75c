// AVX-512 quantized kernels (x86-64; compiled with -mavx512f -mavx512dq -mavx512vl
// -mavx512vpopcntdq -mpopcnt, chosen only when the float registry found AVX-512
// F/DQ/VL). Extensions checked at run time, each used only by functions compiled for
// it (target attributes): BW widens 32 codes to 16 bits for VPMADDWD in dot_u8_i16
// (without BW, the AVX2 kernel), VNNI fuses multiply and add (VPDPWSSD, 16-bit x
// 16-bit: the query weights keep 16 bits, docs/quantization.md), VPOPCNTDQ counts
// bit_planes' bits (else the POPCNT instruction). l1_u8: 64 codes per iteration into
// 4 accumulators, then 16 at a time, then a masked tail.
#include <immintrin.h>

#include <algorithm>
#include <vector>

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

// dot_u8_i16 over 32 elements a step: codes widened to 16 bits (BW), times the
// weights, pairs summed into 16 lanes, two accumulators, blocks of kDotI16Block. The
// two variants differ in the step only: VPMADDWD + VPADDD, or VNNI's VPDPWSSD. Each
// is a whole function with its own target, so no instruction of one reaches the other.
__attribute__((target("avx512bw"))) inline __m512i widen32(const std::uint8_t* c) noexcept {
  return _mm512_cvtepu8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(c)));
}

__attribute__((target("avx512bw"))) inline __m512i madd_step(__m512i acc, const std::int16_t* w,
                                                              const std::uint8_t* c) noexcept {
  return _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_loadu_si512(w), widen32(c)));
}

__attribute__((target("avx512bw,avx512vnni"))) inline __m512i vnni_step(__m512i acc, const std::int16_t* w,
                                                                       const std::uint8_t* c) noexcept {
  return _mm512_dpwssd_epi32(acc, _mm512_loadu_si512(w), widen32(c));
}

inline std::int64_t sum_lanes512(__m512i a0, __m512i a1) noexcept {
  std::int32_t lanes[16];
  _mm512_storeu_si512(lanes, _mm512_add_epi32(a0, a1));
  return sum_lanes(lanes);
}

__attribute__((target("avx512bw"))) std::int64_t dot_u8_i16_avx512bw(const std::int16_t* w, const std::uint8_t* c,
                                                                     std::size_t n) noexcept {
  std::int64_t sum = 0;
  std::size_t i = 0;
  while (n - i >= 32) {
    const std::size_t end = i + std::min(n - i, kDotI16Block);
    __m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512();
    for (; i + 64 <= end; i += 64) {
      a0 = madd_step(a0, w + i, c + i);
      a1 = madd_step(a1, w + i + 32, c + i + 32);
    }
    if (i + 32 <= end) {
      a0 = madd_step(a0, w + i, c + i);
      i += 32;
    }
    sum += sum_lanes512(a0, a1);
  }
  return sum + dot_u8_i16_from(w, c, i, n);
}

__attribute__((target("avx512bw,avx512vnni"))) std::int64_t dot_u8_i16_avx512vnni(const std::int16_t* w,
                                                                                  const std::uint8_t* c,
                                                                                  std::size_t n) noexcept {
  std::int64_t sum = 0;
  std::size_t i = 0;
  while (n - i >= 32) {
    const std::size_t end = i + std::min(n - i, kDotI16Block);
    __m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512();
    for (; i + 64 <= end; i += 64) {
      a0 = vnni_step(a0, w + i, c + i);
      a1 = vnni_step(a1, w + i + 32, c + i + 32);
    }
    if (i + 32 <= end) {
      a0 = vnni_step(a0, w + i, c + i);
      i += 32;
    }
    sum += sum_lanes512(a0, a1);
  }
  return sum + dot_u8_i16_from(w, c, i, n);
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

// Every combination of the optional extensions, in the order the variants list them.
struct Avx512Sets {
  std::vector<QuantKernels> sets;
  std::size_t best = 0;
};

const Avx512Sets& avx512_sets() {
  static const Avx512Sets sets = [] {
    Avx512Sets s;
    const bool bw = __builtin_cpu_supports("avx512bw");
    const bool vnni = bw && __builtin_cpu_supports("avx512vnni");
    const bool vpopcnt = __builtin_cpu_supports("avx512vpopcntdq");
    // Without BW the 16-bit widening is AVX2's (256 bits).
    auto add = [&](const char* name, std::int64_t (*dot)(const std::int16_t*, const std::uint8_t*, std::size_t) noexcept,
                   bool popcnt_dq) {
      s.sets.push_back(QuantKernels{SimdLevel::kAvx512, name, dot, &l1_u8_avx512,
                                    popcnt_dq ? &bit_planes_vpopcnt : &bit_planes_popcnt512});
    };
    add("avx512", quant_kernels_avx2().dot_u8_i16, false);
    if (vpopcnt) add("avx512-vpopcntdq", quant_kernels_avx2().dot_u8_i16, true);
    if (bw) add("avx512-bw", &dot_u8_i16_avx512bw, vpopcnt);
    if (vnni) add("avx512-bw-vnni", &dot_u8_i16_avx512vnni, vpopcnt);
    s.best = s.sets.size() - 1;
    return s;
  }();
  return sets;
}

}  // namespace

const QuantKernels& quant_kernels_avx512() noexcept {
  const Avx512Sets& s = avx512_sets();
  return s.sets[s.best];
}

std::vector<const QuantKernels*> quant_kernels_avx512_variants() {
  std::vector<const QuantKernels*> out;
  for (const QuantKernels& k : avx512_sets().sets) out.push_back(&k);
  return out;
}

}  // namespace ruvector::detail
