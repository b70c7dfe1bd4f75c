// Portable registry (RUVECTOR_SIMD=scalar builds, wasm without -msimd128, other
// architectures): the scalar reference kernels only.
#include <vector>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

namespace ruvector::detail {

std::vector<const Kernels*> supported_kernel_sets() { return {&kernels_scalar()}; }

}  // namespace ruvector::detail
