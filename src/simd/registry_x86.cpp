// x86-64 registry: scalar always; AVX2 when the CPU (and OS) support AVX2 + FMA;
// AVX-512 when they also support AVX-512 F, DQ and VL. __builtin_cpu_supports
// reads libgcc's / compiler-rt's CPU model, which also checks (via XGETBV) that
// the OS saves the YMM/ZMM state.
#include <vector>

#include "simd/kernel_sets.h"
#include "simd/kernels.h"

namespace ruvector::detail {

std::vector<const Kernels*> supported_kernel_sets() {
  std::vector<const Kernels*> sets{&kernels_scalar()};
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!avx2) return sets;
  sets.push_back(&kernels_avx2());
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vl");
  if (avx512) sets.push_back(&kernels_avx512());
  return sets;
}

}  // namespace ruvector::detail
