// Concurrent searches during inserts, upserts and deletes. Run under ThreadSanitizer
// by `make tsan` (called by `make test`). Checks that no search sees a torn entry:
// every hit's id resolves, and a returned vector matches what was written for it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "datasets.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

// Vector for (id, version): all components encode both, so a torn or stale read is visible.
std::vector<float> vector_for(int id, int version, std::size_t dim) {
  std::vector<float> v(dim);
  for (std::size_t j = 0; j < dim; ++j) v[j] = static_cast<float>(id % 97) + 0.001f * static_cast<float>(version) +
                                               0.01f * static_cast<float>(j % 5) + 1.0f;
  return v;
}

TEST(ConcurrencyTest, SearchesDuringInsertsUpsertsAndDeletes) {
  constexpr std::size_t kDim = 16;
  DatabaseOptions o;
  o.dimensions = kDim;
  o.metric = Metric::kEuclidean;
  o.threads = 2;
  auto db = std::move(Database::open(o)).value();
  {
    std::vector<std::vector<float>> vs;
    std::vector<Entry> batch;
    for (int i = 0; i < 500; ++i) vs.push_back(vector_for(i, 0, kDim));
    for (int i = 0; i < 500; ++i) batch.push_back(Entry{std::to_string(i), vs[static_cast<std::size_t>(i)], Json{{"v", 0}}});
    ASSERT_TRUE(db->insert_batch(batch).ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0}, bad{0};
  auto reader = [&](int seed) {
    int n = 0;
    while (!stop.load()) {
      const auto q = vector_for((seed * 31 + n++) % 800, 0, kDim);
      SearchQuery sq;
      sq.vector = q;
      sq.k = 5;
      sq.include_vector = true;
      sq.include_metadata = true;
      if (n % 3 == 0) sq.filter = Json{{"v", {{"$gte", 0}}}};
      auto hits = db->search(sq);
      if (!hits.ok()) {
        ++bad;
        continue;
      }
      for (const auto& h : *hits) {
        const int version = h.metadata.value("v", -1);
        const auto expect = vector_for(std::stoi(h.id), version, kDim);
        if (h.vector != expect) ++bad;  // vector and metadata must come from one write
      }
      ++searches;
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) readers.emplace_back(reader, r);
  std::thread writer([&] {
    for (int round = 1; round <= 6; ++round) {
      std::vector<std::vector<float>> vs;
      std::vector<Entry> batch;
      for (int i = 0; i < 100; ++i) vs.push_back(vector_for(500 + round * 100 + i, round, kDim));
      for (int i = 0; i < 100; ++i)
        batch.push_back(Entry{std::to_string(500 + round * 100 + i), vs[static_cast<std::size_t>(i)], Json{{"v", round}}});
      EXPECT_TRUE(db->insert_batch(batch).ok());
      for (int i = 0; i < 40; ++i) {
        const int id = (round * 53 + i * 7) % 500;
        const auto v = vector_for(id, round, kDim);
        EXPECT_TRUE(db->insert(Entry{std::to_string(id), v, Json{{"v", round}}}).ok());  // upsert
      }
      for (int i = 0; i < 30; ++i) EXPECT_TRUE(db->remove(std::to_string((round * 101 + i * 13) % 500)).ok());
    }
    stop = true;
  });
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(searches.load(), 0);
  // The final state is consistent: everything that is listed can be fetched and found.
  for (int id = 0; id < 1100; ++id) {
    auto rec = db->get(std::to_string(id));
    if (!rec.ok()) continue;
    SearchQuery sq;
    sq.vector = rec->vector;
    sq.k = 1;
    auto hits = db->search(sq);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].score, 0.0f);
  }
}

}  // namespace
}  // namespace ruvector
