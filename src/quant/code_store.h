// PRIVATE header. CodeStore: the quantized codes of a VectorSpace's slots, one
// fixed-size code per slot, and the codec (int8 or binary) that made them.
//
// Training rule (docs/quantization.md): codes exist only once the codec was trained;
// until then every distance is exact on the floats. The owner trains when at least
// kMinTrainVectors are stored, and again (all codes rebuilt) whenever the count
// reaches twice the count of the last training, so the ranges/centroid follow the
// data at an amortised O(D) cost per insert.
//
// Threads: const methods may run concurrently; encode() may run in parallel on
// distinct slots below capacity(); train()/reserve() need exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quant/binary_codec.h"
#include "quant/int8_codec.h"
#include "quant/query_codes.h"
#include "ruvector/options.h"
#include "ruvector/result.h"
#include "simd/quant_kernels.h"
#include "util/huge_pages.h"

namespace ruvector::detail {

class CodeStore {
 public:
  static constexpr std::size_t kMinTrainVectors = 1000;

  // mode must not be kNone.
  CodeStore(std::size_t dim, Metric metric, Quantization mode, std::uint64_t seed);

  Quantization mode() const noexcept { return mode_; }
  bool trained() const noexcept { return trained_on_ > 0; }
  std::size_t trained_on() const noexcept { return trained_on_; }
  // True when `count` stored vectors call for a (re)training.
  bool wants_training(std::size_t count) const noexcept {
    return count >= kMinTrainVectors && (!trained() || count >= 2 * trained_on_);
  }
  // Bytes of a slot's code in memory (int8: the D code bytes and padding; the f32
  // extra of each code is kept in an array of its own, extra()).
  std::size_t code_bytes() const noexcept { return stride_; }
  // code_bytes() of a store of `mode` (not kNone) and `dim` (the memory estimate's term).
  static std::size_t stride_for(Quantization mode, std::size_t dim) noexcept;

  void reserve(std::size_t n);
  // Trains the codec on `sample` (non-empty). Codes made before are stale until re-encoded.
  void train(const std::vector<const float*>& sample);
  // Encodes v into slot (< capacity). Requires trained().
  void encode(std::uint32_t slot, const float* v) noexcept;
  void prepare(const float* q, QueryCodes& out) const;
  // The vector the code of slot stands for (dim floats). Requires trained().
  void decode(std::uint32_t slot, float* out) const noexcept;
  // The internal distance between the vectors the codes of two slots stand for (graph
  // building without floats). Requires trained().
  float pair_distance(std::uint32_t a, std::uint32_t b) const noexcept;

  const std::uint8_t* code(std::uint32_t slot) const noexcept { return bytes() + std::size_t{slot} * stride_; }
  // int8: the f32 that completes the code of slot (Int8Codec); binary: 0 (its codes hold
  // their own).
  float extra(std::uint32_t slot) const noexcept { return int8_ ? extras_[slot] : 0.0f; }
  // Hints the cache about what distance() will read: the whole code (up to 1 KiB; a
  // walk on codes is bound by these loads, and the hardware prefetcher starts too late
  // on a code of a dozen lines) and, int8, its extra. Always inlined: GCC takes an
  // out-of-line function of prefetches alone for a pure one and drops its calls.
  __attribute__((always_inline)) void prefetch(std::uint32_t slot) const noexcept {
    const char* p = reinterpret_cast<const char*>(code(slot));
    __builtin_prefetch(p);
    for (std::size_t off = 64; off < prefetch_bytes_; off += 64) __builtin_prefetch(p + off);
    if (int8_) __builtin_prefetch(extras_.data() + slot);
  }

  float distance(const QueryCodes& q, std::uint32_t slot) const noexcept {
    return int8_ ? int8_->distance(q, code(slot), extras_[slot], kernels_)
                 : binary_->distance(q, code(slot), kernels_);
  }

  // Whether error_bound() is meaningful: binary codes under euclidean, cosine or dot.
  bool has_error_bound() const noexcept { return binary_.has_value() && metric_ != Metric::kManhattan; }
  // How far below distance(q, slot) the true distance may be (BinaryCodec::error_bound).
  float error_bound(const QueryCodes& q, std::uint32_t slot) const noexcept {
    return binary_->error_bound(q, code(slot));
  }

  std::size_t memory_bytes() const noexcept;

  // The trained state (mode, code size, trained_on, codec parameters) and the codes of
  // `slots`, in that order, appended to `out`; requires trained(). load() restores such
  // bytes into slots 0..n-1 (n = `count`, which must match), bit for bit: codes made by
  // a database survive a snapshot or reopen unchanged (a fresh training would pick other
  // centroids/ranges than the ones the codes were made with). CORRUPTION for bytes that
  // are damaged or were saved by another mode/dimension (the store is then unchanged).
  // Format: u8 mode (1 int8, 2 binary), u32 dim, u32 S, u64 trained_on, u64 P,
  // P bytes codec parameters, u64 count, count * S code bytes; little-endian (codes
  // hold f32 in host order: every supported host is little-endian). S = saved_stride():
  // binary, the code as in memory; int8, D code bytes then the f32 extra, zero-padded to
  // a multiple of 8 (the layout int8 codes had in memory before their extras moved to
  // an array of their own: the saved bytes did not change).
  void save(const std::vector<std::uint32_t>& slots, std::string& out) const;
  Status load(std::string_view in, std::size_t count);

 private:
  std::size_t dim_;
  Metric metric_;
  Quantization mode_;
  const QuantKernels& kernels_;
  std::optional<Int8Codec> int8_;
  std::optional<BinaryCodec> binary_;
  // One cache line of the code block.
  struct alignas(64) Line {
    std::uint8_t bytes[64];
  };
  std::uint8_t* bytes() noexcept { return lines_.empty() ? nullptr : lines_.front().bytes; }
  const std::uint8_t* bytes() const noexcept { return lines_.empty() ? nullptr : lines_.front().bytes; }
  std::size_t saved_stride() const noexcept;

  // Bytes per slot: a multiple of 8; int8, a multiple of 64 when that pads a code by at
  // most D/8 bytes (every code then starts a cache line and spans ceil(D/64) lines).
  std::size_t stride_ = 0;
  std::size_t prefetch_bytes_ = 0;  // min(stride_, 1024)
  std::size_t capacity_ = 0;
  std::size_t trained_on_ = 0;
  // capacity_ * stride_ bytes (rounded up to whole lines), 64-byte aligned, zero-filled;
  // read at random by every coded walk, so on huge pages when large
  // (util/huge_pages.h), like the float rows.
  std::vector<Line, HugePageAllocator<Line>> lines_;
  std::vector<float> extras_;  // int8: capacity_ extras (4 bytes a slot: stays in cache)
};

}  // namespace ruvector::detail
