// PRIVATE header. Little-endian encoding into a byte string and bounds-checked
// decoding from one. Formats built on these never depend on the host's byte order,
// pointer size or struct layout.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ruvector::detail {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
  }
  void f32(float v) { u32(__builtin_bit_cast(std::uint32_t, v)); }
  void f32s(const float* v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) f32(v[i]);
  }
  void bytes(std::string_view b) { out_.append(b.data(), b.size()); }
  // u32 length, then the bytes.
  void str(std::string_view b) {
    u32(static_cast<std::uint32_t>(b.size()));
    bytes(b);
  }
  std::size_t size() const { return out_.size(); }
  std::string& buffer() { return out_; }

 private:
  std::string& out_;
};

// Every read checks the remaining length first; after a failed read ok() is false
// and every further read fails too, so a caller may check once at the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }

  bool u8(std::uint8_t& v) {
    if (!need(1)) return false;
    v = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (!need(4)) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool u64(std::uint64_t& v) {
    if (!need(8)) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool f32s(float* v, std::size_t n) {
    if (n > remaining() / 4 || !need(n * 4)) return fail();
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t b = 0;
      for (int k = 0; k < 4; ++k) b |= std::uint32_t(static_cast<unsigned char>(in_[pos_ + 4 * i + k])) << (8 * k);
      v[i] = __builtin_bit_cast(float, b);
    }
    pos_ += n * 4;
    return true;
  }
  bool bytes(std::size_t n, std::string_view& out) {
    if (!need(n)) return false;
    out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool str(std::string_view& out) {
    std::uint32_t n = 0;
    return u32(n) && bytes(n, out);
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) return fail();
    return true;
  }
  bool fail() {
    ok_ = false;
    return false;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace ruvector::detail
