#include "storage/lmdb_errors.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdint>
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
    case EDQUOT:
      return Status::ResourceExhausted(msg + " (the disk is full; free space, then write again)");
    default:
      return Status::IoError(msg);
  }
}

Status commit_status(int rc, std::string_view what, std::string_view dir) {
  if (rc == EIO) {
    struct statvfs fs;
    if (::statvfs(std::string(dir).c_str(), &fs) == 0) {
      const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
      if (free_bytes < kFullDiskBytes)
        return Status::ResourceExhausted(std::string(what) + " in '" + std::string(dir) + "' failed: " + mdb_strerror(rc) +
                                         " (the disk is full: " + std::to_string(free_bytes) +
                                         " bytes free; LMDB reports a write cut short by a full disk as an I/O "
                                         "error; free space, then write again)");
    }
  }
  return mdb_status(rc, what, dir);
}

}  // namespace ruvector::detail
