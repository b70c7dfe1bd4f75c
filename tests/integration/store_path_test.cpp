// What `storage_path` may name (docs/storage.md "Layouts"): a single-file store, a
// directory store, a database file of the reference system (imported beside it, never
// modified); several handles on one path in one process sharing one store; and
// Database::check_open agreeing with open().
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "reference_fixtures.h"
#include "ruvector/database.h"
#include "ruvector/storage.h"

namespace ruvector {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ruvector-path-XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs `body` in a child process; returns its exit code (the body's return value).
int InChild(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

std::vector<float> Vec(int i, std::uint32_t dims) { return testing::reference_vector(i, dims); }

DatabaseOptions PathOptions(const std::string& path, std::uint32_t dims = 0) {
  DatabaseOptions o;
  o.storage_path = path;
  o.dimensions = dims;
  return o;
}

std::unique_ptr<Database> OpenOk(const DatabaseOptions& o) {
  EXPECT_TRUE(Database::check_open(o).ok()) << Database::check_open(o).ToString();
  auto db = Database::open(o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

// open() and check_open() fail alike.
void ExpectOpenFails(const DatabaseOptions& o, StatusCode code, const std::string& needle = "") {
  const Status checked = Database::check_open(o);
  EXPECT_EQ(checked.code(), code) << checked.ToString();
  auto db = Database::open(o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), code) << db.status().ToString();
  if (!needle.empty()) {
    EXPECT_NE(db.status().message().find(needle), std::string::npos) << db.status().message();
    EXPECT_NE(checked.message().find(needle), std::string::npos) << checked.message();
  }
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// ------------------------------------------------------------------ layouts

TEST(StorePath, APathWithAnExtensionBecomesOneFile) {
  TempDir tmp;
  const std::string path = tmp.sub("vectors.db");
  {
    auto db = OpenOk(PathOptions(path, 4));
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->insert(Entry{"a", Vec(1, 4), Json{{"k", 1}}}).ok());
  }
  EXPECT_TRUE(fs::is_regular_file(path));
  EXPECT_TRUE(fs::is_regular_file(path + "-lock"));
  auto db = OpenOk(PathOptions(path));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->info().dimensions, 4u);
  auto r = db->get("a");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->vector, Vec(1, 4));
  EXPECT_EQ(r->metadata, (Json{{"k", 1}}));
  EXPECT_EQ(db->info().index_source, "image");
}

TEST(StorePath, APathWithoutExtensionOrWithATrailingSlashBecomesADirectory) {
  TempDir tmp;
  for (const std::string& p : {tmp.sub("db"), tmp.sub("nested/deeper/store.d/")}) {
    {
      auto db = OpenOk(PathOptions(p, 3));
      ASSERT_TRUE(db);
      ASSERT_TRUE(db->insert(Entry{"x", Vec(2, 3), nullptr}).ok());
    }
    EXPECT_TRUE(fs::is_directory(p)) << p;
    EXPECT_TRUE(fs::is_regular_file(fs::path(p) / "data.mdb")) << p;
    auto db = OpenOk(PathOptions(p));
    ASSERT_TRUE(db);
    EXPECT_EQ(db->size(), 1u);
  }
  // An existing directory store opens whatever its name looks like.
  const std::string named = tmp.sub("looks-like.db");
  fs::create_directories(named);
  {
    auto db = OpenOk(PathOptions(named, 3));
    ASSERT_TRUE(db);
  }
  EXPECT_TRUE(fs::is_regular_file(named + "/data.mdb"));
}

TEST(StorePath, AnEmptyFileBecomesAStoreAndOtherFilesAreRefused) {
  TempDir tmp;
  const std::string empty = tmp.sub("empty.db");
  WriteFile(empty, "");
  {
    auto db = OpenOk(PathOptions(empty, 2));
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->insert(Entry{"e", Vec(3, 2), nullptr}).ok());
  }
  EXPECT_EQ(OpenOk(PathOptions(empty))->size(), 1u);

  const std::string text = tmp.sub("notes.txt");
  WriteFile(text, std::string(9000, 'n'));
  ExpectOpenFails(PathOptions(text, 2), StatusCode::kInvalidArgument, "neither a ruvector database");
  EXPECT_EQ(FileBytes(text), std::string(9000, 'n'));
}

TEST(StorePath, ASingleFileStoreIsLockedAgainstASecondWriterProcess) {
  TempDir tmp;
  const std::string path = tmp.sub("locked.db");
  auto db = OpenOk(PathOptions(path, 4));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->insert(Entry{"a", Vec(1, 4), nullptr}).ok());
  const int code = InChild([&] {
    DatabaseOptions rw = PathOptions(path);
    if (Database::check_open(rw).code() != StatusCode::kLocked) return 1;
    auto writer = Database::open(rw);
    if (writer.ok() || writer.status().code() != StatusCode::kLocked) return 2;
    DatabaseOptions ro = PathOptions(path);
    ro.read_only = true;
    if (!Database::check_open(ro).ok()) return 3;
    auto reader = Database::open(ro);
    if (!reader.ok() || reader.value()->size() != 1) return 4;
    return 0;
  });
  EXPECT_EQ(code, 0);
  db.reset();
  // Released with the last handle: another process may write now.
  EXPECT_EQ(InChild([&] { return Database::open(PathOptions(path)).ok() ? 0 : 1; }), 0);
}

