// PRIVATE header. A read-only reader for the database file of the reference system
// (`@ruvector/core` 0.1.x: one redb 2.x file, format v2, holding the tables
// `vectors`, `metadata` and, in newer releases, `config`). docs/storage.md describes the
// layout the reader relies on and the checks it makes.
//
// The reader never writes. It picks the commit to read the way redb's own recovery step
// does (every file the reference leaves behind needs it), verifies every checksum of that
// commit, and returns the records. Anything inconsistent is CORRUPTION; input never
// makes it read outside the bytes, loop, recurse deeper than 64 levels or allocate more
// than the input justifies.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/metric.h"
#include "ruvector/options.h"
#include "ruvector/result.h"
#include "ruvector/storage.h"

namespace ruvector::detail {

// The 9 bytes every redb file starts with.
inline constexpr std::string_view kRedbMagic{"redb\x1A\x0A\xA9\x0D\x0A", 9};

// True when `prefix` (the first bytes of a file) starts with the redb magic.
bool has_redb_magic(std::string_view prefix) noexcept;

// The `config` row of newer reference files.
struct ReferenceConfig {
  std::uint32_t dimensions = 0;
  Metric metric = Metric::kCosine;
  std::optional<HnswParams> hnsw;  // hnsw_config; nullopt when stored as null
  std::string text;                // the stored JSON, as found
};

struct ReferenceDatabase {
  // Vector length: config.dimensions, else the length of the stored vectors; 0 for a
  // file without config and without vectors.
  std::uint32_t dimensions = 0;
  std::optional<ReferenceConfig> config;  // nullopt: a file of an older release
  // Every record in id (byte) order. metadata_json is "" when the id has no metadata row.
  std::vector<StoredRecord> records;
  // The commit that was read: its redb transaction id and commit slot (0 or 1), and
  // whether the newest commit was unusable and the previous one was read instead.
  std::uint64_t transaction_id = 0;
  int slot = 0;
  bool used_previous_commit = false;
};

// Decodes a whole file held in memory.
// Errors: CORRUPTION (not a redb file, truncated, damaged, or not the reference's
// tables and encodings), UNSUPPORTED (redb format other than v2, multimap tables).
// `verify_checksums = false` skips the page and slot checksum comparisons and nothing
// else; it exists so the fuzz target reaches the structural checks behind them.
Result<ReferenceDatabase> parse_reference_database(std::string_view file, bool verify_checksums = true);

// The highest transaction id among the commit slots whose checksum verifies, read from
// the first 320 bytes of a file: a cheap identity of the file's last commit. CORRUPTION
// when the bytes are not a redb header or no slot verifies.
Result<std::uint64_t> newest_commit_id(std::string_view header);

// redb's checksum: XXH3-128 (seed 0) of `bytes`, stored low half first, little-endian.
std::array<unsigned char, 16> redb_checksum(std::string_view bytes) noexcept;

// Opens `path` read-only under a shared, non-blocking flock() and returns the descriptor
// (the caller closes it, which releases the lock). LOCKED when a running reference
// process holds the file (it keeps an exclusive flock for its lifetime), NOT_FOUND,
// IO_ERROR.
Result<int> open_reference_file_shared(const std::string& path);

// Reads the file at `path` and decodes it. Takes a shared, non-blocking flock() while it
// reads: a file that a running reference process holds (it keeps an exclusive flock for
// its lifetime) is LOCKED. IO_ERROR for read failures, NOT_FOUND for a missing file.
Result<ReferenceDatabase> read_reference_database(const std::string& path);

}  // namespace ruvector::detail
