// Run-time choice of the quantized kernel set: the set of the float kernels' level
// (so RUVECTOR_SIMD caps both alike). Which per-ISA files exist is decided by CMake,
// which defines RUVECTOR_QUANT_X86 / _ARM / _WASM on this file to match.
#include "simd/kernels.h"
#include "simd/quant_kernels.h"

namespace ruvector::detail {

const QuantKernels* quant_kernels_for(SimdLevel level) noexcept {
  if (kernels_for(level) == nullptr) return nullptr;
  switch (level) {
    case SimdLevel::kScalar: return &quant_kernels_scalar();
#if defined(RUVECTOR_QUANT_X86)
    case SimdLevel::kAvx2: return &quant_kernels_avx2();
    case SimdLevel::kAvx512: return &quant_kernels_avx512();
#endif
#if defined(RUVECTOR_QUANT_ARM)
    case SimdLevel::kNeon: return &quant_kernels_neon();
#endif
#if defined(RUVECTOR_QUANT_WASM)
    case SimdLevel::kSimd128: return &quant_kernels_simd128();
#endif
    default: return nullptr;
  }
}

std::vector<const QuantKernels*> quant_kernel_variants() {
  std::vector<const QuantKernels*> out;
  for (SimdLevel level : supported_simd_levels()) {
#if defined(RUVECTOR_QUANT_X86)
    if (level == SimdLevel::kAvx512) {
      for (const QuantKernels* v : quant_kernels_avx512_variants()) out.push_back(v);
      continue;
    }
#endif
    if (const QuantKernels* q = quant_kernels_for(level)) out.push_back(q);
  }
  return out;
}

const QuantKernels& active_quant_kernels() noexcept {
  static const QuantKernels* const active = quant_kernels_for(active_kernels().level);
  return active != nullptr ? *active : quant_kernels_scalar();
}

}  // namespace ruvector::detail
