// The durable LMDB storage (src/storage/lmdb_storage.cpp, docs/storage.md): records,
// values, generation, atomic batches, map growth, locking between threads and
// processes, damaged records, and a kill -9 test of a Database writing through it.
#include <fcntl.h>
#include <lmdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ruvector/ruvector.h"
#include "ruvector/storage.h"
#include "storage_contents.h"
#include "faulty_io_env.h"
#include "scoped_fixtures.h"
#include "storage/lmdb_record.h"

namespace ruvector {
namespace {

namespace fs = std::filesystem;

using TempDir = testing_support::TempDir;
using ScopedEnv = testing_support::ScopedEnvVar;

std::shared_ptr<Storage> OpenOk(const std::string& dir, bool read_only = false) {
  DurableStorageOptions o;
  o.read_only = read_only;
  auto s = open_durable_storage(dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? s.value() : nullptr;
}

Status OpenStatus(const std::string& dir, bool read_only = false, bool create = true) {
  DurableStorageOptions o;
  o.read_only = read_only;
  o.create_if_missing = create;
  return open_durable_storage(dir, o).status();
}

using testing::Dump;
using testing::Rec;
using testing::Row;

std::uint64_t Gen(const Storage& s) {
  auto g = s.generation();
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? g.value() : ~std::uint64_t{0};
}
std::uint64_t Count(const Storage& s) {
  auto c = s.count();
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? c.value() : ~std::uint64_t{0};
}

// A deterministic vector for an id (FNV-1a seeded splitmix64), values in [-1, 1).
std::vector<float> Derived(const std::string& id, std::size_t dim) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  std::vector<float> v(dim);
  for (float& x : v) {
    h += 0x9e3779b97f4a7c15ull;
    std::uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    x = static_cast<float>(static_cast<double>(z >> 40) / static_cast<double>(1ull << 24) * 2.0 - 1.0);
  }
  return v;
}

std::uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// ------------------------------------------------------------------ basics

TEST(LmdbStorageTest, RoundTripRecordsAndValues) {
  TempDir tmp;
  const std::string dir = tmp.sub("db");  // created on open
  auto s = OpenOk(dir);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->read_only());
  EXPECT_EQ(s->describe(), "lmdb:" + dir);
  EXPECT_EQ(Count(*s), 0u);
  EXPECT_EQ(Gen(*s), 0u);
  EXPECT_TRUE(fs::exists(dir + "/data.mdb"));
  EXPECT_TRUE(fs::exists(dir + "/writer.lock"));

  WriteBatch b;
  b.upserts = {Rec("b", {2.5f, -2.0f}, R"({"k":2})"), Rec("a", {1.0f, 1e-30f}), Rec("c", {3, 3}, R"({"k":"x"})")};
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(Count(*s), 3u);
  EXPECT_EQ(Gen(*s), 1u);
  auto rows = Dump(*s);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].first, "a");
  EXPECT_EQ(rows[0].second, (Row{{1.0f, 1e-30f}, ""}));
  EXPECT_EQ(rows[1].first, "b");
  EXPECT_EQ(rows[1].second, (Row{{2.5f, -2.0f}, R"({"k":2})"}));
  EXPECT_EQ(rows[2].first, "c");

  // Named values: absent, put, overwrite, delete; they leave the generation alone.
  auto absent = s->get_value("settings");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  ASSERT_TRUE(s->put_value("settings", "one").ok());
  ASSERT_TRUE(s->put_value("image", std::string("\0\1\2", 3)).ok());
  ASSERT_TRUE(s->put_value("empty", "").ok());
  EXPECT_EQ(s->get_value("settings").value(), std::optional<std::string>("one"));
  ASSERT_TRUE(s->put_value("settings", "two").ok());
  EXPECT_EQ(s->get_value("settings").value(), std::optional<std::string>("two"));
  EXPECT_EQ(s->get_value("image").value(), std::optional<std::string>(std::string("\0\1\2", 3)));
  EXPECT_EQ(s->get_value("empty").value(), std::optional<std::string>(""));
  ASSERT_TRUE(s->delete_value("image").ok());
  ASSERT_TRUE(s->delete_value("never-there").ok());
  EXPECT_FALSE(s->get_value("image").value().has_value());
  EXPECT_EQ(Gen(*s), 1u);

  // A large value (an index image) spans overflow pages.
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + 7);
  ASSERT_TRUE(s->put_value("big", big).ok());

  s.reset();
  auto again = OpenOk(dir);
  ASSERT_TRUE(again);
  EXPECT_EQ(Dump(*again), rows);
  EXPECT_EQ(Gen(*again), 1u);
  EXPECT_EQ(again->get_value("settings").value(), std::optional<std::string>("two"));
  EXPECT_EQ(again->get_value("big").value(), std::optional<std::string>(big));
  EXPECT_FALSE(again->get_value("image").value().has_value());
}

TEST(LmdbStorageTest, GenerationCountsWritesAndPersists) {
  TempDir tmp;
  {
    auto s = OpenOk(tmp.path());
    ASSERT_TRUE(s);
    for (int i = 0; i < 10; ++i) {
      WriteBatch b;
      b.upserts = {Rec("id" + std::to_string(i), {float(i)})};
      if (i % 3 == 0) b.deletes = {"absent"};
      ASSERT_TRUE(s->write(b).ok());
      EXPECT_EQ(Gen(*s), std::uint64_t(i + 1));
    }
    ASSERT_TRUE(s->write(WriteBatch{}).ok());  // empty: no change
    EXPECT_EQ(Gen(*s), 10u);
    WriteBatch only_absent_delete;
    only_absent_delete.deletes = {"nope"};
    ASSERT_TRUE(s->write(only_absent_delete).ok());
    EXPECT_EQ(Gen(*s), 11u);
  }
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  EXPECT_EQ(Gen(*s), 11u);
  EXPECT_EQ(Count(*s), 10u);
  WriteBatch b;
  b.deletes = {"id3"};
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(Gen(*s), 12u);
  EXPECT_EQ(Count(*s), 9u);
}

