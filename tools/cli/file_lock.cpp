#include "file_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace ruvector::cli {

namespace {

bool process_alive(long pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace

Result<std::unique_ptr<FileLock>> FileLock::take(const std::string& path) {
  const std::string lock_path = path + ".lock";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = open(lock_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const std::string pid = std::to_string(getpid()) + "\n";
      const bool written = write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
      close(fd);
      if (!written) {
        unlink(lock_path.c_str());
        return Status::IoError("cannot write the lock file '" + lock_path + "'");
      }
      return std::unique_ptr<FileLock>(new FileLock(lock_path));
    }
    if (errno != EEXIST)
      return Status::IoError("cannot create the lock file '" + lock_path + "': " + std::strerror(errno));
    long holder = 0;
    std::ifstream(lock_path) >> holder;
    if (holder > 0 && process_alive(holder))
      return Status::Locked("'" + path + "' is being written by process " + std::to_string(holder) + " (lock file " +
                            lock_path + ")");
    unlink(lock_path.c_str());  // stale: its process is gone
  }
  return Status::Locked("cannot take the lock file '" + lock_path + "'");
}

FileLock::~FileLock() { unlink(lock_path_.c_str()); }

}  // namespace ruvector::cli
