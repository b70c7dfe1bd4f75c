// Distance kernels: every kernel set this CPU supports against the scalar
// reference and against a double-precision reference; dispatch and RUVECTOR_SIMD.
//
// Tolerances (derived, not tuned). u = 2^-24 is the float32 unit roundoff and
// gamma_k = k u / (1 - k u). Each kernel computes a sum of n terms t_i, each term
// from at most 2 rounded operations on the inputs (a_i - b_i then the square or
// the FMA; a_i * b_i; |a_i - b_i|), added in SOME order: any summation tree of n
// terms has depth <= n - 1, and vector lanes, accumulators, the horizontal add
// and the tail are all just such a tree. Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., sections 3.1 and 4.2, gives
//     |computed - exact| <= gamma_{n+2} * S,   S = sum_i |t_i|
// with S = sum |a_i b_i| (dot), sum (a_i - b_i)^2 (l2sq), sum |a_i - b_i| (l1).
// An FMA has one rounding instead of two, so it is covered. Two float kernels
// differ from each other by at most twice that. The double reference adds its
// own gamma_{n+2} with u = 2^-53. Under gradual underflow a rounding error can be
// absolute (<= 2^-150 per operation) instead of relative, hence the
// (n + 2) * 2^-149 absolute term (the test data never gets near it anyway).
//
// cosine = 1 - d / sqrt(na nb). With |e_d| <= gamma S_d <= gamma |a||b|
// (Cauchy-Schwarz) and na, nb each within a factor (1 +- gamma),
// |computed - exact| <= gamma (1 + g') + g' + u, g' = gamma / (1 - gamma): the
// ratio's error, plus one float rounding of a result in [0, 2]. Clamping to
// [0, 2] only moves toward the exact value. The double epilogue adds ~1e-16.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ruvector/simd.h"
#include "simd/kernel_sets.h"
#include "simd/kernels.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace ruvector::detail {
namespace {

constexpr double kU = 0x1p-24;   // float32 unit roundoff
constexpr double kUd = 0x1p-53;  // float64 unit roundoff

double gamma(double k, double u) { return k * u / (1.0 - k * u); }

enum class Fn { kL2sq, kDot, kL1, kCosine };
constexpr Fn kAllFns[] = {Fn::kL2sq, Fn::kDot, Fn::kL1, Fn::kCosine};

const char* fn_name(Fn f) {
  switch (f) {
    case Fn::kL2sq: return "l2sq";
    case Fn::kDot: return "dot";
    case Fn::kL1: return "l1";
    case Fn::kCosine: return "cosine";
  }
  return "?";
}

float call(const Kernels& k, Fn f, const float* a, const float* b, std::size_t n) {
  switch (f) {
    case Fn::kL2sq: return k.l2sq(a, b, n);
    case Fn::kDot: return k.dot(a, b, n);
    case Fn::kL1: return k.l1(a, b, n);
    case Fn::kCosine: return k.cosine(a, b, n);
  }
  return 0.0f;
}

// Double-precision value and the S of the error bound above.
struct Reference {
  double value;
  double magnitude;  // S (for cosine unused)
};

Reference reference(Fn f, const float* a, const float* b, std::size_t n) {
  double v = 0.0, s = 0.0, na = 0.0, nb = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = a[i], y = b[i];
    switch (f) {
      case Fn::kL2sq: v += (x - y) * (x - y); break;
      case Fn::kDot: v += x * y; s += std::fabs(x * y); break;
      case Fn::kL1: v += std::fabs(x - y); break;
      case Fn::kCosine: v += x * y; na += x * x; nb += y * y; break;
    }
  }
  if (f == Fn::kL2sq || f == Fn::kL1) s = v;
  if (f == Fn::kCosine) {
    if (na == 0.0 || nb == 0.0) return {1.0, 0.0};
    double r = 1.0 - v / (std::sqrt(na) * std::sqrt(nb));
    r = r < 0.0 ? 0.0 : (r > 2.0 ? 2.0 : r);
    return {r, 0.0};
  }
  return {v, s};
}

// Bound on |float kernel - exact| (see the top of the file).
double float_bound(Fn f, std::size_t n, double magnitude) {
  const double g = gamma(static_cast<double>(n) + 2.0, kU);
  if (f == Fn::kCosine) {
    const double gp = g / (1.0 - g);
    return g * (1.0 + gp) + gp + kU;
  }
  return g * magnitude + (static_cast<double>(n) + 2.0) * 0x1p-149;
}

