// Storage: the persistence backend behind a Database.
//
// A Storage holds the records of truth (id -> vector, metadata), the database
// settings and opaque named blobs (for example a persisted index image). The
// Database keeps its working set (vectors, graph) in memory and writes through to
// the Storage before it acknowledges a write: a write that returned OK is in the
// Storage. Two backends: MemoryStorage (here, in-process, for tests and as the
// model) and the durable LMDB backend.
//
// Threads: every method is safe to call from any thread; implementations
// serialise writers internally. Readers may run beside a writer and see either
// the state before or after each write() as a whole.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/result.h"

namespace ruvector {

// One record as the storage sees it. Metadata is JSON text ("" = none).
struct StoredRecord {
  std::string id;
  std::vector<float> vector;
  std::string metadata_json;
};

// A view passed to scan() callbacks; valid only during the callback.
struct StoredRecordView {
  std::string_view id;
  std::span<const float> vector;
  std::string_view metadata_json;
};

// An atomic set of changes: all applied, or none.
struct WriteBatch {
  std::vector<StoredRecord> upserts;   // insert or replace by id
  std::vector<std::string> deletes;    // absent ids are ignored
  bool empty() const { return upserts.empty() && deletes.empty(); }
};

// Read access to the stored vectors without copying them, for a database that keeps
// its float vectors in the store only (DatabaseOptions::floats, docs/quantization.md).
// A view is one consistent state of the store: what it returns stays valid, and
// unchanged, until the view is destroyed. Hold it briefly: it pins that state (LMDB: a
// read transaction and the map), and the thread holding it must not write to the same
// storage meanwhile. Threads: vector() may be called from several threads at once.
class StoredVectorView {
 public:
  virtual ~StoredVectorView() = default;
  // The vector stored under `id`, or an empty span when no record has that id.
  // CORRUPTION when the record is damaged.
  virtual Result<std::span<const float>> vector(std::string_view id) = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Applies the batch atomically. Durable backends make it durable before returning.
  virtual Status write(const WriteBatch& batch) = 0;
  // Calls `visit` for every record, in id order. Stops at, and returns, the first error.
  virtual Status scan(const std::function<Status(const StoredRecordView&)>& visit) const = 0;
  virtual Result<std::uint64_t> count() const = 0;

  // Named values (settings, index image). get_value of an absent key returns nullopt.
  virtual Result<std::optional<std::string>> get_value(std::string_view key) const = 0;
  virtual Status put_value(std::string_view key, std::string_view bytes) = 0;
  virtual Status delete_value(std::string_view key) = 0;

  // Incremented by every successful write(); persisted by durable backends. Lets an
  // index image be checked against the records it was built from.
  virtual Result<std::uint64_t> generation() const = 0;

  // A view of the stored vectors (above). Default: UNSUPPORTED (the backend keeps no
  // vectors a database could read in place).
  virtual Result<std::unique_ptr<StoredVectorView>> open_vector_view() const {
    return Status::Unsupported(describe() + " cannot lend its stored vectors");
  }

  virtual bool read_only() const = 0;
  // Short description for logs and `info`, e.g. "memory" or "lmdb:/path".
  virtual std::string describe() const = 0;
};

// A thread-safe in-memory Storage. Nothing survives the process.
std::shared_ptr<Storage> make_memory_storage();

struct DurableStorageOptions {
  // Open for reading only; never takes the write lock.
  bool read_only = false;
  // Create the directory and an empty store when missing (ignored when read_only).
  bool create_if_missing = true;
  // Layout: false = a directory (data.mdb, lock.mdb, writer.lock); true = one data file
  // at `path` with LMDB's lock file `path`-lock beside it (MDB_NOSUBDIR), created when
  // missing. An existing directory opens as a directory store either way; an existing
  // regular file only with true (else INVALID_ARGUMENT).
  bool single_file = false;
};

// Opens the durable (LMDB) store at `path` (a directory, or a single file; see
// DurableStorageOptions::single_file): one writer process at a time
// (a second writer gets LOCKED), any number of read-only processes. Each write() is
// durable when it returns; the map grows on demand. UNSUPPORTED in memory-only builds.
Result<std::shared_ptr<Storage>> open_durable_storage(const std::string& path, const DurableStorageOptions& options);

}  // namespace ruvector
