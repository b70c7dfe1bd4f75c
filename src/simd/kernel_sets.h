// PRIVATE header for src/simd/ and its tests: the per-ISA kernel set accessors,
// the shared cosine epilogue and the RUVECTOR_SIMD selection rule.
//
// Each accessor is defined only in the file built for that ISA (see the SIMD
// section of CMakeLists.txt); only the architecture's registry file calls them,
// after checking that the CPU can run them.
//
// ODR caution: kernels_avx2.cpp / kernels_avx512.cpp are compiled with wide-ISA
// flags. Any inline function with external linkage they instantiate could be
// emitted there with AVX encodings and then chosen by the linker for scalar
// callers too. So everything in this header that those files use has internal
// linkage (anonymous namespace) and relies only on compiler builtins.
#pragma once

#include <vector>

#include "simd/kernels.h"

namespace ruvector::detail {

const Kernels& kernels_scalar() noexcept;   // kernels_scalar.cpp (same as scalar_kernels())
const Kernels& kernels_avx2() noexcept;     // kernels_avx2.cpp    (x86-64, AVX2 + FMA)
const Kernels& kernels_avx512() noexcept;   // kernels_avx512.cpp  (x86-64, AVX-512 F/DQ/VL)
const Kernels& kernels_neon() noexcept;     // kernels_neon.cpp    (aarch64)
const Kernels& kernels_simd128() noexcept;  // kernels_simd128.cpp (wasm, -msimd128)

// Parses a RUVECTOR_SIMD value ("scalar", "avx2", "avx512", "neon", "simd128",
// ASCII case-insensitive, surrounding blanks ignored). False for null, empty or
// unknown text.
bool parse_simd_level(const char* text, SimdLevel* out) noexcept;

// The selection rule of active_kernels(): from `sets` (supported sets, scalar
// first), the best one, capped by `request` (the RUVECTOR_SIMD value, may be
// null). A known request caps within its family (x86: scalar < avx2 < avx512;
// arm: scalar < neon; wasm: scalar < simd128): the best supported set at or below
// it is used. "scalar" always gives scalar. A request naming another
// architecture's level, or unknown text, does not cap. Never null when `sets`
// contains a scalar set.
const Kernels* select_kernels(const std::vector<const Kernels*>& sets, const char* request) noexcept;

namespace {

// cosine = 1 - dot / (|a| |b|), clamped to [0, 2]; 1 when either norm is 0.
// The norms are combined in double so |a|^2 * |b|^2 neither overflows nor
// underflows. NaN inputs give NaN. Used by every kernel set, so all levels
// share the same epilogue and differ only in how the three sums were added.
inline float finish_cosine(float dot, float norm_a_sq, float norm_b_sq) noexcept {
  if (norm_a_sq == 0.0f || norm_b_sq == 0.0f) return 1.0f;
  const double denom = __builtin_sqrt(static_cast<double>(norm_a_sq) * static_cast<double>(norm_b_sq));
  double r = 1.0 - static_cast<double>(dot) / denom;
  if (r < 0.0) r = 0.0;
  if (r > 2.0) r = 2.0;
  return static_cast<float>(r);
}

}  // namespace

}  // namespace ruvector::detail
