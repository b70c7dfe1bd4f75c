// Where the floats of a quantized database live (DatabaseOptions::floats,
// docs/quantization.md "Where the floats live"): the option's defaults and refusals;
// floats in the store only (re-ranking, graph building, get, reopen and conversion read
// them through the store) against the same database with floats in memory and against
// brute force; dropped floats (decoded vectors, said so by get, info and snapshots).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "datasets.h"
#include "ruvector/options_json.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

using testing::Dataset;

std::vector<Entry> entries_of(const Dataset& base, std::size_t from = 0, std::size_t to = SIZE_MAX) {
  std::vector<Entry> e;
  for (std::size_t i = from; i < std::min(to, base.n); ++i)
    e.push_back(Entry{std::to_string(i), std::span<const float>(base.row(i), base.dim), nullptr});
  return e;
}

struct Answers {
  std::vector<std::vector<std::uint32_t>> ids;
  std::vector<std::vector<float>> scores;
};

Answers run(const Database& db, const Dataset& queries, std::size_t k,
            std::optional<std::uint32_t> rescore = std::nullopt) {
  Answers a;
  for (std::size_t q = 0; q < queries.n; ++q) {
    auto hits = db.search(testing::query_of(queries, q, k, rescore));
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    a.ids.emplace_back();
    a.scores.emplace_back();
    if (!hits.ok()) continue;
    for (const auto& h : *hits) {
      a.ids.back().push_back(static_cast<std::uint32_t>(std::stoul(h.id)));
      a.scores.back().push_back(h.score);
    }
  }
  return a;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("ruvector-floats-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p;
}

DatabaseOptions options_for(const Dataset& base, Metric metric, Quantization q) {
  DatabaseOptions o;
  o.dimensions = static_cast<std::uint32_t>(base.dim);
  o.metric = metric;
  o.quantization = q;
  o.threads = 1;  // one reproducible graph, so two placements build the same one
  return o;
}

TEST(FloatPlacementOption, DefaultsAndRefusals) {
  EXPECT_EQ(*parse_float_placement("Store"), FloatPlacement::kStore);
  EXPECT_EQ(*parse_float_placement("drop"), FloatPlacement::kDrop);
  EXPECT_EQ(*parse_float_placement("memory"), FloatPlacement::kMemory);
  EXPECT_EQ(parse_float_placement("disk").status().code(), StatusCode::kInvalidArgument);
  auto json = database_options_from_json(Json{{"dimensions", 8}, {"floats", "drop"}});
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->floats, FloatPlacement::kDrop);
  EXPECT_EQ(database_options_from_json(Json{{"floats", 3}}).status().code(), StatusCode::kInvalidArgument);

  DatabaseOptions o;
  o.dimensions = 8;
  o.quantization = Quantization::kInt8;
  EXPECT_EQ((*Database::open(o))->info().floats, FloatPlacement::kMemory) << "in memory: kept by default";
  o.floats = FloatPlacement::kDrop;
  EXPECT_EQ((*Database::open(o))->info().floats, FloatPlacement::kDrop);
  o.floats = FloatPlacement::kStore;
  EXPECT_EQ(Database::open(o).status().code(), StatusCode::kInvalidArgument) << "store needs storage";
  EXPECT_EQ(Database::check_open(o).code(), StatusCode::kInvalidArgument);
  o.quantization = Quantization::kNone;
  o.floats = FloatPlacement::kDrop;
  EXPECT_EQ(Database::open(o).status().code(), StatusCode::kInvalidArgument) << "only quantized databases";
  o.quantization = Quantization::kBinary;
  o.metric = Metric::kManhattan;
  EXPECT_EQ(Database::open(o).status().code(), StatusCode::kInvalidArgument) << "binary manhattan must re-rank";

  const auto dir = temp_dir("defaults");
  DatabaseOptions d;
  d.dimensions = 8;
  d.storage_path = dir.string();
  d.quantization = Quantization::kBinary;
  {
    auto db = Database::open(d);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ((*db)->info().floats, FloatPlacement::kStore) << "durable quantized: in the store by default";
    const Json info = database_info_to_json((*db)->info());
    EXPECT_EQ(info["floats"], "store");
    EXPECT_EQ(info["vectorsDecoded"], false);
  }
  d.floats = FloatPlacement::kDrop;
  EXPECT_EQ(Database::open(d).status().code(), StatusCode::kInvalidArgument) << "drop is for in-memory databases";
  EXPECT_EQ(Database::check_open(d).code(), StatusCode::kInvalidArgument);
  d.floats = FloatPlacement::kMemory;
  {
    auto db = Database::open(d);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->info().floats, FloatPlacement::kMemory);
  }
  DatabaseOptions plain;
  plain.storage_path = dir.string();
  plain.quantization = Quantization::kNone;  // converts back: floats in memory
  {
    auto db = Database::open(plain);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->info().floats, FloatPlacement::kMemory);
  }
  std::filesystem::remove_all(dir);
}

