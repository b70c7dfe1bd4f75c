#include "storage/lmdb_errors.h"

#include <cerrno>
#include <string>
#include <system_error>

#include "storage/lmdb_env.h"

namespace ruvector::detail {

std::string errno_text(int e) { return std::system_category().message(e); }

Status mdb_status(int rc, std::string_view what, std::string_view dir) {
  std::string msg = std::string(what) + " in '" + std::string(dir) + "' failed: " + mdb_strerror(rc);
  switch (rc) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_INCOMPATIBLE:
      return Status::Corruption(msg + " (the database files are damaged, or are not a ruvector database)");
    case MDB_VERSION_MISMATCH:
      return Status::Unsupported(msg + " (the files were written by an incompatible LMDB version)");
    case MDB_READERS_FULL:
      return Status::ResourceExhausted(msg + " (more than " + std::to_string(kMaxReaders) +
                                       " concurrent readers over all processes)");
    case MDB_TXN_FULL:
      return Status::ResourceExhausted(msg + " (the write is too large for one transaction; split the batch)");
    case MDB_MAP_FULL:
    case ENOMEM:
      return Status::ResourceExhausted(msg);
    case MDB_PANIC:
      return Status::IoError(msg + " (LMDB hit a fatal error; close and reopen the database)");
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::IoError(msg + " (check the permissions of the directory and its files)");
    case ENOSPC:
      return Status::IoError(msg + " (the disk is full)");
    default:
      return Status::IoError(msg);
  }
}

}  // namespace ruvector::detail
