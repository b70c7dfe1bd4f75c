// PRIVATE header. The record encoding of the LMDB backend (the "records" table of
// src/storage/lmdb_storage.cpp), exposed for tests. See docs/storage.md.
//
// A record value in the "records" table, all integers and floats little-endian:
//
//   u32 dim | dim x f32 (IEEE-754 binary32) | u32 metadata_length | metadata bytes (JSON text)
//
// so its size is exactly 8 + 4 * dim + metadata_length bytes. The key is the id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/result.h"
#include "ruvector/status.h"

namespace ruvector::detail {

// Little-endian u32 at `p` (the byte order of every integer the backend stores).
void store_le32(unsigned char* p, std::uint32_t v) noexcept;
std::uint32_t load_le32(const unsigned char* p) noexcept;

// Bytes needed to encode a record (8 + 4 * dim + metadata size).
std::size_t lmdb_record_size(std::size_t dim, std::size_t metadata_bytes) noexcept;

// Writes the encoding into `out`, which holds exactly lmdb_record_size(...) bytes.
void encode_lmdb_record(std::span<const float> vector, std::string_view metadata, unsigned char* out) noexcept;
std::string encode_lmdb_record(std::span<const float> vector, std::string_view metadata);

// Decodes `value` (the record of `id`, named in errors). `vector` receives the floats
// (resized), `metadata` points into `value`. CORRUPTION when the lengths do not add up;
// never reads outside `value`.
Status decode_lmdb_record(std::string_view id, std::string_view value, std::vector<float>& vector,
                          std::string_view& metadata);

// The dimension count of `value` (the record of `id`) after the same checks as
// decode_lmdb_record; the floats are the 4 * dim bytes from offset 4.
Result<std::size_t> lmdb_record_dimensions(std::string_view id, std::string_view value);

}  // namespace ruvector::detail
