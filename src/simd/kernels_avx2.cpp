// AVX2 + FMA kernels (x86-64). This file alone is compiled with -mavx2 -mfma; the
// registry only hands these out after __builtin_cpu_supports("avx2") && ("fma").
//
// Main loop: 4 vectors (32 floats) per iteration into 4 independent accumulators,
// which covers the FMA latency (4 cycles) at two loads per operand per cycle.
// Then whole vectors into one accumulator. The last 1..7 floats: when n >= 8,
// reload the LAST full vector (overlapping floats already summed) and zero the
// already-summed lanes; zero lanes add nothing to any of the sums. Below 8 floats,
// plain scalar code. No vmaskmovps: AMD documents fault behaviour for masked-off
// lanes as implementation dependent (and QEMU 7.2 does fault), while the contract
// is to never touch memory past a+n.
#include <immintrin.h>

#include <cstddef>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

#if !defined(__AVX2__) || !defined(__FMA__)
#error "kernels_avx2.cpp must be compiled with -mavx2 -mfma"
#endif

namespace ruvector::detail {
namespace {

// kKeepLast + rem points at 8 ints whose last `rem` are all-ones.
constexpr int kKeepLast[16] = {0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1};

// Lanes [8 - rem, 8) kept, the others zeroed (rem in [1, 7]).
inline __m256 keep_last_mask(std::size_t rem) noexcept {
  return _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(kKeepLast + rem)));
}

inline float hsum(__m256 v) noexcept {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 0x55));
  return _mm_cvtss_f32(x);
}

struct L2sqOp {
  static __m256 step(__m256 acc, __m256 x, __m256 y) noexcept {
    const __m256 d = _mm256_sub_ps(x, y);
    return _mm256_fmadd_ps(d, d, acc);
  }
  static float scalar(float x, float y) noexcept { return (x - y) * (x - y); }
};
struct DotOp {
  static __m256 step(__m256 acc, __m256 x, __m256 y) noexcept { return _mm256_fmadd_ps(x, y, acc); }
  static float scalar(float x, float y) noexcept { return x * y; }
};
struct L1Op {
  static __m256 step(__m256 acc, __m256 x, __m256 y) noexcept {
    return _mm256_add_ps(acc, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(x, y)));
  }
  static float scalar(float x, float y) noexcept { return x > y ? x - y : y - x; }
};

template <class Op>
inline float reduce(const float* a, const float* b, std::size_t n) noexcept {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = Op::step(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    s1 = Op::step(s1, _mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    s2 = Op::step(s2, _mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    s3 = Op::step(s3, _mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
  }
  for (; i + 8 <= n; i += 8) s0 = Op::step(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
  float tail = 0.0f;
  if (i < n) {
    if (n >= 8) {
      const __m256 keep = keep_last_mask(n - i);
      s1 = Op::step(s1, _mm256_and_ps(keep, _mm256_loadu_ps(a + n - 8)), _mm256_and_ps(keep, _mm256_loadu_ps(b + n - 8)));
    } else {
      for (; i < n; ++i) tail += Op::scalar(a[i], b[i]);
    }
  }
  return hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) + tail;
}

float l2sq_avx2(const float* a, const float* b, std::size_t n) noexcept { return reduce<L2sqOp>(a, b, n); }
float dot_avx2(const float* a, const float* b, std::size_t n) noexcept { return reduce<DotOp>(a, b, n); }
float l1_avx2(const float* a, const float* b, std::size_t n) noexcept { return reduce<L1Op>(a, b, n); }

// dot, |a|^2 and |b|^2 in one pass: 4 vectors per iteration, 12 accumulators.
struct CosAcc {
  __m256 d, na, nb;
  void step(__m256 x, __m256 y) noexcept {
    d = _mm256_fmadd_ps(x, y, d);
    na = _mm256_fmadd_ps(x, x, na);
    nb = _mm256_fmadd_ps(y, y, nb);
  }
};

float cosine_avx2(const float* a, const float* b, std::size_t n) noexcept {
  const __m256 z = _mm256_setzero_ps();
  CosAcc c0{z, z, z}, c1{z, z, z}, c2{z, z, z}, c3{z, z, z};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    c0.step(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    c1.step(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    c2.step(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    c3.step(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
  }
  for (; i + 8 <= n; i += 8) c0.step(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
  float td = 0.0f, ta = 0.0f, tb = 0.0f;
  if (i < n) {
    if (n >= 8) {
      const __m256 keep = keep_last_mask(n - i);
      c1.step(_mm256_and_ps(keep, _mm256_loadu_ps(a + n - 8)), _mm256_and_ps(keep, _mm256_loadu_ps(b + n - 8)));
    } else {
      for (; i < n; ++i) {
        td += a[i] * b[i];
        ta += a[i] * a[i];
        tb += b[i] * b[i];
      }
    }
  }
  const float d = hsum(_mm256_add_ps(_mm256_add_ps(c0.d, c1.d), _mm256_add_ps(c2.d, c3.d))) + td;
  const float na = hsum(_mm256_add_ps(_mm256_add_ps(c0.na, c1.na), _mm256_add_ps(c2.na, c3.na))) + ta;
  const float nb = hsum(_mm256_add_ps(_mm256_add_ps(c0.nb, c1.nb), _mm256_add_ps(c2.nb, c3.nb))) + tb;
  return finish_cosine(d, na, nb);
}

constexpr Kernels kAvx2Kernels{SimdLevel::kAvx2, &l2sq_avx2, &dot_avx2, &l1_avx2, &cosine_avx2};

}  // namespace

const Kernels& kernels_avx2() noexcept { return kAvx2Kernels; }

}  // namespace ruvector::detail
