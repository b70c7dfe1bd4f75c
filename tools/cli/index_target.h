// Where a command's index lives: a database directory (the engine over durable LMDB
// storage), a snapshot file used as a database (any existing regular file, or a new name
// ending in .rvs: loaded into memory, written back atomically by a writing command that
// succeeded, under file_lock.h), or a redis:// index spread over a Redis Cluster running
// ruvector-redis.so (cluster_target.h). The same three kinds as the JS command's
// (npm/ruvector/lib/cli/store.mjs). The commands that read and write entries (insert,
// import, search, get, delete) go through this one interface, so every kind prints the
// same output and fails with the same codes.
//
// Threads: one command uses one IndexTarget on one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ruvector/ruvector.h"

namespace ruvector::cli {

class IndexTarget {
 public:
  virtual ~IndexTarget() = default;
  // "directory", "snapshot" or "redis".
  virtual const char* kind() const = 0;
  virtual std::uint32_t dimensions() const = 0;
  // Inserts or replaces one entry (empty id: a generated UUID v4); returns the id.
  virtual Result<std::string> insert(const Entry& entry) = 0;
  // Every entry is checked before anything is written; errors about one entry start with
  // "entry N: ". A database writes the batch in one transaction; a cluster writes entry
  // by entry (a server failure part way leaves the entries before it).
  virtual Result<std::vector<std::string>> insert_batch(std::span<const Entry> entries) = 0;
  // SearchQuery::filter: a JSON filter (database) or a FILTER expression string (cluster).
  virtual Result<std::vector<SearchHit>> search(const SearchQuery& query) = 0;
  // NOT_FOUND "no entry with id '...'" when absent.
  virtual Result<Record> get(const std::string& id) = 0;
  // True when the entry existed.
  virtual Result<bool> remove(const std::string& id) = 0;
  virtual Result<std::uint64_t> size() = 0;
  // A snapshot file is written back (atomically); a directory saves its index image
  // (checkpoint: after an import); a cluster holds nothing locally.
  virtual Status save() = 0;
};

// True when `path` names a snapshot file database: an existing regular file, or (when
// `creating`) a new name ending in .rvs.
bool is_snapshot_file(const std::string& path, bool creating = false);

// The database in directory `dir`, or in snapshot file `dir` (loaded into memory, for
// the read-only commands). NOT_FOUND (with how to create one) when there is none.
Result<std::unique_ptr<Database>> open_database(const std::string& dir, bool read_only);

// A database directory, a snapshot file (a writer holds its lock until the target is
// destroyed), or a redis://HOST:PORT[,HOST:PORT...]/INDEX cluster index.
Result<std::unique_ptr<IndexTarget>> open_target(const std::string& path, bool read_only);

}  // namespace ruvector::cli
