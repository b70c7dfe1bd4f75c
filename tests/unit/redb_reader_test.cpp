// The reader of the reference system's redb files (src/import/redb_reader.*), against
// files written by the registry's @ruvector/core (tests/data/reference/, see its README):
// exact contents, redb's commit-slot recovery choice, and damaged or hostile files, which
// must be CORRUPTION (or UNSUPPORTED), never a crash.
#include "import/redb_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "reference_fixtures.h"

namespace ruvector {
namespace {

using detail::parse_reference_database;
using detail::ReferenceDatabase;
using testing::reference_expected;
using testing::reference_file_bytes;

const char* const kFixtures[] = {"cosine-3d",    "euclidean-8d-hnsw", "dot-1000d", "manhattan-2048d",
                                 "noconfig-16d", "empty-4d",          "killed-8d"};

std::uint16_t rd16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}
std::uint32_t rd32(std::string_view b, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}
std::uint64_t rd64(std::string_view b, std::size_t at) {
  std::uint64_t v;
  std::memcpy(&v, b.data() + at, 8);
  return v;
}
void wr32(std::string& b, std::size_t at, std::uint32_t v) { std::memcpy(&b[at], &v, 4); }
void wr64(std::string& b, std::size_t at, std::uint64_t v) { std::memcpy(&b[at], &v, 8); }

// Independent of the reader: page geometry from the header (region 0 only, which is all
// these small files use).
std::size_t page_offset(std::string_view f, std::uint64_t pn) {
  const std::uint64_t ps = rd32(f, 12), hdr = rd32(f, 16);
  const unsigned order = static_cast<unsigned>(pn >> 59);
  return static_cast<std::size_t>(ps * (1 + hdr) + (pn & 0xFFFFF) * (ps << order));
}
std::size_t page_length(std::string_view f, std::uint64_t pn) { return std::size_t{rd32(f, 12)} << (pn >> 59); }
std::size_t primary_slot(std::string_view f) { return 64 + 128 * (static_cast<unsigned char>(f[9]) & 1); }

// Bytes of a variable-width page covered by its checksum.
std::size_t covered(std::string_view p) {
  const std::size_t n = rd16(p, 2);
  if (p[0] == 1) return rd32(p, 4 + 8 * n - 4);
  return rd32(p, 8 + 24 * (n + 1) + 4 * (n - 1));
}

// Entries of a leaf with variable-width keys and values.
std::vector<std::pair<std::string, std::string>> leaf_entries(std::string_view p) {
  const std::size_t n = rd16(p, 2);
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t ks = 4 + 8 * n;
  std::size_t vs = rd32(p, 4 + 4 * (n - 1));
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ke = rd32(p, 4 + 4 * i), ve = rd32(p, 4 + 4 * n + 4 * i);
    out.emplace_back(std::string(p.substr(ks, ke - ks)), std::string(p.substr(vs, ve - vs)));
    ks = ke, vs = ve;
  }
  return out;
}

struct Located {
  std::size_t user_leaf = 0;   // offset of the user table-tree root (a leaf in every fixture)
  std::map<std::string, std::uint64_t> table_root;  // table name -> root page number
};
Located locate(std::string_view f) {
  Located l;
  const std::uint64_t user_root = rd64(f, primary_slot(f) + 8);
  l.user_leaf = page_offset(f, user_root);
  for (const auto& [name, def] : leaf_entries(f.substr(l.user_leaf, page_length(f, user_root))))
    if (def[9]) l.table_root[name] = rd64(def, 10);
  return l;
}

// After editing pages of `f` (original `orig`), rewrites the checksums on the path to the
// primary slot: `chain` lists page offsets from the edited page up to the user root page.
void reseal(const std::string& orig, std::string& f, const std::vector<std::size_t>& chain, std::size_t page_len = 4096) {
  for (std::size_t k = 0; k < chain.size(); ++k) {
    const std::string_view o(orig.data() + chain[k], page_len), m(f.data() + chain[k], page_len);
    const auto old_raw = detail::redb_checksum(o.substr(0, covered(o)));
    const auto new_raw = detail::redb_checksum(m.substr(0, std::min(covered(m), page_len)));
    const std::string old_sum(old_raw.begin(), old_raw.end()), new_sum(new_raw.begin(), new_raw.end());
    const std::size_t parent = k + 1 < chain.size() ? chain[k + 1] : primary_slot(f);
    const std::size_t parent_len = k + 1 < chain.size() ? 4096 : 112;
    auto at = std::search(f.begin() + static_cast<std::ptrdiff_t>(parent),
                          f.begin() + static_cast<std::ptrdiff_t>(parent + parent_len), old_sum.begin(), old_sum.end());
    ASSERT_NE(at, f.begin() + static_cast<std::ptrdiff_t>(parent + parent_len)) << "checksum not found in parent";
    std::copy(new_sum.begin(), new_sum.end(), at);
  }
  const std::size_t slot = primary_slot(f);
  const auto sum = detail::redb_checksum(std::string_view(f).substr(slot, 112));
  std::copy(sum.begin(), sum.end(), f.begin() + static_cast<std::ptrdiff_t>(slot + 112));
}

