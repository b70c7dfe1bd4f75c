// A program outside the project that uses the installed ruvector package (built by
// tests/package/test_consumer.sh through find_package and through pkg-config).
// Durable database in <dir>: inserts 300 seeded random vectors, reopens it, checks that
// every stored vector is its own exact nearest neighbour (flat index: a brute-force
// oracle answers the same) and that a wrong-length query fails with DIMENSION_MISMATCH.
// Prints "ruvector <version> ok <count>"; exit 0 only when every check held.
#include <ruvector/ruvector.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer <new database directory>\n");
    return 2;
  }
  constexpr std::size_t kCount = 300, kDim = 16;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<std::vector<float>> vectors(kCount, std::vector<float>(kDim));
  for (auto& v : vectors)
    for (auto& x : v) x = normal(rng);

  ruvector::DatabaseOptions options;
  options.dimensions = kDim;
  options.metric = ruvector::Metric::kEuclidean;
  options.index = ruvector::IndexKind::kFlat;
  options.storage_path = argv[1];
  {
    auto db = ruvector::Database::open(options);
    if (!db.ok()) return std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str()), 1;
    for (std::size_t i = 0; i < kCount; ++i) {
      auto id = (*db)->insert({"v" + std::to_string(i), vectors[i], ruvector::Json{{"i", i}}});
      if (!id.ok()) return std::fprintf(stderr, "insert: %s\n", id.status().ToString().c_str()), 1;
    }
  }
  auto db = ruvector::Database::open(options);  // reopened from LMDB
  if (!db.ok()) return std::fprintf(stderr, "reopen: %s\n", db.status().ToString().c_str()), 1;
  if ((*db)->size() != kCount) return std::fprintf(stderr, "reopened size %zu\n", (*db)->size()), 1;
  for (std::size_t i = 0; i < kCount; ++i) {
    auto hits = (*db)->search({.vector = vectors[i], .k = 1, .include_metadata = true});
    if (!hits.ok() || hits->size() != 1 || (*hits)[0].id != "v" + std::to_string(i) ||
        (*hits)[0].metadata.value("i", kCount) != i)
      return std::fprintf(stderr, "search %zu: wrong nearest neighbour\n", i), 1;
  }
  std::vector<float> wrong(kDim - 1, 0.0f);
  auto bad = (*db)->search({.vector = wrong, .k = 1});
  if (bad.ok() || bad.status().code() != ruvector::StatusCode::kDimensionMismatch)
    return std::fprintf(stderr, "wrong-length query was not DIMENSION_MISMATCH\n"), 1;
  std::printf("ruvector %s ok %zu\n", ruvector::version(), (*db)->size());
  return 0;
}