TEST(LmdbStorageTest, UpsertsThenDeletesLaterUpsertWins) {
  TempDir tmp;
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  WriteBatch b;
  b.upserts = {Rec("x", {1}, R"({"v":1})"), Rec("y", {2}), Rec("x", {3}, R"({"v":3})")};
  b.deletes = {"y", "zzz"};
  ASSERT_TRUE(s->write(b).ok());
  auto rows = Dump(*s);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "x");
  EXPECT_EQ(rows[0].second, (Row{{3}, R"({"v":3})"}));
  // Replace changes the length of the stored value both ways.
  ASSERT_TRUE(s->write(WriteBatch{{Rec("x", std::vector<float>(300, 0.5f), std::string(5000, 'm'))}, {}}).ok());
  ASSERT_TRUE(s->write(WriteBatch{{Rec("x", {7})}, {}}).ok());
  EXPECT_EQ(Dump(*s)[0].second, (Row{{7}, ""}));
}

TEST(LmdbStorageTest, ScanIsInByteWiseIdOrder) {
  TempDir tmp;
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  std::vector<std::string> ids = {"b", "a", "ab", "A", "\xff", "a\x01", std::string("a\0b", 3), "aa", "10", "9", "é"};
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) ids.push_back("k" + std::to_string(rng()));
  WriteBatch b;
  for (const auto& id : ids) b.upserts.push_back(Rec(id, {1}));
  ASSERT_TRUE(s->write(b).ok());
  std::vector<std::string> expected = ids;
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  std::vector<std::string> got;
  for (auto& [id, row] : Dump(*s)) got.push_back(id);
  EXPECT_EQ(got, expected);
}