void expect_matches(const ReferenceDatabase& db, const testing::ExpectedReference& e, const std::string& name) {
  EXPECT_EQ(db.config.has_value(), e.config) << name;
  if (!e.records.empty() || e.config) {
    EXPECT_EQ(db.dimensions, e.dimensions) << name;
  }
  if (e.metric) {
    ASSERT_TRUE(db.config) << name;
    EXPECT_EQ(metric_name(db.config->metric), *e.metric) << name;
  }
  if (!e.hnsw.is_null()) {
    ASSERT_TRUE(db.config && db.config->hnsw) << name;
    EXPECT_EQ(db.config->hnsw->m, e.hnsw["m"].get<std::uint32_t>());
    EXPECT_EQ(db.config->hnsw->ef_construction, e.hnsw["ef_construction"].get<std::uint32_t>());
    EXPECT_EQ(db.config->hnsw->ef_search, e.hnsw["ef_search"].get<std::uint32_t>());
    EXPECT_EQ(db.config->hnsw->max_elements, e.hnsw["max_elements"].get<std::uint64_t>());
  } else if (db.config) {
    EXPECT_FALSE(db.config->hnsw) << name;
  }
  std::map<std::string, const StoredRecord*> got;
  for (const StoredRecord& r : db.records) got[r.id] = &r;
  EXPECT_EQ(got.size(), db.records.size()) << name << ": duplicate ids";
  if (e.killed) {
    // Every acknowledged insert is there, plus at most the one in flight.
    EXPECT_GE(db.records.size(), e.records.size());
    EXPECT_LE(db.records.size(), e.records.size() + 1);
  } else {
    EXPECT_EQ(db.records.size(), e.records.size()) << name;
  }
  for (const auto& x : e.records) {
    auto it = got.find(x.id);
    ASSERT_NE(it, got.end()) << name << ": missing " << x.id;
    EXPECT_EQ(it->second->vector, x.vector) << name << ": " << x.id;
    if (x.metadata.is_null()) {
      EXPECT_EQ(it->second->metadata_json, "") << name << ": " << x.id;
    } else {
      EXPECT_EQ(Json::parse(it->second->metadata_json, nullptr, false), x.metadata)
          << name << ": " << x.id << " metadata '" << it->second->metadata_json << "'";
    }
  }
}

TEST(RedbReader, EveryFixtureDecodesToWhatTheGeneratorInserted) {
  for (const char* name : kFixtures) {
    const std::string f = reference_file_bytes(name);
    auto db = parse_reference_database(f);
    ASSERT_TRUE(db.ok()) << name << ": " << db.status().ToString();
    expect_matches(*db, reference_expected(name), name);
    EXPECT_FALSE(db->used_previous_commit) << name;
  }
}

TEST(RedbReader, EveryFileOfTheReferenceNeedsTheRecoveryChoice) {
  for (const char* name : kFixtures) {
    const std::string f = reference_file_bytes(name);
    EXPECT_TRUE(static_cast<unsigned char>(f[9]) & 2) << name << ": recovery_required bit expected";
  }
}

TEST(RedbReader, GodBytePointingAtTheOlderSlotReadsTheNewerCommit) {
  std::string f = reference_file_bytes("cosine-3d");
  const auto newest = parse_reference_database(f);
  ASSERT_TRUE(newest.ok());
  f[9] = static_cast<char>(f[9] ^ 1);
  auto db = parse_reference_database(f);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(db->transaction_id, newest->transaction_id);
  expect_matches(*db, reference_expected("cosine-3d"), "cosine-3d");
}

TEST(RedbReader, DamagedPrimarySlotFallsBackToThePreviousCommit) {
  std::string f = reference_file_bytes("cosine-3d");
  f[primary_slot(f) + 104] ^= 0x01;  // transaction id: the slot checksum no longer matches
  auto db = parse_reference_database(f);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(db->used_previous_commit);
  // The last commit inserted "ü-ñ 日本"; the previous one holds a and b.
  ASSERT_EQ(db->records.size(), 2u);
  EXPECT_EQ(db->records[0].id, "a");
  EXPECT_EQ(db->records[1].id, "b");
}

