#include "util/io_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace ruvector::detail {
namespace {

std::atomic<IoEnv*> installed{nullptr};

}  // namespace

int IoEnv::open(const char* path, int flags, unsigned mode) { return ::open(path, flags, static_cast<mode_t>(mode)); }
ssize_t IoEnv::write(int fd, const void* data, std::size_t size) { return ::write(fd, data, size); }
int IoEnv::fsync(int fd) { return ::fsync(fd); }
int IoEnv::close(int fd) { return ::close(fd); }
int IoEnv::rename(const char* from, const char* to) { return std::rename(from, to); }

IoEnv& real_io_env() {
  static IoEnv* real = new IoEnv();
  return *real;
}

IoEnv& current_io_env() {
  IoEnv* env = installed.load(std::memory_order_acquire);
  return env != nullptr ? *env : real_io_env();
}

IoEnv* install_io_env(IoEnv* env) { return installed.exchange(env, std::memory_order_acq_rel); }

}  // namespace ruvector::detail