TEST(LmdbStorageTest, ScanStopsAtCallbackError) {
  TempDir tmp;
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->write(WriteBatch{{Rec("a", {1}), Rec("b", {2}), Rec("c", {3})}, {}}).ok());
  int seen = 0;
  Status st = s->scan([&](const StoredRecordView&) {
    return ++seen == 2 ? Status::NotFound("stop here") : Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(seen, 2);
  // A throwing callback is contained and the store stays usable.
  st = s->scan([&](const StoredRecordView&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Count(*s), 3u);
}

TEST(LmdbStorageTest, KeyLimits) {
  TempDir tmp;
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->write(WriteBatch{{Rec(std::string(511, 'k'), {1})}, {}}).ok());
  Status st = s->write(WriteBatch{{Rec(std::string(512, 'k'), {1})}, {}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("512"), std::string::npos) << st.ToString();
  EXPECT_EQ(s->write(WriteBatch{{Rec("", {1})}, {}}).code(), StatusCode::kInvalidArgument);
  // Deleting an id that cannot exist is deleting an absent id.
  EXPECT_TRUE(s->write(WriteBatch{{}, {std::string(600, 'k'), ""}}).ok());
  EXPECT_EQ(s->put_value("", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s->put_value(std::string(512, 'v'), "x").code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(s->get_value(std::string(512, 'v')).value().has_value());
  EXPECT_EQ(Count(*s), 1u);
}

// ------------------------------------------------------------------ atomicity

TEST(LmdbStorageTest, FailedBatchIsAllOrNothing) {
  TempDir tmp;
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->write(WriteBatch{{Rec("keep", {1}, R"({"v":1})")}, {}}).ok());
  const auto before = Dump(*s);
  const std::uint64_t gen = Gen(*s);

  // 2000 good upserts, a replacement and a delete of an existing record, then an id
  // LMDB refuses: the failure happens inside the transaction, after the good writes.
  WriteBatch b;
  for (int i = 0; i < 2000; ++i) b.upserts.push_back(Rec("n" + std::to_string(i), Derived("n" + std::to_string(i), 32)));
  b.upserts.push_back(Rec("keep", {2}, R"({"v":2})"));
  b.upserts.push_back(Rec(std::string(700, 'x'), {1}));
  b.deletes = {"keep"};
  Status st = s->write(b);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(Dump(*s), before);
  EXPECT_EQ(Gen(*s), gen);

  // And the store still takes writes.
  b.upserts.pop_back();
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(Count(*s), 2000u);
  EXPECT_EQ(Gen(*s), gen + 1);
}

// The I/O seam: a failing commit is an error, the write is absent, the next one works.
TEST(LmdbStorageTest, FailedCommitThroughTheIoSeamLeavesNoTrace) {
  TempDir tmp;
  {
    auto s = OpenOk(tmp.path());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->write(WriteBatch{{Rec("keep", {1})}, {}}).ok());
  }
  faults::FaultyIoEnv faulty;
  {
    faults::ScopedIoEnv installed(faulty);
    auto s = OpenOk(tmp.path());
    ASSERT_TRUE(s);
    const std::uint64_t before = faulty.operations();
    EXPECT_GT(before, 0u);  // the open's own commit went through the seam
    faulty.set_plan(faults::FaultPlan{before + 1, faults::Fault::kEio, false});
    Status st = s->write(WriteBatch{{Rec("lost", {2})}, {"keep"}});
    EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
    EXPECT_TRUE(faulty.fired());
    EXPECT_GT(faulty.operations(), before);
    EXPECT_EQ(Count(*s), 1u);
    ASSERT_TRUE(s->write(WriteBatch{{Rec("after", {3})}, {}}).ok());
  }
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  const auto rows = Dump(*s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, "after");
  EXPECT_EQ(rows[1].first, "keep");
}

TEST(LmdbStorageTest, ConcurrentReadersSeeWholeBatches) {
  TempDir tmp;
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  constexpr int kBatch = 100;
  constexpr int kBatches = 40;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  auto reader = [&](bool use_scan) {
    std::uint64_t last_gen = 0;
    while (!done.load()) {
      std::uint64_t n = 0;
      if (use_scan) {
        Status st = s->scan([&](const StoredRecordView& r) {
          if (r.vector.size() != 8 || r.vector[0] != static_cast<float>(r.id.size())) ++torn;
          ++n;
          return Status::Ok();
        });
        if (!st.ok()) ++torn;
      } else {
        auto c = s->count();
        if (!c.ok()) ++torn;
        n = c.ok() ? c.value() : 1;
        auto g = s->generation();
        if (!g.ok() || g.value() < last_gen) ++torn;
        if (g.ok()) last_gen = g.value();
      }
      if (n % kBatch != 0) ++torn;
      ++reads;
    }
  };
  std::thread r1(reader, true), r2(reader, false), r3(reader, true);
  for (int i = 0; i < kBatches; ++i) {
    // Interleave for sure: before each batch, wait (bounded) until the readers have read
    // at least once more, so reads overlap the writes even on a loaded machine.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (reads.load() <= i && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    WriteBatch b;
    for (int j = 0; j < kBatch; ++j) {
      std::string id = "b" + std::to_string(i) + "-" + std::to_string(j);
      b.upserts.push_back(Rec(id, std::vector<float>(8, static_cast<float>(id.size()))));
    }
    ASSERT_TRUE(s->write(b).ok());
  }
  done = true;
  r1.join();
  r2.join();
  r3.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GE(reads.load(), kBatches);
  EXPECT_EQ(Count(*s), std::uint64_t(kBatch * kBatches));
}

// ------------------------------------------------------------------ map growth

TEST(LmdbStorageTest, MapGrowsOnDemand) {
  TempDir tmp;
  ScopedEnv small_map("RUVECTOR_LMDB_INITIAL_MAP", "1M");
  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  constexpr std::size_t kDim = 256;  // 1 KiB per vector
  int next = 0;
  auto batch = [&](int n) {
    WriteBatch b;
    for (int i = 0; i < n; ++i, ++next) {
      std::string id = "v" + std::to_string(next);
      b.upserts.push_back(Rec(id, Derived(id, kDim), R"({"n":)" + std::to_string(next) + "}"));
    }
    return b;
  };
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(s->write(batch(1000)).ok());  // 8 x ~1 MiB
  ASSERT_TRUE(s->write(batch(12000)).ok());  // one ~12 MiB transaction: several doublings, one retry each
  ASSERT_TRUE(s->put_value("image", std::string(6 << 20, 'i')).ok());
  EXPECT_EQ(Count(*s), 20000u);
  EXPECT_GT(FileSize(tmp.path() + "/data.mdb"), 20ull << 20);
  s.reset();

  // The reopened store keeps its grown size even though the initial map is small.
  auto again = OpenOk(tmp.path());
  ASSERT_TRUE(again);
  EXPECT_EQ(Count(*again), 20000u);
  std::size_t checked = 0;
  ASSERT_TRUE(again->scan([&](const StoredRecordView& r) {
    if (checked++ % 97 == 0) {
      auto want = Derived(std::string(r.id), kDim);
      EXPECT_TRUE(std::equal(want.begin(), want.end(), r.vector.begin(), r.vector.end())) << r.id;
    }
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(again->write(batch(2000)).ok());
  EXPECT_EQ(Count(*again), 22000u);
}

TEST(LmdbStorageTest, BadInitialMapSettingIsAnError) {
  TempDir tmp;
  ScopedEnv bad("RUVECTOR_LMDB_INITIAL_MAP", "12Q");
  Status st = OpenStatus(tmp.path());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("RUVECTOR_LMDB_INITIAL_MAP"), std::string::npos);
}

// ------------------------------------------------------------------ open modes

TEST(LmdbStorageTest, OpenModesAndErrors) {
  TempDir tmp;
  // Missing directory: read-only and create_if_missing=false never create it.
  Status st = OpenStatus(tmp.sub("missing"), /*read_only=*/true);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  st = OpenStatus(tmp.sub("missing"), false, /*create=*/false);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  EXPECT_FALSE(fs::exists(tmp.sub("missing")));
  // An existing directory without a database cannot be opened read-only.
  fs::create_directory(tmp.sub("empty"));
  st = OpenStatus(tmp.sub("empty"), true);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  // A file is not a database directory.
  { FILE* f = std::fopen(tmp.sub("file").c_str(), "w"); ASSERT_TRUE(f); std::fclose(f); }
  st = OpenStatus(tmp.sub("file"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_EQ(OpenStatus("").code(), StatusCode::kInvalidArgument);
  // Nested missing parents are created.
  EXPECT_TRUE(OpenStatus(tmp.sub("a/b/c")).ok());
}

TEST(LmdbStorageTest, ReadOnlyRefusesWrites) {
  TempDir tmp;
  {
    auto w = OpenOk(tmp.path());
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->write(WriteBatch{{Rec("a", {1})}, {}}).ok());
    ASSERT_TRUE(w->put_value("k", "v").ok());
  }
  auto r = OpenOk(tmp.path(), true);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->read_only());
  EXPECT_EQ(Count(*r), 1u);
  EXPECT_EQ(Gen(*r), 1u);
  EXPECT_EQ(r->get_value("k").value(), std::optional<std::string>("v"));
  Status st = r->write(WriteBatch{{Rec("b", {1})}, {}});
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
  EXPECT_NE(st.message().find("read-only"), std::string::npos);
  EXPECT_EQ(r->put_value("k", "w").code(), StatusCode::kUnsupported);
  EXPECT_EQ(r->delete_value("k").code(), StatusCode::kUnsupported);
  EXPECT_EQ(Count(*r), 1u);
}

// ------------------------------------------------------------------ locking in one process

TEST(LmdbStorageTest, FlockConflictsBetweenOpenFileDescriptionsOfOneProcess) {
  // The writer lock relies on this: flock() belongs to the open file description, so
  // a second open() of the lock file in the same process conflicts.
  TempDir tmp;
  const std::string path = tmp.sub("lockfile");
  int a = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  int b = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_EQ(::flock(a, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(::flock(b, LOCK_EX | LOCK_NB), -1);
  EXPECT_EQ(errno, EWOULDBLOCK);
  ::close(a);
  EXPECT_EQ(::flock(b, LOCK_EX | LOCK_NB), 0);
  ::close(b);
}

TEST(LmdbStorageTest, SecondWriterInSameProcessIsLocked) {
  TempDir tmp;
  auto w = OpenOk(tmp.path());
  ASSERT_TRUE(w);
  Status st = OpenStatus(tmp.path());
  EXPECT_EQ(st.code(), StatusCode::kLocked) << st.ToString();
  EXPECT_NE(st.message().find("already open for writing in this process"), std::string::npos) << st.ToString();
  // Any spelling of the directory is the same database.
  EXPECT_EQ(OpenStatus(tmp.path() + "/./").code(), StatusCode::kLocked);
  fs::create_directory_symlink(tmp.path(), tmp.path() + "-link");
  EXPECT_EQ(OpenStatus(tmp.path() + "-link").code(), StatusCode::kLocked);
  fs::remove(tmp.path() + "-link");

  // A read-only handle in the same process shares the environment and sees the writes.
  auto r = OpenOk(tmp.path(), true);
  ASSERT_TRUE(r);
  ASSERT_TRUE(w->write(WriteBatch{{Rec("a", {1})}, {}}).ok());
  EXPECT_EQ(Count(*r), 1u);
  EXPECT_EQ(r->write(WriteBatch{{Rec("b", {1})}, {}}).code(), StatusCode::kUnsupported);

  // Once the writer is closed, a new writer may open (here: beside the reader).
  w.reset();
  auto w2 = OpenOk(tmp.path());
  ASSERT_TRUE(w2);
  ASSERT_TRUE(w2->write(WriteBatch{{Rec("b", {2})}, {}}).ok());
  EXPECT_EQ(Count(*r), 2u);
  EXPECT_EQ(OpenStatus(tmp.path()).code(), StatusCode::kLocked);
  w2.reset();
  r.reset();
  auto w3 = OpenOk(tmp.path());
  ASSERT_TRUE(w3);
  EXPECT_EQ(Count(*w3), 2u);
}

TEST(LmdbStorageTest, WriterAfterReadOnlyOpenInSameProcessIsLocked) {
  TempDir tmp;
  ASSERT_TRUE(OpenOk(tmp.path()));  // create
  auto r = OpenOk(tmp.path(), true);
  ASSERT_TRUE(r);
  Status st = OpenStatus(tmp.path());
  EXPECT_EQ(st.code(), StatusCode::kLocked) << st.ToString();
  EXPECT_NE(st.message().find("read-only"), std::string::npos) << st.ToString();
  r.reset();
  EXPECT_TRUE(OpenStatus(tmp.path()).ok());
}

TEST(LmdbStorageTest, ConcurrentOpensAndClosesInOneProcess) {
  TempDir tmp;
  ASSERT_TRUE(OpenOk(tmp.path()));
  std::atomic<int> writers_ok{0}, locked{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        DurableStorageOptions o;
        o.read_only = (t % 2 == 1);
        auto s = open_durable_storage(tmp.path(), o);
        if (s.ok()) {
          if (!o.read_only) {
            ++writers_ok;
            if (!s.value()->write(WriteBatch{{Rec("t" + std::to_string(t), {float(i)})}, {}}).ok()) ++other;
          } else if (!s.value()->count().ok()) {
            ++other;
          }
        } else if (s.status().code() == StatusCode::kLocked) {
          ++locked;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(writers_ok.load() + locked.load(), 100) << "every writable open succeeded or was LOCKED";
  auto w = OpenOk(tmp.path());  // nothing is left open
  ASSERT_TRUE(w);
}

// ------------------------------------------------------------------ several processes

// Runs `child` in a forked process and returns its exit code (or 100 + signal).
template <class F>
int InChild(F child) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = child();
    } catch (...) {
      code = 98;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 100 + WTERMSIG(status) : 97;
}

TEST(LmdbStorageTest, SecondWriterInAnotherProcessIsLocked) {
  TempDir tmp;
  auto w = OpenOk(tmp.path());
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->write(WriteBatch{{Rec("parent", {1})}, {}}).ok());
  const std::string parent_pid = std::to_string(::getpid());
  const std::string dir = tmp.path();
  int code = InChild([&] {
    Status st = OpenStatus(dir);
    if (st.code() != StatusCode::kLocked) return 1;
    if (st.message().find("open for writing by another process (pid " + parent_pid + ")") == std::string::npos)
      return 2;
    if (st.message().find("read-only") == std::string::npos) return 3;
    return 0;
  });
  EXPECT_EQ(code, 0) << "1: not LOCKED, 2: message lacks the holder's pid, 3: message lacks the advice";

  // A handle inherited across fork() refuses to be used in the child.
  code = InChild([&] { return w->count().status().code() == StatusCode::kIoError ? 0 : 1; });
  EXPECT_EQ(code, 0);

  // After the writer closes, another process can write.
  w.reset();
  code = InChild([&] {
    auto s = open_durable_storage(dir, {});
    if (!s.ok()) return 1;
    return s.value()->write(WriteBatch{{Rec("child", {2})}, {}}).ok() ? 0 : 2;
  });
  EXPECT_EQ(code, 0);
  auto again = OpenOk(tmp.path());
  ASSERT_TRUE(again);
  EXPECT_EQ(Count(*again), 2u);
}

bool WriteByte(int fd, char c) { return ::write(fd, &c, 1) == 1; }
bool ReadByte(int fd, char& c) { return ::read(fd, &c, 1) == 1; }

TEST(LmdbStorageTest, ReaderInAnotherProcessSeesCommitsAndMapGrowth) {
  TempDir tmp;
  ScopedEnv small_map("RUVECTOR_LMDB_INITIAL_MAP", "1M");
  auto w = OpenOk(tmp.path());
  ASSERT_TRUE(w);
  WriteBatch first;
  for (int i = 0; i < 10; ++i) first.upserts.push_back(Rec("a" + std::to_string(i), {float(i)}));
  ASSERT_TRUE(w->write(first).ok());

  int to_child[2], to_parent[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(to_parent), 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 0;
    auto step = [&]() -> int {
      DurableStorageOptions o;
      o.read_only = true;
      auto r = open_durable_storage(tmp.path(), o);
      if (!r.ok()) return 10;
      Storage& s = *r.value();
      auto c = s.count();
      if (!c.ok() || c.value() != 10) return 11;
      if (s.write(WriteBatch{{Rec("x", {1})}, {}}).code() != StatusCode::kUnsupported) return 12;
      if (!WriteByte(to_parent[1], 'r')) return 13;
      char go;
      if (!ReadByte(to_child[0], go)) return 14;
      // The writer grew the map far beyond this process's mapping meanwhile.
      c = s.count();
      if (!c.ok()) return 15;
      if (c.value() != 10 + 4000) return 16;
      std::size_t n = 0;
      Status st = s.scan([&](const StoredRecordView& rec) {
        if (rec.id[0] == 'g') {
          auto want = Derived(std::string(rec.id), 512);
          if (!std::equal(want.begin(), want.end(), rec.vector.begin(), rec.vector.end()))
            return Status::Corruption("mismatch");
        }
        ++n;
        return Status::Ok();
      });
      if (!st.ok() || n != 4010) return 17;
      auto g = s.generation();
      if (!g.ok() || g.value() != 1 + 4) return 18;
      return 0;
    };
    code = step();
    ::_exit(code);
  }
  ASSERT_GT(pid, 0);
  char ready = 0;
  ASSERT_TRUE(ReadByte(to_parent[0], ready));
  for (int b = 0; b < 4; ++b) {  // 4 x 1000 x 2 KiB = 8 MiB through a 1 MiB initial map
    WriteBatch batch;
    for (int i = 0; i < 1000; ++i) {
      std::string id = "g" + std::to_string(b) + "-" + std::to_string(i);
      batch.upserts.push_back(Rec(id, Derived(id, 512)));
    }
    ASSERT_TRUE(w->write(batch).ok());
  }
  ASSERT_TRUE(WriteByte(to_child[1], 'g'));
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "see the return codes of the child";
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) ::close(fd);
}

// A writer killed (most likely inside a commit, holding LMDB's writer mutex) while
// another process keeps the environment open, so lock.mdb is not reset: the next
// writer recovers the mutex and the reader sees every acknowledged write.
TEST(LmdbStorageTest, KilledWriterWhileAReaderKeepsTheEnvironmentOpen) {
  TempDir tmp;
  const std::string dir = tmp.path();
  ASSERT_TRUE(OpenOk(dir));
  auto reader = OpenOk(dir, true);
  ASSERT_TRUE(reader);
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      auto w = open_durable_storage(dir, {});
      if (!w.ok()) ::_exit(2);
      for (int i = 0;; ++i) {
        const std::string id = "w" + std::to_string(round) + "-" + std::to_string(i);
        if (!w.value()->write(WriteBatch{{Rec(id, Derived(id, 64))}, {}}).ok()) ::_exit(3);
        if (!WriteByte(fds[1], 'a')) ::_exit(4);
      }
    }
    ::close(fds[1]);
    char c;
    ASSERT_TRUE(ReadByte(fds[0], c));  // the first write is acknowledged
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 10 * round));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited with " << WEXITSTATUS(status);
    int acks = 1;
    while (ReadByte(fds[0], c)) ++acks;
    ::close(fds[0]);
    auto n = reader->count();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    std::uint64_t mine = 0;
    ASSERT_TRUE(reader->scan([&](const StoredRecordView& r) {
      if (r.id.substr(0, 1 + std::to_string(round).size() + 1) == "w" + std::to_string(round) + "-") ++mine;
      return Status::Ok();
    }).ok());
    EXPECT_GE(mine, static_cast<std::uint64_t>(acks)) << "round " << round;
    EXPECT_LE(mine, static_cast<std::uint64_t>(acks) + 1) << "round " << round;
  }
  // The next writer (another process) gets the lock and LMDB's writer mutex back.
  const int code = InChild([&] {
    auto w = open_durable_storage(dir, {});
    if (!w.ok()) return 1;
    return w.value()->write(WriteBatch{{Rec("after", {1})}, {}}).ok() ? 0 : 2;
  });
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(reader->get_value("x").ok());
  std::optional<std::string> seen;
  ASSERT_TRUE(reader->scan([&](const StoredRecordView& r) {
    if (r.id == "after") seen = std::string(r.id);
    return Status::Ok();
  }).ok());
  EXPECT_TRUE(seen.has_value());
}

// ------------------------------------------------------------------ damaged data

TEST(LmdbStorageTest, RecordDecodingRejectsEveryBadLength) {
  const std::vector<float> v = {1.5f, -2.25f, 3.0f};
  const std::string good = detail::encode_lmdb_record(v, R"({"a":1})");
  ASSERT_EQ(good.size(), detail::lmdb_record_size(3, 7));
  // Little-endian layout.
  EXPECT_EQ(good.substr(0, 4), std::string("\x03\0\0\0", 4));
  EXPECT_EQ(good.substr(16, 4), std::string("\x07\0\0\0", 4));
  std::vector<float> out;
  std::string_view meta;
  ASSERT_TRUE(detail::decode_lmdb_record("id", good, out, meta).ok());
  EXPECT_EQ(out, v);
  EXPECT_EQ(meta, R"({"a":1})");
  for (std::size_t n = 0; n < good.size(); ++n) {
    Status st = detail::decode_lmdb_record("id", std::string_view(good).substr(0, n), out, meta);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << n;
  }
  EXPECT_EQ(detail::decode_lmdb_record("id", good + "x", out, meta).code(), StatusCode::kCorruption);
  std::string huge = good;
  huge[0] = huge[1] = huge[2] = huge[3] = '\xff';  // 4 billion dimensions
  EXPECT_EQ(detail::decode_lmdb_record("id", huge, out, meta).code(), StatusCode::kCorruption);
  std::string long_meta = good;
  long_meta[16] = long_meta[17] = long_meta[18] = long_meta[19] = '\xff';
  EXPECT_EQ(detail::decode_lmdb_record("id", long_meta, out, meta).code(), StatusCode::kCorruption);
  // An empty vector and empty metadata are fine.
  ASSERT_TRUE(detail::decode_lmdb_record("id", detail::encode_lmdb_record({}, ""), out, meta).ok());
  EXPECT_TRUE(out.empty());
}

// Writes raw bytes into a table through LMDB itself, bypassing ruvector.
void PutRaw(const std::string& dir, const char* table, const std::string& key, const std::string& value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 4);
  mdb_env_set_mapsize(env, 0);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, table, 0, &dbi), 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(LmdbStorageTest, DamagedRecordIsCorruptionNotACrash) {
  TempDir tmp;
  {
    DatabaseOptions o;
    o.dimensions = 4;
    o.storage_path = tmp.path();
    auto db = Database::open(o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    std::vector<float> v = {1, 2, 3, 4};
    ASSERT_TRUE(db.value()->insert(Entry{"good", v, nullptr}).ok());
  }
  std::string bad = detail::encode_lmdb_record(std::vector<float>{1, 2, 3, 4}, "");
  bad.resize(bad.size() - 2);  // truncated
  PutRaw(tmp.path(), "records", "bad", bad);
  PutRaw(tmp.path(), "records", "bad2", std::string("\xff\xff\xff\xff\0\0\0\0", 8));

  auto s = OpenOk(tmp.path());
  ASSERT_TRUE(s);
  EXPECT_EQ(Count(*s), 3u);
  Status st = s->scan([](const StoredRecordView&) { return Status::Ok(); });
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("'bad'"), std::string::npos) << st.ToString();
  s.reset();

  DatabaseOptions o;
  o.storage_path = tmp.path();
  auto db = Database::open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().ToString();
}

