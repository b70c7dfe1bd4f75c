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
// base (so rows are cache-line aligned whenever dim is a multiple of 16) while the
// rows are resident. With a float placement other than memory (docs/quantization.md)
// the rows are released once the codes are trained. Floats in the store: from then on
// vector(slot) is answered only inside a row scope (begin_rows/end_rows), by a
// RowSource (the store read in place), each row fetched once per scope. Dropped
// floats: every prepared query scores against the codes (graph building included),
// and vector(slot) decodes the code into a small per-thread ring (valid until the
// thread's next few vector() calls) unless the scope lent the slot's row (set()).
//
// Threads: const methods may run concurrently; set()/reserve()/begin_rows()/
// end_rows()/release need exclusive access, except set() on distinct slots below
// capacity(), which may run in parallel. Inside a scope vector() may run in parallel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "quant/code_store.h"
#include "ruvector/metric.h"
#include "ruvector/options.h"
#include "simd/kernels.h"

namespace ruvector::detail {

using Slot = std::uint32_t;

// Lends the float rows of a non-resident space for one scope. row() is called from
// several threads at once and returns a row of dim floats valid until the source is
// destroyed; it must not throw (StoreRows answers an unreadable record with its decoded
// code and reports the error after the write).
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual const float* row(Slot slot) = 0;
};


class VectorSpace;

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
  __attribute__((always_inline)) inline float operator()(Slot x) const;
  // Hints the cache about what operator()(x) will read: the code of x for a coded
  // query (not its float row, which a coded walk never reads), else as
  // VectorSpace::prefetch.
  __attribute__((always_inline)) inline void prefetch(Slot x) const;

 private:
  friend class VectorSpace;
  enum class Mode : unsigned char { kRaw, kNegated, kCosine, kCoded };
  const CodeStore* codes_ = nullptr;
  const QueryCodes* query_codes_ = nullptr;
  const VectorSpace* space_ = nullptr;  // rows when base_ is null (not resident)
  const float* q_ = nullptr;
  const float* base_ = nullptr;
  std::size_t dim_ = 0;
  DistanceFn fn_ = nullptr;
  const float* inv_norms_ = nullptr;
  float q_inv_norm_ = 1.0f;
  Mode mode_ = Mode::kRaw;
};

// The distance from one stored slot `a` to other slots, with the metric and kernel
// resolved once (graph construction's pair distances: a node's list re-pruned, the
// selection heuristic's tests). Same values as VectorSpace::distance(a, b). Valid
// while the VectorSpace is not reserve()d.
class SlotDistance {
 public:
  __attribute__((always_inline)) inline float operator()(Slot b) const;
  // Hints the cache about the row operator()(b) will read (VectorSpace::prefetch).
  __attribute__((always_inline)) inline void prefetch(Slot b) const;

 private:
  friend class VectorSpace;
  QueryDistance exact_;  // on a's float row, while the rows are resident
  const VectorSpace* space_ = nullptr;
  Slot a_ = 0;
  // Rows not resident: VectorSpace::distance(a, b) per pair (on the codes, or on rows
  // lent per call, e.g. a small per-thread ring that a's row must not be held across).
  bool per_pair_ = false;
};

class VectorSpace {
 public:
  VectorSpace(std::size_t dim, Metric metric);

  std::size_t dim() const noexcept { return dim_; }
  Metric metric() const noexcept { return metric_; }
  std::size_t capacity() const noexcept { return capacity_; }

  // Grows storage to hold slots [0, n). Never shrinks.
  void reserve(std::size_t n);
  // Stores a copy of v (length dim) at slot < capacity() (not resident: encodes it, and
  // inside a row scope lends v as the slot's row, so v must outlive the scope).
  void set(Slot slot, const float* v);
  // The float row of slot (resident), or the row lent in the current scope.
  const float* vector(Slot slot) const {
    if (resident_) return data_.get() + static_cast<std::size_t>(slot) * dim_;
    return lent_row(slot);
  }

  // Float placement (FloatPlacement): memory keeps the rows; store and drop release them
  // when the codes are trained (drop also freezes the codes: they are never retrained,
  // there is nothing left to train on). Set before any row is stored.
  void set_float_placement(FloatPlacement p) noexcept { placement_ = p; }
  FloatPlacement float_placement() const noexcept { return placement_; }
  bool rows_resident() const noexcept { return resident_; }
  // A row scope: until end_rows(), rows that are not resident are lent by `source`
  // (not read while the rows are resident). Rows released by a training inside the
  // scope are freed at its end.
  void begin_rows(RowSource* source);
  void end_rows() noexcept;
  // Reads a row that is not resident outside a row scope (a reader needing a few rows,
  // e.g. an index image relinking around deleted nodes): copies the row into `out`
  // (dim floats); false when it cannot (the decoded code stands in). Must be
  // thread-safe. Set once, before the space is shared.
  using RowFallback = std::function<bool(Slot, float*)>;
  void set_row_fallback(RowFallback f) { fallback_ = std::move(f); }
  // A row of the codes decoded (requires trained codes).
  void decode(Slot slot, float* out) const noexcept { codes_->decode(slot, out); }

