#include "index/vector_space.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

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
  QueryDistance d;
  d.q_ = q.vector;
  d.base_ = data_.get();
  d.dim_ = dim_;
  d.inv_norms_ = inv_norms_.data();
  d.q_inv_norm_ = q.inv_norm;
  if (q.coded) {
    d.codes_ = codes_.get();
    d.query_codes_ = &q.codes;
    d.mode_ = QueryDistance::Mode::kCoded;
    return d;
  }
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

void VectorSpace::reserve(std::size_t n) {
  if (n <= capacity_) return;
  std::size_t cap = std::max<std::size_t>({n, capacity_ + capacity_ / 2, 64});
  // Default-initialised: no zero fill.
  std::unique_ptr<float[], AlignedFree> grown(
      static_cast<float*>(::operator new[](cap * dim_ * sizeof(float), kRowAlignment)));
  if (capacity_ > 0) std::memcpy(grown.get(), data_.get(), capacity_ * dim_ * sizeof(float));
  data_ = std::move(grown);
  if (metric_ == Metric::kCosine) inv_norms_.resize(cap, 1.0f);
  if (codes_) codes_->reserve(cap);
  capacity_ = cap;
}

void VectorSpace::set(Slot slot, const float* v) {
  std::memcpy(data_.get() + static_cast<std::size_t>(slot) * dim_, v, dim_ * sizeof(float));
  if (metric_ == Metric::kCosine) {
    const float sq = kernels_->dot(v, v, dim_);
    inv_norms_[slot] = sq > 0.0f ? 1.0f / std::sqrt(sq) : 0.0f;
  }
  if (codes_trained()) codes_->encode(slot, v);
}

PreparedQuery VectorSpace::prepare_search(const float* q) const {
  PreparedQuery p = prepare(q);
  if (codes_trained()) {
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
  std::vector<const float*> sample;
  sample.reserve(live.size());
  for (Slot s : live) sample.push_back(vector(s));
  codes_->train(sample);
  parallel_for(live.size(), threads, 256, [&](std::size_t i, unsigned) { codes_->encode(live[i], sample[i]); });
}

PreparedQuery VectorSpace::prepare(const float* q) const noexcept {
  PreparedQuery p;
  p.vector = q;
  if (metric_ == Metric::kCosine) {
    const float sq = kernels_->dot(q, q, dim_);
    p.inv_norm = sq > 0.0f ? 1.0f / std::sqrt(sq) : 0.0f;
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
  return capacity_ * dim_ * sizeof(float) + inv_norms_.capacity() * sizeof(float);
}

std::size_t VectorSpace::memory_bytes() const noexcept { return float_bytes() + code_bytes(); }

}  // namespace ruvector::detail
