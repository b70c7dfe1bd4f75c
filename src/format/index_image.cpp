#include "format/index_image.h"

#include "format/coding.h"
#include "format/crc32c.h"

namespace ruvector::detail {
namespace {
constexpr std::string_view kMagic = "RVIX";
constexpr std::uint32_t kVersionPlain = 1;     // no codes
constexpr std::uint32_t kVersionWithCodes = 2;  // + u64 length, quantized codes
}  // namespace

std::uint32_t ids_checksum(const std::vector<std::string_view>& ids) {
  std::uint32_t crc = 0;
  for (std::string_view id : ids) {
    unsigned char len[4];
    for (int i = 0; i < 4; ++i) len[i] = static_cast<unsigned char>((id.size() >> (8 * i)) & 0xFFu);
    crc = crc32c_extend(crc, len, 4);
    crc = crc32c_extend(crc, id.data(), id.size());
  }
  return crc;
}

std::string encode_index_image(const IndexImage& image) {
  std::string out;
  ByteWriter w(out);
  w.bytes(kMagic);
  w.u32(image.codes.empty() ? kVersionPlain : kVersionWithCodes);
  w.u32(static_cast<std::uint32_t>(image.kind));
  w.u64(image.generation);
  w.u64(image.count);
  w.u32(image.ids_crc);
  w.u64(image.body.size());
  w.bytes(image.body);
  if (!image.codes.empty()) {
    w.u64(image.codes.size());
    w.bytes(image.codes);
  }
  w.u32(crc32c(out));
  return out;
}

Result<IndexImage> decode_index_image(std::string_view bytes) {
  auto bad = [](const std::string& why) { return Status::Corruption("index image: " + why); };
  if (bytes.size() < 4 + 4 + 4 + 8 + 8 + 4 + 8 + 4) return bad("truncated header");
  if (bytes.substr(0, 4) != kMagic) return bad("bad magic");
  const std::string_view covered = bytes.substr(0, bytes.size() - 4);
  ByteReader tail(bytes.substr(bytes.size() - 4));
  std::uint32_t stored_crc = 0;
  (void)tail.u32(stored_crc);
  if (crc32c(covered) != stored_crc) return bad("checksum mismatch");
  ByteReader r(covered.substr(4));
  std::uint32_t version = 0, kind = 0;
  std::uint64_t body_len = 0;
  IndexImage img;
  if (!r.u32(version) || (version != kVersionPlain && version != kVersionWithCodes))
    return bad("unsupported version " + std::to_string(version));
  if (!r.u32(kind) || kind > 1) return bad("unknown index kind");
  img.kind = static_cast<IndexKind>(kind);
  if (!r.u64(img.generation) || !r.u64(img.count) || !r.u32(img.ids_crc) || !r.u64(body_len)) return bad("truncated");
  if (version == kVersionPlain ? body_len != r.remaining() : body_len > r.remaining())
    return bad("body length mismatch");
  if (!r.bytes(static_cast<std::size_t>(body_len), img.body)) return bad("truncated body");
  if (version == kVersionWithCodes) {
    std::uint64_t codes_len = 0;
    if (!r.u64(codes_len) || codes_len == 0 || codes_len != r.remaining()) return bad("codes length mismatch");
    if (!r.bytes(static_cast<std::size_t>(codes_len), img.codes)) return bad("truncated codes");
  }
  return img;
}

}  // namespace ruvector::detail
