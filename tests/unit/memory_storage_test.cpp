// MemoryStorage (include/ruvector/storage.h, src/storage/memory_storage.cpp):
// records, batches, order, generation, named values, and concurrent use (this file
// is also run under ThreadSanitizer).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ruvector/storage.h"
#include "storage_contents.h"

namespace ruvector {
namespace {

using testing::Dump;
using testing::Rec;
using testing::Row;

std::uint64_t Gen(const Storage& s) { return s.generation().value(); }
std::uint64_t Count(const Storage& s) { return s.count().value(); }

TEST(MemoryStorageTest, StartsEmpty) {
  auto s = make_memory_storage();
  EXPECT_EQ(Count(*s), 0u);
  EXPECT_EQ(Gen(*s), 0u);
  EXPECT_TRUE(Dump(*s).empty());
  EXPECT_FALSE(s->read_only());
  EXPECT_EQ(s->describe(), "memory");
  auto v = s->get_value("settings");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v.value().has_value());
}

TEST(MemoryStorageTest, UpsertScanInIdOrderAndReplace) {
  auto s = make_memory_storage();
  WriteBatch b;
  b.upserts = {Rec("b", {2, 2}, R"({"k":2})"), Rec("a", {1, 1}), Rec("c", {3, 3}, R"({"k":3})")};
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(Count(*s), 3u);
  auto d = Dump(*s);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].first, "a");
  EXPECT_EQ(d[1].first, "b");
  EXPECT_EQ(d[2].first, "c");
  EXPECT_EQ(d[0].second, (Row{{1, 1}, ""}));
  EXPECT_EQ(d[1].second, (Row{{2, 2}, R"({"k":2})"}));

  WriteBatch r;
  r.upserts = {Rec("b", {9, 9, 9}, "")};
  ASSERT_TRUE(s->write(r).ok());
  d = Dump(*s);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[1].second, (Row{{9, 9, 9}, ""}));
}

TEST(MemoryStorageTest, ByteOrderOfIds) {
  auto s = make_memory_storage();
  WriteBatch b;
  for (const char* id : {"b", "B", "a", "aa", "", "\xc3\xa9", "10", "9"}) b.upserts.push_back(Rec(id, {0}));
  ASSERT_TRUE(s->write(b).ok());
  std::vector<std::string> ids;
  for (auto& [id, row] : Dump(*s)) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::string>{"", "10", "9", "B", "a", "aa", "b", "\xc3\xa9"}));
}

TEST(MemoryStorageTest, DeletesAndAbsentIds) {
  auto s = make_memory_storage();
  WriteBatch b;
  b.upserts = {Rec("a", {1}), Rec("b", {2}), Rec("c", {3})};
  ASSERT_TRUE(s->write(b).ok());
  WriteBatch d;
  d.deletes = {"b", "nope", "b"};
  ASSERT_TRUE(s->write(d).ok());
  auto rows = Dump(*s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, "a");
  EXPECT_EQ(rows[1].first, "c");
  EXPECT_EQ(Count(*s), 2u);
}

TEST(MemoryStorageTest, WithinABatchUpsertsApplyBeforeDeletes) {
  auto s = make_memory_storage();
  WriteBatch b;
  b.upserts = {Rec("x", {1}), Rec("y", {1}), Rec("y", {2}, "last")};  // later upsert wins
  b.deletes = {"x"};                                                   // deleted after its upsert
  ASSERT_TRUE(s->write(b).ok());
  auto rows = Dump(*s);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "y");
  EXPECT_EQ(rows[0].second, (Row{{2}, "last"}));

  // An existing record replaced and deleted in the same batch is gone.
  WriteBatch c;
  c.upserts = {Rec("y", {3}), Rec("z", {4})};
  c.deletes = {"y"};
  ASSERT_TRUE(s->write(c).ok());
  rows = Dump(*s);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "z");
}

