// Database API: CRUD, upsert, scores per metric, ordering, and every bad input
// with its stable code, checking that the database is unchanged afterwards.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "datasets.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

std::unique_ptr<Database> make_db(std::uint32_t dims, Metric metric = Metric::kCosine,
                                  IndexKind kind = IndexKind::kHnsw) {
  DatabaseOptions o;
  o.dimensions = dims;
  o.metric = metric;
  o.index = kind;
  auto db = Database::open(o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

Entry entry(std::string id, const std::vector<float>& v, Json meta = nullptr) {
  return Entry{std::move(id), std::span<const float>(v), std::move(meta)};
}

// A fingerprint of the whole observable state, to assert "unchanged" after errors.
std::string fingerprint(const Database& db, const std::vector<std::string>& ids) {
  std::string out = std::to_string(db.size());
  for (const auto& id : ids) {
    auto r = db.get(id);
    out += "|" + id + ":";
    if (!r.ok()) {
      out += r.status().code_name();
      continue;
    }
    for (float x : r->vector) out += std::to_string(x) + ",";
    out += r->metadata.dump();
  }
  return out;
}

TEST(DatabaseTest, InsertGetRemoveRoundTrip) {
  auto db = make_db(3);
  std::vector<float> a{1, 2, 3};
  auto id = db->insert(entry("a", a, Json{{"color", "red"}, {"n", 1}}));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "a");
  EXPECT_EQ(db->size(), 1u);
  EXPECT_FALSE(db->empty());
  auto rec = db->get("a");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->vector, a);
  EXPECT_EQ(rec->metadata, (Json{{"color", "red"}, {"n", 1}}));
  auto removed = db->remove("a");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_TRUE(db->empty());
  EXPECT_EQ(db->get("a").status().code(), StatusCode::kNotFound);
  auto again = db->remove("a");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST(DatabaseTest, GeneratedIdsAreUuidV4AndUnique) {
  auto db = make_db(2);
  std::vector<float> v{1, 0};
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto id = db->insert(entry("", v));
    ASSERT_TRUE(id.ok());
    EXPECT_TRUE(std::regex_match(*id, uuid)) << *id;
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(db->size(), 200u);
}

TEST(DatabaseTest, UpsertReplacesVectorAndMetadataTogether) {
  for (IndexKind kind : {IndexKind::kHnsw, IndexKind::kFlat}) {
    auto db = make_db(2, Metric::kEuclidean, kind);
    std::vector<float> far{100, 100}, near{0, 0};
    for (int i = 0; i < 50; ++i) {
      std::vector<float> v{static_cast<float>(i % 7) + 10, static_cast<float>(i / 7) + 10};
      ASSERT_TRUE(db->insert(entry("n" + std::to_string(i), v)).ok());
    }
    ASSERT_TRUE(db->insert(entry("x", far, Json{{"v", 1}})).ok());
    ASSERT_TRUE(db->insert(entry("x", near)).ok());  // no metadata: the old metadata must go
    EXPECT_EQ(db->size(), 51u);
    auto rec = db->get("x");
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->vector, near);
    EXPECT_TRUE(rec->metadata.is_null()) << rec->metadata.dump();
    SearchQuery q;
    q.vector = std::span<const float>(near);
    q.k = 51;
    q.include_metadata = true;
    auto hits = db->search(q);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 51u);  // exactly one hit for x: no stale node
    EXPECT_EQ((*hits)[0].id, "x");
    EXPECT_FLOAT_EQ((*hits)[0].score, 0.0f);
    int xs = 0;
    for (const auto& h : *hits) xs += h.id == "x";
    EXPECT_EQ(xs, 1);
  }
}