// Bound on |double reference - exact|.
double double_bound(Fn f, std::size_t n, double magnitude) {
  if (f == Fn::kCosine) return 1e-14;
  return gamma(static_cast<double>(n) + 2.0, kUd) * magnitude;
}

std::vector<const Kernels*> levels_under_test() {
  std::vector<const Kernels*> out;
  for (SimdLevel level : supported_simd_levels()) {
    const Kernels* k = kernels_for(level);
    EXPECT_NE(k, nullptr) << simd_level_name(level);
    if (k != nullptr) out.push_back(k);
  }
  return out;
}

// Checks one kernel result against the scalar reference and the double reference.
void check(const Kernels& k, Fn f, const float* a, const float* b, std::size_t n) {
  const float got = call(k, f, a, b, n);
  const float ref_scalar = call(scalar_kernels(), f, a, b, n);
  const Reference ref = reference(f, a, b, n);
  const double tol_exact = float_bound(f, n, ref.magnitude);
  EXPECT_LE(std::fabs(static_cast<double>(got) - ref.value), tol_exact + double_bound(f, n, ref.magnitude))
      << simd_level_name(k.level) << " " << fn_name(f) << " n=" << n << " got=" << got << " exact~" << ref.value;
  EXPECT_LE(std::fabs(static_cast<double>(got) - static_cast<double>(ref_scalar)), 2.0 * tol_exact)
      << simd_level_name(k.level) << " " << fn_name(f) << " n=" << n << " got=" << got << " scalar=" << ref_scalar;
}

constexpr std::size_t kDims[] = {1,  2,  3,  4,  5,  7,  8,  9,  15, 16,  17,  23,  31,   32,   33,  47,  48,
                                 63, 64, 65, 79, 96, 97, 100, 127, 128, 129, 255, 300, 384, 513, 768, 784, 1000, 1023, 1536, 1537};

enum class Shape { kUniform, kWideRange, kPositive };

void fill(std::mt19937& rng, Shape shape, float* p, std::size_t n) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-20, 20);
  for (std::size_t i = 0; i < n; ++i) {
    switch (shape) {
      case Shape::kUniform: p[i] = unit(rng); break;
      case Shape::kWideRange: p[i] = std::ldexp(unit(rng), exponent(rng)); break;
      case Shape::kPositive: p[i] = std::fabs(unit(rng)) * 255.0f; break;  // like pixel data
    }
  }
}

TEST(SimdKernels, ReportsLevels) {
  const std::vector<SimdLevel> levels = supported_simd_levels();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front(), SimdLevel::kScalar);
  std::string names;
  for (SimdLevel l : levels) names += std::string(simd_level_name(l)) + " ";
  std::printf("[ simd     ] supported: %s| active: %s\n", names.c_str(), simd_level_name(active_simd_level()));
  RecordProperty("active_simd_level", simd_level_name(active_simd_level()));
}

TEST(SimdKernels, MatchReferencesOnRandomInputs) {
  const std::vector<const Kernels*> sets = levels_under_test();
  std::vector<float> abuf, bbuf;
  for (const Kernels* k : sets) {
    for (std::size_t n : kDims) {
      for (unsigned seed = 1; seed <= 3; ++seed) {
        for (Shape shape : {Shape::kUniform, Shape::kWideRange, Shape::kPositive}) {
          for (std::size_t offset : {0u, 1u, 3u}) {  // 1 and 3 floats: unaligned for every vector width
            std::mt19937 rng(seed * 7919u + static_cast<unsigned>(n));
            abuf.assign(n + 4, 0.0f);
            bbuf.assign(n + 4, 0.0f);
            float* a = abuf.data() + offset;
            float* b = bbuf.data() + (offset == 1 ? 3 : offset);  // also differently misaligned a and b
            fill(rng, shape, a, n);
            fill(rng, shape, b, n);
            for (Fn f : kAllFns) check(*k, f, a, b, n);
          }
        }
      }
    }
  }
}

