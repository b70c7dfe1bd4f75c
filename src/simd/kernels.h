// PRIVATE header. Distance kernels and the run-time choice between them.
//
// Every kernel set computes the same four raw functions over n floats:
//   l2sq(a,b)   = sum (a_i - b_i)^2
//   dot(a,b)    = sum a_i * b_i
//   l1(a,b)     = sum |a_i - b_i|
//   cosine(a,b) = 1 - dot(a,b) / (|a| |b|), clamped to [0, 2]; 1 when either norm is 0
// Results may differ from the scalar reference only by float rounding from a
// different summation order (tests bound it relative to sum |a_i * b_i| etc.).
// Kernels never read past a+n / b+n and need no alignment.
#pragma once

#include <cstddef>
#include <vector>

#include "ruvector/simd.h"

namespace ruvector::detail {

using DistanceFn = float (*)(const float* a, const float* b, std::size_t n) noexcept;

struct Kernels {
  SimdLevel level;
  DistanceFn l2sq;
  DistanceFn dot;
  DistanceFn l1;
  DistanceFn cosine;
};

// The set chosen once per process (best supported level, capped by RUVECTOR_SIMD).
const Kernels& active_kernels() noexcept;

// The set for `level` if this build and CPU can run it, else nullptr.
const Kernels* kernels_for(SimdLevel level) noexcept;

// Always available.
const Kernels& scalar_kernels() noexcept;

// Implemented by the architecture's registry file (chosen by CMake): every kernel
// set this build contains that the running CPU supports, scalar first.
std::vector<const Kernels*> supported_kernel_sets();

}  // namespace ruvector::detail
