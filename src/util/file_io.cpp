#include "util/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/io_env.h"

namespace ruvector::detail {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const noexcept {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// ENOSPC / EDQUOT are RESOURCE_EXHAUSTED (the disk is full), other errors IO_ERROR.
Status io_error(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " '" + path + "': " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(msg + " (the disk is full)");
  return Status::IoError(msg);
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound("no such file '" + path + "'");
    return io_error("cannot open", path, err);
  }
  std::string out;
  char buf[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, got);
  if (std::ferror(f.get())) return io_error("cannot read", path, errno);
  return out;
}

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  IoEnv& io = current_io_env();
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = io.open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int err = errno;
    std::remove(tmp.c_str());  // an open that failed late may have created it
    return io_error("cannot create", tmp, err);
  }
  int err = 0;
  for (std::size_t done = 0; done < bytes.size() && err == 0;) {
    const ssize_t n = io.write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0) {
      err = EIO;  // no progress and no error code: give up rather than spin
    } else if (errno != EINTR) {
      err = errno;
    }
  }
  if (err == 0 && io.fsync(fd) != 0) err = errno;
  if (io.close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    std::remove(tmp.c_str());
    return io_error("cannot write", tmp, err);
  }
  if (io.rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    std::remove(tmp.c_str());
    return io_error("cannot rename onto", path, err);
  }
  return Status::Ok();
}

bool fsync_directory(const std::string& dir) {
  IoEnv& io = current_io_env();
  const int fd = io.open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool ok = io.fsync(fd) == 0;
  (void)io.close(fd);
  return ok;
}

}  // namespace ruvector::detail
