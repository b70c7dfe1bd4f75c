#include "util/file_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace ruvector::detail {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const noexcept {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Status io_error(const std::string& what, const std::string& path, int err) {
  return Status::IoError(what + " '" + path + "': " + std::strerror(err));
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
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    File f(std::fopen(tmp.c_str(), "wb"));
    if (!f) return io_error("cannot create", tmp, errno);
    if (std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size() || std::fflush(f.get()) != 0 ||
        ::fsync(::fileno(f.get())) != 0) {
      const int err = errno;
      f.reset();
      std::remove(tmp.c_str());
      return io_error("cannot write", tmp, err);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    return io_error("cannot rename onto", path, err);
  }
  return Status::Ok();
}

}  // namespace ruvector::detail
