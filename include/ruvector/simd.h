// SIMD level reporting and control.
//
// On x86-64 the engine picks the best kernel set the CPU supports, once, on first
// use: avx512 > avx2 (with FMA) > scalar. On arm64 it uses neon, on wasm simd128
// when built with -msimd128. The environment variable RUVECTOR_SIMD
// (scalar|avx2|avx512|neon|simd128) caps the level for testing; asking for a
// level above what the CPU has is ignored (the best available level is used).
#pragma once

#include <vector>

namespace ruvector {

enum class SimdLevel : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2, kNeon = 3, kSimd128 = 4 };

// The level whose kernels the engine uses. Thread-safe; fixed for the process.
SimdLevel active_simd_level() noexcept;

// "scalar", "avx2", "avx512", "neon", "simd128".
const char* simd_level_name(SimdLevel level) noexcept;

// Every level this build can run on this CPU, scalar first (for tests and benchmarks).
std::vector<SimdLevel> supported_simd_levels();

}  // namespace ruvector