TEST(DatabaseTest, SetMetadataKeepsVectorAndSearchResults) {
  auto db = make_db(3);
  const std::vector<float> a{1, 0, 0}, b{0, 1, 0};
  ASSERT_TRUE(db->insert(Entry{"a", a, Json{{"x", 1}}}).ok());
  ASSERT_TRUE(db->insert(Entry{"b", b, nullptr}).ok());
  EXPECT_TRUE(db->set_metadata("b", Json{{"y", "z"}}).value());
  EXPECT_FALSE(db->set_metadata("nope", Json{{"y", 1}}).value());
  EXPECT_EQ(db->set_metadata("a", Json::array()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->get("a")->metadata, (Json{{"x", 1}}));  // unchanged by the failed call
  EXPECT_EQ(db->get("b")->metadata, (Json{{"y", "z"}}));
  EXPECT_EQ(db->get("b")->vector, b);
  EXPECT_TRUE(db->set_metadata("a", nullptr).value());
  EXPECT_TRUE(db->get("a")->metadata.is_null());
  SearchQuery q;
  q.vector = b;
  q.k = 1;
  q.filter = Json{{"y", "z"}};
  auto hits = db->search(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "b");
}

TEST(DatabaseTest, ScoresFollowTheMetricDefinitions) {
  const std::vector<float> q{1, 0, 0};
  const std::vector<std::vector<float>> vs{{1, 0, 0}, {0, 1, 0}, {2, 2, 0}, {-1, 0.5f, 3}};
  for (Metric m : {Metric::kEuclidean, Metric::kCosine, Metric::kDot, Metric::kManhattan}) {
    for (IndexKind kind : {IndexKind::kHnsw, IndexKind::kFlat}) {
      auto db = make_db(3, m, kind);
      for (std::size_t i = 0; i < vs.size(); ++i) ASSERT_TRUE(db->insert(entry("v" + std::to_string(i), vs[i])).ok());
      SearchQuery sq;
      sq.vector = std::span<const float>(q);
      sq.k = 10;
      auto hits = db->search(sq);
      ASSERT_TRUE(hits.ok());
      ASSERT_EQ(hits->size(), vs.size());
      for (std::size_t i = 0; i < hits->size(); ++i) {
        const std::size_t row = std::stoul((*hits)[i].id.substr(1));
        const double ref = testing::reference_score(q.data(), vs[row].data(), 3, m);
        EXPECT_NEAR((*hits)[i].score, ref, 1e-5) << metric_name(m) << " " << (*hits)[i].id;
        if (i > 0) {
          EXPECT_LE((*hits)[i - 1].score, (*hits)[i].score);
        }
      }
    }
  }
}

TEST(DatabaseTest, TiesAreBrokenById) {
  auto db = make_db(2, Metric::kEuclidean, IndexKind::kFlat);
  std::vector<float> v{1, 1};
  for (const char* id : {"d", "b", "a", "c"}) ASSERT_TRUE(db->insert(entry(id, v)).ok());
  SearchQuery q;
  q.vector = std::span<const float>(v);
  q.k = 4;
  auto hits = db->search(q);
  ASSERT_TRUE(hits.ok());
  std::vector<std::string> ids;
  for (const auto& h : *hits) ids.push_back(h.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(DatabaseTest, KLargerThanCountReturnsAllAndIncludeFlagsWork) {
  auto db = make_db(2, Metric::kDot);
  std::vector<float> a{1, 2}, b{3, 4};
  ASSERT_TRUE(db->insert(entry("a", a, Json{{"k", "A"}})).ok());
  ASSERT_TRUE(db->insert(entry("b", b)).ok());
  SearchQuery q;
  q.vector = std::span<const float>(a);
  q.k = 100;
  auto plain = db->search(q);
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->size(), 2u);
  EXPECT_TRUE((*plain)[0].vector.empty());
  EXPECT_TRUE((*plain)[0].metadata.is_null());
  q.include_vector = true;
  q.include_metadata = true;
  auto full = db->search(q);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ((*full)[0].id, "b");  // dot: -(1*3+2*4) = -11 beats -5
  EXPECT_EQ((*full)[0].vector, b);
  EXPECT_EQ((*full)[1].metadata, (Json{{"k", "A"}}));
}

// The metadata text a search hands out (include_metadata_json) is the JSON of the parsed
// metadata get() returns, through inserts, metadata updates, upserts, removals and a
// snapshot round trip.
TEST(DatabaseTest, SearchMetadataTextFollowsEveryWrite) {
  auto db = make_db(2, Metric::kEuclidean);
  std::vector<float> a{0, 0}, b{1, 0}, c{2, 0};
  ASSERT_TRUE(db->insert(entry("a", a, Json{{"k", "A"}, {"n", 1.5}, {"nested", {{"x", Json::array({1, "two"})}}}})).ok());
  ASSERT_TRUE(db->insert(entry("b", b)).ok());
  ASSERT_TRUE(db->insert(entry("c", c, Json{{"k", "C"}})).ok());
  auto texts = [](Database& d) {
    std::vector<float> q{0, 0};
    SearchQuery sq;
    sq.vector = std::span<const float>(q);
    sq.k = 10;
    sq.include_metadata_json = true;
    auto hits = d.search(sq);
    EXPECT_TRUE(hits.ok());
    std::map<std::string, std::string> out;
    for (const auto& h : *hits) {
      EXPECT_TRUE(h.metadata.is_null());  // only the text was asked for
      auto rec = d.get(h.id);
      EXPECT_TRUE(rec.ok());
      // The oracle: the parsed metadata get() returns, serialised independently.
      EXPECT_EQ(h.metadata_json.empty(), rec->metadata.is_null()) << h.id;
      if (!h.metadata_json.empty()) {
        EXPECT_EQ(Json::parse(h.metadata_json), rec->metadata) << h.id;
      }
      out[h.id] = h.metadata_json;
    }
    // The array form (what the JS faces parse): the same hits, and element i is hit i's
    // metadata as get() returns it (null without), written into a string holding old text.
    std::string array = "stale text from an earlier call";
    SearchQuery plain = sq;
    plain.include_metadata_json = false;
    auto again = d.search(plain, &array);
    EXPECT_TRUE(again.ok());
    const Json parsed = Json::parse(array);
    EXPECT_TRUE(parsed.is_array());
    EXPECT_EQ(parsed.size(), again->size());
    EXPECT_EQ(array, metadata_json_array(*hits));
    for (std::size_t i = 0; i < again->size() && i < parsed.size(); ++i) {
      const auto& h = (*again)[i];
      EXPECT_EQ(h.id, (*hits)[i].id);
      EXPECT_TRUE(h.metadata_json.empty());  // not asked per hit
      auto rec = d.get(h.id);
      EXPECT_TRUE(rec.ok());
      EXPECT_EQ(parsed[i], rec->metadata) << h.id;
    }
    return out;
  };
  auto t = texts(*db);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t["b"], "");
  EXPECT_EQ(Json::parse(t["c"]), (Json{{"k", "C"}}));
  ASSERT_TRUE(db->set_metadata("b", Json{{"k", "B"}}).ok());
  ASSERT_TRUE(db->set_metadata("c", nullptr).ok());
  ASSERT_TRUE(db->insert(entry("a", a, Json{{"k", "A2"}})).ok());  // upsert replaces the metadata
  t = texts(*db);
  EXPECT_EQ(Json::parse(t["b"]), (Json{{"k", "B"}}));
  EXPECT_EQ(t["c"], "");
  EXPECT_EQ(Json::parse(t["a"]), (Json{{"k", "A2"}}));
  ASSERT_TRUE(db->remove("b").ok());
  ASSERT_TRUE(db->insert(entry("d", b, Json{{"k", "D"}})).ok());  // reuses b's slot
  t = texts(*db);
  EXPECT_EQ(t.count("b"), 0u);
  EXPECT_EQ(Json::parse(t["d"]), (Json{{"k", "D"}}));
  auto bytes = db->serialize();
  ASSERT_TRUE(bytes.ok());
  DatabaseOptions o;
  auto copy = Database::deserialize(*bytes, o);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(texts(**copy), t);
}

TEST(DatabaseTest, EmptyDatabaseSearchReturnsNothing) {
  auto db = make_db(4);
  std::vector<float> q{1, 2, 3, 4};
  SearchQuery sq;
  sq.vector = std::span<const float>(q);
  auto hits = db->search(sq);
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
}

TEST(DatabaseTest, BadOptionsAreRejected) {
  for (std::uint32_t dims : {0u, 65537u}) {
    DatabaseOptions o;
    o.dimensions = dims;
    auto db = Database::open(o);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(db.status().message().find(std::to_string(dims)), std::string::npos) << db.status().ToString();
  }
  DatabaseOptions ok;
  ok.dimensions = 65536;
  EXPECT_TRUE(Database::open(ok).ok());
  auto unknown = parse_metric("hamming");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("hamming"), std::string::npos);
  EXPECT_EQ(*parse_metric("DotProduct"), Metric::kDot);
  EXPECT_EQ(*parse_metric("L2"), Metric::kEuclidean);
  EXPECT_EQ(*parse_metric("inner_product"), Metric::kDot);
  DatabaseOptions bad_m;
  bad_m.dimensions = 4;
  bad_m.hnsw = HnswParams{};
  bad_m.hnsw->m = 1;
  EXPECT_EQ(Database::open(bad_m).status().code(), StatusCode::kInvalidArgument);
}

