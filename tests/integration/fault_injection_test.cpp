// Fault injection at the storage I/O seam (src/util/io_env.h, docs/storage.md "Faults").
//
// A fixed mixed workload (open, inserts, batches, upserts, deletes, checkpoint, a
// snapshot file, close) runs once per failure point n, for every n the workload
// reaches, with each kind of fault (EIO, ENOSPC, short write, torn; once or for
// good). Every run checks:
//   - no crash; every failing call returns IO_ERROR or RESOURCE_EXHAUSTED (ENOSPC ->
//     RESOURCE_EXHAUSTED, EIO -> IO_ERROR for the call the fault hit);
//   - the open database equals the model of the acknowledged writes (a failed call
//     leaves it unchanged);
//   - the snapshot file is absent or whole (never torn), and no temporary file stays;
//   - after reopening with the real I/O, the database opens (from the image or by
//     rebuilding, never CORRUPTION) and holds every acknowledged write, and every
//     unacknowledged write either whole or not at all: its contents equal the model of
//     the acknowledged writes plus some subset of the failed writes, each applied whole
//     in its place;
//   - the reopened index finds every record at distance 0.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faulty_io_env.h"
#include "scoped_fixtures.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kDim = 16;

using testing_support::ScopedEnvVar;

// A fresh directory, on tmpfs when there is one (the seam is under test, not the disk:
// fsync there is cheap).
testing_support::TempDir FreshDir() {
  return testing_support::TempDir("ruvector-faults-", ::access("/dev/shm", W_OK) == 0
                                                          ? std::filesystem::path("/dev/shm")
                                                          : std::filesystem::temp_directory_path());
}

// A vector that names the write that stored it: the write's index and the id.
std::vector<float> VectorOf(const std::string& id, int write) {
  std::vector<float> v(kDim);
  std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint64_t>(write);
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  for (std::uint32_t i = 0; i < kDim; ++i) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = static_cast<float>(static_cast<double>(h >> 40) / static_cast<double>(1ull << 24) * 2.0 - 1.0);
  }
  return v;
}

struct Value {
  std::vector<float> vector;
  std::string metadata;  // dump() of the JSON, "null" when none
  bool operator==(const Value&) const = default;
};
using Contents = std::map<std::string, Value>;

// One write of the workload: upserts and deletes applied together.
struct Write {
  std::vector<std::pair<std::string, Value>> upserts;
  std::vector<std::string> deletes;
};

void Apply(const Write& w, Contents& c) {
  for (const auto& [id, v] : w.upserts) c[id] = v;
  for (const auto& id : w.deletes) c.erase(id);
}

// What happened to each write the workload attempted.
struct Journal {
  std::vector<Write> writes;
  std::vector<bool> acked;
  Contents Model(const std::vector<bool>& applied_failed, std::size_t* failed_index = nullptr) const {
    Contents c;
    std::size_t f = 0;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      if (acked[i]) {
        Apply(writes[i], c);
      } else if (applied_failed[f++]) {
        Apply(writes[i], c);
      }
    }
    if (failed_index != nullptr) *failed_index = f;
    return c;
  }
  std::size_t Failed() const {
    std::size_t n = 0;
    for (bool a : acked) n += a ? 0 : 1;
    return n;
  }
};