// Floats in the store only: the heap holds no float rows once the codes are trained, and
// every answer (re-ranked scores, included vectors, get) is exactly that of the same
// database with its floats in memory — through incremental inserts (the graph is built
// from rows read in the store), removals (graph repair), a reopen and a conversion —
// with recall against brute force at the level of the quantization tests.
TEST(FloatPlacementStore, AnswersAsWithFloatsInMemory) {
  const auto [all, queries] = testing::split(testing::make_clustered(3250, 48, 24, 5, 0.3f), 3200);
  for (Quantization q : {Quantization::kInt8, Quantization::kBinary}) {
    for (Metric metric : {Metric::kEuclidean, Metric::kCosine, Metric::kDot}) {
      SCOPED_TRACE(std::string(quantization_name(q)) + " " + metric_name(metric));
      const auto dir = temp_dir("store");
      DatabaseOptions so = options_for(all, metric, q);
      so.storage_path = dir.string();
      DatabaseOptions mo = options_for(all, metric, q);
      mo.storage = make_memory_storage();
      mo.floats = FloatPlacement::kMemory;
      auto stored = Database::open(so);
      auto kept = Database::open(mo);
      ASSERT_TRUE(stored.ok() && kept.ok());
      // A batch that trains, then small batches built on rows read from the store.
      for (auto [from, to] : {std::pair<std::size_t, std::size_t>{0, 2500}, {2500, 2800}, {2800, 3000}, {3000, 3200}}) {
        ASSERT_TRUE((*stored)->insert_batch(entries_of(all, from, to)).ok());
        ASSERT_TRUE((*kept)->insert_batch(entries_of(all, from, to)).ok());
      }
      for (int i = 0; i < 40; ++i) {
        ASSERT_TRUE(*(*stored)->remove(std::to_string(i * 7)));
        ASSERT_TRUE(*(*kept)->remove(std::to_string(i * 7)));
      }
      const DatabaseInfo info = (*stored)->info();
      EXPECT_EQ(info.floats, FloatPlacement::kStore);
      EXPECT_GT(info.codes_trained_on, 0u);
      EXPECT_FALSE(info.vectors_decoded);
      EXPECT_LT(info.memory.floats, 8 * all.n) << "no float rows in RAM (cosine keeps 1/|x| per slot)";
      EXPECT_GT((*kept)->info().memory.floats, all.n * all.dim * 4 - 1);
      const Answers a = run(**stored, queries, 10);
      EXPECT_EQ(a.ids, run(**kept, queries, 10).ids);
      EXPECT_EQ(a.scores, run(**kept, queries, 10).scores);
      // Against brute force over what is left.
      Dataset left;
      left.dim = all.dim;
      std::vector<std::uint32_t> left_ids;
      for (std::size_t i = 0; i < all.n; ++i) {
        if (i % 7 == 0 && i / 7 < 40) continue;
        left.data.insert(left.data.end(), all.row(i), all.row(i) + all.dim);
        left_ids.push_back(static_cast<std::uint32_t>(i));
      }
      left.n = left_ids.size();
      auto truth = testing::brute_force_knn(left, queries, 10, metric);
      for (auto& t : truth)
        for (auto& id : t) id = left_ids[id];
      const double recall = testing::recall_at_k(truth, a.ids, 10);
      EXPECT_GE(recall, q == Quantization::kInt8 ? 0.9 : 0.75) << "recall " << recall;
      // get and include_vector read the exact floats in the store.
      auto r = (*stored)->get("123");
      ASSERT_TRUE(r.ok());
      EXPECT_FALSE(r->vector_decoded);
      EXPECT_EQ(r->vector, std::vector<float>(all.row(123), all.row(123) + all.dim));
      SearchQuery sq;
      sq.vector = std::span<const float>(all.row(500), all.dim);
      sq.k = 1;
      sq.include_vector = true;
      auto hit = (*stored)->search(sq);
      ASSERT_TRUE(hit.ok() && hit->size() == 1);
      EXPECT_EQ(hit->front().vector, std::vector<float>(all.row(500), all.row(500) + all.dim));
      // set_metadata rewrites the record with its vector read from the store.
      ASSERT_TRUE(*(*stored)->set_metadata("123", Json{{"tag", 1}}));
      EXPECT_EQ((*stored)->get("123")->vector, r->vector);
      // A snapshot holds the exact floats.
      auto bytes = (*stored)->serialize();
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      auto back = Database::deserialize(*bytes);
      ASSERT_TRUE(back.ok());
      EXPECT_FALSE((*back)->info().vectors_decoded);
      EXPECT_EQ((*back)->get("123")->vector, r->vector);
      stored->reset();
      // Reopen (floats read from the store for training) and convert to the other mode.
      DatabaseOptions ro;
      ro.storage_path = dir.string();
      ro.threads = 1;
      {
        auto db = Database::open(ro);
        ASSERT_TRUE(db.ok()) << db.status().ToString();
        EXPECT_EQ((*db)->info().index_source, "image");
        EXPECT_EQ((*db)->info().floats, FloatPlacement::kStore);
        EXPECT_LT((*db)->info().memory.floats, 8 * all.n);
        // (Retrained on everything at the reopen, so its codes may differ from the
        // incremental ones: judged against brute force.)
        EXPECT_GE(testing::recall_at_k(truth, run(**db, queries, 10).ids, 10), q == Quantization::kInt8 ? 0.9 : 0.75);
        EXPECT_EQ((*db)->get("123")->vector, r->vector);
      }
      ro.quantization = q == Quantization::kInt8 ? Quantization::kBinary : Quantization::kInt8;
      {
        auto db = Database::open(ro);
        ASSERT_TRUE(db.ok());
        EXPECT_LT((*db)->info().memory.floats, 8 * all.n);
        EXPECT_EQ((*db)->info().quantization, ro.quantization);
        EXPECT_GE(testing::recall_at_k(truth, run(**db, queries, 10).ids, 10), 0.75);
      }
      std::filesystem::remove_all(dir);
    }
  }
}

