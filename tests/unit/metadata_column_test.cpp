// MetadataColumn's running heap total (what info().memory.metadata reports in O(1))
// against a recount cell by cell, through every kind of write, and through the database:
// check_invariants() compares the two.
#include "core/metadata_column.h"

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "datasets.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

Json random_metadata(std::mt19937& rng) {
  switch (rng() % 5) {
    case 0: return Json(nullptr);
    case 1: return Json{{"i", rng() % 1000}};
    case 2: return Json{{"title", std::string(rng() % 80, 'x')}, {"tags", {"a", "b", std::string(rng() % 40, 'y')}}};
    case 3: return Json{{"nested", {{"deep", {{"deeper", std::vector<int>(rng() % 30, 7)}}}}}};
    default: return Json::object();
  }
}

TEST(MetadataColumnTest, RunningHeapTotalEqualsARecountAfterEveryWrite) {
  detail::MetadataColumn col;
  std::mt19937 rng(42);
  col.resize(64);
  EXPECT_EQ(col.heap_bytes(), col.recount_heap_bytes());
  for (int step = 0; step < 3000; ++step) {
    const auto slot = static_cast<std::uint32_t>(rng() % 64);
    switch (rng() % 6) {
      case 0: col.clear(slot); break;
      case 1: col.resize(32 + rng() % 64); col.resize(64); break;  // shrink drops cells, grow adds empty ones
      case 2: {  // the text handed in by the caller (as the database does)
        Json m = random_metadata(rng);
        std::string text = detail::metadata_text(m);
        col.set(slot, std::move(m), std::move(text));
        break;
      }
      default: col.set(slot, random_metadata(rng), std::string()); break;
    }
    ASSERT_EQ(col.heap_bytes(), col.recount_heap_bytes()) << "after step " << step;
  }
  col.resize(0);
  EXPECT_EQ(col.recount_heap_bytes(), col.heap_bytes());
}

TEST(MetadataColumnTest, DatabaseInfoFollowsMetadataWrites) {
  DatabaseOptions o;
  o.dimensions = 8;
  auto opened = Database::open(o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Database& db = *opened.value();
  const testing::Dataset data = testing::make_clustered(400, 8, 4, 3);
  auto row = [&](std::size_t i) { return std::span<const float>(data.row(i), 8); };
  std::mt19937 rng(7);
  std::vector<Entry> batch;
  for (std::size_t i = 0; i < 300; ++i) batch.push_back(Entry{"v" + std::to_string(i), row(i), random_metadata(rng)});
  ASSERT_TRUE(db.insert_batch(batch).ok());
  const std::size_t after_insert = db.info().memory.metadata;
  EXPECT_GT(after_insert, 0u);
  for (std::size_t i = 0; i < 100; ++i)  // upserts with other metadata
    ASSERT_TRUE(db.insert(Entry{"v" + std::to_string(i), row(300 + i), random_metadata(rng)}).ok());
  for (std::size_t i = 100; i < 150; ++i) ASSERT_TRUE(db.set_metadata("v" + std::to_string(i), random_metadata(rng)).ok());
  for (std::size_t i = 150; i < 250; ++i) ASSERT_TRUE(db.remove("v" + std::to_string(i)).ok());
  EXPECT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
  // Removing every entry gives back every cell.
  for (std::size_t i = 0; i < 300; ++i) ASSERT_TRUE(db.remove("v" + std::to_string(i)).ok());
  EXPECT_TRUE(db.check_invariants().ok()) << db.check_invariants().ToString();
  EXPECT_LT(db.info().memory.metadata, after_insert / 4);
  auto bytes = db.serialize();
  ASSERT_TRUE(bytes.ok());
  auto copy = Database::deserialize(*bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_TRUE(copy.value()->check_invariants().ok()) << copy.value()->check_invariants().ToString();
}

}  // namespace
}  // namespace ruvector
