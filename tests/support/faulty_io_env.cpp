#include "faulty_io_env.h"

#include <lmdb.h>

#include <cerrno>

namespace ruvector::faults {

const char* fault_name(Fault f) {
  switch (f) {
    case Fault::kEio: return "EIO";
    case Fault::kEnospc: return "ENOSPC";
    case Fault::kShortWrite: return "short write";
    case Fault::kTorn: return "torn";
  }
  return "?";
}

std::uint64_t FaultyIoEnv::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ops_;
}

std::uint64_t FaultyIoEnv::count_of(const std::string& op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(op);
  return it == counts_.end() ? 0 : it->second;
}

bool FaultyIoEnv::fired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !first_.empty();
}

std::string FaultyIoEnv::first_fault() const {
  std::lock_guard<std::mutex> lock(mu_);
  return first_;
}

void FaultyIoEnv::set_plan(FaultPlan plan) {
  std::lock_guard<std::mutex> lock(mu_);
  plan_ = plan;
}

std::optional<Fault> FaultyIoEnv::hit(const char* op) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::uint64_t n = ++ops_;
  ++counts_[op];
  const bool fail = plan_.fail_at != 0 && (n == plan_.fail_at || (plan_.sticky && n > plan_.fail_at));
  if (!fail) return std::nullopt;
  if (first_.empty()) first_ = "operation " + std::to_string(n) + " (" + op + "): " + fault_name(plan_.fault);
  return plan_.fault;
}

namespace {

// errno of a failed operation: ENOSPC for kEnospc, EIO for the others.
int failure_errno(Fault f) { return f == Fault::kEnospc ? ENOSPC : EIO; }

}  // namespace

int FaultyIoEnv::open(const char* path, int flags, unsigned mode) {
  const std::optional<Fault> f = hit("open");
  if (!f || *f == Fault::kShortWrite) return IoEnv::open(path, flags, mode);
  if (*f == Fault::kTorn) {
    const int fd = IoEnv::open(path, flags, mode);
    if (fd >= 0) (void)IoEnv::close(fd);
  }
  errno = failure_errno(*f);
  return -1;
}

ssize_t FaultyIoEnv::write(int fd, const void* data, std::size_t size) {
  const std::optional<Fault> f = hit("write");
  if (!f) return IoEnv::write(fd, data, size);
  const std::size_t half = size > 1 ? size / 2 : size;
  if (*f == Fault::kShortWrite) return IoEnv::write(fd, data, half);
  if (*f == Fault::kTorn) (void)IoEnv::write(fd, data, half);
  errno = failure_errno(*f);
  return -1;
}

int FaultyIoEnv::fsync(int fd) {
  const std::optional<Fault> f = hit("fsync");
  if (!f || *f == Fault::kShortWrite) return IoEnv::fsync(fd);
  if (*f == Fault::kTorn) (void)IoEnv::fsync(fd);
  errno = failure_errno(*f);
  return -1;
}

int FaultyIoEnv::close(int fd) {
  // A failing close still releases the descriptor (Linux), whatever the fault.
  const std::optional<Fault> f = hit("close");
  const int rc = IoEnv::close(fd);
  if (!f || *f == Fault::kShortWrite) return rc;
  errno = failure_errno(*f);
  return -1;
}

int FaultyIoEnv::rename(const char* from, const char* to) {
  const std::optional<Fault> f = hit("rename");
  if (!f || *f == Fault::kShortWrite) return IoEnv::rename(from, to);
  if (*f == Fault::kTorn) (void)IoEnv::rename(from, to);
  errno = failure_errno(*f);
  return -1;
}

int FaultyIoEnv::txn_commit(MDB_txn* txn) {
  const std::optional<Fault> f = hit("txn_commit");
  if (!f || *f == Fault::kShortWrite) return IoEnv::txn_commit(txn);
  if (*f == Fault::kTorn) {
    const int rc = IoEnv::txn_commit(txn);
    return rc != 0 ? rc : EIO;
  }
  mdb_txn_abort(txn);
  return failure_errno(*f);
}

int FaultyIoEnv::env_set_mapsize(MDB_env* env, std::size_t size) {
  const std::optional<Fault> f = hit("env_set_mapsize");
  if (!f || *f == Fault::kShortWrite) return IoEnv::env_set_mapsize(env, size);
  if (*f == Fault::kTorn) {
    const int rc = IoEnv::env_set_mapsize(env, size);
    return rc != 0 ? rc : EIO;
  }
  return failure_errno(*f);
}

}  // namespace ruvector::faults