Contents Read(const Database& db) {
  Contents c;
  Status st = db.for_each([&](const Record& r) {
    c[r.id] = Value{r.vector, r.metadata.dump()};
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return c;
}

struct RunResult {
  std::string failures;       // test failures, one per line ("" = fine)
  std::uint64_t operations = 0;
  bool fired = false;
  std::size_t acked = 0;
  std::size_t failed_calls = 0;
  std::map<std::string, std::uint64_t> op_kinds;  // with no fault: which operations ran
};

// Runs the workload in `dir` with `env` installed, then checks the reopened store.
RunResult RunWorkload(const std::string& dir, faults::FaultyIoEnv& env, std::optional<faults::Fault> fault) {
  RunResult out;
  std::string& fail = out.failures;
  Journal journal;
  const std::string snapshot = dir + "/snapshot.rvdb";
  const std::string store = dir + "/db";
  bool snapshot_written = false;
  bool open_ok = false;

  // Checks a call's status: OK, or a storage failure with the fitting code.
  auto check = [&](const char* what, const Status& st, bool fired_before) {
    if (st.ok()) return true;
    ++out.failed_calls;
    const bool hit_now = !fired_before && env.fired();
    const StatusCode c = st.code();
    if (c != StatusCode::kIoError && c != StatusCode::kResourceExhausted) {
      fail += std::string(what) + ": unexpected " + st.ToString() + "\n";
    } else if (hit_now && fault && *fault == faults::Fault::kEnospc && c != StatusCode::kResourceExhausted) {
      fail += std::string(what) + ": ENOSPC should be RESOURCE_EXHAUSTED, got " + st.ToString() + "\n";
    } else if (hit_now && fault && *fault != faults::Fault::kEnospc && c != StatusCode::kIoError) {
      fail += std::string(what) + ": EIO should be IO_ERROR, got " + st.ToString() + "\n";
    }
    if (!fault) fail += std::string(what) + ": failed without a fault: " + st.ToString() + "\n";
    return false;
  };

  {
    faults::ScopedIoEnv installed(env);
    DatabaseOptions o;
    o.dimensions = kDim;
    o.metric = Metric::kEuclidean;
    o.storage_path = store;
    o.threads = 1;
    bool fired_before = env.fired();
    auto opened = Database::open(o);
    open_ok = check("open", opened.status(), fired_before);
    if (open_ok) {
      Database& db = *opened.value();
      int write_no = 0;
      auto insert_one = [&](const std::string& id, const char* meta) {
        const Value v{VectorOf(id, write_no), meta ? meta : "null"};
        journal.writes.push_back(Write{{{id, v}}, {}});
        const bool before = env.fired();
        Entry e{id, v.vector, meta ? Json::parse(meta) : Json()};
        journal.acked.push_back(check(("insert " + id).c_str(), db.insert(e).status(), before));
        ++write_no;
      };
      // `blob`: a metadata string of that many bytes per entry (large values grow the map).
      auto insert_batch = [&](const std::vector<std::string>& ids, std::size_t blob = 0) {
        Write w;
        for (const auto& id : ids) {
          Json meta{{"w", write_no}};
          if (blob != 0) meta["blob"] = std::string(blob, static_cast<char>('a' + write_no % 26));
          w.upserts.push_back({id, Value{VectorOf(id, write_no), meta.dump()}});
        }
        std::vector<Json> metas;
        std::vector<Entry> entries;
        metas.reserve(ids.size());
        for (const auto& [id, v] : w.upserts) metas.push_back(Json::parse(v.metadata));
        for (std::size_t i = 0; i < ids.size(); ++i) entries.push_back(Entry{ids[i], w.upserts[i].second.vector, metas[i]});
        journal.writes.push_back(std::move(w));
        const bool before = env.fired();
        journal.acked.push_back(check("insert_batch", db.insert_batch(entries).status(), before));
        ++write_no;
      };
      auto remove = [&](const std::string& id) {
        journal.writes.push_back(Write{{}, {id}});
        const bool before = env.fired();
        journal.acked.push_back(check(("remove " + id).c_str(), db.remove(id).status(), before));
        ++write_no;
      };
      auto ids = [](const char* prefix, int from, int to) {
        std::vector<std::string> v;
        for (int i = from; i < to; ++i) v.push_back(prefix + std::to_string(i));
        return v;
      };

      for (int i = 0; i < 6; ++i) insert_one("a" + std::to_string(i), i % 2 ? R"({"k":1})" : nullptr);
      insert_batch(ids("b", 0, 40));
      insert_one("a2", R"({"k":"upserted"})");  // upsert, single
      insert_batch({"b3", "b4", "c0"});  // upsert + new, batch
      remove("a1");
      remove("b7");
      remove("never-inserted");
      {
        const bool before = env.fired();
        check("checkpoint", db.checkpoint(), before);
      }
      {
        const bool before = env.fired();
        snapshot_written = check("serialize_to_file", db.serialize_to_file(snapshot), before);
      }
      insert_batch(ids("d", 0, 300));
      insert_batch(ids("m", 0, 12), 100000);                          // 1.2 MB: grows the map
      remove("d10");
      insert_one("a0", R"({"k":"last"})");
      {
        const bool before = env.fired();
        check("checkpoint", db.checkpoint(), before);
      }

      // The open database holds exactly the acknowledged writes.
      std::vector<bool> none(journal.Failed(), false);
      if (Read(db) != journal.Model(none)) fail += "open database differs from the acknowledged writes\n";
      if (db.size() != journal.Model(none).size()) fail += "size() differs from the acknowledged writes\n";
    }
    // Close (the destructor stores the index image) with the faulty I/O still in place.
  }
  out.operations = env.operations();
  out.fired = env.fired();
  for (bool a : journal.acked) out.acked += a ? 1 : 0;

  // The snapshot file: absent, or whole (a torn rename may have put the new one there).
  if (fs::exists(snapshot)) {
    auto snap = Database::deserialize_file(snapshot);
    if (!snap.ok()) fail += "snapshot file is damaged: " + snap.status().ToString() + "\n";
  } else if (snapshot_written) {
    fail += "acknowledged snapshot file is missing\n";
  }
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos)
      fail += "temporary file left behind: " + entry.path().string() + "\n";

  // Reopen with the real I/O.
  if (!fs::exists(store + "/data.mdb")) {
    if (open_ok) fail += "store missing after a successful open\n";
    return out;
  }
  DatabaseOptions o;
  o.storage_path = store;
  o.threads = 1;
  auto reopened = Database::open(o);
  if (!reopened.ok()) {
    // A store whose creation was cut short may hold no settings yet, so an open
    // without dimensions is refused: fine only when the first open failed.
    const StatusCode c = reopened.status().code();
    if (open_ok || (c != StatusCode::kInvalidArgument && c != StatusCode::kNotFound))
      fail += "reopen failed: " + reopened.status().ToString() + "\n";
    return out;
  }
  Database& db = *reopened.value();
  const std::string source = db.info().index_source;
  if (source != "image" && source.rfind("rebuilt", 0) != 0 && source != "new")
    fail += "unexpected index source '" + source + "'\n";
  const Contents stored = Read(db);

  // Some subset of the failed writes, each whole, explains the store.
  const std::size_t failed = journal.Failed();
  if (failed > 16) {
    fail += "too many failed writes to check (" + std::to_string(failed) + ")\n";
    return out;
  }
  // None applied and all applied first: the common answers (EIO/ENOSPC, torn for good).
  bool explained = false;
  const std::uint32_t all = (1u << failed) - 1;
  for (std::uint32_t step = 0; step <= all && !explained; ++step) {
    const std::uint32_t mask = step == 0 ? 0 : step == 1 ? all : step - 1;
    std::vector<bool> applied(failed);
    for (std::size_t i = 0; i < failed; ++i) applied[i] = (mask >> i) & 1u;
    explained = journal.Model(applied) == stored;
  }
  if (!explained) {
    std::vector<bool> none(failed, false);
    const Contents acked = journal.Model(none);
    std::size_t missing = 0;
    for (const auto& [id, v] : acked) {
      auto it = stored.find(id);
      if (it == stored.end() || !(it->second == v)) ++missing;
    }
    fail += "reopened store is not the acknowledged writes plus whole failed writes (" + std::to_string(stored.size()) +
            " records, " + std::to_string(acked.size()) + " acknowledged, " + std::to_string(missing) +
            " acknowledged records absent or different)\n";
  }
  if (db.size() != stored.size()) fail += "size() != records after reopen\n";

  // The index agrees with the records: every record is its own nearest neighbour.
  std::size_t probed = 0;
  for (const auto& [id, v] : stored) {
    if (probed++ % 5 != 0) continue;  // a sample keeps the runs fast
    SearchQuery q;
    q.vector = v.vector;
    q.k = 1;
    q.ef_search = 200;
    auto hits = db.search(q);
    if (!hits.ok() || hits.value().empty() || hits.value()[0].score != 0.0f) {
      fail += "search does not find '" + id + "' at distance 0 after reopen (" +
              (hits.ok() && !hits.value().empty() ? hits.value()[0].id + " at " + std::to_string(hits.value()[0].score)
                                                  : hits.status().ToString()) + ", index " + source + ")\n";
      break;
    }
  }
  return out;
}

struct Mode {
  faults::Fault fault;
  bool sticky;
};

TEST(FaultInjectionTest, EveryFailurePointOfAMixedWorkload) {
  ScopedEnvVar small_map("RUVECTOR_LMDB_INITIAL_MAP", "64K");
  const auto start = std::chrono::steady_clock::now();

  // The clean run: how many operations the workload reaches, and that it reaches
  // every kind the seam has.
  std::uint64_t total = 0;
  {
    auto tmp = FreshDir();
    faults::FaultyIoEnv env;
    RunResult r = RunWorkload(tmp.path(), env, std::nullopt);
    ASSERT_EQ(r.failures, "");
    ASSERT_FALSE(r.fired);
    ASSERT_EQ(r.failed_calls, 0u);
    total = r.operations;
    for (const char* kind : {"open", "write", "fsync", "close", "rename", "txn_commit", "env_set_mapsize"})
      EXPECT_GT(env.count_of(kind), 0u) << "the workload never reaches a '" << kind << "' operation";
  }
  ASSERT_GT(total, 20u);

  const Mode modes[] = {{faults::Fault::kEio, false},   {faults::Fault::kEio, true},
                        {faults::Fault::kEnospc, false}, {faults::Fault::kEnospc, true},
                        {faults::Fault::kShortWrite, true}, {faults::Fault::kTorn, false},
                        {faults::Fault::kTorn, true}};
  std::size_t runs = 0;
  std::size_t acked = 0;
  std::size_t failed_calls = 0;
  for (const Mode& m : modes) {
    for (std::uint64_t n = 1; n <= total; ++n) {
      auto tmp = FreshDir();
      faults::FaultyIoEnv env(faults::FaultPlan{n, m.fault, m.sticky});
      RunResult r = RunWorkload(tmp.path(), env, m.fault);
      ++runs;
      acked += r.acked;
      failed_calls += r.failed_calls;
      EXPECT_EQ(r.failures, "") << faults::fault_name(m.fault) << (m.sticky ? " for good" : " once") << " at operation "
                                << n << " of " << total << " (" << env.first_fault() << ")";
      if (m.fault == faults::Fault::kShortWrite) {
        EXPECT_EQ(r.failed_calls, 0u) << "a short write must be completed, not reported";
      } else {
        EXPECT_TRUE(r.fired) << "operation " << n << " was never reached";
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fault injection: %llu operations per workload, %zu runs, %zu acknowledged writes, %zu failed calls, %.1f s\n",
              static_cast<unsigned long long>(total), runs, acked, failed_calls, seconds);
}

}  // namespace
}  // namespace ruvector
