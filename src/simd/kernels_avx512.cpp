// AVX-512 kernels (x86-64, F + DQ + VL). This file alone is compiled with
// -mavx512f -mavx512dq -mavx512vl -mavx2 -mfma; the registry only hands these out
// after __builtin_cpu_supports confirms avx512f, avx512dq, avx512vl, avx2 and fma.
//
// Main loop: 4 zmm vectors (64 floats) per iteration into 4 independent
// accumulators; then whole vectors into one accumulator; then the last 1..15
// floats with a zero-masked load (masked-off lanes are not accessed and cannot
// fault; they read as 0 and add nothing).
#include <immintrin.h>

#include <cstddef>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

#if !defined(__AVX512F__) || !defined(__AVX512DQ__) || !defined(__AVX512VL__) || !defined(__FMA__)
#error "kernels_avx512.cpp must be compiled with -mavx512f -mavx512dq -mavx512vl -mavx2 -mfma"
#endif

namespace ruvector::detail {
namespace {

inline __mmask16 tail_mask(std::size_t rem) noexcept {  // rem in [1, 15]
  return static_cast<__mmask16>((1u << rem) - 1u);
}

// Horizontal sum. (GCC 12's _mm512_reduce_add_ps trips -Wuninitialized inside
// its own header, so reduce by hand; vextractf32x8 is AVX512DQ.)
inline float hsum(__m512 v) noexcept {
  const __m256 y = _mm256_add_ps(_mm512_extractf32x8_ps(v, 0), _mm512_extractf32x8_ps(v, 1));
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(y), _mm256_extractf128_ps(y, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 0x55));
  return _mm_cvtss_f32(x);
}

struct L2sqOp {
  static __m512 step(__m512 acc, __m512 x, __m512 y) noexcept {
    const __m512 d = _mm512_sub_ps(x, y);
    return _mm512_fmadd_ps(d, d, acc);
  }
};
struct DotOp {
  static __m512 step(__m512 acc, __m512 x, __m512 y) noexcept { return _mm512_fmadd_ps(x, y, acc); }
};
struct L1Op {
  static __m512 step(__m512 acc, __m512 x, __m512 y) noexcept {
    return _mm512_add_ps(acc, _mm512_abs_ps(_mm512_sub_ps(x, y)));
  }
};

template <class Op>
inline float reduce(const float* a, const float* b, std::size_t n) noexcept {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    s0 = Op::step(s0, _mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    s1 = Op::step(s1, _mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    s2 = Op::step(s2, _mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
    s3 = Op::step(s3, _mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
  }
  for (; i + 16 <= n; i += 16) s0 = Op::step(s0, _mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    s1 = Op::step(s1, _mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
  }
  return hsum(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

float l2sq_avx512(const float* a, const float* b, std::size_t n) noexcept { return reduce<L2sqOp>(a, b, n); }
float dot_avx512(const float* a, const float* b, std::size_t n) noexcept { return reduce<DotOp>(a, b, n); }
float l1_avx512(const float* a, const float* b, std::size_t n) noexcept { return reduce<L1Op>(a, b, n); }

// dot, |a|^2 and |b|^2 in one pass: 4 vectors per iteration, 12 accumulators.
struct CosAcc {
  __m512 d, na, nb;
  void step(__m512 x, __m512 y) noexcept {
    d = _mm512_fmadd_ps(x, y, d);
    na = _mm512_fmadd_ps(x, x, na);
    nb = _mm512_fmadd_ps(y, y, nb);
  }
};

float cosine_avx512(const float* a, const float* b, std::size_t n) noexcept {
  const __m512 z = _mm512_setzero_ps();
  CosAcc c0{z, z, z}, c1{z, z, z}, c2{z, z, z}, c3{z, z, z};
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    c0.step(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    c1.step(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    c2.step(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
    c3.step(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
  }
  for (; i + 16 <= n; i += 16) c0.step(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    c1.step(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
  }
  const float d = hsum(_mm512_add_ps(_mm512_add_ps(c0.d, c1.d), _mm512_add_ps(c2.d, c3.d)));
  const float na = hsum(_mm512_add_ps(_mm512_add_ps(c0.na, c1.na), _mm512_add_ps(c2.na, c3.na)));
  const float nb = hsum(_mm512_add_ps(_mm512_add_ps(c0.nb, c1.nb), _mm512_add_ps(c2.nb, c3.nb)));
  return finish_cosine(d, na, nb);
}

constexpr Kernels kAvx512Kernels{SimdLevel::kAvx512, &l2sq_avx512, &dot_avx512, &l1_avx512, &cosine_avx512};

}  // namespace

const Kernels& kernels_avx512() noexcept { return kAvx512Kernels; }

}  // namespace ruvector::detail