TEST(LmdbStorageTest, DamagedMetaEntriesAreDetected) {
  TempDir tmp;
  ASSERT_TRUE(OpenOk(tmp.path()));
  PutRaw(tmp.path(), "meta", "generation", "abc");
  {
    auto s = OpenOk(tmp.path());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->generation().status().code(), StatusCode::kCorruption);
    EXPECT_EQ(s->write(WriteBatch{{Rec("a", {1})}, {}}).code(), StatusCode::kCorruption);
    EXPECT_EQ(Count(*s), 0u);  // the failed write left nothing behind
  }
  PutRaw(tmp.path(), "meta", "format", std::string("\x02\0\0\0", 4));
  Status st = OpenStatus(tmp.path());
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
  st = OpenStatus(tmp.path(), true);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.ToString();
}

TEST(LmdbStorageTest, NotAnLmdbFileIsCorruption) {
  TempDir tmp;
  {
    FILE* f = std::fopen((tmp.path() + "/data.mdb").c_str(), "w");
    ASSERT_TRUE(f);
    std::string junk(8192, 'j');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  Status st = OpenStatus(tmp.path());
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  st = OpenStatus(tmp.path(), true);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
}

// ------------------------------------------------------------------ Database on LMDB

TEST(LmdbStorageTest, DatabaseReopensFromStoragePath) {
  TempDir tmp;
  DatabaseOptions o;
  o.dimensions = 8;
  o.metric = Metric::kEuclidean;
  o.storage_path = tmp.path();
  {
    auto db = Database::open(o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    std::vector<Entry> batch;
    std::vector<std::vector<float>> vecs;
    for (int i = 0; i < 200; ++i) vecs.push_back(Derived("e" + std::to_string(i), 8));
    for (int i = 0; i < 200; ++i) batch.push_back(Entry{"e" + std::to_string(i), vecs[i], Json{{"i", i}}});
    ASSERT_TRUE(db.value()->insert_batch(batch).ok());
    ASSERT_TRUE(db.value()->remove("e7").value());
    EXPECT_EQ(db.value()->info().storage, "lmdb:" + tmp.path());

    // While this process writes, another one can open the database read-only and search
    // it, and gets LOCKED when it asks to write.
    const int code = InChild([&] {
      DatabaseOptions ro;
      ro.storage_path = tmp.path();
      ro.read_only = true;
      auto reader = Database::open(ro);
      if (!reader.ok()) return 1;
      if (reader.value()->size() != 199) return 2;
      SearchQuery q;
      const auto v = Derived("e42", 8);
      q.vector = v;
      q.k = 1;
      auto hits = reader.value()->search(q);
      if (!hits.ok() || hits->empty() || (*hits)[0].id != "e42") return 3;
      DatabaseOptions rw;
      rw.storage_path = tmp.path();
      auto writer = Database::open(rw);
      if (writer.ok() || writer.status().code() != StatusCode::kLocked) return 4;
      return 0;
    });
    EXPECT_EQ(code, 0);
  }
  DatabaseOptions ro;
  ro.storage_path = tmp.path();
  ro.read_only = true;
  auto db = Database::open(ro);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db.value()->size(), 199u);
  auto r = db.value()->get("e42");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->vector, Derived("e42", 8));
  EXPECT_EQ(r->metadata, (Json{{"i", 42}}));
  EXPECT_EQ(db.value()->get("e7").status().code(), StatusCode::kNotFound);
  std::vector<float> v(8, 0.5f);
  EXPECT_EQ(db.value()->insert(Entry{"new", v, nullptr}).status().code(), StatusCode::kUnsupported);
}

