// WebAssembly registry (only used when built with -msimd128): a module that
// validated with SIMD instructions can run them, so both sets are available.
#include <vector>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

namespace ruvector::detail {

std::vector<const Kernels*> supported_kernel_sets() { return {&kernels_scalar(), &kernels_simd128()}; }

}  // namespace ruvector::detail
