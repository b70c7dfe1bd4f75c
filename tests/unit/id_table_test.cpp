// detail::IdTable against std::unordered_map as the oracle: random inserts, erases and
// lookups (hits, misses, erased ids, slot reuse), with tombstone-heavy churn.
#include "core/id_table.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace ruvector::detail {
namespace {

using Slot = IdTable::Slot;

void expect_same(const IdTable& t, const std::unordered_map<std::string, Slot>& model, std::size_t probes,
                 std::mt19937_64& rng) {
  ASSERT_TRUE(t.check().ok()) << t.check().ToString();
  ASSERT_EQ(t.size(), model.size());
  for (const auto& [id, slot] : model) {
    const auto found = t.find(id);
    ASSERT_TRUE(found.has_value()) << id;
    EXPECT_EQ(*found, slot);
    EXPECT_EQ(t[slot], id);
  }
  for (std::size_t i = 0; i < probes; ++i) {
    const std::string id = "x" + std::to_string(rng() % 100000);
    EXPECT_EQ(t.find(id).has_value(), model.count(id) == 1) << id;
  }
}

TEST(IdTableTest, MatchesAHashMapUnderRandomChurn) {
  std::mt19937_64 rng(42);
  IdTable t;
  std::unordered_map<std::string, Slot> model;
  std::vector<Slot> free_slots;
  Slot next = 0;
  for (int round = 0; round < 40; ++round) {
    // Grow (new ids, some long enough to leave the small-string buffer), then erase a
    // random share so tombstones accumulate and the table rehashes in place.
    const std::size_t inserts = 1 + rng() % 600;
    for (std::size_t i = 0; i < inserts; ++i) {
      std::string id = "x" + std::to_string(rng() % 100000);
      if (rng() % 4 == 0) id += "-a-long-identifier-beyond-sso";
      if (model.count(id)) continue;
      Slot s;
      if (!free_slots.empty() && rng() % 2) {
        s = free_slots.back();
        free_slots.pop_back();
      } else {
        s = next++;
        t.grow_slots(next);
      }
      t.insert(s, id);
      model.emplace(id, s);
    }
    std::vector<std::string> victims;
    for (const auto& [id, slot] : model)
      if (rng() % 3 == 0) victims.push_back(id);
    for (const std::string& id : victims) {
      const Slot s = model.at(id);
      t.erase(s);
      EXPECT_TRUE(t[s].empty());
      EXPECT_FALSE(t.find(id).has_value()) << id;
      model.erase(id);
      free_slots.push_back(s);
    }
    expect_same(t, model, 200, rng);
  }
}

TEST(IdTableTest, EmptyTableFindsNothing) {
  IdTable t;
  EXPECT_FALSE(t.find("a").has_value());
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.check().ok());
}

TEST(IdTableTest, StaysAtMostHalfFullAndSmall) {
  IdTable t;
  const std::size_t n = 100000;
  t.grow_slots(n);
  for (std::size_t i = 0; i < n; ++i) t.insert(static_cast<Slot>(i), std::to_string(i));
  EXPECT_TRUE(t.check().ok());
  // One std::string per slot and a 4-byte table entry per position (2–4 per id).
  EXPECT_LE(t.memory_bytes(), n * (sizeof(std::string) + 4 * 4));
  EXPECT_EQ(IdTable::table_entries_for(n), 262144u);
  // Erasing and inserting the same number many times keeps the table bounded.
  for (int round = 0; round < 5; ++round) {
    for (std::size_t i = 0; i < n; i += 2) t.erase(static_cast<Slot>(i));
    for (std::size_t i = 0; i < n; i += 2)
      t.insert(static_cast<Slot>(i), std::to_string(i) + "r" + std::to_string(round));
    ASSERT_TRUE(t.check().ok()) << t.check().ToString();
  }
  EXPECT_LE(t.memory_bytes(), n * (sizeof(std::string) + 4 * 4));
  EXPECT_EQ(*t.find("4r4"), 4u);
  EXPECT_EQ(*t.find("5"), 5u);
  EXPECT_FALSE(t.find("4").has_value());
}

}  // namespace
}  // namespace ruvector::detail
