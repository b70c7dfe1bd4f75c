// Scalar reference kernels: portable C++, no intrinsics. Every other kernel set is
// tested against these. Four independent accumulators (element i goes to
// accumulator i % 4) break the add dependency chain without -ffast-math; the
// order of additions is fixed by the source, so results are reproducible.
#include <cstddef>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

namespace ruvector::detail {
namespace {

float l2sq_scalar(const float* a, const float* b, std::size_t n) noexcept {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float d0 = a[i] - b[i];
    const float d1 = a[i + 1] - b[i + 1];
    const float d2 = a[i + 2] - b[i + 2];
    const float d3 = a[i + 3] - b[i + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < n; ++i) {
    const float d = a[i] - b[i];
    s0 += d * d;
  }
  return (s0 + s1) + (s2 + s3);
}

float dot_scalar(const float* a, const float* b, std::size_t n) noexcept {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

inline float abs_diff(float x, float y) noexcept { return __builtin_fabsf(x - y); }

float l1_scalar(const float* a, const float* b, std::size_t n) noexcept {
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += abs_diff(a[i], b[i]);
    s1 += abs_diff(a[i + 1], b[i + 1]);
    s2 += abs_diff(a[i + 2], b[i + 2]);
    s3 += abs_diff(a[i + 3], b[i + 3]);
  }
  for (; i < n; ++i) s0 += abs_diff(a[i], b[i]);
  return (s0 + s1) + (s2 + s3);
}

// Three passes over the simple 4-accumulator dot loop. A fused 12-accumulator
// loop measured 1.6-2.6x slower with GCC 12 (its loop vectorizer emits shuffles
// plus in-order reductions, or accumulators spill to the stack), while the dot
// loop above is packed into one SSE register by the SLP vectorizer with the
// exact same per-accumulator arithmetic. The inputs are in cache for the 2nd/3rd
// pass at the sizes this engine uses.
float cosine_scalar(const float* a, const float* b, std::size_t n) noexcept {
  return finish_cosine(dot_scalar(a, b, n), dot_scalar(a, a, n), dot_scalar(b, b, n));
}

constexpr Kernels kScalarKernels{SimdLevel::kScalar, &l2sq_scalar, &dot_scalar, &l1_scalar, &cosine_scalar};

}  // namespace

const Kernels& kernels_scalar() noexcept { return kScalarKernels; }
const Kernels& scalar_kernels() noexcept { return kScalarKernels; }

}  // namespace ruvector::detail
