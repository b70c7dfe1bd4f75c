// A faulty twin of the storage I/O seam (src/util/io_env.h) for tests: counts every
// operation that goes through it and makes the n-th (and, when sticky, every later
// one) fail the chosen way. Thread-safe.
//
// What a fault does to the operation it hits:
//   kEio, kEnospc  nothing happens; the call fails with that errno (txn_commit aborts
//                  the transaction and returns the code; env_set_mapsize leaves the
//                  map as it was).
//   kShortWrite    write() writes the first half of the bytes (at least one) and
//                  returns that count, as POSIX allows; other operations are unaffected.
//   kTorn          the operation takes (part of) its effect, then reports EIO: write()
//                  writes the first half and fails, txn_commit commits and fails,
//                  fsync/rename/close/env_set_mapsize do their work and fail, open
//                  opens, closes and fails. This is the ambiguous outcome of a lost
//                  acknowledgement: the caller must not count the operation as done,
//                  and must cope with it having been done.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "util/io_env.h"

namespace ruvector::faults {

enum class Fault { kEio, kEnospc, kShortWrite, kTorn };
const char* fault_name(Fault f);

struct FaultPlan {
  std::uint64_t fail_at = 0;  // 1-based index of the operation to fail; 0 = never
  Fault fault = Fault::kEio;
  bool sticky = false;        // also fail every operation after it
};

class FaultyIoEnv final : public detail::IoEnv {
 public:
  explicit FaultyIoEnv(FaultPlan plan = {}) : plan_(plan) {}

  // Replaces the plan (fail_at still counts from the first operation ever seen).
  void set_plan(FaultPlan plan);
  std::uint64_t operations() const;  // operations seen so far
  std::uint64_t count_of(const std::string& op) const;  // operations named `op` ("txn_commit", ...)
  bool fired() const;                // a fault was applied
  std::string first_fault() const;   // e.g. "operation 7 (txn_commit): EIO", or ""

  int open(const char* path, int flags, unsigned mode) override;
  ssize_t write(int fd, const void* data, std::size_t size) override;
  int fsync(int fd) override;
  int close(int fd) override;
  int rename(const char* from, const char* to) override;
  int txn_commit(MDB_txn* txn) override;
  int env_set_mapsize(MDB_env* env, std::size_t size) override;

 private:
  // Counts one operation named `op`; returns the fault to apply, if any.
  std::optional<Fault> hit(const char* op);

  mutable std::mutex mu_;
  FaultPlan plan_;  // guarded by mu_; copied by hit() for the operation it counts
  std::uint64_t ops_ = 0;
  std::map<std::string, std::uint64_t> counts_;
  std::string first_;
};

// Installs `env` as the current IoEnv for its lifetime (restores the previous one).
class ScopedIoEnv {
 public:
  explicit ScopedIoEnv(detail::IoEnv& env) : previous_(detail::install_io_env(&env)) {}
  ~ScopedIoEnv() { detail::install_io_env(previous_); }
  ScopedIoEnv(const ScopedIoEnv&) = delete;
  ScopedIoEnv& operator=(const ScopedIoEnv&) = delete;

 private:
  detail::IoEnv* previous_;
};

}  // namespace ruvector::faults