// ------------------------------------------------------------------ handles sharing one store

TEST(StorePath, HandlesOnOnePathShareOneStore) {
  TempDir tmp;
  const std::string path = tmp.sub("shared.db");
  auto a = OpenOk(PathOptions(path, 4));
  ASSERT_TRUE(a);
  // Another spelling of the same path (relative to the parent, through a symlink).
  fs::create_symlink(path, tmp.sub("alias.db"));
  auto b = OpenOk(PathOptions(tmp.sub("alias.db")));
  ASSERT_TRUE(b);
  ASSERT_TRUE(a->insert(Entry{"x", Vec(5, 4), Json{{"by", "a"}}}).ok());
  auto seen = b->get("x");
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->metadata, (Json{{"by", "a"}}));
  ASSERT_TRUE(b->insert(Entry{"y", Vec(6, 4), nullptr}).ok());
  EXPECT_EQ(a->size(), 2u);

  // Options that contradict the open store's settings name both values.
  DatabaseOptions nine = PathOptions(path, 9);
  ExpectOpenFails(nine, StatusCode::kInvalidArgument, "dimensions 9 contradicts the stored dimensions 4");
  DatabaseOptions metric = PathOptions(path);
  metric.metric = Metric::kDot;
  ExpectOpenFails(metric, StatusCode::kInvalidArgument, "metric dot contradicts the stored metric cosine");

  // A read-only handle on the shared writable store refuses writes itself.
  DatabaseOptions ro = PathOptions(path);
  ro.read_only = true;
  auto c = OpenOk(ro);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->size(), 2u);
  EXPECT_EQ(c->insert(Entry{"z", Vec(7, 4), nullptr}).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(c->remove("x").status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(a->size(), 2u);

  // Closing in any order: the store stays open while a handle lives.
  a.reset();
  ASSERT_TRUE(b->insert(Entry{"w", Vec(8, 4), nullptr}).ok());
  b.reset();
  EXPECT_EQ(c->size(), 3u);
  c.reset();
  auto again = OpenOk(PathOptions(path));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), 3u);
  EXPECT_EQ(again->info().index_source, "image");  // the last handle stored the image
}

