// PRIVATE header. A reader-writer lock that does not starve writers.
//
// glibc's pthread_rwlock (behind std::shared_mutex) lets new readers in while a
// writer waits, so a steady stream of searches can block an insert indefinitely.
// Here a waiting writer holds `gate_`, which every new reader passes through, so
// readers that arrive after the writer queue behind it. Usable with std::unique_lock
// and std::shared_lock.
#pragma once

#include <mutex>
#include <shared_mutex>

namespace ruvector::detail {

class WriterPriorityMutex {
 public:
  void lock() {
    std::lock_guard<std::mutex> g(gate_);
    rw_.lock();
  }
  void unlock() { rw_.unlock(); }
  void lock_shared() {
    { std::lock_guard<std::mutex> g(gate_); }
    rw_.lock_shared();
  }
  void unlock_shared() { rw_.unlock_shared(); }

 private:
  std::mutex gate_;
  std::shared_mutex rw_;
};

}  // namespace ruvector::detail
