// Internal errors are not user errors (docs/storage.md "Faults"): the INTERNAL code,
// RV_ASSERT, the graph checks of Database::check_invariants(), and the catch-all
// handlers turning an unexpected exception into INTERNAL rather than INVALID_ARGUMENT.
#define RUVECTOR_CHECK_INVARIANTS 1  // this file checks the macro itself
#include "util/invariant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "datasets.h"
#include "ruvector/ruvector.h"
#include "ruvector/storage.h"

namespace ruvector {
namespace {

TEST(InvariantsTest, InternalIsItsOwnCode) {
  const Status st = Status::Internal("broken");
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(static_cast<int>(StatusCode::kInternal), 10);  // the bindings map codes by number
  EXPECT_EQ(st.ToString(), "INTERNAL: broken");
}

TEST(InvariantsTest, FailedAssertThrowsWithWhereAndWhat) {
  try {
    RV_ASSERT(1 + 1 == 3, "arithmetic is broken");
    FAIL() << "RV_ASSERT did not throw";
  } catch (const detail::InvariantViolation& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("1 + 1 == 3"), std::string::npos) << what;
    EXPECT_NE(what.find("invariants_test.cpp"), std::string::npos) << what;
    EXPECT_NE(what.find("arithmetic is broken"), std::string::npos) << what;
  }
  EXPECT_NO_THROW(RV_ASSERT(true, "never evaluated into a throw"));
}

// A Storage whose scan throws (a bug in a storage implementation), over a real
// store's settings: the database reports INTERNAL, never INVALID_ARGUMENT, and does
// not crash.
class ThrowingStorage final : public Storage {
 public:
  explicit ThrowingStorage(std::shared_ptr<Storage> real) : real_(std::move(real)) {}
  Status write(const WriteBatch&) override { throw std::logic_error("write exploded"); }
  Status scan(const std::function<Status(const StoredRecordView&)>&) const override {
    throw std::logic_error("scan exploded");
  }
  Result<std::uint64_t> count() const override { return std::uint64_t{1}; }
  Result<std::optional<std::string>> get_value(std::string_view key) const override { return real_->get_value(key); }
  Status put_value(std::string_view key, std::string_view bytes) override { return real_->put_value(key, bytes); }
  Status delete_value(std::string_view key) override { return real_->delete_value(key); }
  Result<std::uint64_t> generation() const override { return std::uint64_t{1}; }
  bool read_only() const override { return false; }
  std::string describe() const override { return "throwing"; }

 private:
  std::shared_ptr<Storage> real_;
};

TEST(InvariantsTest, AnExceptionFromInsideIsInternalNotInvalidArgument) {
  auto real = make_memory_storage();
  {
    DatabaseOptions create;
    create.dimensions = 4;
    create.storage = real;
    ASSERT_TRUE(Database::open(create).ok());  // stores the settings
  }
  DatabaseOptions o;
  o.storage = std::make_shared<ThrowingStorage>(real);
  auto db = Database::open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInternal) << db.status().ToString();
  EXPECT_NE(db.status().message().find("scan exploded"), std::string::npos) << db.status().ToString();
}

// Graph checks hold through inserts (single and batch), a load from a snapshot,
// upserts, and deletes past the repair threshold.
TEST(InvariantsTest, GraphChecksHoldThroughTheLifeOfAnIndex) {
  for (Metric metric : {Metric::kEuclidean, Metric::kCosine}) {
    DatabaseOptions o;
    o.dimensions = 16;
    o.metric = metric;
    o.threads = 2;
    auto opened = Database::open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Database& db = *opened.value();
    ASSERT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();  // empty
    const testing::Dataset data = testing::make_clustered(3000, 16, 12, 7);
    auto row = [&](std::size_t i) { return std::span<const float>(data.row(i), 16); };
    std::vector<Entry> batch;
    for (std::size_t i = 0; i < 2000; ++i) batch.push_back(Entry{"v" + std::to_string(i), row(i), nullptr});
    ASSERT_TRUE(db.insert_batch(batch).ok());
    EXPECT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
    // A snapshot loads with its image, and the loaded graph holds too.
    auto bytes = db.serialize();
    ASSERT_TRUE(bytes.ok());
    auto copy = Database::deserialize(*bytes);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ(copy.value()->info().index_source, "image");
    EXPECT_TRUE(copy.value()->check_invariants().ok()) << copy.value()->check_invariants().ToString();
    for (std::size_t i = 2000; i < 2300; ++i) ASSERT_TRUE(db.insert(Entry{"v" + std::to_string(i), row(i), nullptr}).ok());
    EXPECT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
    for (std::size_t i = 0; i < 300; ++i)  // upserts: new vectors for old ids
      ASSERT_TRUE(db.insert(Entry{"v" + std::to_string(i), row(2300 + i), nullptr}).ok());
    EXPECT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
    for (std::size_t i = 300; i < 700; ++i) ASSERT_TRUE(db.remove("v" + std::to_string(i)).ok());  // > 5%: repairs
    EXPECT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
  }
}

// An image taken while deleted nodes await their repair (fewer than 5% deleted) must
// not leave a live node unreachable after loading: the image relinks the nodes that
// pointed at deleted ones as a repair would. The deleted nodes are the 60 nearest
// neighbours of one kept node, the nodes most likely to hold its only ways in.
TEST(InvariantsTest, AnImageTakenWithDeletesPendingLoadsAConnectedGraph) {
  constexpr std::size_t kDim = 16, kN = 2000;
  const testing::Dataset data = testing::make_clustered(kN, kDim, 12, 11, 0.05f);
  auto row = [&](std::size_t i) { return std::span<const float>(data.row(i), kDim); };
  for (std::size_t target : {std::size_t{5}, std::size_t{777}, std::size_t{1500}}) {
    DatabaseOptions o;
    o.dimensions = kDim;
    o.metric = Metric::kEuclidean;
    o.threads = 1;
    auto opened = Database::open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Database& db = *opened.value();
    std::vector<Entry> batch;
    for (std::size_t i = 0; i < kN; ++i) batch.push_back(Entry{"v" + std::to_string(i), row(i), nullptr});
    ASSERT_TRUE(db.insert_batch(batch).ok());
    std::vector<std::pair<float, std::size_t>> by_distance;
    for (std::size_t i = 0; i < kN; ++i) {
      float d = 0;
      for (std::size_t j = 0; j < kDim; ++j) d += (data.row(i)[j] - data.row(target)[j]) * (data.row(i)[j] - data.row(target)[j]);
      if (i != target) by_distance.emplace_back(d, i);
    }
    std::sort(by_distance.begin(), by_distance.end());
    for (std::size_t i = 0; i < 60; ++i) ASSERT_TRUE(db.remove("v" + std::to_string(by_distance[i].second)).ok());
    ASSERT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
    auto bytes = db.serialize();
    ASSERT_TRUE(bytes.ok());
    auto copy = Database::deserialize(*bytes);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ(copy.value()->info().index_source, "image");
    EXPECT_TRUE(copy.value()->check_invariants().ok()) << "target " << target << ": "
                                                      << copy.value()->check_invariants().ToString();
    // The kept node is found by the approximate walk itself (k = 1 comes back full, so
    // the exact fallback does not run).
    SearchQuery q;
    q.vector = row(target);
    q.k = 1;
    auto hits = copy.value()->search(q);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ((*hits)[0].id, "v" + std::to_string(target));
  }
}

}  // namespace
}  // namespace ruvector
