#include "index/vector_space.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "util/huge_pages.h"
#include "util/parallel.h"

namespace ruvector::detail {

namespace {
constexpr std::align_val_t kRowAlignment{64};
}

void VectorSpace::AlignedFree::operator()(float* p) const noexcept { ::operator delete[](p, kRowAlignment); }

VectorSpace::VectorSpace(std::size_t dim, Metric metric)
    : dim_(dim),
      metric_(metric),
      kernels_(&active_kernels()),
      prefetch_bytes_(std::min<std::size_t>(dim * sizeof(float), 256)) {}

QueryDistance VectorSpace::distance_to(const PreparedQuery& q) const noexcept {
  QueryDistance d = exact_distance_to(q.vector, q.inv_norm);
  if (!q.coded) return d;
  d.codes_ = codes_.get();
  d.query_codes_ = &q.codes;
  d.mode_ = QueryDistance::Mode::kCoded;
  return d;
}

void VectorSpace::reserve(std::size_t n) {
  if (n <= capacity_) return;
  std::size_t cap = std::max<std::size_t>({n, capacity_ + capacity_ / 2, 64});
  if (resident_) {
    // Default-initialised: no zero fill.
    std::unique_ptr<float[], AlignedFree> grown(
        static_cast<float*>(::operator new[](cap * dim_ * sizeof(float), kRowAlignment)));
    advise_huge_pages(grown.get(), cap * dim_ * sizeof(float));
    if (capacity_ > 0) std::memcpy(grown.get(), data_.get(), capacity_ * dim_ * sizeof(float));
    data_ = std::move(grown);
  } else if (in_scope_) {
    std::unique_ptr<std::atomic<const float*>[]> grown(new std::atomic<const float*>[cap]());
    for (std::size_t i = 0; i < capacity_; ++i) grown[i].store(lent_[i].load(std::memory_order_relaxed));
    lent_ = std::move(grown);
  }
  if (metric_ == Metric::kCosine) inv_norms_.resize(cap, 1.0f);
  if (codes_) codes_->reserve(cap);
  capacity_ = cap;
}

void VectorSpace::set(Slot slot, const float* v) {
  if (resident_) {
    std::memcpy(data_.get() + static_cast<std::size_t>(slot) * dim_, v, dim_ * sizeof(float));
  } else if (in_scope_) {
    lent_[slot].store(v, std::memory_order_release);
  }
  if (metric_ == Metric::kCosine) {
    const float sq = kernels_->dot(v, v, dim_);
    inv_norms_[slot] = sq > 0.0f ? 1.0f / std::sqrt(sq) : 0.0f;
  }
  if (codes_trained()) codes_->encode(slot, v);
}

PreparedQuery VectorSpace::prepare_search(const float* q) const {
  PreparedQuery p = prepare(q);
  if (codes_trained() && !p.coded) {
    codes_->prepare(q, p.codes);
    p.coded = true;
  }
  return p;
}

void VectorSpace::set_quantization(Quantization mode, std::uint64_t seed) {
  codes_.reset();
  if (mode == Quantization::kNone) return;
  codes_ = std::make_unique<CodeStore>(dim_, metric_, mode, seed);
  codes_->reserve(capacity_);
}

void VectorSpace::train_codes_if_due(const std::vector<Slot>& live, unsigned threads) {
  if (!codes_ || !codes_->wants_training(live.size())) return;
  if (placement_ == FloatPlacement::kDrop && !resident_) return;  // frozen: nothing to train on
  std::vector<const float*> sample(live.size());
  parallel_for(live.size(), threads, 256, [&](std::size_t i, unsigned) { sample[i] = vector(live[i]); });
  codes_->train(sample);
  parallel_for(live.size(), threads, 256, [&](std::size_t i, unsigned) { codes_->encode(live[i], sample[i]); });
  // Released at the end of the current scope: the write that trained still reads them.
  if (placement_ != FloatPlacement::kMemory && resident_) {
    if (in_scope_) {
      release_pending_ = true;
    } else {
      data_.reset();
      resident_ = false;
    }
  }
}

void VectorSpace::begin_rows(RowSource* source) {
  source_ = source;
  in_scope_ = true;
  if (!resident_) lent_.reset(new std::atomic<const float*>[capacity_]());
}

void VectorSpace::end_rows() noexcept {
  // Also codes restored without a training (loaded with an index image): once trained,
  // rows that are not to stay in memory go.
  if (release_pending_ || (resident_ && placement_ != FloatPlacement::kMemory && codes_trained())) {
    data_.reset();
    resident_ = false;
    release_pending_ = false;
  }
  source_ = nullptr;
  in_scope_ = false;
  lent_.reset();
}

const float* VectorSpace::lent_row(Slot slot) const {
  const float* r = lent_ ? lent_[slot].load(std::memory_order_acquire) : nullptr;
  if (r != nullptr) return r;
  if (placement_ == FloatPlacement::kDrop || source_ == nullptr) {
    // Decoded, or copied by the fallback outside a scope: a small per-thread ring.
    thread_local std::vector<float> ring[4];
    thread_local unsigned next = 0;
    std::vector<float>& row = ring[next++ % 4];
    row.resize(dim_);
    if (placement_ == FloatPlacement::kDrop || !fallback_ || !fallback_(slot, row.data()))
      codes_->decode(slot, row.data());
    return row.data();
  }
  r = source_->row(slot);
  const float* expected = nullptr;
  if (!lent_[slot].compare_exchange_strong(expected, r, std::memory_order_acq_rel)) return expected;
  return r;
}

PreparedQuery VectorSpace::prepare(const float* q) const {
  PreparedQuery p;
  p.vector = q;
  if (metric_ == Metric::kCosine) {
    const float sq = kernels_->dot(q, q, dim_);
    p.inv_norm = sq > 0.0f ? 1.0f / std::sqrt(sq) : 0.0f;
  }
  if (!resident_ && placement_ == FloatPlacement::kDrop) {  // no floats to be exact on
    codes_->prepare(q, p.codes);
    p.coded = true;
  }
  return p;
}

float VectorSpace::to_score(float internal) const noexcept {
  switch (metric_) {
    case Metric::kEuclidean: return std::sqrt(std::max(0.0f, internal));
    case Metric::kCosine: return std::clamp(internal, 0.0f, 2.0f);
    default: return internal;
  }
}

std::size_t VectorSpace::float_bytes() const noexcept {
  return (resident_ ? capacity_ * dim_ * sizeof(float) : 0) + inv_norms_.capacity() * sizeof(float);
}

std::size_t VectorSpace::memory_bytes() const noexcept { return float_bytes() + code_bytes(); }

}  // namespace ruvector::detail
