// VectorSpace::distance_from (the graph build's pair distances) against
// VectorSpace::distance(a, b), the per-pair reference: the same value bit for bit, for
// every metric, with the rows resident, and with the floats dropped after the codes are
// trained (then both score on the codes).
#include "index/vector_space.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace ruvector::detail {
namespace {

std::vector<float> random_rows(std::size_t n, std::size_t dim, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> rows(n * dim);
  for (float& x : rows) x = g(rng);
  return rows;
}

std::uint32_t bits(float f) {
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// Every ordered pair (a, b) of the first `n` slots.
void expect_same_as_per_pair(const VectorSpace& space, std::size_t n) {
  for (Slot a = 0; a < n; ++a) {
    const SlotDistance from_a = space.distance_from(a);
    for (Slot b = 0; b < n; ++b) {
      from_a.prefetch(b);
      ASSERT_EQ(bits(from_a(b)), bits(space.distance(a, b))) << "a=" << a << " b=" << b;
    }
  }
}

class DistanceFromTest : public ::testing::TestWithParam<Metric> {};

TEST_P(DistanceFromTest, ResidentRowsMatchThePerPairDistance) {
  // 37 dimensions: not a multiple of any vector width, so kernels take their tail path.
  for (std::size_t dim : {std::size_t{37}, std::size_t{128}}) {
    constexpr std::size_t kN = 24;
    VectorSpace space(dim, GetParam());
    space.reserve(kN);
    const std::vector<float> rows = random_rows(kN, dim, 7 + dim);
    for (Slot s = 0; s < kN; ++s) space.set(s, rows.data() + s * dim);
    ASSERT_TRUE(space.rows_resident());
    expect_same_as_per_pair(space, kN);
    // A row's distance to itself is the metric's minimum (checks the values are real
    // distances, not merely equal to each other).
    if (GetParam() == Metric::kEuclidean || GetParam() == Metric::kManhattan) {
      EXPECT_EQ(space.distance_from(3)(3), 0.0f);
    }
    if (GetParam() == Metric::kCosine) {
      EXPECT_NEAR(space.distance_from(3)(3), 0.0f, 1e-5f);
    }
  }
}

TEST_P(DistanceFromTest, DroppedFloatsScoreOnTheCodes) {
  constexpr std::size_t kDim = 32, kN = 1200;
  VectorSpace space(kDim, GetParam());
  space.set_float_placement(FloatPlacement::kDrop);
  space.set_quantization(Quantization::kInt8, 1);
  space.reserve(kN);
  const std::vector<float> rows = random_rows(kN, kDim, 11);
  std::vector<Slot> live(kN);
  for (Slot s = 0; s < kN; ++s) {
    space.set(s, rows.data() + s * kDim);
    live[s] = s;
  }
  space.train_codes_if_due(live, 1);
  ASSERT_TRUE(space.codes_trained());
  ASSERT_FALSE(space.rows_resident());
  expect_same_as_per_pair(space, 40);
}

INSTANTIATE_TEST_SUITE_P(Metrics, DistanceFromTest,
                         ::testing::Values(Metric::kEuclidean, Metric::kCosine, Metric::kDot, Metric::kManhattan));

}  // namespace
}  // namespace ruvector::detail
