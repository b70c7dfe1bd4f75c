#include "quant/code_store.h"

#include <algorithm>
#include <cstring>

namespace ruvector::detail {

CodeStore::CodeStore(std::size_t dim, Metric metric, Quantization mode, std::uint64_t seed)
    : dim_(dim), mode_(mode), kernels_(active_quant_kernels()) {
  if (mode == Quantization::kInt8) {
    int8_.emplace(dim, metric);
    stride_ = int8_->code_bytes();
  } else {
    binary_.emplace(dim, metric, seed);
    stride_ = binary_->code_bytes();
  }
  stride_ = (stride_ + 7) / 8 * 8;
}

void CodeStore::reserve(std::size_t n) {
  if (n <= capacity_) return;
  const std::size_t cap = std::max<std::size_t>({n, capacity_ + capacity_ / 2, 64});
  std::unique_ptr<std::uint8_t[]> grown(new std::uint8_t[cap * stride_]);  // new[] aligns to >= 8
  if (capacity_ > 0) std::memcpy(grown.get(), data_.get(), capacity_ * stride_);
  data_ = std::move(grown);
  capacity_ = cap;
}

void CodeStore::train(const std::vector<const float*>& sample) {
  if (int8_) int8_->train(sample);
  if (binary_) binary_->train(sample);
  trained_on_ = std::max<std::size_t>(sample.size(), 1);
}

void CodeStore::encode(std::uint32_t slot, const float* v) noexcept {
  std::uint8_t* c = data_.get() + slot * stride_;
  if (int8_) int8_->encode(v, c);
  if (binary_) binary_->encode(v, c);
}

void CodeStore::prepare(const float* q, QueryCodes& out) const {
  if (int8_) int8_->prepare(q, out);
  if (binary_) binary_->prepare(q, out);
}

std::size_t CodeStore::memory_bytes() const noexcept {
  return capacity_ * stride_ + 2 * dim_ * sizeof(float) + (binary_ ? binary_->memory_bytes() : 0);
}

}  // namespace ruvector::detail