TEST(DatabaseTest, BadInputGetsTheRightCodeAndLeavesTheDatabaseUnchanged) {
  auto db = make_db(3, Metric::kCosine);
  std::vector<float> a{1, 2, 3}, b{3, 2, 1};
  ASSERT_TRUE(db->insert(entry("a", a, Json{{"x", 1}})).ok());
  ASSERT_TRUE(db->insert(entry("b", b)).ok());
  const std::vector<std::string> ids{"a", "b", "c"};
  const std::string before = fingerprint(*db, ids);

  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    std::vector<float> v;
    Json meta;
    StatusCode code;
    std::string needle;
  };
  const std::vector<Case> cases{
      {{1, 2}, nullptr, StatusCode::kDimensionMismatch, "vector has 2 values, database expects 3"},
      {{1, 2, 3, 4}, nullptr, StatusCode::kDimensionMismatch, "4 values"},
      {{1, nan, 3}, nullptr, StatusCode::kInvalidArgument, "vector[1] is NaN"},
      {{inf, 0, 3}, nullptr, StatusCode::kInvalidArgument, "+Infinity"},
      {{1, 0, -inf}, nullptr, StatusCode::kInvalidArgument, "-Infinity"},
      {{1, 1, 1}, Json::array({1, 2}), StatusCode::kInvalidArgument, "metadata must be a JSON object"},
  };
  for (const Case& c : cases) {
    auto r = db->insert(entry("c", c.v, c.meta));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << r.status().ToString();
    // Replacing an existing id with a bad vector must not touch it either.
    EXPECT_FALSE(db->insert(entry("a", c.v, c.meta)).ok());
    EXPECT_EQ(fingerprint(*db, ids), before);
  }
  EXPECT_EQ(db->insert(entry(std::string(600, 'x'), a)).status().code(), StatusCode::kInvalidArgument);

  // A batch with one bad entry writes nothing and names the position.
  std::vector<float> good{1, 1, 1}, bad{1, nan, 1};
  std::vector<Entry> batch{entry("c", good), entry("d", good), entry("e", bad), entry("a", good)};
  auto br = db->insert_batch(batch);
  ASSERT_FALSE(br.ok());
  EXPECT_EQ(br.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(br.status().message().find("entry 2"), std::string::npos) << br.status().ToString();
  EXPECT_EQ(fingerprint(*db, ids), before);
  EXPECT_EQ(db->get("d").status().code(), StatusCode::kNotFound);

  // Search: k = 0, wrong dimension, NaN, malformed filter, bad ef.
  SearchQuery q;
  q.vector = std::span<const float>(a);
  q.k = 0;
  EXPECT_EQ(db->search(q).status().code(), StatusCode::kInvalidArgument);
  q.k = 3;
  std::vector<float> short_q{1, 2};
  q.vector = std::span<const float>(short_q);
  EXPECT_EQ(db->search(q).status().code(), StatusCode::kDimensionMismatch);
  std::vector<float> nan_q{nan, 1, 1};
  q.vector = std::span<const float>(nan_q);
  EXPECT_EQ(db->search(q).status().code(), StatusCode::kInvalidArgument);
  q.vector = std::span<const float>(a);
  q.filter = Json{{"x", {{"$gtx", 1}}}};
  auto fr = db->search(q);
  EXPECT_EQ(fr.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fr.status().message().find("$gtx"), std::string::npos) << fr.status().ToString();
  q.filter = Json::array({1});
  EXPECT_EQ(db->search(q).status().code(), StatusCode::kInvalidArgument);
  q.filter = nullptr;
  q.ef_search = 0;
  EXPECT_EQ(db->search(q).status().code(), StatusCode::kInvalidArgument);
  q.ef_search.reset();
  std::vector<SearchQuery> qs{q, q};
  qs[1].k = 0;
  auto sb = db->search_batch(qs);
  ASSERT_FALSE(sb.ok());
  EXPECT_NE(sb.status().message().find("query 1"), std::string::npos);

  EXPECT_EQ(fingerprint(*db, ids), before);
  auto ok = db->search(q);  // still usable
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 2u);
}