// Kill test (docs/storage.md): a child inserts in a loop and acknowledges each write on a
// pipe; the parent kill -9s it at a random moment; the reopened database must hold
// every acknowledged entry intact and pass a consistency check. Meanwhile reader
// processes open the store read-only and check every record they see; they are
// killed too, in the middle of their reads. RUVECTOR_KILL_ROUNDS (default 40) and
// RUVECTOR_KILL_READERS (default 1) size it; `make soak` runs 500 rounds, 2 readers.
constexpr std::uint32_t kKillDim = 16;

Json KillMeta(int round, int i) { return Json{{"round", round}, {"i", i}}; }

[[noreturn]] void KillChild(const std::string& dir, int round, int ack_fd) {
  DatabaseOptions o;
  o.dimensions = kKillDim;
  o.metric = Metric::kEuclidean;
  o.storage_path = dir;
  o.threads = 1;
  auto db = Database::open(o);
  if (!db.ok()) {
    std::fprintf(stderr, "child open: %s\n", db.status().ToString().c_str());
    ::_exit(2);
  }
  for (int i = 0; i < 1000000; ++i) {
    const std::string id = "r" + std::to_string(round) + "-" + std::to_string(i);
    const std::vector<float> v = Derived(id, kKillDim);
    auto r = db.value()->insert(Entry{id, v, KillMeta(round, i)});
    if (!r.ok()) {
      std::fprintf(stderr, "child insert: %s\n", r.status().ToString().c_str());
      ::_exit(3);
    }
    const std::string line = id + "\n";
    if (::write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(4);
  }
  ::_exit(0);
}

int EnvInt(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < lo || n > hi) {
    ADD_FAILURE() << name << "='" << v << "' is not a number in " << lo << ".." << hi;
    return fallback;
  }
  return static_cast<int>(n);
}

