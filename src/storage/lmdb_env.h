// PRIVATE header. LmdbEnv: one open LMDB environment (a database directory), shared by
// every LmdbStorage of this process on that directory (lmdb_registry.h hands it out).
// Opening it: the environment, then the three tables. See docs/storage.md.
//
// Layout. A database is a directory holding an LMDB environment (data.mdb, lock.mdb)
// and `writer.lock`. Three named LMDB tables:
//   records  id -> record value (encoding in lmdb_record.h)
//   values   named blobs of put_value() (settings, index image, ...)
//   meta     "format" -> u32 LE storage format (1), "generation" -> u64 LE (lmdb_meta.h)
// Keys are byte strings of 1..511 bytes (LMDB's key limit); LMDB orders them by
// memcmp with the shorter first on a tie, which is std::string order.
#pragma once

#include <lmdb.h>
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>

#include "ruvector/status.h"
#include "util/io_env.h"

namespace ruvector::detail {

inline constexpr const char* kRecordsTable = "records";
inline constexpr const char* kValuesTable = "values";
inline constexpr const char* kMetaTable = "meta";
inline constexpr unsigned kMaxReaders = 510;  // concurrent read transactions over all processes
inline constexpr mdb_mode_t kLmdbFileMode = 0644;

using EnvKey = std::pair<std::uint64_t, std::uint64_t>;  // (st_dev, st_ino) of the directory

// Threads: the handles (env, tables) are set before the LmdbEnv is shared and read-only
// after; write_mu serialises write transactions; every transaction holds map_mu shared
// and a map resize holds it exclusive (lmdb_map.h, lmdb_txn.h).
struct LmdbEnv {
  MDB_env* env = nullptr;
  MDB_dbi records = 0;
  MDB_dbi values = 0;
  MDB_dbi meta = 0;
  bool writable = false;
  int lock_fd = -1;  // writer.lock, flock()ed; -1 when read-only
  pid_t owner_pid = 0;
  std::string dir;   // canonical path of the directory, or of the data file (single_file)
  bool single_file = false;  // MDB_NOSUBDIR layout: `dir` is the data file, `dir`-lock beside it
  EnvKey key{};
  IoEnv* io = &real_io_env();         // commits and map resizes go through it
  std::atomic<bool> registered{false};
  std::atomic<int> writers{0};        // writable LmdbStorage objects on this env
  std::atomic<bool> broken{false};    // the map could not be re-established
  std::mutex write_mu;                // serialises write transactions
  std::shared_mutex map_mu;           // shared: any transaction; exclusive: map resize

  LmdbEnv() = default;
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;
  // Closes the environment and the writer lock. After fork() the child must not touch
  // the parent's environment (lmdb.h); it only drops its copy of the lock descriptor
  // (the parent keeps its flock).
  ~LmdbEnv();
};

// Creates and opens the LMDB environment of e.dir (MDB_NOTLS; MDB_RDONLY when
// read_only), clears reader slots of dead processes, and gives a writer a map of at
// least `initial_map` bytes. `shown` is the path as the caller spelled it, for messages.
// Read-only on a directory without data.mdb: NOT_FOUND.
Status open_environment(LmdbEnv& e, bool read_only, std::size_t initial_map, const std::string& shown);

// Writable: creates the tables and the format entry. Read-only: opens the tables
// (NOT_FOUND when they do not exist). Both check the storage format.
Status open_tables(LmdbEnv& e, bool read_only, const std::string& shown);

}  // namespace ruvector::detail
