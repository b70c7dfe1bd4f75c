#include "core/store_location.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "import/redb_reader.h"

namespace ruvector::detail {
namespace {

// An LMDB data file starts with its meta page: a 16-byte page header, then the magic
// 0xBEEFC0DE (native byte order; LMDB files are not portable across byte orders).
constexpr std::size_t kLmdbMagicOffset = 16;
constexpr std::uint32_t kLmdbMagic = 0xBEEFC0DE;

}  // namespace

Result<StoreLocation> locate_store(const std::string& path) {
  StoreLocation loc;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ENOENT) return loc;
    return Status::IoError("cannot access database '" + path + "': " + std::strerror(e));
  }
  loc.identity = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
  if (S_ISDIR(st.st_mode)) {
    loc.kind = StoreKind::kDirectory;
    return loc;
  }
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("'" + path + "' is neither a directory nor a regular file");
  loc.kind = StoreKind::kFile;
  loc.empty_file = st.st_size == 0;
  if (loc.empty_file) return loc;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open database '" + path + "': " + std::strerror(errno));
  unsigned char head[32] = {};
  const ssize_t n = ::pread(fd, head, sizeof head, 0);
  ::close(fd);
  if (n < 0) return Status::IoError("cannot read database '" + path + "': " + std::strerror(errno));
  const std::string_view prefix(reinterpret_cast<const char*>(head), static_cast<std::size_t>(n));
  if (prefix.substr(0, kRedbMagic.size()) == kRedbMagic) {
    loc.kind = StoreKind::kReferenceFile;
    return loc;
  }
  std::uint32_t magic = 0;
  if (static_cast<std::size_t>(n) >= kLmdbMagicOffset + 4) std::memcpy(&magic, head + kLmdbMagicOffset, 4);
  if (magic != kLmdbMagic)
    return Status::InvalidArgument("'" + path +
                                   "' is a file that holds neither a ruvector database nor a database of the "
                                   "reference system");
  return loc;
}

bool new_store_is_single_file(const std::string& path) {
  if (path.empty() || path.back() == '/') return false;
  const std::size_t slash = path.find_last_of('/');
  const std::string_view name = std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
  if (name == "." || name == "..") return false;
  const std::size_t dot = name.find_last_of('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < name.size();
}

std::string reference_import_path(const std::string& path) { return path + ".ruvector"; }

Status probe_writer_lock(const std::string& path, StoreKind kind) {
  // The lock files of src/storage/lmdb_storage.cpp: writer.lock in a directory store, the
  // data file itself in a single-file store.
  const std::string lock = kind == StoreKind::kDirectory ? path + "/writer.lock" : path;
  const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Ok();  // no lock file: nobody has written there yet
  Status st;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      st = Status::Locked("database '" + path +
                          "' is open for writing by another process; open it read-only, or close the other "
                          "process first");
  } else {
    (void)::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return st;
}

}  // namespace ruvector::detail