TEST(DatabaseTest, ZeroVectorIsFineForOtherMetrics) {
  for (Metric m : {Metric::kEuclidean, Metric::kDot, Metric::kManhattan}) {
    auto db = make_db(3, m);
    std::vector<float> z{0, 0, 0};
    EXPECT_TRUE(db->insert(entry("z", z)).ok()) << metric_name(m);
  }
}

// Cosine with a zero vector (stored or as the query): the cosine similarity is taken as 0,
// so the score is exactly 1, never NaN, on both index kinds.
TEST(DatabaseTest, ZeroVectorUnderCosineScoresOne) {
  for (IndexKind kind : {IndexKind::kHnsw, IndexKind::kFlat}) {
    DatabaseOptions o;
    o.dimensions = 3;
    o.metric = Metric::kCosine;
    o.index = kind;
    auto db = std::move(Database::open(o)).value();
    std::vector<float> z{0, 0, 0}, a{1, 0, 0}, b{0, 1, 0};
    ASSERT_TRUE(db->insert(entry("z", z)).ok());
    ASSERT_TRUE(db->insert(entry("a", a)).ok());
    ASSERT_TRUE(db->insert(entry("b", b)).ok());
    SearchQuery q;
    q.vector = std::span<const float>(a);
    q.k = 3;
    auto hits = db->search(q);
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    ASSERT_EQ(hits->size(), 3u);
    EXPECT_EQ((*hits)[0].id, "a");
    EXPECT_NEAR((*hits)[0].score, 0.0f, 1e-6f);
    // b (orthogonal) and z (zero) both score exactly 1; ties are broken by id.
    EXPECT_EQ((*hits)[1].id, "b");
    EXPECT_EQ((*hits)[2].id, "z");
    EXPECT_EQ((*hits)[2].score, 1.0f);
    q.vector = std::span<const float>(z);
    auto from_zero = db->search(q);
    ASSERT_TRUE(from_zero.ok()) << from_zero.status().ToString();
    ASSERT_EQ(from_zero->size(), 3u);
    for (const auto& h : *from_zero) EXPECT_EQ(h.score, 1.0f) << h.id;
  }
}