// Dropped floats in an in-memory database: no float rows once the codes are trained;
// results are the codes' own ranking (as rescore 0 on the same database with floats);
// get returns the decoded vector and says so; snapshots carry the decoded vectors and
// say so, and a database loaded from one keeps saying so; inserts go on.
TEST(FloatPlacementDrop, DecodedVectorsSaySo) {
  const auto [base, queries] = testing::split(testing::make_clustered(2550, 32, 10, 8, 0.3f), 2500);
  for (Quantization q : {Quantization::kInt8, Quantization::kBinary}) {
    SCOPED_TRACE(quantization_name(q));
    DatabaseOptions o = options_for(base, Metric::kEuclidean, q);
    o.floats = FloatPlacement::kDrop;
    auto dropped = Database::open(o);
    ASSERT_TRUE(dropped.ok());
    ASSERT_TRUE((*dropped)->insert_batch(entries_of(base, 0, 500)).ok());
    EXPECT_FALSE((*dropped)->info().vectors_decoded) << "floats kept until the codes are trained";
    EXPECT_FALSE((*dropped)->get("1")->vector_decoded);
    ASSERT_TRUE((*dropped)->insert_batch(entries_of(base, 500, 2500)).ok());
    DatabaseOptions k = options_for(base, Metric::kEuclidean, q);
    auto kept = Database::open(k);
    ASSERT_TRUE(kept.ok());
    ASSERT_TRUE((*kept)->insert_batch(entries_of(base, 0, 500)).ok());
    ASSERT_TRUE((*kept)->insert_batch(entries_of(base, 500, 2500)).ok());
    const DatabaseInfo info = (*dropped)->info();
    EXPECT_TRUE(info.vectors_decoded);
    EXPECT_EQ(info.memory.floats, 0u);
    EXPECT_EQ(info.codes_trained_on, 2500u) << "trained on the whole batch before dropping";
    const Answers a = run(**dropped, queries, 10);
    EXPECT_EQ(a.ids, run(**kept, queries, 10, 0).ids) << "no re-ranking: the codes' ranking";
    // get: the decoded code, said so; int8 decodes within half a quantization step.
    auto r = (*dropped)->get("77");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->vector_decoded);
    ASSERT_EQ(r->vector.size(), base.dim);
    double err = 0, norm = 0;
    for (std::size_t i = 0; i < base.dim; ++i) {
      err += std::pow(r->vector[i] - base.row(77)[i], 2);
      norm += std::pow(base.row(77)[i], 2);
    }
    EXPECT_LT(std::sqrt(err / norm), q == Quantization::kInt8 ? 0.02 : 0.8) << "relative error of the decoded vector";
    EXPECT_NE(r->vector, std::vector<float>(base.row(77), base.row(77) + base.dim));
    // Snapshot: decoded vectors, said so in its settings; the loaded database says so too.
    auto bytes = (*dropped)->serialize();
    ASSERT_TRUE(bytes.ok());
    EXPECT_NE(bytes->find("\"vectors\":\"decoded\""), std::string::npos);
    auto back = Database::deserialize(*bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE((*back)->info().vectors_decoded);
    EXPECT_EQ((*back)->info().floats, FloatPlacement::kMemory);
    auto rb = (*back)->get("77");
    EXPECT_TRUE(rb->vector_decoded);
    EXPECT_EQ(rb->vector, r->vector);
    auto again = (*back)->serialize();
    ASSERT_TRUE(again.ok());
    EXPECT_NE(again->find("\"vectors\":\"decoded\""), std::string::npos);
    // Inserts go on (graph built on decoded neighbours): a new vector finds itself.
    std::vector<float> fresh(base.row(5), base.row(5) + base.dim);
    for (float& x : fresh) x += 0.01f;
    ASSERT_TRUE((*dropped)->insert(Entry{"fresh", fresh, nullptr}).ok());
    SearchQuery sq;
    sq.vector = fresh;
    sq.k = 3;
    auto hits = (*dropped)->search(sq);
    ASSERT_TRUE(hits.ok());
    bool found = false;
    for (const auto& h : *hits) found |= h.id == "fresh";
    EXPECT_TRUE(found);
  }
}

}  // namespace
}  // namespace ruvector
