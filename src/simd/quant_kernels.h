// PRIVATE header. Kernels for quantized codes (src/quant/) and their run-time
// choice, which follows the float kernels' level (active_kernels().level).
//
// Every set computes:
//   dot_u8(w, c, n)          = sum w_i * c_i                (w float, c uint8)
//   l1_u8(a, s, c, n)        = sum |a_i - s_i * c_i|        (a, s float, c uint8)
//   bit_planes(code, planes, words)
//       code: `words` u64 of sign bits; planes: kQueryPlanes consecutive blocks of
//       `words` u64, plane j holding bit j of each kQueryPlanes-bit query value.
//       Returns (sum_j 2^j * popcount(code & plane_j)) in the low 32 bits and
//       popcount(code) in the high 32 bits.
// Float results may differ from the scalar reference only by rounding from a
// different summation order; bit_planes is exact at every level. Kernels never
// read past the given lengths and need no alignment.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ruvector/simd.h"

namespace ruvector::detail {

// Bits per rounded query value (binary codes). 8: the query's rounding error is then
// ~1/17 of the 1-bit estimator's own (at 4 bits it was comparable to it).
inline constexpr std::size_t kQueryPlanes = 8;

struct QuantKernels {
  SimdLevel level;
  float (*dot_u8)(const float* w, const std::uint8_t* c, std::size_t n) noexcept;
  float (*l1_u8)(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept;
  std::uint64_t (*bit_planes)(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept;
};

// The set for the level of active_kernels().
const QuantKernels& active_quant_kernels() noexcept;
// The set for `level` when this build and CPU run it (kernels_for(level) != nullptr), else nullptr.
const QuantKernels* quant_kernels_for(SimdLevel level) noexcept;

// Per-ISA sets, each defined in its own file (quant_kernels_<isa>.cpp); only
// quant_dispatch.cpp calls them, after the float registry confirmed the level.
const QuantKernels& quant_kernels_scalar() noexcept;
const QuantKernels& quant_kernels_avx2() noexcept;
const QuantKernels& quant_kernels_avx512() noexcept;  // uses VPOPCNTDQ when the CPU has it
const QuantKernels& quant_kernels_neon() noexcept;
const QuantKernels& quant_kernels_simd128() noexcept;

namespace {

// bit_planes over words [begin, words), packed as bit_planes returns it. Internal
// linkage on purpose (see the ODR caution in kernel_sets.h): each per-ISA file gets its
// own copy, with __builtin_popcountll compiled for that file's ISA (POPCNT, CNT, ...).
inline std::uint64_t bit_planes_from(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words,
                                     std::size_t begin) noexcept {
  std::uint64_t weighted = 0, pop = 0;
  for (std::size_t i = begin; i < words; ++i) {
    const std::uint64_t b = code[i];
    pop += static_cast<std::uint64_t>(__builtin_popcountll(b));
    for (std::size_t j = 0; j < kQueryPlanes; ++j)
      weighted += static_cast<std::uint64_t>(__builtin_popcountll(b & planes[j * words + i])) << j;
  }
  return (pop << 32) | weighted;
}

}  // namespace

}  // namespace ruvector::detail
