// PRIVATE header. Visited marks for graph searches, reused across searches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace ruvector::detail {

// Marks slots as visited with an epoch counter, so clearing is O(1) per search.
// Not thread-safe: one search uses one VisitedSet at a time.
class VisitedSet {
 public:
  // Prepares for a new search over slots [0, n).
  void reset(std::size_t n) {
    if (marks_.size() < n) marks_.resize(n, 0);
    if (++epoch_ == 0) {
      std::fill(marks_.begin(), marks_.end(), std::uint16_t{0});
      epoch_ = 1;
    }
  }
  // Returns true when `slot` was already visited; marks it either way.
  bool test_and_set(std::uint32_t slot) noexcept {
    if (marks_[slot] == epoch_) return true;
    marks_[slot] = epoch_;
    return false;
  }
  bool test(std::uint32_t slot) const noexcept { return marks_[slot] == epoch_; }
  const void* address(std::uint32_t slot) const noexcept { return &marks_[slot]; }

 private:
  std::vector<std::uint16_t> marks_;
  std::uint16_t epoch_ = 0;
};

// A thread-safe pool of VisitedSets. acquire() hands out a set reset for n slots.
//
// Each thread keeps the set it last returned to a live pool in a thread-local cache and
// takes it back on its next acquire() from that pool, without the pool's mutex: with
// two threads searching, a set (2 bytes per slot, hot in one core's cache) then stays
// with one core instead of alternating between them. Ownership: a cached set belongs
// to the thread's cache; it is freed when the thread exits, or when the thread next
// returns a set to a pool after the cached set's pool was destroyed. Sets given back
// while the thread's cache holds another live pool's set go to the pool's free list.
class VisitedPool {
 public:
  class Lease {
   public:
    Lease(VisitedPool* pool, std::unique_ptr<VisitedSet> set) : pool_(pool), set_(std::move(set)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (set_) pool_->give_back(std::move(set_));
    }
    VisitedSet& operator*() const noexcept { return *set_; }
    VisitedSet* operator->() const noexcept { return set_.get(); }

   private:
    VisitedPool* pool_;
    std::unique_ptr<VisitedSet> set_;
  };

  Lease acquire(std::size_t n) {
    std::unique_ptr<VisitedSet> set;
    ThreadCache& cache = thread_cache();
    if (cache.set && cache.pool == this && !cache.alive.expired()) {
      set = std::move(cache.set);
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        set = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!set) set = std::make_unique<VisitedSet>();
    set->reset(n);
    return Lease(this, std::move(set));
  }

 private:
  struct ThreadCache {
    const VisitedPool* pool = nullptr;
    std::weak_ptr<const void> alive;  // expired once `pool` is destroyed (its address may be reused)
    std::unique_ptr<VisitedSet> set;
  };
  static ThreadCache& thread_cache() noexcept {
    thread_local ThreadCache cache;
    return cache;
  }

  void give_back(std::unique_ptr<VisitedSet> set) {
    ThreadCache& cache = thread_cache();
    const bool mine = cache.pool == this && !cache.alive.expired();
    if (mine && !cache.set) {
      cache.set = std::move(set);
      return;
    }
    if (!mine && (!cache.set || cache.alive.expired())) {
      cache.pool = this;
      cache.alive = alive_;
      cache.set = std::move(set);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(set));
  }

  std::shared_ptr<const void> alive_ = std::make_shared<char>(0);
  std::mutex mu_;
  std::vector<std::unique_ptr<VisitedSet>> free_;
};

}  // namespace ruvector::detail
