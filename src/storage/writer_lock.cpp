#include "storage/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "storage/lmdb_errors.h"

namespace ruvector::detail {

Result<int> take_writer_lock(const std::string& dir, const std::string& shown, bool single_file) {
  const std::string lock_path = single_file ? dir : dir + "/" + kWriterLockName;
  const int fd = ::open(lock_path.c_str(), single_file ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    return Status::IoError("cannot open the writer lock file '" + lock_path + "': " + errno_text(err) +
                           (err == EACCES || err == EROFS ? " (to only read the database, open it read-only)" : ""));
  }
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      ::close(fd);
      std::string pid;
      for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
      return Status::Locked("database '" + shown + "' is open for writing by another process" +
                            (pid.empty() ? std::string() : " (pid " + pid + ")") +
                            "; open it read-only, or close the other process first");
    }
    ::close(fd);
    return Status::IoError("cannot lock '" + lock_path + "': " + errno_text(err));
  }
  // Best effort: record the holder for the message above (never in a data file).
  const std::string me = std::to_string(::getpid()) + "\n";
  if (!single_file && ::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd, me.data(), me.size(), 0);
  }
  return fd;
}

}  // namespace ruvector::detail