// A reader process: until killed, opens the store read-only and checks that every
// record decodes to its derived vector, that count() agrees with the scan, and now
// and then that a read-only Database finds a stored vector at distance 0. Reports a
// problem as one line on `err_fd` and exits 5. A store that does not exist yet (or
// whose first open was cut short) is waited for.
[[noreturn]] void KillReader(const std::string& dir, int err_fd) {
  auto report = [&](const std::string& what) {
    const std::string line = "reader " + std::to_string(::getpid()) + ": " + what + "\n";
    [[maybe_unused]] const ssize_t n = ::write(err_fd, line.data(), line.size());
    ::_exit(5);
  };
  DurableStorageOptions ro;
  ro.read_only = true;
  for (unsigned iteration = 0;; ++iteration) {
    auto opened = open_durable_storage(dir, ro);
    if (!opened.ok()) {
      if (opened.status().code() != StatusCode::kNotFound) report("open: " + opened.status().ToString());
      ::usleep(1000);
      continue;
    }
    std::shared_ptr<Storage> storage = opened.value();
    std::uint64_t seen = 0;
    std::string some_id;
    Status st = storage->scan([&](const StoredRecordView& r) {
      ++seen;
      const auto want = Derived(std::string(r.id), kKillDim);
      if (!std::equal(want.begin(), want.end(), r.vector.begin(), r.vector.end()))
        return Status::Corruption("vector of " + std::string(r.id) + " differs");
      if (seen % 7 == 1) some_id = std::string(r.id);
      return Status::Ok();
    });
    if (!st.ok()) report("scan: " + st.ToString());
    auto n = storage->count();
    if (!n.ok()) report("count: " + n.status().ToString());
    if (n.value() < seen) report("count " + std::to_string(n.value()) + " < records scanned before it");
    if (iteration % 8 == 0 && !some_id.empty()) {
      DatabaseOptions o;
      o.storage = storage;
      o.threads = 1;
      auto db = Database::open(o);
      if (!db.ok()) {
        if (db.status().code() != StatusCode::kNotFound && db.status().code() != StatusCode::kInvalidArgument)
          report("Database::open: " + db.status().ToString());
        continue;  // settings not stored yet
      }
      const auto v = Derived(some_id, kKillDim);
      SearchQuery q;
      q.vector = v;
      q.k = 1;
      q.ef_search = 200;
      auto hits = db.value()->search(q);
      if (!hits.ok()) report("search: " + hits.status().ToString());
      if (hits->empty() || (*hits)[0].score != 0.0f) report("search does not find " + some_id + " at distance 0");
    }
  }
}

