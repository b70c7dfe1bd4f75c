// aarch64 registry: NEON (Advanced SIMD) is mandatory on aarch64, so both sets
// are always available.
#include <vector>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

namespace ruvector::detail {

std::vector<const Kernels*> supported_kernel_sets() { return {&kernels_scalar(), &kernels_neon()}; }

}  // namespace ruvector::detail