TEST(MemoryStorageTest, GenerationCountsNonEmptyWrites) {
  auto s = make_memory_storage();
  ASSERT_TRUE(s->write(WriteBatch{}).ok());
  EXPECT_EQ(Gen(*s), 0u);  // empty batch: nothing happened
  WriteBatch b;
  b.upserts = {Rec("a", {1})};
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(Gen(*s), 1u);
  ASSERT_TRUE(s->write(b).ok());  // same content again still counts
  EXPECT_EQ(Gen(*s), 2u);
  WriteBatch d;
  d.deletes = {"absent"};
  ASSERT_TRUE(s->write(d).ok());
  EXPECT_EQ(Gen(*s), 3u);
  // Named values do not move the generation.
  ASSERT_TRUE(s->put_value("index", "image").ok());
  ASSERT_TRUE(s->delete_value("index").ok());
  EXPECT_EQ(Gen(*s), 3u);
}

TEST(MemoryStorageTest, NamedValues) {
  auto s = make_memory_storage();
  ASSERT_TRUE(s->put_value("settings", "{\"dim\":3}").ok());
  std::string binary("a\0b\xff", 4);
  ASSERT_TRUE(s->put_value("index", binary).ok());
  ASSERT_TRUE(s->put_value("", "empty key").ok());
  EXPECT_EQ(s->get_value("settings").value(), std::optional<std::string>("{\"dim\":3}"));
  EXPECT_EQ(s->get_value("index").value(), std::optional<std::string>(binary));
  EXPECT_EQ(s->get_value("").value(), std::optional<std::string>("empty key"));
  ASSERT_TRUE(s->put_value("settings", "").ok());  // overwrite with empty bytes: present, empty
  EXPECT_EQ(s->get_value("settings").value(), std::optional<std::string>(""));
  ASSERT_TRUE(s->delete_value("settings").ok());
  EXPECT_FALSE(s->get_value("settings").value().has_value());
  ASSERT_TRUE(s->delete_value("settings").ok());  // absent: fine
  // Values and records are separate namespaces.
  WriteBatch b;
  b.upserts = {Rec("index", {1})};
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(s->get_value("index").value(), std::optional<std::string>(binary));
  EXPECT_EQ(Count(*s), 1u);
}

TEST(MemoryStorageTest, ScanStopsAtFirstError) {
  auto s = make_memory_storage();
  WriteBatch b;
  for (int i = 0; i < 10; ++i) b.upserts.push_back(Rec("id" + std::to_string(i), {float(i)}));
  ASSERT_TRUE(s->write(b).ok());
  int seen = 0;
  Status st = s->scan([&](const StoredRecordView& r) {
    ++seen;
    if (r.id == "id3") return Status::Corruption("bad record id3");
    return Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "bad record id3");
  EXPECT_EQ(seen, 4);
}

TEST(MemoryStorageTest, MatchesAModelUnderRandomBatches) {
  auto s = make_memory_storage();
  std::map<std::string, Row> model;
  std::mt19937 rng(7);
  std::uint64_t gen = 0;
  for (int round = 0; round < 500; ++round) {
    WriteBatch b;
    for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
      std::string id = "k" + std::to_string(rng() % 30);
      std::vector<float> v{float(rng() % 100), float(round)};
      b.upserts.push_back(Rec(id, v, rng() % 2 ? "" : "{\"r\":" + std::to_string(round) + "}"));
    }
    for (int i = static_cast<int>(rng() % 3); i > 0; --i) b.deletes.push_back("k" + std::to_string(rng() % 30));
    for (const auto& r : b.upserts) model[r.id] = Row{r.vector, r.metadata_json};
    for (const auto& id : b.deletes) model.erase(id);
    if (!b.empty()) ++gen;
    ASSERT_TRUE(s->write(b).ok());
    ASSERT_EQ(Gen(*s), gen);
    ASSERT_EQ(Count(*s), model.size());
    auto rows = Dump(*s);
    ASSERT_EQ(rows.size(), model.size());
    auto it = model.begin();
    for (const auto& [id, row] : rows) {
      ASSERT_EQ(id, it->first);
      ASSERT_EQ(row, it->second);
      ++it;
    }
  }
}

