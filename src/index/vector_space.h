// PRIVATE header. VectorSpace: the vectors of a database by slot, and the distance
// between them under one metric. Graph code reads vectors only through this class.
//
// Internal distances are monotone in the user-facing score but cheaper:
// euclidean uses the squared L2 distance (score = sqrt), cosine uses
// 1 - dot * |q|^-1 * |x|^-1 with inverse norms stored per slot, dot uses -dot,
// manhattan uses L1.
//
// Threads: const methods may run concurrently; set()/reserve() need exclusive
// access, except set() on distinct slots below capacity(), which may run in parallel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <memory>
#include <vector>

#include "ruvector/metric.h"
#include "simd/kernels.h"

namespace ruvector::detail {

using Slot = std::uint32_t;

// A query vector with what the metric needs precomputed. Does not own the vector.
struct PreparedQuery {
  const float* vector = nullptr;
  float inv_norm = 1.0f;
};

class VectorSpace {
 public:
  VectorSpace(std::size_t dim, Metric metric);

  std::size_t dim() const noexcept { return dim_; }
  Metric metric() const noexcept { return metric_; }
  std::size_t capacity() const noexcept { return capacity_; }

  // Grows storage to hold slots [0, n). Never shrinks.
  void reserve(std::size_t n);
  // Stores a copy of v (length dim) at slot < capacity().
  void set(Slot slot, const float* v);
  const float* vector(Slot slot) const noexcept { return data_.get() + static_cast<std::size_t>(slot) * dim_; }

  PreparedQuery prepare(const float* q) const noexcept;

  // Hints the cache about the data distance(q, x) will read.
  void prefetch(Slot x) const noexcept {
    __builtin_prefetch(vector(x));
    if (metric_ == Metric::kCosine) __builtin_prefetch(inv_norms_.data() + x);
  }

  float distance(const PreparedQuery& q, Slot x) const noexcept {
    const float* v = vector(x);
    switch (metric_) {
      case Metric::kEuclidean: return kernels_->l2sq(q.vector, v, dim_);
      case Metric::kCosine: return 1.0f - kernels_->dot(q.vector, v, dim_) * q.inv_norm * inv_norms_[x];
      case Metric::kDot: return -kernels_->dot(q.vector, v, dim_);
      case Metric::kManhattan: return kernels_->l1(q.vector, v, dim_);
    }
    return 0.0f;
  }
  float distance(Slot a, Slot b) const noexcept {
    PreparedQuery q{vector(a), metric_ == Metric::kCosine ? inv_norms_[a] : 1.0f};
    return distance(q, b);
  }

  // The user-facing score for an internal distance.
  float to_score(float internal) const noexcept;

  // Bytes held (for memory reporting).
  std::size_t memory_bytes() const noexcept;

 private:
  std::size_t dim_;
  Metric metric_;
  const Kernels* kernels_;
  std::size_t capacity_ = 0;
  std::unique_ptr<float[]> data_;  // capacity_ * dim_; not zero-filled (slots are written before use)
  std::vector<float> inv_norms_;  // cosine only
};

}  // namespace ruvector::detail