// Small integers: every product and partial sum is an integer below 2^24, so
// every summation order is exact and all levels must agree bit for bit (this
// catches a dropped or doubled tail element that a tolerance could hide).
TEST(SimdKernels, ExactOnSmallIntegers) {
  const std::vector<const Kernels*> sets = levels_under_test();
  for (std::size_t n : kDims) {
    std::vector<float> a(n + 1), b(n + 1);
    for (std::size_t i = 0; i < n; ++i) {
      a[i + 1] = static_cast<float>(static_cast<int>((i * 5 + 1) % 7) - 3);
      b[i + 1] = static_cast<float>(static_cast<int>((i * 3 + 2) % 11) - 5);
    }
    const float* pa = a.data() + 1;
    const float* pb = b.data() + 1;
    for (const Kernels* k : sets) {
      for (Fn f : {Fn::kL2sq, Fn::kDot, Fn::kL1}) {
        EXPECT_EQ(static_cast<double>(call(*k, f, pa, pb, n)), reference(f, pa, pb, n).value)
            << simd_level_name(k->level) << " " << fn_name(f) << " n=" << n;
      }
      EXPECT_EQ(call(*k, Fn::kCosine, pa, pb, n), scalar_kernels().cosine(pa, pb, n))
          << simd_level_name(k->level) << " cosine n=" << n;
      check(*k, Fn::kCosine, pa, pb, n);
    }
  }
}

TEST(SimdKernels, EmptyInput) {
  const float x = 1.0f;
  for (const Kernels* k : levels_under_test()) {
    EXPECT_EQ(k->l2sq(&x, &x, 0), 0.0f) << simd_level_name(k->level);
    EXPECT_EQ(k->dot(&x, &x, 0), 0.0f) << simd_level_name(k->level);
    EXPECT_EQ(k->l1(&x, &x, 0), 0.0f) << simd_level_name(k->level);
    EXPECT_EQ(k->cosine(&x, &x, 0), 1.0f) << simd_level_name(k->level);
  }
}

TEST(SimdKernels, CosineSpecialCases) {
  for (const Kernels* k : levels_under_test()) {
    for (std::size_t n : kDims) {
      std::mt19937 rng(static_cast<unsigned>(n));
      std::vector<float> a(n), neg(n), zero(n, 0.0f);
      fill(rng, Shape::kUniform, a.data(), n);
      a[0] = 0.5f;  // never all zero
      for (std::size_t i = 0; i < n; ++i) neg[i] = -a[i];
      const double tol = float_bound(Fn::kCosine, n, 0.0);
      SCOPED_TRACE(std::string(simd_level_name(k->level)) + " n=" + std::to_string(n));
      EXPECT_NEAR(k->cosine(a.data(), a.data(), n), 0.0, tol);
      EXPECT_GE(k->cosine(a.data(), a.data(), n), 0.0f);
      EXPECT_NEAR(k->cosine(a.data(), neg.data(), n), 2.0, tol);
      EXPECT_LE(k->cosine(a.data(), neg.data(), n), 2.0f);
      EXPECT_EQ(k->cosine(a.data(), zero.data(), n), 1.0f);
      EXPECT_EQ(k->cosine(zero.data(), a.data(), n), 1.0f);
      EXPECT_EQ(k->cosine(zero.data(), zero.data(), n), 1.0f);
      EXPECT_EQ(k->l2sq(a.data(), a.data(), n), 0.0f);
      EXPECT_EQ(k->l1(a.data(), a.data(), n), 0.0f);
    }
  }
}

#if defined(__linux__)
// Vectors that end exactly at a page followed by an inaccessible page (and start
// right after one): any read past a+n or before a faults.
class GuardedBuffer {
 public:
  explicit GuardedBuffer(std::size_t floats) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    data_pages_ = (floats * sizeof(float) + page_ - 1) / page_;
    size_ = (data_pages_ + 2) * page_;
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<char*>(p);
    mprotect(base_, page_, PROT_NONE);
    mprotect(base_ + (data_pages_ + 1) * page_, page_, PROT_NONE);
  }
  ~GuardedBuffer() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  bool ok() const { return base_ != nullptr; }
  float* ending_at_guard(std::size_t n) const {  // last float is the last one before the guard
    return reinterpret_cast<float*>(base_ + (data_pages_ + 1) * page_) - n;
  }
  float* starting_after_guard() const { return reinterpret_cast<float*>(base_ + page_); }

 private:
  std::size_t page_ = 0, data_pages_ = 0, size_ = 0;
  char* base_ = nullptr;
};