  // Exact on the floats, except with dropped floats (below): then on the codes.
  PreparedQuery prepare(const float* q) const;
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

  // Hints the cache about the data an exact distance to x will read: the row's first
  // lines (up to 4; the hardware prefetcher follows the rest of a longer row) when the
  // rows are in RAM and, for cosine, its inverse norm. (A coded distance reads the code
  // only: QueryDistance::prefetch.) Always inlined (see CodeStore::prefetch).
  __attribute__((always_inline)) void prefetch(Slot x) const noexcept {
    if (resident_) {
      const char* p = reinterpret_cast<const char*>(vector(x));
      __builtin_prefetch(p);
      for (std::size_t off = 64; off < prefetch_bytes_; off += 64) __builtin_prefetch(p + off);
    }
    if (metric_ == Metric::kCosine) __builtin_prefetch(inv_norms_.data() + x);
  }

  QueryDistance distance_to(const PreparedQuery& q) const noexcept;
  inline SlotDistance distance_from(Slot a) const;

  float distance(const PreparedQuery& q, Slot x) const {
    if (q.coded) return codes_->distance(q.codes, x);
    return exact_distance(q, vector(x), x);
  }
  // The exact distance from q (not coded) to `v`, the float row of slot x.
  float exact_distance(const PreparedQuery& q, const float* v, Slot x) const noexcept {
    switch (metric_) {
      case Metric::kEuclidean: return kernels_->l2sq(q.vector, v, dim_);
      case Metric::kCosine: return 1.0f - kernels_->dot(q.vector, v, dim_) * q.inv_norm * inv_norms_[x];
      case Metric::kDot: return -kernels_->dot(q.vector, v, dim_);
      case Metric::kManhattan: return kernels_->l1(q.vector, v, dim_);
    }
    return 0.0f;
  }
  float distance(Slot a, Slot b) const {
    if (!resident_ && placement_ == FloatPlacement::kDrop) return codes_->pair_distance(a, b);  // on the codes
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
  const float* lent_row(Slot slot) const;
  // Exact distances from the float vector q (inverse norm q_inv_norm for cosine).
  QueryDistance exact_distance_to(const float* q, float q_inv_norm) const noexcept {
    QueryDistance d;
    d.q_ = q;
    d.base_ = resident_ ? data_.get() : nullptr;
    d.space_ = this;
    d.dim_ = dim_;
    d.inv_norms_ = inv_norms_.data();
    d.q_inv_norm_ = q_inv_norm;
    switch (metric_) {
      case Metric::kEuclidean:
        d.fn_ = kernels_->l2sq;
        d.mode_ = QueryDistance::Mode::kRaw;
        break;
      case Metric::kCosine:
        d.fn_ = kernels_->dot;
        d.mode_ = QueryDistance::Mode::kCosine;
        break;
      case Metric::kDot:
        d.fn_ = kernels_->dot;
        d.mode_ = QueryDistance::Mode::kNegated;
        break;
      case Metric::kManhattan:
        d.fn_ = kernels_->l1;
        d.mode_ = QueryDistance::Mode::kRaw;
        break;
    }
    return d;
  }

  std::size_t dim_;
  Metric metric_;
  const Kernels* kernels_;
  FloatPlacement placement_ = FloatPlacement::kMemory;
  bool resident_ = true;
  RowSource* source_ = nullptr;  // inside a row scope
  bool in_scope_ = false;
  bool release_pending_ = false;  // release the rows at the end of the scope
  RowFallback fallback_;
  std::unique_ptr<std::atomic<const float*>[]> lent_;  // capacity_ rows, fetched on demand
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

__attribute__((always_inline)) inline void QueryDistance::prefetch(Slot x) const {
  if (mode_ == Mode::kCoded) {
    codes_->prefetch(x);
  } else {
    space_->prefetch(x);
  }
}

inline SlotDistance VectorSpace::distance_from(Slot a) const {
  SlotDistance d;
  d.space_ = this;
  d.a_ = a;
  d.per_pair_ = !resident_;
  if (!d.per_pair_) {
    d.exact_ = exact_distance_to(vector(a), metric_ == Metric::kCosine ? inv_norms_[a] : 1.0f);
  }
  return d;
}

__attribute__((always_inline)) inline float SlotDistance::operator()(Slot b) const {
  return per_pair_ ? space_->distance(a_, b) : exact_(b);
}

__attribute__((always_inline)) inline void SlotDistance::prefetch(Slot b) const { space_->prefetch(b); }

__attribute__((always_inline)) inline float QueryDistance::operator()(Slot x) const {
  if (mode_ == Mode::kCoded) return codes_->distance(*query_codes_, x);
  const float* row = base_ ? base_ + static_cast<std::size_t>(x) * dim_ : space_->vector(x);
  const float r = fn_(q_, row, dim_);
  switch (mode_) {
    case Mode::kRaw: return r;
    case Mode::kNegated: return -r;
    case Mode::kCosine: return 1.0f - r * q_inv_norm_ * inv_norms_[x];
    case Mode::kCoded: break;
  }
  return r;
}

}  // namespace ruvector::detail