// A snapshot loaded into a path is that path's database in this process, as if opened:
// later opens share it, and loading into a path open here is ALREADY_EXISTS.
TEST(StorePath, ASnapshotLoadedIntoAPathIsSharedLikeAnOpenStore) {
  TempDir tmp;
  DatabaseOptions mem;
  mem.dimensions = 4;
  auto source = Database::open(mem);
  ASSERT_TRUE(source.ok());
  ASSERT_TRUE((*source)->insert(Entry{"s", Vec(1, 4), Json{{"from", "snapshot"}}}).ok());
  auto bytes = (*source)->serialize();
  ASSERT_TRUE(bytes.ok());
  const std::string path = tmp.sub("loaded.db");
  auto loaded = Database::deserialize(*bytes, PathOptions(path));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto other = OpenOk(PathOptions(path));
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->insert(Entry{"t", Vec(2, 4), nullptr}).ok());
  EXPECT_EQ((*loaded)->size(), 2u);  // one database, two handles
  auto again = Database::deserialize(*bytes, PathOptions(path));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  EXPECT_EQ(other->size(), 2u);  // unchanged
  loaded->reset();
  other.reset();
  auto reopened = OpenOk(PathOptions(path));
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->size(), 2u);
  EXPECT_EQ(reopened->get("s")->metadata, (Json{{"from", "snapshot"}}));
}

TEST(StorePath, AWriterOnAStoreOpenReadOnlyHereIsLocked) {
  TempDir tmp;
  const std::string path = tmp.sub("ro.db");
  { ASSERT_TRUE(OpenOk(PathOptions(path, 2))); }
  DatabaseOptions ro = PathOptions(path);
  ro.read_only = true;
  auto reader = OpenOk(ro);
  ASSERT_TRUE(reader);
  ExpectOpenFails(PathOptions(path), StatusCode::kLocked, "already open read-only in this process");
  reader.reset();
  EXPECT_TRUE(OpenOk(PathOptions(path)));
}

TEST(StorePath, ContradictingOptionsRightAfterCloseFailAtOpen) {
  TempDir tmp;
  const std::string path = tmp.sub("settings.db");
  for (int round = 0; round < 20; ++round) {
    auto db = OpenOk(PathOptions(path, 8));
    ASSERT_TRUE(db);
    std::thread closer([&] { db.reset(); });
    // Whether the close has finished or not, the answer is the same.
    ExpectOpenFails(PathOptions(path, 9), StatusCode::kInvalidArgument, "dimensions 9 contradicts");
    closer.join();
  }
}

TEST(StorePath, ConcurrentOpenWriteCloseOnOnePath) {
  TempDir tmp;
  const std::string path = tmp.sub("threads.db");
  { ASSERT_TRUE(OpenOk(PathOptions(path, 4))); }
  constexpr int kThreads = 4, kRounds = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        auto db = Database::open(PathOptions(path));
        if (!db.ok()) {
          ++failures;
          continue;
        }
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(r);
        if (!(*db)->insert(Entry{id, Vec(t * 100 + r, 4), nullptr}).ok()) ++failures;
        SearchQuery q;
        const auto v = Vec(t * 100 + r, 4);
        q.vector = v;
        q.k = 3;
        if (!(*db)->search(q).ok() || !(*db)->get(id).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto db = OpenOk(PathOptions(path));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->size(), static_cast<std::size_t>(kThreads * kRounds));
}

// ------------------------------------------------------------------ check_open

TEST(StorePath, CheckOpenReportsWhatOpenWouldAndCreatesNothing) {
  TempDir tmp;
  const std::string missing = tmp.sub("missing.db");
  DatabaseOptions ro = PathOptions(missing, 4);
  ro.read_only = true;
  ExpectOpenFails(ro, StatusCode::kNotFound);
  ExpectOpenFails(PathOptions(missing), StatusCode::kInvalidArgument, "dimensions must be given");
  EXPECT_TRUE(Database::check_open(PathOptions(missing, 4)).ok());
  EXPECT_FALSE(fs::exists(missing));

  // Damaged settings are CORRUPTION at check time as at open.
  {
    DurableStorageOptions so;
    so.single_file = true;
    auto s = open_durable_storage(missing, so);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->put_value("settings", "{not json").ok());
  }
  ExpectOpenFails(PathOptions(missing), StatusCode::kCorruption, "settings");

  // Invalid options for an in-memory database.
  EXPECT_EQ(Database::check_open(DatabaseOptions{}).code(), StatusCode::kInvalidArgument);
  DatabaseOptions mem;
  mem.dimensions = 3;
  EXPECT_TRUE(Database::check_open(mem).ok());
}

