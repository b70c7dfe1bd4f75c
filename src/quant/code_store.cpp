#include "quant/code_store.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "format/coding.h"

namespace ruvector::detail {

CodeStore::CodeStore(std::size_t dim, Metric metric, Quantization mode, std::uint64_t seed)
    : dim_(dim), metric_(metric), mode_(mode), kernels_(active_quant_kernels()) {
  if (mode == Quantization::kInt8) {
    int8_.emplace(dim, metric);
    stride_ = int8_->code_bytes();
  } else {
    binary_.emplace(dim, metric, seed);
    stride_ = binary_->code_bytes();
  }
  stride_ = (stride_ + 7) / 8 * 8;
  prefetch_bytes_ = std::min<std::size_t>(stride_, 1024);
}

void CodeStore::reserve(std::size_t n) {
  if (n <= capacity_) return;
  const std::size_t cap = std::max<std::size_t>({n, capacity_ + capacity_ / 2, 64});
  // Zero-filled, so the padding of a code (stride beyond code_bytes) is defined when saved.
  // Exactly cap slots (resize alone may double the block).
  std::vector<std::uint8_t, HugePageAllocator<std::uint8_t>> grown;
  grown.reserve(cap * stride_);
  grown.assign(data_.begin(), data_.end());
  grown.resize(cap * stride_, 0);
  data_.swap(grown);
  capacity_ = cap;
}

void CodeStore::train(const std::vector<const float*>& sample) {
  if (int8_) int8_->train(sample);
  if (binary_) binary_->train(sample);
  trained_on_ = std::max<std::size_t>(sample.size(), 1);
}

void CodeStore::encode(std::uint32_t slot, const float* v) noexcept {
  std::uint8_t* c = data_.data() + std::size_t{slot} * stride_;
  if (int8_) int8_->encode(v, c);
  if (binary_) binary_->encode(v, c);
}

void CodeStore::decode(std::uint32_t slot, float* out) const noexcept {
  if (int8_) int8_->decode(code(slot), out);
  if (binary_) binary_->decode(code(slot), out);
}

float CodeStore::pair_distance(std::uint32_t a, std::uint32_t b) const noexcept {
  if (binary_) return binary_->pair_distance(code(a), code(b));
  thread_local std::vector<float> x, y;
  x.resize(dim_);
  y.resize(dim_);
  int8_->decode(code(a), x.data());
  int8_->decode(code(b), y.data());
  double d = 0.0, xx = 0.0, yy = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    switch (metric_) {
      case Metric::kEuclidean: d += static_cast<double>(x[i] - y[i]) * (x[i] - y[i]); break;
      case Metric::kManhattan: d += std::fabs(static_cast<double>(x[i]) - y[i]); break;
      default:
        d += static_cast<double>(x[i]) * y[i];
        xx += static_cast<double>(x[i]) * x[i];
        yy += static_cast<double>(y[i]) * y[i];
    }
  }
  if (metric_ == Metric::kCosine) return xx > 0 && yy > 0 ? static_cast<float>(1.0 - d / std::sqrt(xx * yy)) : 1.0f;
  if (metric_ == Metric::kDot) return static_cast<float>(-d);
  return static_cast<float>(d);
}

void CodeStore::prepare(const float* q, QueryCodes& out) const {
  if (int8_) int8_->prepare(q, out);
  if (binary_) binary_->prepare(q, out);
}

std::size_t CodeStore::memory_bytes() const noexcept {
  return capacity_ * stride_ + 2 * dim_ * sizeof(float) + (binary_ ? binary_->memory_bytes() : 0);
}

static_assert(std::endian::native == std::endian::little, "codes are saved in host byte order");

void CodeStore::save(const std::vector<std::uint32_t>& slots, std::string& out) const {
  ByteWriter w(out);
  w.u8(mode_ == Quantization::kInt8 ? 1 : 2);
  w.u32(static_cast<std::uint32_t>(dim_));
  w.u32(static_cast<std::uint32_t>(stride_));
  w.u64(trained_on_);
  std::string params;
  if (int8_) int8_->save_parameters(params);
  if (binary_) binary_->save_parameters(params);
  w.u64(params.size());
  w.bytes(params);
  w.u64(slots.size());
  for (std::uint32_t s : slots) w.bytes(std::string_view(reinterpret_cast<const char*>(code(s)), stride_));
}

Status CodeStore::load(std::string_view in, std::size_t count) {
  auto bad = [](const std::string& why) { return Status::Corruption("quantized codes: " + why); };
  ByteReader r(in);
  std::uint8_t mode = 0;
  std::uint32_t dim = 0, stride = 0;
  std::uint64_t trained_on = 0, params_len = 0, n = 0;
  std::string_view params, codes;
  if (!r.u8(mode) || !r.u32(dim) || !r.u32(stride) || !r.u64(trained_on) || !r.u64(params_len)) return bad("truncated");
  if (mode != (mode_ == Quantization::kInt8 ? 1 : 2)) return bad("made for another quantization");
  if (dim != dim_ || stride != stride_) return bad("made for another dimension");
  if (trained_on < kMinTrainVectors) return bad("bad training count");
  if (params_len > r.remaining() || !r.bytes(static_cast<std::size_t>(params_len), params) || !r.u64(n))
    return bad("truncated parameters");
  if (n != count) return bad("code count does not match the records");
  if (n > r.remaining() / stride_ || r.remaining() != n * stride_) return bad("code bytes do not match the count");
  (void)r.bytes(static_cast<std::size_t>(n) * stride_, codes);
  // Parameters into a scratch codec first, so a failure leaves this store unchanged.
  std::optional<Int8Codec> int8 = int8_;
  std::optional<BinaryCodec> binary = binary_;
  if (int8) RUVECTOR_RETURN_IF_ERROR(int8->load_parameters(params));
  if (binary) RUVECTOR_RETURN_IF_ERROR(binary->load_parameters(params));
  for (std::size_t i = 0; i < n; ++i) {
    const auto* c = reinterpret_cast<const std::uint8_t*>(codes.data()) + i * stride_;
    if (int8 ? !int8->code_valid(c) : !binary->code_valid(c)) return bad("code " + std::to_string(i) + " is invalid");
  }
  reserve(static_cast<std::size_t>(n));
  int8_ = std::move(int8);
  binary_ = std::move(binary);
  if (n > 0) std::memcpy(data_.data(), codes.data(), static_cast<std::size_t>(n) * stride_);
  trained_on_ = static_cast<std::size_t>(trained_on);
  return Status::Ok();
}

}  // namespace ruvector::detail
