// WebAssembly SIMD128 kernels (built only with -msimd128; the choice is made at
// build time, a wasm module has no run-time CPU check). simd128 has no fused
// multiply-add, so each step is a multiply then an add. Main loop: 4 vectors
// (16 floats) per iteration into 4 independent accumulators (12 for cosine);
// then whole vectors; then the last 1..3 floats in scalar code.
#include <wasm_simd128.h>

#include <cstddef>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

#if !defined(__wasm_simd128__)
#error "kernels_simd128.cpp must be compiled with -msimd128"
#endif

namespace ruvector::detail {
namespace {

inline v128_t load(const float* p) noexcept { return wasm_v128_load(p); }

inline float hsum(v128_t v) noexcept {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

struct L2sqOp {
  static v128_t step(v128_t acc, v128_t x, v128_t y) noexcept {
    const v128_t d = wasm_f32x4_sub(x, y);
    return wasm_f32x4_add(acc, wasm_f32x4_mul(d, d));
  }
  static float scalar(float x, float y) noexcept { return (x - y) * (x - y); }
};
struct DotOp {
  static v128_t step(v128_t acc, v128_t x, v128_t y) noexcept { return wasm_f32x4_add(acc, wasm_f32x4_mul(x, y)); }
  static float scalar(float x, float y) noexcept { return x * y; }
};
struct L1Op {
  static v128_t step(v128_t acc, v128_t x, v128_t y) noexcept {
    return wasm_f32x4_add(acc, wasm_f32x4_abs(wasm_f32x4_sub(x, y)));
  }
  static float scalar(float x, float y) noexcept { return x > y ? x - y : y - x; }
};

template <class Op>
inline float reduce(const float* a, const float* b, std::size_t n) noexcept {
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = wasm_f32x4_splat(0.0f);
  v128_t s2 = wasm_f32x4_splat(0.0f), s3 = wasm_f32x4_splat(0.0f);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = Op::step(s0, load(a + i), load(b + i));
    s1 = Op::step(s1, load(a + i + 4), load(b + i + 4));
    s2 = Op::step(s2, load(a + i + 8), load(b + i + 8));
    s3 = Op::step(s3, load(a + i + 12), load(b + i + 12));
  }
  for (; i + 4 <= n; i += 4) s0 = Op::step(s0, load(a + i), load(b + i));
  float tail = 0.0f;
  for (; i < n; ++i) tail += Op::scalar(a[i], b[i]);
  return hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3))) + tail;
}

float l2sq_simd128(const float* a, const float* b, std::size_t n) noexcept { return reduce<L2sqOp>(a, b, n); }
float dot_simd128(const float* a, const float* b, std::size_t n) noexcept { return reduce<DotOp>(a, b, n); }
float l1_simd128(const float* a, const float* b, std::size_t n) noexcept { return reduce<L1Op>(a, b, n); }

struct CosAcc {
  v128_t d, na, nb;
  void step(v128_t x, v128_t y) noexcept {
    d = wasm_f32x4_add(d, wasm_f32x4_mul(x, y));
    na = wasm_f32x4_add(na, wasm_f32x4_mul(x, x));
    nb = wasm_f32x4_add(nb, wasm_f32x4_mul(y, y));
  }
};

float cosine_simd128(const float* a, const float* b, std::size_t n) noexcept {
  const v128_t z = wasm_f32x4_splat(0.0f);
  CosAcc c0{z, z, z}, c1{z, z, z}, c2{z, z, z}, c3{z, z, z};
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    c0.step(load(a + i), load(b + i));
    c1.step(load(a + i + 4), load(b + i + 4));
    c2.step(load(a + i + 8), load(b + i + 8));
    c3.step(load(a + i + 12), load(b + i + 12));
  }
  for (; i + 4 <= n; i += 4) c0.step(load(a + i), load(b + i));
  float td = 0.0f, ta = 0.0f, tb = 0.0f;
  for (; i < n; ++i) {
    td += a[i] * b[i];
    ta += a[i] * a[i];
    tb += b[i] * b[i];
  }
  const float d = hsum(wasm_f32x4_add(wasm_f32x4_add(c0.d, c1.d), wasm_f32x4_add(c2.d, c3.d))) + td;
  const float na = hsum(wasm_f32x4_add(wasm_f32x4_add(c0.na, c1.na), wasm_f32x4_add(c2.na, c3.na))) + ta;
  const float nb = hsum(wasm_f32x4_add(wasm_f32x4_add(c0.nb, c1.nb), wasm_f32x4_add(c2.nb, c3.nb))) + tb;
  return finish_cosine(d, na, nb);
}

constexpr Kernels kSimd128Kernels{SimdLevel::kSimd128, &l2sq_simd128, &dot_simd128, &l1_simd128, &cosine_simd128};

}  // namespace

const Kernels& kernels_simd128() noexcept { return kSimd128Kernels; }

}  // namespace ruvector::detail
