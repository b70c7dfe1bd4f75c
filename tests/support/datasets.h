// Test and benchmark datasets: fashion-mnist from Debian's dataset-fashion-mnist,
// seeded synthetic clustered sets, and an exact brute-force oracle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ruvector/metric.h"
#include "ruvector/result.h"
#include "ruvector/types.h"

namespace ruvector::testing {

struct Dataset {
  std::size_t dim = 0;
  std::size_t n = 0;
  std::vector<float> data;          // n * dim, row-major
  std::vector<std::int32_t> labels; // empty when the set has none
  const float* row(std::size_t i) const { return data.data() + i * dim; }
};

// Directory of the Debian package (override with RUVECTOR_FASHION_MNIST_DIR).
std::string fashion_mnist_dir();

// Reads train (60,000) or test (10,000) images as floats in [0, 255] with labels.
// `limit` > 0 keeps the first `limit` rows. NOT_FOUND when the files are missing,
// CORRUPTION when they are malformed.
Result<Dataset> load_fashion_mnist(bool train, std::size_t limit = 0);

// `n` points around `clusters` Gaussian centres in [-1, 1]^dim with per-coordinate
// standard deviation `spread`. Deterministic for a seed.
Dataset make_clustered(std::size_t n, std::size_t dim, std::size_t clusters, std::uint64_t seed, float spread = 0.15f);

// `d` with every row scaled to unit length (all-zero rows stay zero): what a cosine
// database compares.
Dataset unit_rows(const Dataset& d);

// Splits `all` into its first `n_base` rows and the rest (e.g. base and queries drawn
// from one distribution).
std::pair<Dataset, Dataset> split(const Dataset& all, std::size_t n_base);

// Exact k nearest base rows (indices, ascending distance, ties by index) for every query row.
std::vector<std::vector<std::uint32_t>> brute_force_knn(const Dataset& base, const Dataset& queries,
                                                        std::size_t k, Metric metric);

// Exact distance in the engine's score convention (L2 not squared, 1-cos, -dot, L1), in double.
double reference_score(const float* a, const float* b, std::size_t dim, Metric metric);

// Mean fraction of truth[i][0..k) found in got[i] (any order).
double recall_at_k(const std::vector<std::vector<std::uint32_t>>& truth,
                   const std::vector<std::vector<std::uint32_t>>& got, std::size_t k);

// Row q of `queries` as a search for its k nearest (rescore: the query's override).
// The query's vector points into `queries`, which must outlive it.
SearchQuery query_of(const Dataset& queries, std::size_t q, std::size_t k,
                     std::optional<std::uint32_t> rescore = std::nullopt);

}  // namespace ruvector::testing