TEST(LmdbStorageTest, KillNineLosesNoAcknowledgedWrite) {
  TempDir tmp;
  const std::string dir = tmp.path();
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const int kRounds = EnvInt("RUVECTOR_KILL_ROUNDS", 40, 1, 1000000);
  const int kReaders = EnvInt("RUVECTOR_KILL_READERS", 1, 0, 16);
  int reader_errors[2];
  ASSERT_EQ(::pipe(reader_errors), 0);
  ASSERT_EQ(::fcntl(reader_errors[0], F_SETFL, O_NONBLOCK), 0);
  std::size_t readers_started = 0;
  std::map<std::string, std::pair<int, int>> acked;  // id -> (round, i)
  std::vector<int> last_acked(kRounds, -1);
  const auto started = std::chrono::steady_clock::now();
  std::size_t killed_during_open = 0;

  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::fflush(nullptr);
    std::vector<pid_t> readers;
    for (int r = 0; r < kReaders; ++r) {
      const pid_t reader = ::fork();
      ASSERT_GE(reader, 0);
      if (reader == 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        ::close(reader_errors[0]);
        KillReader(dir, reader_errors[1]);
      }
      readers.push_back(reader);
      ++readers_started;
    }
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      ::close(reader_errors[0]);
      KillChild(dir, round, fds[1]);
    }
    ::close(fds[1]);

    std::string buffer;
    auto read_some = [&](int timeout_ms) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      char chunk[4096];
      const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
      return true;
    };
    using clock = std::chrono::steady_clock;
    // Every fourth round kills within a few ms of the fork (often inside open);
    // the others wait for the first acknowledgement, then 5-50 ms.
    const bool early = round % 4 == 3;
    if (!early) {
      const auto give_up = clock::now() + std::chrono::seconds(10);
      while (buffer.find('\n') == std::string::npos && clock::now() < give_up) read_some(100);
    }
    const int delay_ms = early ? static_cast<int>(rng() % 5) : 5 + static_cast<int>(rng() % 46);
    const auto deadline = clock::now() + std::chrono::milliseconds(delay_ms);
    while (clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      read_some(static_cast<int>(std::max<long long>(left, 0)));
    }
    ::kill(pid, SIGKILL);
    // The readers die a moment later, most likely inside a read transaction.
    if (!readers.empty()) ::usleep(static_cast<useconds_t>(rng() % 3000));
    for (pid_t reader : readers) ::kill(reader, SIGKILL);
    for (pid_t reader : readers) {
      int reader_status = 0;
      ASSERT_EQ(::waitpid(reader, &reader_status, 0), reader);
      EXPECT_TRUE(WIFSIGNALED(reader_status)) << "round " << round << ": a reader stopped by itself";
    }
    {
      char err[4096];
      const ssize_t n = ::read(reader_errors[0], err, sizeof err - 1);
      ASSERT_LE(n, 0) << "round " << round << ": " << std::string(err, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "round " << round << ": the child ended by itself (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << "), see its stderr";
    while (read_some(0)) {
    }
    ::close(fds[0]);
    // Complete lines only: a write of a short line to a pipe is atomic anyway.
    std::size_t start = 0;
    for (std::size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string id = buffer.substr(start, nl - start);
      const int i = std::stoi(id.substr(id.find('-') + 1));
      EXPECT_EQ(i, last_acked[round] + 1) << id;
      last_acked[round] = i;
      acked[id] = {round, i};
    }
    if (last_acked[round] < 0) ++killed_during_open;

    // Reopen and check.
    auto storage = OpenOk(dir);
    ASSERT_TRUE(storage) << "round " << round;
    if (Count(*storage) == 0 && acked.empty()) continue;  // killed before the first write ever
    DatabaseOptions o;
    o.storage = storage;
    o.dimensions = kKillDim;
    o.metric = Metric::kEuclidean;
    auto opened = Database::open(o);
    ASSERT_TRUE(opened.ok()) << "round " << round << ": " << opened.status().ToString();
    Database& db = *opened.value();
    for (const auto& [id, ri] : acked) {
      auto rec = db.get(id);
      ASSERT_TRUE(rec.ok()) << "round " << round << ": acknowledged " << id << " is missing";
      ASSERT_EQ(rec->vector, Derived(id, kKillDim)) << id;
      ASSERT_EQ(rec->metadata, KillMeta(ri.first, ri.second)) << id;
    }
    // Everything stored decodes; at most the one write in flight per round was
    // committed without its acknowledgement.
    std::set<std::string> stored;
    Status st = storage->scan([&](const StoredRecordView& r) {
      const std::string id(r.id);
      stored.insert(id);
      if (!acked.count(id)) {
        const int rr = std::stoi(id.substr(1, id.find('-') - 1));
        const int i = std::stoi(id.substr(id.find('-') + 1));
        if (i != last_acked[rr] + 1) return Status::Corruption("unexpected record " + id);
      }
      const auto want = Derived(id, kKillDim);
      if (!std::equal(want.begin(), want.end(), r.vector.begin(), r.vector.end()))
        return Status::Corruption("vector of " + id + " differs");
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << "round " << round << ": " << st.ToString();
    EXPECT_EQ(stored.size(), Count(*storage));
    EXPECT_EQ(db.size(), stored.size()) << "round " << round;
    EXPECT_LE(stored.size(), acked.size() + static_cast<std::size_t>(round + 1));
    // A few acknowledged vectors are found by search at distance 0.
    std::vector<std::string> ids;
    for (const auto& [id, ri] : acked) ids.push_back(id);
    for (int q = 0; q < 5 && !ids.empty(); ++q) {
      const std::string& id = ids[rng() % ids.size()];
      const auto v = Derived(id, kKillDim);
      SearchQuery query;
      query.vector = v;
      query.k = 1;
      query.ef_search = 200;
      auto hits = db.search(query);
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      ASSERT_EQ(hits->size(), 1u);
      EXPECT_EQ((*hits)[0].id, id);
      EXPECT_EQ((*hits)[0].score, 0.0f);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ::close(reader_errors[0]);
  ::close(reader_errors[1]);
  std::printf("kill test: %d rounds, %zu acknowledged writes, %zu rounds killed before the first ack, %zu reader "
              "processes killed, %.1f s\n",
              kRounds, acked.size(), killed_during_open, readers_started, seconds);
  EXPECT_GE(acked.size(), static_cast<std::size_t>(kRounds - kRounds / 4));  // >= 1 per round that waited for one
}

}  // namespace
}  // namespace ruvector
