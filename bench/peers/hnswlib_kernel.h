// hnswlib picks its distance kernels at compile time from the target flags (USE_SSE,
// USE_AVX, USE_AVX512, set by hnswlib/hnswlib.h). Included after hnswlib.h in each
// translation unit that compiles hnswlib; internal linkage, because those units are
// compiled with different flags and must each report their own level.
#pragma once

namespace ann_bench {
namespace {

inline const char* hnswlib_kernel_level() {
#if defined(USE_AVX512)
  return "AVX-512 (compile-time)";
#elif defined(USE_AVX)
  return "AVX (compile-time)";
#elif defined(USE_SSE)
  return "SSE (compile-time; its AVX/AVX-512 kernels need -mavx/-mavx512f, which this build does not use)";
#else
  return "scalar";
#endif
}

}  // namespace
}  // namespace ann_bench
