// Quantized-code kernels: every set this CPU supports against the scalar reference
// and a double-precision reference, on odd lengths (tails) and all code values.
//
// dot_u8_i16 and bit_planes are integer kernels: exact at every level and variant.
// Tolerances of the float kernel (derived as in kernels_test.cpp; u = 2^-24,
// gamma_k = k u / (1 - k u)):
//   l1_u8: each term |a_i - s_i c_i| takes at most 2 roundings before the sum, so
//     |computed - exact| <= gamma_{n+3} * sum (|a_i| + |s_i c_i|).
//   Two float kernels differ from each other by at most twice that.
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "ruvector/simd.h"
#include "simd/quant_kernels.h"

namespace ruvector::detail {
namespace {

constexpr double kU = 0x1p-24;
double gamma(double k) { return k * kU / (1.0 - k * kU); }

// Every variant this CPU runs: each level's set and the alternatives within a level
// (AVX-512 with/without BW, VNNI, VPOPCNTDQ).
std::vector<const QuantKernels*> all_sets() {
  for (SimdLevel level : supported_simd_levels()) EXPECT_NE(quant_kernels_for(level), nullptr) << simd_level_name(level);
  return quant_kernel_variants();
}

const std::size_t kLengths[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 129, 255, 257, 768, 784, 1001};
// Beyond one 32-bit block (kDotI16Block) and odd.
const std::size_t kLongLengths[] = {1023, 1024, 1025, 2047, 4099, 65537};

TEST(QuantKernels, EveryLevelHasASetAndTheActiveOneMatchesTheFloatLevel) {
  EXPECT_FALSE(all_sets().empty());
  EXPECT_EQ(active_quant_kernels().level, active_simd_level());
  EXPECT_EQ(quant_kernels_scalar().level, SimdLevel::kScalar);
}

TEST(QuantKernels, EveryVariantIsListedOnceAndTheActiveOneIsAmongThem) {
  const std::vector<const QuantKernels*> sets = all_sets();
  ASSERT_FALSE(sets.empty());
  EXPECT_EQ(sets.front(), &quant_kernels_scalar());
  bool active = false;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    active = active || sets[i] == &active_quant_kernels();
    for (std::size_t j = 0; j < i; ++j) EXPECT_STRNE(sets[i]->variant, sets[j]->variant);
  }
  EXPECT_TRUE(active);
}

// Exact integer result, from an int64 loop written here (the oracle), on random and
// extreme weights/codes.
TEST(QuantKernels, DotU8I16IsExactAtEveryVariant) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> wd(-32767, 32767), cd(0, 255);
  std::vector<std::size_t> lengths(std::begin(kLengths), std::end(kLengths));
  lengths.insert(lengths.end(), std::begin(kLongLengths), std::end(kLongLengths));
  for (std::size_t n : lengths) {
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<std::int16_t> w(n);
      std::vector<std::uint8_t> c(n);
      for (std::size_t i = 0; i < n; ++i) {
        // trial 0: every product at its maximum (the 32-bit lanes' worst case);
        // 1: at its minimum; 2, 3: random, with the extremes mixed in.
        w[i] = static_cast<std::int16_t>(trial == 0 ? 32767 : trial == 1 ? -32767 : i % 5 == 0 ? -32767 : wd(rng));
        c[i] = static_cast<std::uint8_t>(trial < 2 || i % 7 == 0 ? 255 : cd(rng));
      }
      std::int64_t exact = 0;
      for (std::size_t i = 0; i < n; ++i) exact += static_cast<std::int64_t>(w[i]) * static_cast<std::int64_t>(c[i]);
      for (const QuantKernels* k : all_sets())
        EXPECT_EQ(k->dot_u8_i16(w.data(), c.data(), n), exact) << k->variant << " n=" << n << " trial=" << trial;
    }
  }
}

// No read past n: the codes end at the end of an exact-size heap block (ASan) and the
// kernels are run on every suffix of a short buffer.
TEST(QuantKernels, DotU8I16ReadsOnlyItsLength) {
  for (std::size_t n : {1, 15, 16, 17, 31, 32, 33, 63, 65, 100}) {
    std::unique_ptr<std::int16_t[]> w(new std::int16_t[n]);
    std::unique_ptr<std::uint8_t[]> c(new std::uint8_t[n]);
    std::int64_t exact = 0;
    for (std::size_t i = 0; i < n; ++i) {
      w[i] = static_cast<std::int16_t>(static_cast<int>(i * 37 % 2001) - 1000);
      c[i] = static_cast<std::uint8_t>(i * 11 % 256);
      exact += static_cast<std::int64_t>(w[i]) * c[i];
    }
    for (const QuantKernels* k : all_sets()) EXPECT_EQ(k->dot_u8_i16(w.get(), c.get(), n), exact) << k->variant << " n=" << n;
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
      EXPECT_LE(std::fabs(got - exact), bound) << k->variant << " n=" << n;
      EXPECT_LE(std::fabs(got - ref), 2 * bound) << k->variant << " n=" << n;
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
            << k->variant << " words=" << words << " trial=" << trial;
    }
  }
}

}  // namespace
}  // namespace ruvector::detail
