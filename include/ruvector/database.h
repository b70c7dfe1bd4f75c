// Database: a collection of fixed-length float32 vectors with optional JSON
// metadata, an index (HNSW or exact) and an optional persistence backend.
//
// Threads: every method is thread-safe. Reads (search, search_batch, get, size,
// empty, options) run concurrently with each other. Writes (insert, insert_batch,
// remove) are serialised and exclude reads while they modify the index, so a reader
// sees each write whole or not at all (no torn results). insert_batch and
// search_batch use `DatabaseOptions::threads` worker threads internally.
//
// Failure: every method returns Status/Result; no exception escapes. A failed
// call leaves the database unchanged and usable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/options.h"
#include "ruvector/result.h"
#include "ruvector/types.h"

namespace ruvector {

// Settings that describe a database once it exists (after defaults were applied and
// stored settings merged in).
struct DatabaseInfo {
  std::uint32_t dimensions = 0;
  Metric metric = Metric::kCosine;
  IndexKind index = IndexKind::kHnsw;
  HnswParams hnsw;
  std::uint64_t count = 0;
  std::string storage;  // Storage::describe(), or "memory" for an in-memory database
};

class Database {
 public:
  // Creates an in-memory database, or opens `options.storage` and loads its records.
  // Errors: INVALID_ARGUMENT (bad options, or options contradicting stored settings),
  // CORRUPTION / IO_ERROR from the storage.
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Inserts or replaces one entry. Returns its id (generated UUID v4 when empty).
  // Errors: DIMENSION_MISMATCH, INVALID_ARGUMENT (NaN/Inf, zero vector under cosine,
  // metadata not an object, id too long), storage errors.
  Result<std::string> insert(const Entry& entry);

  // All-or-nothing: every entry is validated before anything is written; the first
  // bad entry fails the call with its position ("entry 7: ..."). Later duplicates of
  // an id within one batch win. Built in parallel on `threads` workers.
  Result<std::vector<std::string>> insert_batch(std::span<const Entry> entries);

  // NOT_FOUND when absent.
  Result<Record> get(std::string_view id) const;

  // Removes an entry. Returns false when the id was absent (not an error).
  Result<bool> remove(std::string_view id);

  std::size_t size() const;
  bool empty() const { return size() == 0; }

  // Up to k hits sorted by ascending score, ties broken by id. With a filter, only
  // matching entries are returned, and k of them whenever at least k match.
  // Errors: DIMENSION_MISMATCH, INVALID_ARGUMENT (k = 0, NaN/Inf, zero vector under
  // cosine, malformed filter).
  Result<std::vector<SearchHit>> search(const SearchQuery& query) const;

  // One result list per query, in order. Fails as a whole on the first invalid query
  // ("query 3: ..."). Queries run in parallel.
  Result<std::vector<std::vector<SearchHit>>> search_batch(std::span<const SearchQuery> queries) const;

  DatabaseInfo info() const;

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ruvector
