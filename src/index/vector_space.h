// PRIVATE header. VectorSpace: the vectors of a database by slot, and the distance
// between them under one metric. Graph code reads vectors only through this class.
//
// Internal distances are monotone in the user-facing score but cheaper:
// euclidean uses the squared L2 distance (score = sqrt), cosine uses
// 1 - dot * |q|^-1 * |x|^-1 with inverse norms stored per slot, dot uses -dot,
// manhattan uses L1.
//
// Quantization (docs/quantization.md): with set_quantization(int8|binary) the space
// also keeps a code per slot (quant/code_store.h). prepare() always gives an exact
// float query (graph construction uses exact distances); prepare_search() gives one
// that scores against the codes once they are trained, else an exact one.
//
// Storage: one row of dim floats per slot, rows back to back from a 64-byte aligned
// base (so rows are cache-line aligned whenever dim is a multiple of 16).
//
// Threads: const methods may run concurrently; set()/reserve() need exclusive
// access, except set() on distinct slots below capacity(), which may run in parallel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <memory>
#include <vector>

#include "quant/code_store.h"
#include "ruvector/metric.h"
#include "ruvector/options.h"
#include "simd/kernels.h"

namespace ruvector::detail {

using Slot = std::uint32_t;

// A query vector with what the metric needs precomputed. Does not own the vector.
struct PreparedQuery {
  const float* vector = nullptr;
  float inv_norm = 1.0f;
  // True when distance() scores against the codes (then `codes` holds the prepared data).
  bool coded = false;
  QueryCodes codes;
};

// The distance from one prepared query to stored slots, with the metric and the kernel
// resolved once (graph searches make one of these per search, not one choice per
// distance). Valid while the VectorSpace is not reserve()d and the PreparedQuery it
// was made from lives (a coded query is read through it); same values as
// VectorSpace::distance(q, x).
class QueryDistance {
 public:
  __attribute__((always_inline)) float operator()(Slot x) const noexcept {
    if (mode_ == Mode::kCoded) return codes_->distance(*query_codes_, x);
    const float r = fn_(q_, base_ + static_cast<std::size_t>(x) * dim_, dim_);
    switch (mode_) {
      case Mode::kRaw: return r;
      case Mode::kNegated: return -r;
      case Mode::kCosine: return 1.0f - r * q_inv_norm_ * inv_norms_[x];
      case Mode::kCoded: break;
    }
    return r;
  }

 private:
  friend class VectorSpace;
  enum class Mode : unsigned char { kRaw, kNegated, kCosine, kCoded };
  const CodeStore* codes_ = nullptr;
  const QueryCodes* query_codes_ = nullptr;
  const float* q_ = nullptr;
  const float* base_ = nullptr;
  std::size_t dim_ = 0;
  DistanceFn fn_ = nullptr;
  const float* inv_norms_ = nullptr;
  float q_inv_norm_ = 1.0f;
  Mode mode_ = Mode::kRaw;
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
  // A query for searching: scores against the codes when they are trained.
  PreparedQuery prepare_search(const float* q) const;

  // Replaces the codes by an untrained store for `mode` (none: no codes). Needs
  // exclusive access.
  void set_quantization(Quantization mode, std::uint64_t seed);
  Quantization quantization() const noexcept { return codes_ ? codes_->mode() : Quantization::kNone; }
  bool codes_trained() const noexcept { return codes_ && codes_->trained(); }
  const CodeStore* codes() const noexcept { return codes_.get(); }
  // Trains the codes (when `live`, the slots in use, calls for it: see CodeStore) and
  // encodes every live slot, on `threads` workers. Needs exclusive access.
  void train_codes_if_due(const std::vector<Slot>& live, unsigned threads);
  // Restores saved codes (CodeStore::load) into slots 0..count-1 instead of training.
  // Needs exclusive access and a quantized space.
  Status load_codes(std::string_view saved, std::size_t count) { return codes_->load(saved, count); }

  // Hints the cache about the data distance(q, x) will read: the row's first lines
  // (up to 4; the hardware prefetcher follows the rest of a longer row) and, for
  // cosine, its inverse norm.
  void prefetch(Slot x) const noexcept {
    if (codes_trained()) {  // a coded search reads the codes; the float row is a hint only
      codes_->prefetch(x);
      __builtin_prefetch(vector(x));
    } else {
      const char* p = reinterpret_cast<const char*>(vector(x));
      __builtin_prefetch(p);
      for (std::size_t off = 64; off < prefetch_bytes_; off += 64) __builtin_prefetch(p + off);
    }
    if (metric_ == Metric::kCosine) __builtin_prefetch(inv_norms_.data() + x);
  }

  QueryDistance distance_to(const PreparedQuery& q) const noexcept;

  float distance(const PreparedQuery& q, Slot x) const noexcept {
    if (q.coded) return codes_->distance(q.codes, x);
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
    PreparedQuery q;
    q.vector = vector(a);
    q.inv_norm = metric_ == Metric::kCosine ? inv_norms_[a] : 1.0f;
    return distance(q, b);
  }

  // The user-facing score for an internal distance.
  float to_score(float internal) const noexcept;

  // Bytes held (for memory reporting).
  std::size_t memory_bytes() const noexcept;
  // Of which: floats (vectors and inverse norms) and codes.
  std::size_t float_bytes() const noexcept;
  std::size_t code_bytes() const noexcept { return codes_ ? codes_->memory_bytes() : 0; }

 private:
  std::size_t dim_;
  Metric metric_;
  const Kernels* kernels_;
  std::size_t capacity_ = 0;
  struct AlignedFree {
    void operator()(float* p) const noexcept;
  };
  std::size_t prefetch_bytes_;  // min(row bytes, 256)
  std::unique_ptr<float[], AlignedFree> data_;  // capacity_ * dim_, 64-byte aligned; not zero-filled
                                                // (slots are written before use)
  std::vector<float> inv_norms_;  // cosine only
  std::unique_ptr<CodeStore> codes_;  // null = no quantization
};

}  // namespace ruvector::detail
