// Snapshots and reopen: round trips checked against the database they came from,
// truncated / bit-flipped / hostile input rejected with CORRUPTION, the golden file
// of format version 1, and the index image logic of a reopened store (run on the
// in-memory Storage; the LMDB backend has its own tests).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "datasets.h"
#include "ruvector/ruvector.h"

namespace ruvector {
namespace {

std::unique_ptr<Database> filled(std::size_t n, std::size_t dim, Metric metric, IndexKind kind,
                                 std::shared_ptr<Storage> storage = nullptr, std::uint64_t seed = 5) {
  DatabaseOptions o;
  o.dimensions = static_cast<std::uint32_t>(dim);
  o.metric = metric;
  o.index = kind;
  o.storage = std::move(storage);
  auto db = std::move(Database::open(o)).value();
  const auto data = testing::make_clustered(n, dim, 10, seed);
  std::vector<Entry> batch;
  for (std::size_t i = 0; i < n; ++i)
    batch.push_back(Entry{"id-" + std::to_string(i), std::span<const float>(data.row(i), dim),
                          i % 3 == 0 ? Json(nullptr) : Json{{"i", i}, {"tag", i % 2 ? "odd" : "even"}}});
  EXPECT_TRUE(db->insert_batch(batch).ok());
  return db;
}

// Every query's full result list (ids and scores), for exact comparison.
std::string results_of(const Database& db, std::size_t dim, std::uint64_t seed = 99) {
  const auto queries = testing::make_clustered(30, dim, 10, seed);
  std::ostringstream out;
  for (std::size_t q = 0; q < queries.n; ++q) {
    SearchQuery sq;
    sq.vector = std::span<const float>(queries.row(q), dim);
    sq.k = 10;
    sq.include_metadata = true;
    sq.include_metadata_json = true;
    auto hits = db.search(sq);
    EXPECT_TRUE(hits.ok());
    for (const auto& h : *hits) out << h.id << ":" << h.score << ":" << h.metadata.dump() << ":" << h.metadata_json << " ";
    out << "\n";
  }
  return out.str();
}

TEST(SnapshotTest, RoundTripKeepsEverythingAndLoadsTheImage) {
  for (IndexKind kind : {IndexKind::kHnsw, IndexKind::kFlat}) {
    for (Metric m : {Metric::kEuclidean, Metric::kCosine, Metric::kDot, Metric::kManhattan}) {
      auto db = filled(1500, 24, m, kind);
      auto bytes = db->serialize();
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      auto copy = Database::deserialize(*bytes);
      ASSERT_TRUE(copy.ok()) << copy.status().ToString();
      EXPECT_EQ((*copy)->size(), db->size());
      EXPECT_EQ((*copy)->info().index_source, "image");
      EXPECT_EQ((*copy)->info().metric, m);
      EXPECT_EQ((*copy)->info().index, kind);
      // Same graph, same answers (compared as strings; a diff would be thousands of lines).
      EXPECT_TRUE(results_of(**copy, 24) == results_of(*db, 24)) << metric_name(m);
      auto rec = (*copy)->get("id-5");
      ASSERT_TRUE(rec.ok());
      EXPECT_EQ(rec->vector, db->get("id-5")->vector);
      EXPECT_EQ(rec->metadata, db->get("id-5")->metadata);
      // Serializing the copy gives the same bytes: nothing was lost or reordered.
      EXPECT_TRUE(*(*copy)->serialize() == *bytes);
      // A removed entry does not come back. (Its graph node is left out of the image,
      // so answers may differ slightly from the original's walk through it.)
      ASSERT_TRUE(db->remove("id-7").ok());
      auto without = Database::deserialize(*db->serialize());
      ASSERT_TRUE(without.ok());
      EXPECT_EQ((*without)->size(), 1499u);
      EXPECT_EQ((*without)->get("id-7").status().code(), StatusCode::kNotFound);
    }
  }
}

TEST(SnapshotTest, FileVariantsAndConflictingOptions) {
  auto db = filled(200, 8, Metric::kEuclidean, IndexKind::kHnsw);
  const std::string path = ::testing::TempDir() + "/snap.rvs";
  ASSERT_TRUE(db->serialize_to_file(path).ok());
  auto back = Database::deserialize_file(path);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(results_of(**back, 8) == results_of(*db, 8));
  DatabaseOptions wrong;
  wrong.dimensions = 9;
  auto conflict = Database::deserialize_file(path, wrong);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(conflict.status().message().find("9"), std::string::npos);
  EXPECT_NE(conflict.status().message().find("8"), std::string::npos);
  DatabaseOptions metric;
  metric.metric = Metric::kCosine;
  EXPECT_EQ(Database::deserialize_file(path, metric).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Database::deserialize_file(path + ".missing").status().code(), StatusCode::kNotFound);
}

TEST(SnapshotTest, EveryTruncationIsCorruption) {
  auto db = filled(40, 4, Metric::kCosine, IndexKind::kHnsw);
  const std::string bytes = *db->serialize();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    auto r = Database::deserialize(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(r.ok()) << "prefix of " << len << " bytes loaded";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << len << ": " << r.status().ToString();
  }
}

TEST(SnapshotTest, EveryBitFlipIsCorruption) {
  auto db = filled(30, 4, Metric::kEuclidean, IndexKind::kHnsw);
  const std::string bytes = *db->serialize();
  for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
    for (int bit : {0, 5}) {
      std::string bad = bytes;
      bad[pos] = static_cast<char>(bad[pos] ^ (1 << bit));
      auto r = Database::deserialize(bad);
      ASSERT_FALSE(r.ok()) << "flip at byte " << pos << " bit " << bit << " was accepted";
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
    }
  }
}

TEST(SnapshotTest, HostileInputIsRejectedWithoutHugeAllocations) {
  EXPECT_EQ(Database::deserialize("").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(Database::deserialize("not a snapshot at all").status().code(), StatusCode::kCorruption);
  auto db = filled(3, 4, Metric::kEuclidean, IndexKind::kFlat);
  std::string bytes = *db->serialize();
  // Claim an enormous section length.
  std::string big = bytes;
  for (int i = 0; i < 8; ++i) big[12 + 4 + i] = static_cast<char>(0xFF);
  EXPECT_EQ(Database::deserialize(big).status().code(), StatusCode::kCorruption);
  // Trailing garbage after the end section.
  EXPECT_EQ(Database::deserialize(bytes + "x").status().code(), StatusCode::kCorruption);
}

// Feeds `bytes` to deserialize_stream in pieces of `chunk` bytes.
Result<std::unique_ptr<Database>> load_streamed(std::string_view bytes, std::size_t chunk) {
  std::size_t at = 0;
  return Database::deserialize_stream([&]() -> Result<std::string> {
    const std::string piece(bytes.substr(std::min(at, bytes.size()), chunk));
    at += chunk;
    return piece;
  });
}

TEST(SnapshotTest, StreamedLoadEqualsWholeLoad) {
  auto db = filled(500, 12, Metric::kCosine, IndexKind::kHnsw);
  const std::string bytes = *db->serialize();
  const std::string expected = results_of(*db, 12);
  for (std::size_t chunk : {1u, 7u, 64u, 4096u, 1u << 22}) {
    auto loaded = load_streamed(bytes, chunk);
    ASSERT_TRUE(loaded.ok()) << chunk << ": " << loaded.status().ToString();
    EXPECT_EQ((*loaded)->info().index_source, "image") << chunk;
    EXPECT_TRUE(results_of(**loaded, 12) == expected) << chunk;
    EXPECT_TRUE((*loaded)->serialize().value() == bytes) << chunk;
  }
  // A failing source stops the load with its status.
  int calls = 0;
  auto failed = Database::deserialize_stream([&]() -> Result<std::string> {
    if (++calls == 3) return Status::IoError("read failed");
    return bytes.substr(static_cast<std::size_t>(calls - 1) * 100, 100);
  });
  EXPECT_EQ(failed.status().code(), StatusCode::kIoError);
}

TEST(SnapshotTest, StreamedLoadRejectsEveryTruncationAndBitFlip) {
  auto db = filled(30, 4, Metric::kEuclidean, IndexKind::kHnsw);
  const std::string bytes = *db->serialize();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    auto r = load_streamed(std::string_view(bytes).substr(0, len), 13);
    ASSERT_FALSE(r.ok()) << "prefix of " << len << " bytes loaded";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << len << ": " << r.status().ToString();
  }
  for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    auto r = load_streamed(bad, 11);
    ASSERT_FALSE(r.ok()) << "flip at byte " << pos << " was accepted";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  }
  EXPECT_EQ(load_streamed(bytes + "x", 16).status().code(), StatusCode::kCorruption);
  // An enormous claimed record count or section length allocates nothing large.
  std::string big = bytes;
  for (int i = 0; i < 8; ++i) big[12 + 4 + i] = static_cast<char>(0xFF);
  EXPECT_EQ(load_streamed(big, 32).status().code(), StatusCode::kCorruption);
}