TEST(RedbReader, DamagedLeafOfThePrimaryCommitFallsBackUnlessTwoPhase) {
  const std::string orig = reference_file_bytes("cosine-3d");
  const Located l = locate(orig);
  std::string f = orig;
  const std::size_t leaf = page_offset(f, l.table_root.at("vectors"));
  f[leaf + 40] ^= 0x40;  // inside the vectors: covered by the checksum
  auto db = parse_reference_database(f);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(db->used_previous_commit);
  EXPECT_EQ(db->records.size(), 2u);
  // With the two-phase bit, the primary is trusted to be complete: damage is fatal.
  f[9] = static_cast<char>(f[9] | 4);
  db = parse_reference_database(f);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption);
  EXPECT_NE(db.status().message().find("checksum mismatch"), std::string::npos) << db.status().message();
}

TEST(RedbReader, BothSlotsDamagedIsCorruption) {
  std::string f = reference_file_bytes("cosine-3d");
  f[64 + 100] ^= 1;
  f[192 + 100] ^= 1;
  auto db = parse_reference_database(f);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption);
  EXPECT_NE(db.status().message().find("both commit slots"), std::string::npos);
}

TEST(RedbReader, VersionsMagicAndHeaderFields) {
  const std::string orig = reference_file_bytes("cosine-3d");
  auto code_of = [](const std::string& f) { return parse_reference_database(f).status().code(); };
  std::string f = orig;
  f[64] = 1;
  EXPECT_EQ(code_of(f), StatusCode::kUnsupported);
  f[64] = 3;
  EXPECT_EQ(code_of(f), StatusCode::kUnsupported);
  f[64] = 4;
  EXPECT_EQ(code_of(f), StatusCode::kCorruption);
  f = orig;
  f[0] = 'R';
  EXPECT_EQ(code_of(f), StatusCode::kCorruption);
  EXPECT_EQ(code_of(""), StatusCode::kCorruption);
  for (std::uint32_t ps : {0u, 256u, 1000u, 1u << 30}) {
    f = orig;
    wr32(f, 12, ps);
    EXPECT_EQ(code_of(f), StatusCode::kCorruption) << ps;
  }
  f = orig;
  wr32(f, 24, 0xFFFFFFFF);  // full regions: the described length overflows
  EXPECT_EQ(code_of(f), StatusCode::kCorruption);
  f = orig;
  wr32(f, 28, rd32(f, 28) + 1);  // one page longer than the file
  EXPECT_EQ(code_of(f), StatusCode::kCorruption);
  // A file longer than its header says (grown by an unfinished transaction) is fine.
  f = orig + std::string(8192, '\0');
  EXPECT_TRUE(parse_reference_database(f).ok());
}

TEST(RedbReader, EveryTruncationIsCorruption) {
  const std::string orig = reference_file_bytes("cosine-3d");
  for (std::size_t len = 0; len < orig.size(); ++len) {
    auto db = parse_reference_database(std::string_view(orig).substr(0, len));
    ASSERT_FALSE(db.ok()) << len;
    ASSERT_EQ(db.status().code(), StatusCode::kCorruption) << len;
  }
  // Header lengths that claim less than the file: truncating inside the data pages then
  // reaches the page bounds checks of the tree walk.
  std::string f = orig;
  wr32(f, 28, 0);
  const std::size_t data_start = page_offset(f, 0);
  for (std::size_t len = data_start; len < data_start + 12 * 4096; ++len) {
    auto db = parse_reference_database(std::string_view(f).substr(0, len));
    if (!db.ok()) {
      ASSERT_EQ(db.status().code(), StatusCode::kCorruption) << len;
    }
  }
}

