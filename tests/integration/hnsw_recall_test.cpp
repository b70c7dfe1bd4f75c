// HNSW quality against an exact brute-force oracle (tests/support): recall at the
// default parameters on clustered synthetic data and on fashion-mnist, after 30%
// deletes, and with filters down to 1% selectivity.
#include <gtest/gtest.h>

#include <unordered_map>

#include "datasets.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

using testing::Dataset;

struct Built {
  std::unique_ptr<Database> db;
};

std::unique_ptr<Database> build(const Dataset& base, Metric metric, IndexKind kind = IndexKind::kHnsw,
                                 const std::vector<Json>* meta = nullptr) {
  DatabaseOptions o;
  o.dimensions = static_cast<std::uint32_t>(base.dim);
  o.metric = metric;
  o.index = kind;
  auto db = Database::open(o);
  EXPECT_TRUE(db.ok());
  std::vector<Entry> entries;
  entries.reserve(base.n);
  for (std::size_t i = 0; i < base.n; ++i)
    entries.push_back(Entry{std::to_string(i), std::span<const float>(base.row(i), base.dim),
                            meta ? (*meta)[i] : Json(nullptr)});
  auto ids = (*db)->insert_batch(entries);
  EXPECT_TRUE(ids.ok()) << ids.status().ToString();
  return std::move(db).value();
}

// Runs every query; returns row indices per query. Asserts each query got `expect_k` hits.
std::vector<std::vector<std::uint32_t>> run(const Database& db, const Dataset& queries, std::size_t k,
                                            std::size_t expect_k, const Json& filter = nullptr) {
  std::vector<std::vector<std::uint32_t>> out(queries.n);
  for (std::size_t q = 0; q < queries.n; ++q) {
    SearchQuery sq;
    sq.vector = std::span<const float>(queries.row(q), queries.dim);
    sq.k = k;
    sq.filter = filter;
    auto hits = db.search(sq);
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    if (!hits.ok()) continue;
    EXPECT_EQ(hits->size(), expect_k) << "query " << q;
    for (const auto& h : *hits) out[q].push_back(static_cast<std::uint32_t>(std::stoul(h.id)));
  }
  return out;
}

Dataset subset(const Dataset& d, const std::vector<std::uint32_t>& rows) {
  Dataset s;
  s.dim = d.dim;
  s.n = rows.size();
  for (auto r : rows) s.data.insert(s.data.end(), d.row(r), d.row(r) + d.dim);
  return s;
}

// Maps subset-relative truth back to original row ids.
std::vector<std::vector<std::uint32_t>> remap(std::vector<std::vector<std::uint32_t>> truth,
                                              const std::vector<std::uint32_t>& rows) {
  for (auto& t : truth)
    for (auto& x : t) x = rows[x];
  return truth;
}

TEST(HnswRecallTest, ClusteredCosineDefaults) {
  const auto [base, queries] = testing::split(testing::make_clustered(20200, 128, 64, 42), 20000);
  auto db = build(base, Metric::kCosine);
  const auto truth = testing::brute_force_knn(base, queries, 10, Metric::kCosine);
  const double recall = testing::recall_at_k(truth, run(*db, queries, 10, 10), 10);
  RecordProperty("recall", std::to_string(recall));
  EXPECT_GE(recall, 0.95);
}

TEST(HnswRecallTest, FashionMnistEuclideanDefaults) {
  auto base = testing::load_fashion_mnist(true, 20000);
  auto queries = testing::load_fashion_mnist(false, 200);
  ASSERT_TRUE(base.ok()) << base.status().ToString() << " (apt-get install dataset-fashion-mnist)";
  ASSERT_TRUE(queries.ok());
  auto db = build(*base, Metric::kEuclidean);
  const auto truth = testing::brute_force_knn(*base, *queries, 10, Metric::kEuclidean);
  const double recall = testing::recall_at_k(truth, run(*db, *queries, 10, 10), 10);
  RecordProperty("recall", std::to_string(recall));
  EXPECT_GE(recall, 0.95);
}