std::string golden_path() {
  const char* dir = std::getenv("RUVECTOR_TEST_DATA");
  return std::string(dir != nullptr ? dir : "tests/data") + "/golden/snapshot-v1.rvs";
}

// The database the golden file holds. Fixed ids, vectors and metadata; built
// sequentially, so the graph is deterministic.
std::unique_ptr<Database> golden_source() {
  DatabaseOptions o;
  o.dimensions = 6;
  o.metric = Metric::kEuclidean;
  o.threads = 1;
  o.hnsw = HnswParams{};  // pinned: the golden file was written with these
  o.hnsw->m = 16;
  o.hnsw->ef_construction = 100;
  o.hnsw->ef_search = 64;
  auto db = std::move(Database::open(o)).value();
  for (int i = 0; i < 64; ++i) {
    std::vector<float> v(6);
    for (int j = 0; j < 6; ++j) v[static_cast<std::size_t>(j)] = static_cast<float>((i * 7 + j * 13) % 17) * 0.5f;
    Json meta = i % 4 == 0 ? Json(nullptr) : Json{{"n", i}, {"name", "item " + std::to_string(i)}, {"nested", {{"even", i % 2 == 0}}}};
    EXPECT_TRUE(db->insert(Entry{"g" + std::to_string(i), v, meta}).ok());
  }
  return db;
}