// One bit flipped in every byte of the header, the slots and the data pages in use: the
// result is CORRUPTION / UNSUPPORTED, or a successful read of the newest or the
// previous commit's exact contents (flips in bytes no checksum covers).
TEST(RedbReader, BitFlipsNeverCrashAndNeverReturnWrongRecords) {
  const std::string orig = reference_file_bytes("cosine-3d");
  const auto newest = parse_reference_database(orig);
  ASSERT_TRUE(newest.ok());
  std::string prev_file = orig;
  prev_file[primary_slot(prev_file) + 104] ^= 1;
  const auto previous = parse_reference_database(prev_file);
  ASSERT_TRUE(previous.ok());
  auto same = [](const ReferenceDatabase& a, const ReferenceDatabase& b) {
    if (a.records.size() != b.records.size()) return false;
    for (std::size_t i = 0; i < a.records.size(); ++i)
      if (a.records[i].id != b.records[i].id || a.records[i].vector != b.records[i].vector ||
          a.records[i].metadata_json != b.records[i].metadata_json)
        return false;
    return true;
  };
  const std::size_t data_start = page_offset(orig, 0);
  std::vector<std::pair<std::size_t, std::size_t>> ranges = {{0, 320}, {data_start, data_start + 10 * 4096}};
  std::size_t flips = 0, accepted = 0;
  std::string f = orig;
  for (const auto& [from, to] : ranges) {
    for (std::size_t at = from; at < to; ++at) {
      const char bit = static_cast<char>(1 << (at % 8));
      f[at] ^= bit;
      auto db = parse_reference_database(f);
      f[at] ^= bit;
      ++flips;
      if (!db.ok()) {
        ASSERT_TRUE(db.status().code() == StatusCode::kCorruption || db.status().code() == StatusCode::kUnsupported)
            << at << ": " << db.status().ToString();
        continue;
      }
      ++accepted;
      ASSERT_TRUE(same(*db, *newest) || same(*db, *previous)) << "flip at " << at << " changed the records";
    }
  }
  EXPECT_GT(flips, 40000u);
  EXPECT_LT(accepted, flips);
}

TEST(RedbReader, HostileOffsetsCountsAndLengthPrefixes) {
  const std::string orig = reference_file_bytes("cosine-3d");
  const Located l = locate(orig);
  const std::size_t vec_leaf = page_offset(orig, l.table_root.at("vectors"));
  const std::size_t meta_leaf = page_offset(orig, l.table_root.at("metadata"));
  auto expect_corrupt = [](const std::string& f, const std::string& needle) {
    auto db = parse_reference_database(f);
    ASSERT_FALSE(db.ok()) << needle;
    EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().ToString();
    EXPECT_NE(db.status().message().find(needle), std::string::npos) << db.status().message();
  };
  // The damage is in the primary commit; the tests force it (two-phase bit) so that the
  // error comes from the structural check rather than from the fallback.
  auto two_phase = [](std::string f) {
    f[9] = static_cast<char>(f[9] | 4);
    return f;
  };
  std::string f = orig;
  wr32(f, vec_leaf + 4, 0xFFFFFFF0);  // first key end far past the page
  expect_corrupt(two_phase(f), "offsets");
  f = orig;
  wr32(f, vec_leaf + 4, 2);  // key end before the key data start
  expect_corrupt(two_phase(f), "offsets");
  f = orig;
  f[vec_leaf + 2] = 0, f[vec_leaf + 3] = 0;  // n = 0
  expect_corrupt(two_phase(f), "no entries");
  f = orig;
  f[vec_leaf] = 7;  // page type
  expect_corrupt(two_phase(f), "unknown type");

  // Edits resealed with valid checksums all the way up, so only the structural check
  // can catch them.
  {  // bincode length prefix: 0xFD + u64 huge count inside a 13-byte value
    f = orig;
    const auto entries = leaf_entries(std::string_view(orig).substr(vec_leaf, 4096));
    const std::size_t n = entries.size();
    const std::size_t first_value = rd32(orig, vec_leaf + 4 + 4 * (n - 1));
    ASSERT_EQ(static_cast<unsigned char>(f[first_value + vec_leaf]), 3u);
    f[vec_leaf + first_value] = static_cast<char>(0xFD);
    wr64(f, vec_leaf + first_value + 1, 0x4000000000000001ull);
    reseal(orig, f, {vec_leaf, l.user_leaf});
    expect_corrupt(two_phase(f), "length prefix");
  }
  {  // metadata that is not a JSON object
    f = orig;
    const std::size_t n = rd16(orig, meta_leaf + 2);
    const std::size_t first_value = rd32(orig, meta_leaf + 4 + 4 * (n - 1));
    ASSERT_EQ(f[meta_leaf + first_value], '{');
    f[meta_leaf + first_value] = '[';
    reseal(orig, f, {meta_leaf, l.user_leaf});
    expect_corrupt(two_phase(f), "not a JSON object");
  }
  // Table definitions (values of the user root leaf): find the one of `vectors`.
  const std::string_view user = std::string_view(orig).substr(l.user_leaf, 4096);
  const std::size_t n_tables = rd16(user, 2);
  std::size_t vectors_def = 0;
  {
    std::size_t vs = rd32(user, 4 + 4 * (n_tables - 1));
    const auto entries = leaf_entries(user);
    for (std::size_t i = 0; i < n_tables; ++i) {
      if (entries[i].first == "vectors") vectors_def = l.user_leaf + vs;
      vs = rd32(user, 4 + 4 * n_tables + 4 * i);
    }
    ASSERT_NE(vectors_def, 0u);
  }
  struct DefEdit {
    std::size_t at;
    std::uint64_t value;
    int width;
    const char* needle;
  };
  const std::uint64_t root = rd64(orig, vectors_def + 10);
  for (const DefEdit& e : std::vector<DefEdit>{
           {10, root | (std::uint64_t{25} << 59), 8, "order"},                      // page order 25
           {10, root | (std::uint64_t{0xFFFFF} << 20), 8, "outside the file"},      // region 2^20-1
           {10, (root & ~std::uint64_t{0xFFFFF}) | 0xFFFF0, 8, "outside the file"},  // page index
           {0, 1, 1, "unknown table kind"},
           {52, 8, 4, "alignment"},
           {1, 7, 8, "two different entry counts"},
           {60, 0xFFFFFFFF, 4, "type name"},
           {66, 'x', 1, "key and value types"},
       }) {
    f = orig;
    if (e.width == 8) wr64(f, vectors_def + e.at, e.value);
    if (e.width == 4) wr32(f, vectors_def + e.at, static_cast<std::uint32_t>(e.value));
    if (e.width == 1) f[vectors_def + e.at] = static_cast<char>(e.value);
    reseal(orig, f, {l.user_leaf});
    expect_corrupt(two_phase(f), e.needle);
  }
  {  // both entry counts agree with each other but not with the tree
    f = orig;
    wr64(f, vectors_def + 1, 5);
    wr64(f, vectors_def + 10 + 24, 5);
    reseal(orig, f, {l.user_leaf});
    expect_corrupt(two_phase(f), "holds 3 entries");
  }
}