// ------------------------------------------------------------------ reference files

// Copies fixture `name` to `<dir>/<file>`.
std::string PlaceReference(const TempDir& tmp, const std::string& name, const std::string& file) {
  const std::string path = tmp.sub(file);
  WriteFile(path, testing::reference_file_bytes(name));
  return path;
}

void ExpectHoldsFixture(Database& db, const std::string& name) {
  const auto e = testing::reference_expected(name);
  EXPECT_EQ(db.info().dimensions, e.dimensions);
  if (e.metric) {
    EXPECT_EQ(metric_name(db.info().metric), *e.metric);
  }
  EXPECT_EQ(db.size(), e.records.size());
  for (const auto& x : e.records) {
    auto r = db.get(x.id);
    ASSERT_TRUE(r.ok()) << name << ": " << x.id;
    EXPECT_EQ(r->vector, x.vector) << x.id;
    EXPECT_EQ(r->metadata, x.metadata) << x.id;
  }
}

TEST(StorePath, AReferenceFileOpensAndIsNeverModified) {
  TempDir tmp;
  for (const char* name : {"cosine-3d", "euclidean-8d-hnsw", "dot-1000d", "manhattan-2048d"}) {
    const std::string path = PlaceReference(tmp, name, std::string(name) + ".db");
    const std::string before = FileBytes(path);
    {
      auto db = OpenOk(PathOptions(path));
      ASSERT_TRUE(db) << name;
      ExpectHoldsFixture(*db, name);
      // Search finds each vector itself.
      const auto e = testing::reference_expected(name);
      SearchQuery q;
      q.vector = e.records.front().vector;
      q.k = 1;
      auto hits = db->search(q);
      ASSERT_TRUE(hits.ok());
      ASSERT_EQ(hits->size(), 1u);
      EXPECT_EQ(db->get((*hits)[0].id)->vector, e.records.front().vector);
    }
    EXPECT_EQ(FileBytes(path), before) << name;
    EXPECT_TRUE(fs::is_regular_file(path + ".ruvector")) << name;
  }
  // HNSW settings come from the reference's config.
  auto db = OpenOk(PathOptions(tmp.sub("euclidean-8d-hnsw.db")));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->info().hnsw.m, 8u);
  EXPECT_EQ(db->info().hnsw.ef_construction, 50u);
  EXPECT_EQ(db->info().hnsw.ef_search, 30u);
}

TEST(StorePath, WritesGoToTheImportAndSurviveReopen) {
  TempDir tmp;
  const std::string path = PlaceReference(tmp, "cosine-3d", "vectors.db");
  const std::string before = FileBytes(path);
  {
    auto db = OpenOk(PathOptions(path));
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->insert(Entry{"new", Vec(9, 3), Json{{"n", 1}}}).ok());
    ASSERT_TRUE(db->remove("b").value());
  }
  auto db = OpenOk(PathOptions(path));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->size(), 3u);
  EXPECT_TRUE(db->get("new").ok());
  EXPECT_EQ(db->get("b").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FileBytes(path), before);
}

