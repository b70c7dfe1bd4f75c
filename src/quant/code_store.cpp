#include "quant/code_store.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "format/coding.h"

namespace ruvector::detail {

CodeStore::CodeStore(std::size_t dim, Metric metric, Quantization mode, std::uint64_t seed)
    : dim_(dim), metric_(metric), mode_(mode), kernels_(active_quant_kernels()), stride_(stride_for(mode, dim)) {
  if (mode == Quantization::kInt8) {
    int8_.emplace(dim, metric);
  } else {
    binary_.emplace(dim, metric, seed);
  }
  prefetch_bytes_ = std::min<std::size_t>(stride_, 1024);
}

std::size_t CodeStore::stride_for(Quantization mode, std::size_t dim) noexcept {
  auto round_up = [](std::size_t n, std::size_t to) { return (n + to - 1) / to * to; };
  if (mode != Quantization::kInt8) return round_up(BinaryCodec::code_bytes_for(dim), 8);
  const std::size_t bytes = dim;  // Int8Codec::code_bytes()
  return (round_up(bytes, 64) - bytes) * 8 <= bytes ? round_up(bytes, 64) : round_up(bytes, 8);
}

std::size_t CodeStore::saved_stride() const noexcept {
  return int8_ ? (int8_->code_bytes() + sizeof(float) + 7) / 8 * 8 : stride_;
}

void CodeStore::reserve(std::size_t n) {
  if (n <= capacity_) return;
  const std::size_t cap = std::max<std::size_t>({n, capacity_ + capacity_ / 2, 64});
  // Zero-filled, so the padding of a code (stride beyond code_bytes) is defined.
  // Exactly the lines of cap slots (resize alone may double the block).
  const std::size_t lines = (cap * stride_ + sizeof(Line) - 1) / sizeof(Line);
  std::vector<Line, HugePageAllocator<Line>> grown;
  grown.reserve(lines);
  grown.assign(lines_.begin(), lines_.end());
  grown.resize(lines, Line{});
  lines_.swap(grown);
  if (int8_) {
    std::vector<float> extras;
    extras.reserve(cap);
    extras.assign(extras_.begin(), extras_.end());
    extras.resize(cap, 0.0f);
    extras_.swap(extras);
  }
  capacity_ = cap;
}

void CodeStore::train(const std::vector<const float*>& sample) {
  if (int8_) int8_->train(sample);
  if (binary_) binary_->train(sample);
  trained_on_ = std::max<std::size_t>(sample.size(), 1);
}

void CodeStore::encode(std::uint32_t slot, const float* v) noexcept {
  std::uint8_t* c = bytes() + std::size_t{slot} * stride_;
  if (int8_) extras_[slot] = int8_->encode(v, c);
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
  return lines_.size() * sizeof(Line) + extras_.size() * sizeof(float) + 2 * dim_ * sizeof(float) +
         (binary_ ? binary_->memory_bytes() : 0);
}

static_assert(std::endian::native == std::endian::little, "codes are saved in host byte order");

void CodeStore::save(const std::vector<std::uint32_t>& slots, std::string& out) const {
  ByteWriter w(out);
  w.u8(mode_ == Quantization::kInt8 ? 1 : 2);
  w.u32(static_cast<std::uint32_t>(dim_));
  const std::size_t saved = saved_stride();
  w.u32(static_cast<std::uint32_t>(saved));
  w.u64(trained_on_);
  std::string params;
  if (int8_) int8_->save_parameters(params);
  if (binary_) binary_->save_parameters(params);
  w.u64(params.size());
  w.bytes(params);
  w.u64(slots.size());
  if (binary_) {
    for (std::uint32_t s : slots) w.bytes(std::string_view(reinterpret_cast<const char*>(code(s)), stride_));
    return;
  }
  const std::size_t body = int8_->code_bytes();
  const std::string padding(saved - body - sizeof(float), '\0');
  for (std::uint32_t s : slots) {
    w.bytes(std::string_view(reinterpret_cast<const char*>(code(s)), body));
    w.f32s(&extras_[s], 1);
    w.bytes(padding);
  }
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
  const std::size_t saved = saved_stride();
  if (dim != dim_ || stride != saved) return bad("made for another dimension");
  if (trained_on < kMinTrainVectors) return bad("bad training count");
  if (params_len > r.remaining() || !r.bytes(static_cast<std::size_t>(params_len), params) || !r.u64(n))
    return bad("truncated parameters");
  if (n != count) return bad("code count does not match the records");
  if (n > r.remaining() / saved || r.remaining() != n * saved) return bad("code bytes do not match the count");
  (void)r.bytes(static_cast<std::size_t>(n) * saved, codes);
  // Parameters into a scratch codec first, so a failure leaves this store unchanged.
  std::optional<Int8Codec> int8 = int8_;
  std::optional<BinaryCodec> binary = binary_;
  if (int8) RUVECTOR_RETURN_IF_ERROR(int8->load_parameters(params));
  if (binary) RUVECTOR_RETURN_IF_ERROR(binary->load_parameters(params));
  const auto* saved_codes = reinterpret_cast<const std::uint8_t*>(codes.data());
  const std::size_t body = int8 ? int8->code_bytes() : stride_;
  // int8: the saved code's extra, and zero padding (what save() writes).
  auto int8_extra = [&](std::size_t i) {
    float e;
    std::memcpy(&e, saved_codes + i * saved + body, sizeof e);
    return e;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* c = saved_codes + i * saved;
    const bool valid = int8 ? Int8Codec::extra_valid(int8_extra(i)) &&
                                  std::all_of(c + body + sizeof(float), c + saved, [](std::uint8_t b) { return b == 0; })
                            : binary->code_valid(c);
    if (!valid) return bad("code " + std::to_string(i) + " is invalid");
  }
  reserve(static_cast<std::size_t>(n));
  int8_ = std::move(int8);
  binary_ = std::move(binary);
  std::uint8_t* to = bytes();
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(to + i * stride_, saved_codes + i * saved, body);
    if (int8_) extras_[i] = int8_extra(i);
  }
  trained_on_ = static_cast<std::size_t>(trained_on);
  return Status::Ok();
}

}  // namespace ruvector::detail
