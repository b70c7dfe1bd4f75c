#include "storage/lmdb_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "storage/lmdb_errors.h"
#include "storage/lmdb_meta.h"
#include "storage/lmdb_txn.h"

namespace ruvector::detail {

LmdbEnv::~LmdbEnv() {
  if (env != nullptr && ::getpid() == owner_pid) mdb_env_close(env);
  if (lock_fd >= 0) ::close(lock_fd);
}

Status open_environment(LmdbEnv& e, bool read_only, std::size_t initial_map, const std::string& shown) {
  int rc = mdb_env_create(&e.env);
  if (rc != 0) {
    e.env = nullptr;
    return mdb_status(rc, "creating an LMDB environment", e.dir);
  }
  (void)mdb_env_set_maxdbs(e.env, 4);
  (void)mdb_env_set_maxreaders(e.env, kMaxReaders);
  (void)mdb_env_set_mapsize(e.env, 0);  // 0: adopt the size recorded in the file (new file: 10 MiB)
  const unsigned flags = MDB_NOTLS | (read_only ? MDB_RDONLY : 0u) | (e.single_file ? MDB_NOSUBDIR : 0u);
  rc = mdb_env_open(e.env, e.dir.c_str(), flags, kLmdbFileMode);
  if (rc != 0) {
    mdb_env_close(e.env);  // required after a failed open
    e.env = nullptr;
    if (rc == ENOENT && read_only) return Status::NotFound("'" + shown + "' holds no ruvector database (no data.mdb)");
    if (rc == MDB_INVALID)
      return Status::Corruption("'" + shown + "' is not a ruvector database (not an LMDB " +
                                (e.single_file ? "file" : "data.mdb") + ")");
    if (rc == EAGAIN) return Status::Locked("database '" + shown + "' is locked by another process (" + mdb_strerror(rc) + ")");
    return mdb_status(rc, "opening the database", shown);
  }
  // LMDB 0.9.24 sets FD_CLOEXEC on lock.mdb but not on its main data.mdb descriptor;
  // keep it from leaking into programs this process exec()s.
  mdb_filehandle_t data_fd;
  if (mdb_env_get_fd(e.env, &data_fd) == 0 && data_fd >= 0) {
    const int fd_flags = ::fcntl(data_fd, F_GETFD);
    if (fd_flags >= 0) (void)::fcntl(data_fd, F_SETFD, fd_flags | FD_CLOEXEC);
  }
  int dead = 0;
  (void)mdb_reader_check(e.env, &dead);  // frees reader slots of crashed processes
  if (!read_only) {
    MDB_envinfo info;
    rc = mdb_env_info(e.env, &info);
    if (rc != 0) return mdb_status(rc, "reading the map size", shown);
    if (info.me_mapsize < initial_map) {
      rc = e.io->env_set_mapsize(e.env, initial_map);
      if (rc != 0) {
        const Status st = mdb_status(rc, "reserving " + std::to_string(initial_map) + " bytes of address space", shown);
        return Status(st.code(), st.message() + " (if address space is limited, set RUVECTOR_LMDB_INITIAL_MAP "
                                                "to a smaller size, e.g. 64M)");
      }
    }
  }
  return Status::Ok();
}

Status open_tables(LmdbEnv& e, bool read_only, const std::string& shown) {
  if (!read_only) {
    return run_write(e, "creating the tables", [&](MDB_txn* txn, int& rc) -> Status {
      const std::pair<const char*, MDB_dbi*> tables[] = {
          {kRecordsTable, &e.records}, {kValuesTable, &e.values}, {kMetaTable, &e.meta}};
      for (const auto& [name, dbi] : tables) {
        rc = mdb_dbi_open(txn, name, MDB_CREATE, dbi);
        if (rc != 0) return mdb_status(rc, std::string("opening table '") + name + "'", shown);
      }
      bool present = false;
      RUVECTOR_RETURN_IF_ERROR(check_format(txn, e, present));
      if (!present) {
        rc = write_format(txn, e);
        if (rc != 0) return mdb_status(rc, "writing the storage format", shown);
      }
      return Status::Ok();
    });
  }
  for (int attempt = 0;; ++attempt) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(e.env, nullptr, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED && attempt < kMaxAttempts) {
      rc = e.io->env_set_mapsize(e.env, 0);  // not shared yet: no other transaction exists
      if (rc != 0) return mdb_status(rc, "adopting the map size", shown);
      continue;
    }
    if (rc != 0) return mdb_status(rc, "reading the database", shown);
    TxnGuard guard(txn);
    const std::pair<const char*, MDB_dbi*> tables[] = {
        {kRecordsTable, &e.records}, {kValuesTable, &e.values}, {kMetaTable, &e.meta}};
    for (const auto& [name, dbi] : tables) {
      rc = mdb_dbi_open(txn, name, 0, dbi);
      if (rc == MDB_NOTFOUND)
        return Status::NotFound("'" + shown + "' holds no ruvector database (no '" + name +
                                "' table); open it for writing once to create one");
      if (rc != 0) return mdb_status(rc, std::string("opening table '") + name + "'", shown);
    }
    bool present = false;
    RUVECTOR_RETURN_IF_ERROR(check_format(txn, e, present));
    rc = mdb_txn_commit(guard.release());  // keeps the table handles for later transactions
    if (rc != 0) return mdb_status(rc, "opening the tables", shown);
    return Status::Ok();
  }
}

}  // namespace ruvector::detail