TEST(HnswRecallTest, FlatIndexIsExact) {
  const auto [base, queries] = testing::split(testing::make_clustered(3050, 32, 8, 3), 3000);
  for (Metric m : {Metric::kEuclidean, Metric::kCosine, Metric::kDot, Metric::kManhattan}) {
    auto db = build(base, m, IndexKind::kFlat);
    const auto truth = testing::brute_force_knn(base, queries, 10, m);
    EXPECT_GE(testing::recall_at_k(truth, run(*db, queries, 10, 10), 10), 0.999) << metric_name(m);
  }
}

TEST(HnswRecallTest, ThirtyPercentDeletedKeepsRecallAndK) {
  const auto [base, queries] = testing::split(testing::make_clustered(20200, 64, 40, 11), 20000);
  for (Metric m : {Metric::kEuclidean, Metric::kCosine}) {
    auto db = build(base, m);
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i = 0; i < base.n; ++i) {
      if (i % 10 < 3) {
        auto r = db->remove(std::to_string(i));
        ASSERT_TRUE(r.ok() && *r);
      } else {
        kept.push_back(i);
      }
    }
    ASSERT_EQ(db->size(), kept.size());
    const auto truth = remap(testing::brute_force_knn(subset(base, kept), queries, 10, m), kept);
    const double recall = testing::recall_at_k(truth, run(*db, queries, 10, 10), 10);
    EXPECT_GE(recall, 0.95) << metric_name(m);
    // Every result is live.
    for (const auto& row : run(*db, queries, 10, 10))
      for (auto id : row) EXPECT_NE(id % 10 < 3, true) << "deleted row " << id << " returned";
  }
}

TEST(HnswRecallTest, FiltersMatchFilteredBruteForce) {
  const auto [base, queries] = testing::split(testing::make_clustered(20100, 48, 30, 21), 20000);
  std::vector<Json> meta(base.n);
  for (std::size_t i = 0; i < base.n; ++i)
    meta[i] = Json{{"cat", static_cast<int>(i % 10)}, {"rare", i % 100 == 0}, {"nested", {{"score", i % 50}}}};
  auto db = build(base, Metric::kEuclidean, IndexKind::kHnsw, &meta);
  struct Case {
    Json filter;
    std::function<bool(std::size_t)> oracle;
  };
  const std::vector<Case> cases{
      {Json{{"cat", 3}}, [](std::size_t i) { return i % 10 == 3; }},
      {Json{{"rare", true}}, [](std::size_t i) { return i % 100 == 0; }},  // 1% selective
      {Json{{"nested.score", {{"$lt", 5}}}, {"cat", {{"$in", {1, 2}}}}},
       [](std::size_t i) { return i % 50 < 5 && (i % 10 == 1 || i % 10 == 2); }},
      {Json{{"$or", {{{"cat", 0}}, {{"rare", true}}}}}, [](std::size_t i) { return i % 10 == 0; }},
  };
  for (const Case& c : cases) {
    std::vector<std::uint32_t> rows;
    for (std::uint32_t i = 0; i < base.n; ++i)
      if (c.oracle(i)) rows.push_back(i);
    ASSERT_GE(rows.size(), 10u);
    const auto truth = remap(testing::brute_force_knn(subset(base, rows), queries, 10, Metric::kEuclidean), rows);
    const auto got = run(*db, queries, 10, 10, c.filter);
    for (const auto& r : got)
      for (auto id : r) EXPECT_TRUE(c.oracle(id)) << "row " << id << " does not match " << c.filter.dump();
    EXPECT_GE(testing::recall_at_k(truth, got, 10), 0.95) << c.filter.dump();
  }
  // A filter matching fewer than k returns exactly the matches.
  std::vector<float> q(base.row(0), base.row(0) + base.dim);
  SearchQuery sq;
  sq.vector = std::span<const float>(q);
  sq.k = 10;
  sq.filter = Json{{"nested.score", 7}, {"cat", 7}};  // i % 50 == 7 && i % 10 == 7 -> 400 rows
  auto hits = db->search(sq);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 10u);
  sq.filter = Json{{"rare", true}, {"cat", 5}};  // impossible
  EXPECT_TRUE(db->search(sq)->empty());
}

