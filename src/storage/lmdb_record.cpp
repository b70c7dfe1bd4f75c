// The record encoding of the LMDB backend; see lmdb_record.h.
#include "storage/lmdb_record.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace ruvector::detail {

void store_le32(unsigned char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
  p[2] = static_cast<unsigned char>(v >> 16);
  p[3] = static_cast<unsigned char>(v >> 24);
}

std::uint32_t load_le32(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::size_t lmdb_record_size(std::size_t dim, std::size_t metadata_bytes) noexcept {
  return 8 + 4 * dim + metadata_bytes;
}

void encode_lmdb_record(std::span<const float> vector, std::string_view metadata, unsigned char* out) noexcept {
  store_le32(out, static_cast<std::uint32_t>(vector.size()));
  out += 4;
  if constexpr (std::endian::native == std::endian::little) {
    if (!vector.empty()) std::memcpy(out, vector.data(), vector.size() * 4);
    out += vector.size() * 4;
  } else {
    for (float f : vector) {
      std::uint32_t bits;
      std::memcpy(&bits, &f, 4);
      store_le32(out, bits);
      out += 4;
    }
  }
  store_le32(out, static_cast<std::uint32_t>(metadata.size()));
  out += 4;
  if (!metadata.empty()) std::memcpy(out, metadata.data(), metadata.size());
}

std::string encode_lmdb_record(std::span<const float> vector, std::string_view metadata) {
  std::string out(lmdb_record_size(vector.size(), metadata.size()), '\0');
  encode_lmdb_record(vector, metadata, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Result<std::size_t> lmdb_record_dimensions(std::string_view id, std::string_view value) {
  const std::uint64_t size = value.size();
  if (size < 8)
    return Status::Corruption("record '" + std::string(id) + "' is damaged: its stored value has " +
                              std::to_string(size) + " bytes, fewer than the 8 bytes of the smallest record");
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const std::uint64_t dim = load_le32(p);
  const std::uint64_t meta_at = 4 + 4 * dim + 4;  // offset of the metadata bytes
  if (meta_at > size)
    return Status::Corruption("record '" + std::string(id) + "' is damaged: it claims " + std::to_string(dim) +
                              " dimensions (at least " + std::to_string(meta_at) + " bytes) but its stored value has " +
                              std::to_string(size) + " bytes");
  const std::uint64_t meta_len = load_le32(p + meta_at - 4);
  if (meta_at + meta_len != size)
    return Status::Corruption("record '" + std::string(id) + "' is damaged: " + std::to_string(dim) +
                              " dimensions and " + std::to_string(meta_len) + " bytes of metadata need " +
                              std::to_string(meta_at + meta_len) + " bytes, but its stored value has " +
                              std::to_string(size) + " bytes");
  return static_cast<std::size_t>(dim);
}

Status decode_lmdb_record(std::string_view id, std::string_view value, std::vector<float>& vector,
                          std::string_view& metadata) {
  RUVECTOR_ASSIGN_OR_RETURN(const std::size_t dims, lmdb_record_dimensions(id, value));
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const std::uint64_t dim = dims;
  const std::uint64_t meta_at = 4 + 4 * dim + 4;
  const std::uint64_t meta_len = load_le32(p + meta_at - 4);
  vector.resize(static_cast<std::size_t>(dim));
  if constexpr (std::endian::native == std::endian::little) {
    if (dim != 0) std::memcpy(vector.data(), p + 4, static_cast<std::size_t>(dim) * 4);
  } else {
    for (std::size_t i = 0; i < vector.size(); ++i) {
      const std::uint32_t bits = load_le32(p + 4 + 4 * i);
      std::memcpy(&vector[i], &bits, 4);
    }
  }
  metadata = value.substr(static_cast<std::size_t>(meta_at), static_cast<std::size_t>(meta_len));
  return Status::Ok();
}

}  // namespace ruvector::detail