TEST(StorePath, AReferenceFileWithoutConfigTakesTheMetricFromTheOptions) {
  TempDir tmp;
  const std::string a = PlaceReference(tmp, "noconfig-16d", "a.db");
  {
    auto db = OpenOk(PathOptions(a));
    ASSERT_TRUE(db);
    EXPECT_EQ(db->info().metric, Metric::kCosine);  // the reference's default
    ExpectHoldsFixture(*db, "noconfig-16d");
  }
  const std::string b = PlaceReference(tmp, "noconfig-16d", "b.db");
  DatabaseOptions o = PathOptions(b);
  o.metric = Metric::kEuclidean;
  auto db = OpenOk(o);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->info().metric, Metric::kEuclidean);
  db.reset();
  EXPECT_EQ(OpenOk(PathOptions(b))->info().metric, Metric::kEuclidean);  // stored by the import
}

TEST(StorePath, ReferenceFileErrors) {
  TempDir tmp;
  // Options contradicting the reference's config: refused before anything is written.
  const std::string path = PlaceReference(tmp, "euclidean-8d-hnsw", "r.db");
  const Status checked = Database::check_open(PathOptions(path, 9));
  EXPECT_EQ(checked.code(), StatusCode::kInvalidArgument) << checked.ToString();
  EXPECT_NE(checked.message().find("dimensions 9 contradicts the stored dimensions 8"), std::string::npos);
  EXPECT_FALSE(fs::exists(path + ".ruvector"));
  ExpectOpenFails(PathOptions(path, 9), StatusCode::kInvalidArgument, "dimensions 9 contradicts");

  // A read-only open of a file never imported.
  const std::string fresh = PlaceReference(tmp, "cosine-3d", "fresh.db");
  DatabaseOptions ro = PathOptions(fresh);
  ro.read_only = true;
  ExpectOpenFails(ro, StatusCode::kNotFound, "has not been imported");

  // A running reference process holds an exclusive flock() on its file.
  {
    const int fd = ::open(fresh.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);
    ExpectOpenFails(PathOptions(fresh), StatusCode::kLocked, "running process of the reference system");
    ::close(fd);
  }

  // A damaged file is CORRUPTION, at check time and at open.
  std::string bytes = testing::reference_file_bytes("cosine-3d");
  bytes[64 + 100] ^= 1;
  bytes[192 + 100] ^= 1;
  const std::string damaged = tmp.sub("damaged.db");
  WriteFile(damaged, bytes);
  ExpectOpenFails(PathOptions(damaged), StatusCode::kCorruption, "both commit slots");
  WriteFile(damaged, testing::reference_file_bytes("cosine-3d").substr(0, 100000));
  ExpectOpenFails(PathOptions(damaged), StatusCode::kCorruption, "truncated");
}

TEST(StorePath, AChangedReferenceFileIsReimportedOnlyWhenTheImportHasNoWritesOfItsOwn) {
  TempDir tmp;
  const std::string path = PlaceReference(tmp, "cosine-3d", "moving.db");
  { ASSERT_TRUE(OpenOk(PathOptions(path))); }
  // The reference system wrote more (here: the file is replaced by a later state).
  WriteFile(path, testing::reference_file_bytes("killed-8d"));
  {
    auto db = OpenOk(PathOptions(path));
    ASSERT_TRUE(db);
    ExpectHoldsFixture(*db, "killed-8d");
    ASSERT_TRUE(db->insert(Entry{"mine", Vec(1, 8), nullptr}).ok());
  }
  WriteFile(path, testing::reference_file_bytes("euclidean-8d-hnsw"));
  ExpectOpenFails(PathOptions(path), StatusCode::kAlreadyExists, "writes of its own");
}

TEST(StorePath, HandlesOnAReferenceFileShareOneImport) {
  TempDir tmp;
  const std::string path = PlaceReference(tmp, "cosine-3d", "twice.db");
  auto a = OpenOk(PathOptions(path));
  auto b = OpenOk(PathOptions(path));
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->insert(Entry{"z", Vec(4, 3), nullptr}).ok());
  EXPECT_TRUE(b->get("z").ok());
}

}  // namespace
}  // namespace ruvector