TEST(HnswRecallTest, EfSearchChangesTheWork) {
  const auto [base, queries] = testing::split(testing::make_clustered(10100, 64, 50, 31), 10000);
  auto db = build(base, Metric::kEuclidean);
  const auto truth = testing::brute_force_knn(base, queries, 10, Metric::kEuclidean);
  auto recall_at = [&](std::uint32_t ef) {
    std::vector<std::vector<std::uint32_t>> got(queries.n);
    for (std::size_t q = 0; q < queries.n; ++q) {
      SearchQuery sq;
      sq.vector = std::span<const float>(queries.row(q), queries.dim);
      sq.k = 10;
      sq.ef_search = ef;
      auto hits = db->search(sq);
      EXPECT_TRUE(hits.ok());
      for (const auto& h : *hits) got[q].push_back(static_cast<std::uint32_t>(std::stoul(h.id)));
    }
    return testing::recall_at_k(truth, got, 10);
  };
  const double low = recall_at(10), high = recall_at(400);
  EXPECT_GT(high, low);
  EXPECT_GE(high, 0.99);
}

}  // namespace
}  // namespace ruvector

namespace ruvector {
namespace {

// Every stored vector must find itself while entries around it are replaced and
// deleted, including a tight far-away cluster (the shape of the reachability loss the
// CLI's re-import test found; that test reproduces the original sequence).
TEST(HnswRecallTest, EveryEntryStaysReachableThroughUpsertsAndDeletes) {
  DatabaseOptions o;
  o.dimensions = 8;
  o.metric = Metric::kEuclidean;
  o.threads = 1;
  auto db = std::move(Database::open(o)).value();
  const auto spread = testing::make_clustered(60, 8, 6, 77, 0.3f);
  auto put = [&](const std::string& id, std::vector<float> v) {
    ASSERT_TRUE(db->insert(Entry{id, v, nullptr}).ok());
  };
  for (std::size_t i = 0; i < spread.n; ++i) put("p" + std::to_string(i), {spread.row(i), spread.row(i) + 8});
  for (int round = 0; round < 12; ++round) {
    // A tight, far-away cluster of four, re-inserted as one batch each round.
    std::vector<std::vector<float>> far(4, std::vector<float>(8, 9.0f));
    std::vector<Entry> batch;
    for (int c = 0; c < 4; ++c) {
      far[static_cast<std::size_t>(c)][static_cast<std::size_t>(c)] += 0.001f;
      batch.push_back(Entry{"far" + std::to_string(c), far[static_cast<std::size_t>(c)], nullptr});
    }
    ASSERT_TRUE(db->insert_batch(batch).ok());
    // Replace and delete some of the others.
    for (int i = 0; i < 6; ++i) {
      const std::size_t row = static_cast<std::size_t>((round * 7 + i * 11) % 60);
      std::vector<float> v(spread.row(row), spread.row(row) + 8);
      v[0] += 0.01f * static_cast<float>(round);
      put("p" + std::to_string(row), v);
    }
    ASSERT_TRUE(db->remove("p" + std::to_string((round * 13) % 60)).ok());
    std::vector<Record> all;
    ASSERT_TRUE(db->for_each([&](const Record& r) -> Status {
                      all.push_back(r);
                      return Status::Ok();
                    })
                    .ok());
    for (const Record& r : all) {
      SearchQuery q;
      q.vector = r.vector;
      q.k = 1;
      q.ef_search = 200;
      auto hits = db->search(q);
      ASSERT_TRUE(hits.ok());
      EXPECT_EQ((*hits)[0].id, r.id) << "round " << round << ": " << r.id << " is unreachable";
    }
  }
}

}  // namespace
}  // namespace ruvector
