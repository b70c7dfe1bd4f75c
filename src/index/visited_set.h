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

// A thread-safe free list of VisitedSets. acquire() hands out a set reset for n slots.
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
    {
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
  void give_back(std::unique_ptr<VisitedSet> set) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(set));
  }
  std::mutex mu_;
  std::vector<std::unique_ptr<VisitedSet>> free_;
};

}  // namespace ruvector::detail
