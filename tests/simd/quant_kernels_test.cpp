// Quantized-code kernels: every set this CPU supports against the scalar reference
// and a double-precision reference, on odd lengths (tails) and all code values.
//
// Tolerances (derived as in kernels_test.cpp; u = 2^-24, gamma_k = k u / (1 - k u)):
//   dot_u8: each term w_i * c_i is one rounding (c_i is an exact small integer), so
//     |computed - exact| <= gamma_{n+2} * sum |w_i c_i|.
//   l1_u8: each term |a_i - s_i c_i| takes at most 2 roundings before the sum, so
//     |computed - exact| <= gamma_{n+3} * sum (|a_i| + |s_i c_i|).
//   Two float kernels differ from each other by at most twice that.
//   bit_planes: integer popcounts, exact at every level.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "ruvector/simd.h"
#include "simd/quant_kernels.h"

namespace ruvector::detail {
namespace {

constexpr double kU = 0x1p-24;
double gamma(double k) { return k * kU / (1.0 - k * kU); }

std::vector<const QuantKernels*> all_sets() {
  std::vector<const QuantKernels*> out;
  for (SimdLevel level : supported_simd_levels()) {
    const QuantKernels* k = quant_kernels_for(level);
    EXPECT_NE(k, nullptr) << simd_level_name(level);
    if (k != nullptr) out.push_back(k);
  }
  return out;
}

const std::size_t kLengths[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 129, 255, 257, 768, 784, 1001};

TEST(QuantKernels, EveryLevelHasASetAndTheActiveOneMatchesTheFloatLevel) {
  EXPECT_FALSE(all_sets().empty());
  EXPECT_EQ(active_quant_kernels().level, active_simd_level());
  EXPECT_EQ(quant_kernels_scalar().level, SimdLevel::kScalar);
}

TEST(QuantKernels, DotU8MatchesReferences) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> wd(-3.0f, 3.0f);
  std::uniform_int_distribution<int> cd(0, 255);
  for (std::size_t n : kLengths) {
    std::vector<float> w(n);
    std::vector<std::uint8_t> c(n);
    for (std::size_t i = 0; i < n; ++i) {
      w[i] = wd(rng);
      c[i] = static_cast<std::uint8_t>(i % 5 == 0 ? 255 : cd(rng));  // the extremes are exercised
    }
    double exact = 0.0, mag = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      exact += static_cast<double>(w[i]) * c[i];
      mag += std::fabs(static_cast<double>(w[i]) * c[i]);
    }
    const double bound = gamma(static_cast<double>(n) + 2) * mag + 1e-30;
    const float ref = quant_kernels_scalar().dot_u8(w.data(), c.data(), n);
    EXPECT_LE(std::fabs(ref - exact), bound) << "scalar n=" << n;
    for (const QuantKernels* k : all_sets()) {
      const float got = k->dot_u8(w.data(), c.data(), n);
      EXPECT_LE(std::fabs(got - exact), bound) << simd_level_name(k->level) << " n=" << n;
      EXPECT_LE(std::fabs(got - ref), 2 * bound) << simd_level_name(k->level) << " n=" << n;
    }
  }
}

TEST(QuantKernels, L1U8MatchesReferences) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> ad(-50.0f, 300.0f), sd(0.0f, 1.5f);
  std::uniform_int_distribution<int> cd(0, 255);
  for (std::size_t n : kLengths) {
    std::vector<float> a(n), s(n);
    std::vector<std::uint8_t> c(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = ad(rng);
      s[i] = i % 7 == 0 ? 0.0f : sd(rng);  // a zero scale (constant dimension) is legal
      c[i] = static_cast<std::uint8_t>(cd(rng));
    }
    double exact = 0.0, mag = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double sc = static_cast<double>(s[i]) * c[i];
      exact += std::fabs(a[i] - sc);
      mag += std::fabs(a[i]) + std::fabs(sc);
    }
    const double bound = gamma(static_cast<double>(n) + 3) * mag + 1e-30;
    const float ref = quant_kernels_scalar().l1_u8(a.data(), s.data(), c.data(), n);
    EXPECT_LE(std::fabs(ref - exact), bound) << "scalar n=" << n;
    for (const QuantKernels* k : all_sets()) {
      const float got = k->l1_u8(a.data(), s.data(), c.data(), n);
      EXPECT_LE(std::fabs(got - exact), bound) << simd_level_name(k->level) << " n=" << n;
      EXPECT_LE(std::fabs(got - ref), 2 * bound) << simd_level_name(k->level) << " n=" << n;
    }
  }
}

TEST(QuantKernels, BitPlanesAreExactAtEveryLevel) {
  std::mt19937_64 rng(13);
  for (std::size_t words : {1, 2, 3, 5, 7, 8, 9, 12, 13, 16, 17, 33}) {
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<std::uint64_t> code(words), planes(kQueryPlanes * words);
      for (auto& x : code) x = trial == 0 ? ~std::uint64_t{0} : rng();
      for (auto& x : planes) x = trial == 1 ? ~std::uint64_t{0} : rng();
      std::uint64_t pop = 0, weighted = 0;
      for (std::size_t i = 0; i < words; ++i) {
        for (int b = 0; b < 64; ++b) {
          if (!((code[i] >> b) & 1u)) continue;
          ++pop;
          for (std::size_t j = 0; j < kQueryPlanes; ++j) weighted += ((planes[j * words + i] >> b) & 1u) << j;
        }
      }
      const std::uint64_t expected = (pop << 32) | weighted;
      for (const QuantKernels* k : all_sets())
        EXPECT_EQ(k->bit_planes(code.data(), planes.data(), words), expected)
            << simd_level_name(k->level) << " words=" << words << " trial=" << trial;
    }
  }
}

}  // namespace
}  // namespace ruvector::detail