TEST(RedbReader, ASubtreeReachedTwiceIsCorruptionEvenWithValidChecksums) {
  // euclidean-8d-hnsw: the vectors table's root is a branch. Point its second child at the
  // first one (same page, same checksum): a valid Merkle tree, but a page reached twice.
  const std::string orig = reference_file_bytes("euclidean-8d-hnsw");
  const Located l = locate(orig);
  const std::size_t branch = page_offset(orig, l.table_root.at("vectors"));
  ASSERT_EQ(orig[branch], 2) << "expected a branch root";
  const std::size_t n = rd16(orig, branch + 2);
  ASSERT_GE(n, 1u);
  std::string f = orig;
  std::memcpy(&f[branch + 8 + 16], &orig[branch + 8], 16);                          // checksum
  std::memcpy(&f[branch + 8 + 16 * (n + 1) + 8], &orig[branch + 8 + 16 * (n + 1)], 8);  // page
  reseal(orig, f, {branch, l.user_leaf});
  f[9] = static_cast<char>(f[9] | 4);
  auto db = parse_reference_database(f);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption);
  EXPECT_NE(db.status().message().find("reached twice"), std::string::npos) << db.status().message();

  // A branch that is its own child (only possible to express without checksums).
  f = orig;
  wr64(f, branch + 8 + 16 * (n + 1), l.table_root.at("vectors"));
  f[9] = static_cast<char>(f[9] | 4);
  db = parse_reference_database(f, /*verify_checksums=*/false);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("reached twice"), std::string::npos) << db.status().message();
}

TEST(RedbReader, OtherFixturesSurviveBitFlipsInTheirTrees) {
  // Deeper trees and bigger pages: a flip every 509 bytes of the data pages in use.
  for (const char* name : {"euclidean-8d-hnsw", "dot-1000d", "manhattan-2048d", "noconfig-16d"}) {
    const std::string orig = reference_file_bytes(name);
    std::string f = orig;
    const std::size_t data_start = page_offset(f, 0);
    const std::size_t end = std::min(f.size(), data_start + 300 * 4096);
    for (std::size_t at = data_start; at < end; at += 509) {
      f[at] ^= 0x10;
      auto db = parse_reference_database(f);
      f[at] ^= 0x10;
      if (!db.ok()) {
        ASSERT_EQ(db.status().code(), StatusCode::kCorruption) << name << " " << at << db.status().ToString();
      }
    }
  }
}

}  // namespace
}  // namespace ruvector