TEST(DatabaseTest, BatchDuplicatesLaterWins) {
  auto db = make_db(2, Metric::kEuclidean);
  std::vector<float> a{1, 1}, b{2, 2};
  std::vector<Entry> batch{entry("x", a, Json{{"n", 1}}), entry("x", b, Json{{"n", 2}})};
  auto ids = db->insert_batch(batch);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_EQ(db->size(), 1u);
  EXPECT_EQ(db->get("x")->vector, b);
  EXPECT_EQ(db->get("x")->metadata["n"], 2);
}

TEST(DatabaseTest, RemovedSlotsAreReusedWithoutGhosts) {
  auto db = make_db(4, Metric::kEuclidean);
  auto data = testing::make_clustered(400, 4, 5, 7);
  std::vector<Entry> batch;
  for (std::size_t i = 0; i < data.n; ++i)
    batch.push_back(Entry{"p" + std::to_string(i), std::span<const float>(data.row(i), 4), nullptr});
  ASSERT_TRUE(db->insert_batch(batch).ok());
  for (std::size_t i = 0; i < 300; ++i) ASSERT_TRUE(*db->remove("p" + std::to_string(i)));
  for (std::size_t i = 0; i < 300; ++i)
    ASSERT_TRUE(db->insert(Entry{"q" + std::to_string(i), std::span<const float>(data.row(i), 4), nullptr}).ok());
  EXPECT_EQ(db->size(), 400u);
  for (std::size_t i = 0; i < 50; ++i) {
    SearchQuery q;
    q.vector = std::span<const float>(data.row(i), 4);
    q.k = 10;
    auto hits = db->search(q);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 10u);
    for (const auto& h : *hits) {
      if (h.id[0] == 'p') {
        EXPECT_GE(std::stoul(h.id.substr(1)), 300u) << "removed entry returned: " << h.id;
      }
      EXPECT_TRUE(db->get(h.id).ok()) << h.id;
    }
  }
}

}  // namespace
}  // namespace ruvector