TEST(SnapshotTest, GoldenVersion1StillLoads) {
  if (std::getenv("RUVECTOR_WRITE_GOLDEN") != nullptr) {
    ASSERT_TRUE(golden_source()->serialize_to_file(golden_path()).ok());
  }
  auto golden = Database::deserialize_file(golden_path());
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  auto source = golden_source();
  EXPECT_EQ((*golden)->size(), 64u);
  EXPECT_EQ((*golden)->info().index_source, "image");
  EXPECT_TRUE(results_of(**golden, 6) == results_of(*source, 6));
  auto rec = (*golden)->get("g5");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->metadata, (Json{{"n", 5}, {"name", "item 5"}, {"nested", {{"even", false}}}}));
  EXPECT_EQ(rec->vector, source->get("g5")->vector);
}

// HNSW layers come from (seed, element id), not from a random stream: a database
// loaded from a snapshot and its source, given the same later inserts one by one,
// build identical graphs (what a Redis replica after a full sync relies on).
TEST(SnapshotTest, LoadedCopyGrowsTheSameGraphAsItsSource) {
  DatabaseOptions o;
  o.dimensions = 12;
  o.metric = Metric::kCosine;
  o.threads = 1;
  auto source = std::move(Database::open(o)).value();
  const auto data = testing::make_clustered(600, 12, 8, 17);
  auto add = [&](Database& db, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      ASSERT_TRUE(db.insert(Entry{"e" + std::to_string(i), std::span<const float>(data.row(i), 12), nullptr}).ok());
  };
  add(*source, 0, 300);
  DatabaseOptions sequential;
  sequential.threads = 1;
  auto copy = Database::deserialize(source->serialize().value(), sequential);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  add(*source, 300, 600);
  add(**copy, 300, 600);
  EXPECT_TRUE(source->serialize().value() == (*copy)->serialize().value());
}

