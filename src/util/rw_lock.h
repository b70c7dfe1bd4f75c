// PRIVATE header. A reader-writer lock that does not starve writers.
//
// glibc's pthread_rwlock (behind std::shared_mutex) lets new readers in while a
// writer waits, so a steady stream of searches can block an insert indefinitely.
// Here a waiting writer holds `gate_`, which new readers pass through while a writer
// waits, so readers that arrive after the writer queue behind it. Readers with no
// writer waiting skip the gate (one atomic load), so concurrent searches share no
// mutex besides `rw_` itself. A reader that saw no waiting writer just before one
// arrived may still enter ahead of it: a bounded number, so writers still get in.
// Usable with std::unique_lock and std::shared_lock.
#pragma once

#include <atomic>
#include <mutex>
#include <shared_mutex>

namespace ruvector::detail {

class WriterPriorityMutex {
 public:
  void lock() {
    writers_waiting_.fetch_add(1, std::memory_order_acq_rel);
    {
      std::lock_guard<std::mutex> g(gate_);
      rw_.lock();
    }
    writers_waiting_.fetch_sub(1, std::memory_order_acq_rel);
  }
  void unlock() { rw_.unlock(); }
  void lock_shared() {
    if (writers_waiting_.load(std::memory_order_acquire) != 0) {
      std::lock_guard<std::mutex> g(gate_);
    }
    rw_.lock_shared();
  }
  void unlock_shared() { rw_.unlock_shared(); }

 private:
  std::atomic<unsigned> writers_waiting_{0};
  std::mutex gate_;
  std::shared_mutex rw_;
};

}  // namespace ruvector::detail