TEST(SimdKernels, NeverReadOutsideTheInputs) {
  constexpr std::size_t kMax = 1537;
  GuardedBuffer ga(kMax), gb(kMax);
  ASSERT_TRUE(ga.ok() && gb.ok());
  std::mt19937 rng(42);
  for (const Kernels* k : levels_under_test()) {
    for (std::size_t n = 0; n <= kMax; n += (n < 130 ? 1 : 97)) {
      float* a = ga.ending_at_guard(n);
      float* b = gb.ending_at_guard(n);
      fill(rng, Shape::kUniform, a, n);
      fill(rng, Shape::kUniform, b, n);
      for (Fn f : kAllFns) check(*k, f, a, b, n);
      float* a2 = ga.starting_after_guard();
      float* b2 = gb.starting_after_guard();
      fill(rng, Shape::kUniform, a2, n);
      fill(rng, Shape::kUniform, b2, n);
      for (Fn f : kAllFns) check(*k, f, a2, b2, n);
    }
  }
}
#endif

// ---- dispatch ----

TEST(SimdDispatch, ActiveTableMatchesReportedLevel) {
  const Kernels& active = active_kernels();
  EXPECT_EQ(active.level, active_simd_level());
  EXPECT_EQ(kernels_for(active.level), &active);
  EXPECT_EQ(&active_kernels(), &active);  // chosen once
  EXPECT_EQ(select_kernels(supported_kernel_sets(), std::getenv("RUVECTOR_SIMD"))->level, active.level);
  EXPECT_EQ(scalar_kernels().level, SimdLevel::kScalar);
  EXPECT_EQ(kernels_for(SimdLevel::kScalar), &scalar_kernels());
  const std::vector<SimdLevel> levels = supported_simd_levels();
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512, SimdLevel::kNeon, SimdLevel::kSimd128}) {
    bool listed = false;
    for (SimdLevel s : levels) listed = listed || s == l;
    if (listed) {
      ASSERT_NE(kernels_for(l), nullptr);
      EXPECT_EQ(kernels_for(l)->level, l);
    } else {
      EXPECT_EQ(kernels_for(l), nullptr) << simd_level_name(l);
    }
  }
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool cpu_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool cpu_avx512 = cpu_avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("avx512vl");
  EXPECT_TRUE(kernels_for(SimdLevel::kAvx2) == nullptr || cpu_avx2);  // never offered without CPU support
  EXPECT_TRUE(kernels_for(SimdLevel::kAvx512) == nullptr || cpu_avx512);
#endif
}

TEST(SimdDispatch, LevelNames) {
  EXPECT_STREQ(simd_level_name(SimdLevel::kScalar), "scalar");
  EXPECT_STREQ(simd_level_name(SimdLevel::kAvx2), "avx2");
  EXPECT_STREQ(simd_level_name(SimdLevel::kAvx512), "avx512");
  EXPECT_STREQ(simd_level_name(SimdLevel::kNeon), "neon");
  EXPECT_STREQ(simd_level_name(SimdLevel::kSimd128), "simd128");
}

TEST(SimdDispatch, ParseLevel) {
  SimdLevel l = SimdLevel::kNeon;
  EXPECT_TRUE(parse_simd_level("scalar", &l));
  EXPECT_EQ(l, SimdLevel::kScalar);
  EXPECT_TRUE(parse_simd_level(" AVX512\n", &l));
  EXPECT_EQ(l, SimdLevel::kAvx512);
  EXPECT_TRUE(parse_simd_level("Avx2", &l));
  EXPECT_EQ(l, SimdLevel::kAvx2);
  EXPECT_TRUE(parse_simd_level("neon", &l));
  EXPECT_EQ(l, SimdLevel::kNeon);
  EXPECT_TRUE(parse_simd_level("simd128", &l));
  EXPECT_EQ(l, SimdLevel::kSimd128);
  for (const char* bad : {"", "   ", "avx", "avx5120", "sse4", "scalarx", "x"}) {
    EXPECT_FALSE(parse_simd_level(bad, &l)) << '"' << bad << '"';
  }
  EXPECT_FALSE(parse_simd_level(nullptr, &l));
}