// The streaming writer: pieces never exceed the bound, add up to serialize(), and a
// failing sink stops the write with its status. The golden file round-trips byte for byte.
TEST(SnapshotTest, StreamedPiecesAreBoundedAndIdentical) {
  auto db = filled(700, 24, Metric::kCosine, IndexKind::kHnsw);
  const std::string whole = db->serialize().value();
  for (std::size_t chunk : {64u, 1000u, 4096u, 1u << 22}) {
    std::string joined;
    std::size_t largest = 0, pieces = 0;
    ASSERT_TRUE(db->serialize_to(
                      [&](std::string_view piece) {
                        largest = std::max(largest, piece.size());
                        ++pieces;
                        joined.append(piece);
                        return Status::Ok();
                      },
                      chunk)
                    .ok());
    EXPECT_LE(largest, chunk);
    EXPECT_TRUE(joined == whole) << "chunk " << chunk;
    if (chunk < whole.size()) {
      EXPECT_GE(pieces, whole.size() / chunk);
    }
  }
  std::size_t calls = 0;
  Status st = db->serialize_to(
      [&](std::string_view) {
        ++calls;
        return calls == 3 ? Status::IoError("disk full") : Status::Ok();
      },
      256);
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(calls, 3u);

  std::ifstream in(golden_path(), std::ios::binary);
  const std::string golden((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto loaded = Database::deserialize(golden);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE((*loaded)->serialize().value() == golden);
}

TEST(ReopenTest, ImageIsUsedAndResultsMatch) {
  auto storage = make_memory_storage();
  std::string before;
  {
    auto db = filled(3000, 16, Metric::kCosine, IndexKind::kHnsw, storage);
    ASSERT_TRUE(db->remove("id-1").ok());
    before = results_of(*db, 16);
  }  // closing stores the index image
  DatabaseOptions o;
  o.storage = storage;  // nothing else: the stored settings apply
  auto db = Database::open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->info().index_source, "image");
  EXPECT_EQ((*db)->info().dimensions, 16u);
  EXPECT_EQ((*db)->info().metric, Metric::kCosine);
  EXPECT_EQ((*db)->size(), 2999u);
  EXPECT_TRUE(results_of(**db, 16) == before);
}

TEST(ReopenTest, MissingStaleOrDamagedImageIsRebuilt) {
  auto storage = make_memory_storage();
  std::string before;
  {
    auto db = filled(800, 8, Metric::kEuclidean, IndexKind::kHnsw, storage);
    ASSERT_TRUE(db->checkpoint().ok());
  }
  DatabaseOptions o;
  o.storage = storage;
  const std::string good = **storage->get_value("index_image");

  // Stale: a record written after the image was taken.
  std::vector<float> extra{9, 9, 9, 9, 9, 9, 9, 9};
  WriteBatch wb;
  wb.upserts.push_back(StoredRecord{"late", extra, ""});
  ASSERT_TRUE(storage->write(wb).ok());
  {
    auto db = std::move(Database::open(o)).value();
    EXPECT_NE(db->info().index_source.find("stale"), std::string::npos) << db->info().index_source;
    EXPECT_EQ(db->size(), 801u);
    SearchQuery q;
    q.vector = extra;
    q.k = 1;
    EXPECT_EQ((*db->search(q))[0].id, "late");
  }  // stores a fresh image
  {
    auto db = std::move(Database::open(o)).value();
    EXPECT_EQ(db->info().index_source, "image");
    before = results_of(*db, 8);
  }
  // Damaged: one flipped byte.
  std::string damaged = **storage->get_value("index_image");
  damaged[damaged.size() / 2] ^= 0x10;
  ASSERT_TRUE(storage->put_value("index_image", damaged).ok());
  {
    auto db = std::move(Database::open(o)).value();
    EXPECT_NE(db->info().index_source.find("rebuilt"), std::string::npos);
    EXPECT_NE(db->info().index_source.find("checksum"), std::string::npos) << db->info().index_source;
    EXPECT_EQ(db->size(), 801u);
  }
  // Missing.
  ASSERT_TRUE(storage->delete_value("index_image").ok());
  {
    auto db = std::move(Database::open(o)).value();
    EXPECT_EQ(db->info().index_source, "rebuilt: no index image");
    // A rebuilt graph may differ, but it answers the same exact-neighbour questions.
    SearchQuery q;
    q.vector = extra;
    q.k = 1;
    EXPECT_EQ((*db->search(q))[0].id, "late");
  }
  (void)good;
}

TEST(ReopenTest, StoredSettingsAreAuthoritative) {
  auto storage = make_memory_storage();
  { filled(10, 8, Metric::kDot, IndexKind::kHnsw, storage); }
  DatabaseOptions o;
  o.storage = storage;
  o.dimensions = 12;
  auto r = Database::open(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("12"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("8"), std::string::npos) << r.status().ToString();
  o.dimensions = 0;
  o.metric = Metric::kEuclidean;
  r = Database::open(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("euclidean"), std::string::npos);
  EXPECT_NE(r.status().message().find("dot"), std::string::npos);
  o.metric = Metric::kDot;  // agreeing options are fine
  o.dimensions = 8;
  EXPECT_TRUE(Database::open(o).ok());
}

TEST(ReopenTest, SnapshotLoadsIntoEmptyStorageOnly) {
  auto db = filled(100, 4, Metric::kManhattan, IndexKind::kHnsw);
  const std::string bytes = *db->serialize();
  auto storage = make_memory_storage();
  DatabaseOptions o;
  o.storage = storage;
  {
    auto loaded = Database::deserialize(bytes, o);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  }
  auto again = Database::deserialize(bytes, o);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto reopened = Database::open(o);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->info().index_source, "image");
  EXPECT_TRUE(results_of(**reopened, 4) == results_of(*db, 4));
}

}  // namespace
}  // namespace ruvector
