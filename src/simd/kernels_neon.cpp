// NEON kernels (aarch64, where Advanced SIMD is part of the base ISA, so no
// run-time check is needed). Main loop: 4 vectors (16 floats) per iteration into
// 4 independent accumulators (12 for cosine; aarch64 has 32 vector registers);
// then whole vectors; then the last 1..3 floats in scalar code.
#include <arm_neon.h>

#include <cstddef>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

#if !defined(__aarch64__) && !defined(_M_ARM64)
#error "kernels_neon.cpp is for aarch64 only"
#endif

namespace ruvector::detail {
namespace {

struct L2sqOp {
  static float32x4_t step(float32x4_t acc, float32x4_t x, float32x4_t y) noexcept {
    const float32x4_t d = vsubq_f32(x, y);
    return vfmaq_f32(acc, d, d);
  }
  static float scalar(float x, float y) noexcept { return (x - y) * (x - y); }
};
struct DotOp {
  static float32x4_t step(float32x4_t acc, float32x4_t x, float32x4_t y) noexcept { return vfmaq_f32(acc, x, y); }
  static float scalar(float x, float y) noexcept { return x * y; }
};
struct L1Op {
  static float32x4_t step(float32x4_t acc, float32x4_t x, float32x4_t y) noexcept {
    return vaddq_f32(acc, vabdq_f32(x, y));
  }
  static float scalar(float x, float y) noexcept { return x > y ? x - y : y - x; }
};

template <class Op>
inline float reduce(const float* a, const float* b, std::size_t n) noexcept {
  float32x4_t s0 = vdupq_n_f32(0.0f), s1 = vdupq_n_f32(0.0f);
  float32x4_t s2 = vdupq_n_f32(0.0f), s3 = vdupq_n_f32(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = Op::step(s0, vld1q_f32(a + i), vld1q_f32(b + i));
    s1 = Op::step(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    s2 = Op::step(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    s3 = Op::step(s3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
  }
  for (; i + 4 <= n; i += 4) s0 = Op::step(s0, vld1q_f32(a + i), vld1q_f32(b + i));
  float tail = 0.0f;
  for (; i < n; ++i) tail += Op::scalar(a[i], b[i]);
  return vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3))) + tail;
}

float l2sq_neon(const float* a, const float* b, std::size_t n) noexcept { return reduce<L2sqOp>(a, b, n); }
float dot_neon(const float* a, const float* b, std::size_t n) noexcept { return reduce<DotOp>(a, b, n); }
float l1_neon(const float* a, const float* b, std::size_t n) noexcept { return reduce<L1Op>(a, b, n); }

struct CosAcc {
  float32x4_t d, na, nb;
  void step(float32x4_t x, float32x4_t y) noexcept {
    d = vfmaq_f32(d, x, y);
    na = vfmaq_f32(na, x, x);
    nb = vfmaq_f32(nb, y, y);
  }
};

float cosine_neon(const float* a, const float* b, std::size_t n) noexcept {
  const float32x4_t z = vdupq_n_f32(0.0f);
  CosAcc c0{z, z, z}, c1{z, z, z}, c2{z, z, z}, c3{z, z, z};
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    c0.step(vld1q_f32(a + i), vld1q_f32(b + i));
    c1.step(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    c2.step(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    c3.step(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
  }
  for (; i + 4 <= n; i += 4) c0.step(vld1q_f32(a + i), vld1q_f32(b + i));
  float td = 0.0f, ta = 0.0f, tb = 0.0f;
  for (; i < n; ++i) {
    td += a[i] * b[i];
    ta += a[i] * a[i];
    tb += b[i] * b[i];
  }
  const float d = vaddvq_f32(vaddq_f32(vaddq_f32(c0.d, c1.d), vaddq_f32(c2.d, c3.d))) + td;
  const float na = vaddvq_f32(vaddq_f32(vaddq_f32(c0.na, c1.na), vaddq_f32(c2.na, c3.na))) + ta;
  const float nb = vaddvq_f32(vaddq_f32(vaddq_f32(c0.nb, c1.nb), vaddq_f32(c2.nb, c3.nb))) + tb;
  return finish_cosine(d, na, nb);
}

constexpr Kernels kNeonKernels{SimdLevel::kNeon, &l2sq_neon, &dot_neon, &l1_neon, &cosine_neon};

}  // namespace

const Kernels& kernels_neon() noexcept { return kNeonKernels; }

}  // namespace ruvector::detail