// The selection rule on made-up kernel tables, so every CPU exercises every case.
TEST(SimdDispatch, SelectionRule) {
  const Kernels s{SimdLevel::kScalar, nullptr, nullptr, nullptr, nullptr};
  const Kernels a2{SimdLevel::kAvx2, nullptr, nullptr, nullptr, nullptr};
  const Kernels a5{SimdLevel::kAvx512, nullptr, nullptr, nullptr, nullptr};
  const Kernels ne{SimdLevel::kNeon, nullptr, nullptr, nullptr, nullptr};
  const Kernels w{SimdLevel::kSimd128, nullptr, nullptr, nullptr, nullptr};

  const std::vector<const Kernels*> x86_full{&s, &a2, &a5};
  EXPECT_EQ(select_kernels(x86_full, nullptr), &a5);
  EXPECT_EQ(select_kernels(x86_full, ""), &a5);
  EXPECT_EQ(select_kernels(x86_full, "bogus"), &a5);
  EXPECT_EQ(select_kernels(x86_full, "avx512"), &a5);
  EXPECT_EQ(select_kernels(x86_full, "avx2"), &a2);
  EXPECT_EQ(select_kernels(x86_full, "scalar"), &s);
  EXPECT_EQ(select_kernels(x86_full, "neon"), &a5);     // other architecture: no cap
  EXPECT_EQ(select_kernels(x86_full, "simd128"), &a5);

  const std::vector<const Kernels*> x86_avx2{&s, &a2};
  EXPECT_EQ(select_kernels(x86_avx2, "avx512"), &a2);  // above the CPU: best available
  EXPECT_EQ(select_kernels(x86_avx2, "avx2"), &a2);
  EXPECT_EQ(select_kernels(x86_avx2, "scalar"), &s);

  const std::vector<const Kernels*> scalar_only{&s};
  for (const char* r : {"scalar", "avx2", "avx512", "neon", "simd128", "junk"}) {
    EXPECT_EQ(select_kernels(scalar_only, r), &s) << r;
  }
  EXPECT_EQ(select_kernels(scalar_only, nullptr), &s);

  const std::vector<const Kernels*> arm{&s, &ne};
  EXPECT_EQ(select_kernels(arm, nullptr), &ne);
  EXPECT_EQ(select_kernels(arm, "neon"), &ne);
  EXPECT_EQ(select_kernels(arm, "scalar"), &s);
  EXPECT_EQ(select_kernels(arm, "avx512"), &ne);

  const std::vector<const Kernels*> wasm{&s, &w};
  EXPECT_EQ(select_kernels(wasm, nullptr), &w);
  EXPECT_EQ(select_kernels(wasm, "SIMD128"), &w);
  EXPECT_EQ(select_kernels(wasm, "scalar"), &s);
}

#if defined(__linux__)
// Run in a child process (the level is fixed once per process) by
// SimdDispatch.EnvironmentVariableCapsLevel; disabled in a normal run.
TEST(SimdEnvChild, DISABLED_ReportsLevel) {
  const char* request = std::getenv("RUVECTOR_SIMD");
  const Kernels* expected = select_kernels(supported_kernel_sets(), request);
  ASSERT_NE(expected, nullptr);
  EXPECT_EQ(active_simd_level(), expected->level);
  EXPECT_EQ(&active_kernels(), kernels_for(expected->level));
  if (const char* want = std::getenv("RUVECTOR_SIMD_EXPECT")) {
    EXPECT_STREQ(simd_level_name(active_simd_level()), want);
  }
}

int run_child(const std::string& request, const char* expect) {
  char exe[4096];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (len <= 0) return -1;
  exe[len] = '\0';
  std::string cmd = "RUVECTOR_SIMD='" + request + "' ";
  cmd += expect != nullptr ? std::string("RUVECTOR_SIMD_EXPECT=") + expect + " " : std::string("");
  // Under user-mode emulation without binfmt (scripts/check-neon.sh), the child
  // must be started through the emulator too.
  if (const char* wrapper = std::getenv("RUVECTOR_TEST_EXEC_WRAPPER")) cmd += std::string(wrapper) + " ";
  cmd += std::string("'") + exe + "' --gtest_also_run_disabled_tests --gtest_filter=SimdEnvChild.DISABLED_ReportsLevel";
  cmd += " >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
}

TEST(SimdDispatch, EnvironmentVariableCapsLevel) {
  EXPECT_EQ(run_child("scalar", "scalar"), 0);
  EXPECT_EQ(run_child("SCALAR", "scalar"), 0);
  for (const char* r : {"avx2", "avx512", "neon", "simd128", "bogus", ""}) {
    EXPECT_EQ(run_child(r, nullptr), 0) << "RUVECTOR_SIMD=" << r;
  }
}
#endif

}  // namespace
}  // namespace ruvector::detail
