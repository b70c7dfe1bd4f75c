// PRIVATE header. Transactions on an LmdbEnv: RAII guards, and the loops that run a
// read or a write transaction and retry it when the map must grow or was grown.
//
// Writes are serialised by LmdbEnv::write_mu. Every transaction holds map_mu shared;
// resizing the map takes it exclusive (lmdb_map.h). The environment is MDB_NOTLS, so
// read transactions are not tied to threads. A write transaction is committed through
// the environment's IoEnv; LMDB fsyncs the data and then the meta page before the
// commit returns (environment flags 0).
#pragma once

#include <lmdb.h>

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "ruvector/status.h"
#include "storage/lmdb_env.h"
#include "storage/lmdb_errors.h"
#include "storage/lmdb_map.h"

namespace ruvector::detail {

inline constexpr int kMaxAttempts = 64;  // map growths / adoptions within one call

// Aborts a transaction unless released (commit takes it over).
class TxnGuard {
 public:
  explicit TxnGuard(MDB_txn* txn) : txn_(txn) {}
  ~TxnGuard() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  TxnGuard(const TxnGuard&) = delete;
  TxnGuard& operator=(const TxnGuard&) = delete;
  MDB_txn* release() { return std::exchange(txn_, nullptr); }

 private:
  MDB_txn* txn_;
};

class CursorGuard {
 public:
  explicit CursorGuard(MDB_cursor* c) : c_(c) {}
  ~CursorGuard() { mdb_cursor_close(c_); }
  CursorGuard(const CursorGuard&) = delete;
  CursorGuard& operator=(const CursorGuard&) = delete;

 private:
  MDB_cursor* c_;
};

// Runs `body(txn, rc)` in a write transaction and commits it. `body` stores the LMDB
// code of a failure in `rc`: MDB_MAP_FULL grows the map and retries from scratch.
template <class Body>
Status run_write(LmdbEnv& e, std::string_view what, Body&& body) {
  std::lock_guard<std::mutex> writer(e.write_mu);
  for (int attempt = 0;; ++attempt) {
    if (e.broken.load()) return broken_status(e);
    int rc = 0;
    Status st;
    {
      std::shared_lock<std::shared_mutex> map_lock(e.map_mu);
      MDB_txn* txn = nullptr;
      rc = mdb_txn_begin(e.env, nullptr, 0, &txn);
      if (rc != 0) {
        st = mdb_status(rc, std::string(what) + " (begin)", e.dir);
      } else {
        TxnGuard guard(txn);
        st = body(txn, rc);
        if (st.ok()) {
          rc = e.io->txn_commit(guard.release());  // frees the transaction, even on failure
          if (rc != 0) st = commit_status(rc, std::string(what) + " (commit)", e.dir);
        }
      }
    }
    if (st.ok()) return st;
    if (attempt < kMaxAttempts) {
      if (rc == MDB_MAP_FULL) {
        RUVECTOR_RETURN_IF_ERROR(grow_map(e));
        continue;
      }
      if (rc == MDB_MAP_RESIZED) {
        RUVECTOR_RETURN_IF_ERROR(adopt_map(e));
        continue;
      }
    }
    return st;
  }
}

// Begins a read transaction in `txn` with `map_lock` holding the map lock shared
// (adopting a map another process grew). The caller aborts the transaction before
// releasing the lock.
inline Status begin_read(LmdbEnv& e, std::string_view what, std::shared_lock<std::shared_mutex>& map_lock,
                         MDB_txn*& txn) {
  for (int attempt = 0;; ++attempt) {
    if (e.broken.load()) return broken_status(e);
    map_lock = std::shared_lock<std::shared_mutex>(e.map_mu);
    txn = nullptr;
    const int rc = mdb_txn_begin(e.env, nullptr, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED && attempt < kMaxAttempts) {
      map_lock.unlock();
      RUVECTOR_RETURN_IF_ERROR(adopt_map(e));
      continue;
    }
    if (rc != 0) return mdb_status(rc, what, e.dir);
    return Status::Ok();
  }
}

// Runs `body(txn)` in a read transaction (aborted afterwards).
template <class Body>
Status run_read(LmdbEnv& e, std::string_view what, Body&& body) {
  std::shared_lock<std::shared_mutex> map_lock;
  MDB_txn* txn = nullptr;
  RUVECTOR_RETURN_IF_ERROR(begin_read(e, what, map_lock, txn));
  TxnGuard guard(txn);
  return body(txn);
}

}  // namespace ruvector::detail