// Writers update groups of records atomically (every record of a group carries the
// same stamp) while readers scan and check that no group is ever seen half-written,
// that ids come in order, and that generation and count only move as they should.
TEST(MemoryStorageTest, ConcurrentWritersAndReaders) {
  constexpr int kWriters = 4;
  constexpr int kReaders = 4;
  constexpr int kGroupSize = 5;
  constexpr int kRounds = 300;
  auto s = make_memory_storage();

  // (Ids are built with append: g++ 12 gives a false -Wrestrict on "lit" + std::string&&.)
  auto name = [](const char* prefix, int n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
  };
  auto group_id = [&](int w, int j) { return name("w", w) + "-" + std::to_string(j); };
  // Writer w owns group "w<w>-*" (kGroupSize records, present from the start, rewritten
  // each round) and a churn record "c<w>" that is inserted and deleted alternately.
  {
    WriteBatch init;
    for (int w = 0; w < kWriters; ++w)
      for (int j = 0; j < kGroupSize; ++j) init.upserts.push_back(Rec(group_id(w, j), {0.0f, float(j)}, "0"));
    ASSERT_TRUE(s->write(init).ok());
  }

  std::atomic<bool> writers_done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 1; round <= kRounds; ++round) {
        WriteBatch b;
        for (int j = 0; j < kGroupSize; ++j)
          b.upserts.push_back(Rec(group_id(w, j), {float(round), float(j)}, std::to_string(round)));
        const std::string churn = name("c", w);
        if (round % 2) {
          b.upserts.push_back(Rec(churn, {float(round)}));
        } else {
          b.deletes.push_back(churn);
        }
        if (!s->write(b).ok()) failures.fetch_add(1);
        if (round % 10 == 0 && !s->put_value(name("w", w), std::to_string(round)).ok())
          failures.fetch_add(1);
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      std::uint64_t last_gen = 0;
      std::vector<int> last_stamp(kWriters, 0);
      int scans = 0;
      while (!writers_done.load() || scans < 3) {
        ++scans;
        const std::uint64_t g = s->generation().value();
        if (g < last_gen) failures.fetch_add(1);
        last_gen = g;
        const std::uint64_t n = s->count().value();
        if (n < std::uint64_t{kWriters * kGroupSize} || n > std::uint64_t{kWriters * (kGroupSize + 1)})
          failures.fetch_add(1);
        std::vector<int> stamp(kWriters, -1);
        std::vector<int> members(kWriters, 0);
        std::string prev;
        bool first = true;
        Status st = s->scan([&](const StoredRecordView& rec) {
          if (!first && !(prev < rec.id)) failures.fetch_add(1);
          first = false;
          prev.assign(rec.id);
          if (rec.id[0] != 'w') return Status::Ok();
          const int w = rec.id[1] - '0';
          const int st_value = std::stoi(std::string(rec.metadata_json));
          if (rec.vector.size() != 2 || int(rec.vector[0]) != st_value) failures.fetch_add(1);
          if (stamp[w] == -1) stamp[w] = st_value;
          if (stamp[w] != st_value) failures.fetch_add(1);  // torn group
          ++members[w];
          return Status::Ok();
        });
        if (!st.ok()) failures.fetch_add(1);
        for (int w = 0; w < kWriters; ++w) {
          if (members[w] != kGroupSize) failures.fetch_add(1);
          if (stamp[w] < last_stamp[w]) failures.fetch_add(1);  // went back in time
          last_stamp[w] = stamp[w];
        }
        auto v = s->get_value("w0");
        if (!v.ok()) failures.fetch_add(1);
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[static_cast<std::size_t>(w)].join();
  writers_done.store(true);
  for (std::size_t i = kWriters; i < threads.size(); ++i) threads[i].join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Gen(*s), 1u + std::uint64_t{kWriters} * kRounds);
  // kRounds is even: every churn record ends deleted.
  EXPECT_EQ(Count(*s), std::uint64_t{kWriters * kGroupSize});
  for (int w = 0; w < kWriters; ++w)
    EXPECT_EQ(s->get_value(name("w", w)).value(), std::optional<std::string>(std::to_string(kRounds)));
  for (const auto& [id, row] : Dump(*s)) EXPECT_EQ(row.metadata, std::to_string(kRounds)) << id;
}

}  // namespace
}  // namespace ruvector
