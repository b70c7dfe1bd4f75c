// PRIVATE header. Kernels for quantized codes (src/quant/) and their run-time
// choice, which follows the float kernels' level (active_kernels().level).
//
// Every set computes:
//   dot_u8_i16(w, c, n)      = sum w_i * c_i, exactly       (w int16, c uint8)
//       Integer products accumulate in 32-bit lanes for at most kDotI16Block elements,
//       then in 64 bits, so the result is exact for every n and w_i in
//       [-32767, 32767] and identical at every level.
//   l1_u8(a, s, c, n)        = sum |a_i - s_i * c_i|        (a, s float, c uint8)
//   bit_planes(code, planes, words)
//       code: `words` u64 of sign bits; planes: kQueryPlanes consecutive blocks of
//       `words` u64, plane j holding bit j of each kQueryPlanes-bit query value.
//       Returns (sum_j 2^j * popcount(code & plane_j)) in the low 32 bits and
//       popcount(code) in the high 32 bits.
// l1_u8 may differ from the scalar reference only by rounding from a different
// summation order; dot_u8_i16 and bit_planes are exact at every level. Kernels never
// read past the given lengths and need no alignment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ruvector/simd.h"

namespace ruvector::detail {

// Bits per rounded query value (binary codes). 8: the query's rounding error is then
// ~1/17 of the 1-bit estimator's own (at 4 bits it was comparable to it).
inline constexpr std::size_t kQueryPlanes = 8;
// Elements a dot_u8_i16 kernel sums in 32-bit lanes before widening: with 4 lanes a
// lane then holds at most 256 products of at most 32767 * 255, below 2^31.
inline constexpr std::size_t kDotI16Block = 1024;

struct QuantKernels {
  SimdLevel level;
  const char* variant;  // the instructions used within the level, e.g. "avx512-vnni"
  std::int64_t (*dot_u8_i16)(const std::int16_t* w, const std::uint8_t* c, std::size_t n) noexcept;
  float (*l1_u8)(const float* a, const float* s, const std::uint8_t* c, std::size_t n) noexcept;
  std::uint64_t (*bit_planes)(const std::uint64_t* code, const std::uint64_t* planes, std::size_t words) noexcept;
};

// The set for the level of active_kernels().
const QuantKernels& active_quant_kernels() noexcept;
// The set for `level` when this build and CPU run it (kernels_for(level) != nullptr), else nullptr.
const QuantKernels* quant_kernels_for(SimdLevel level) noexcept;
// Every variant this build and CPU run (for tests): the set of each supported level
// plus the alternatives a level chooses between at run time (e.g. AVX-512 with and
// without VNNI), scalar first.
std::vector<const QuantKernels*> quant_kernel_variants();

// Per-ISA sets, each defined in its own file (quant_kernels_<isa>.cpp); only
// quant_dispatch.cpp calls them, after the float registry confirmed the level.
const QuantKernels& quant_kernels_scalar() noexcept;
const QuantKernels& quant_kernels_avx2() noexcept;
// Uses BW, VNNI and VPOPCNTDQ when the CPU has them; quant_kernels_avx512_variants()
// lists every combination the CPU runs.
const QuantKernels& quant_kernels_avx512() noexcept;
std::vector<const QuantKernels*> quant_kernels_avx512_variants();
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

// sum w_i * c_i over [begin, n) in 64 bits: the tails of the dot_u8_i16 kernels.
inline std::int64_t dot_u8_i16_from(const std::int16_t* w, const std::uint8_t* c, std::size_t begin,
                                    std::size_t n) noexcept {
  std::int64_t sum = 0;
  for (std::size_t i = begin; i < n; ++i) sum += static_cast<std::int64_t>(w[i]) * c[i];
  return sum;
}

// Sum of 32-bit lanes in 64 bits (lanes as stored in memory).
template <std::size_t kLanes>
inline std::int64_t sum_lanes(const std::int32_t (&lanes)[kLanes]) noexcept {
  std::int64_t sum = 0;
  for (std::int32_t v : lanes) sum += v;
  return sum;
}

}  // namespace

}  // namespace ruvector::detail
