// PRIVATE header. IoEnv: the seam under the storage through which every operation
// that changes files goes, after leveldb's Env. The durable store (src/storage/lmdb_*)
// and the crash-safe file writer (util/file_io.h) call these instead of the system or
// LMDB directly, so a test can install a twin that fails the n-th operation
// (tests/support/faulty_io_env.h) and check what the engine does with the failure.
//
// Covered: file open/write/fsync/close/rename (snapshot files, the directory fsync
// of a new store), LMDB commits (LMDB writes its pages and fsyncs the data file and
// then the meta page inside mdb_txn_commit, so a commit is one operation) and LMDB
// map resizes (mdb_env_set_mapsize after the environment is open). Reads are not
// routed: a failing read is reported by LMDB as the same codes.
//
// Threads: the methods are called from any thread, concurrently; implementations must
// be thread-safe. Failure contracts are the wrapped calls' own: the file calls return
// -1 with errno set, write() may write fewer bytes than asked; the LMDB calls return
// 0 or an LMDB/errno code, and txn_commit frees the transaction in every case.
#pragma once

#include <sys/types.h>

#include <cstddef>

struct MDB_env;
struct MDB_txn;

namespace ruvector::detail {

class IoEnv {
 public:
  IoEnv() = default;
  IoEnv(const IoEnv&) = delete;
  IoEnv& operator=(const IoEnv&) = delete;
  virtual ~IoEnv() = default;

  virtual int open(const char* path, int flags, unsigned mode);
  virtual ssize_t write(int fd, const void* data, std::size_t size);
  virtual int fsync(int fd);
  virtual int close(int fd);
  virtual int rename(const char* from, const char* to);

  // Durable builds only (memory-only builds have no LMDB and never call them).
  virtual int txn_commit(MDB_txn* txn);
  virtual int env_set_mapsize(MDB_env* env, std::size_t size);
};

// The real operations. Never destroyed.
IoEnv& real_io_env();

// The IoEnv that file writes and storages opened from now on use: real_io_env()
// unless a test installed another. A storage keeps the IoEnv it was opened with.
IoEnv& current_io_env();

// Test hook: makes `env` current (nullptr: the real one) and returns the previous
// one (nullptr when it was the real one). `env` must outlive its use: the file
// writes in flight and every storage opened while it was current.
IoEnv* install_io_env(IoEnv* env);

}  // namespace ruvector::detail
