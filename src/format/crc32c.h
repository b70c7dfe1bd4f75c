// PRIVATE header. CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum
// of every snapshot section and index image. Portable table-driven code: the same
// value on every platform and in wasm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ruvector::detail {

// Extends `crc` (0 to start) with n bytes.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t n) noexcept;
inline std::uint32_t crc32c(std::string_view bytes) noexcept { return crc32c_extend(0, bytes.data(), bytes.size()); }

}  // namespace ruvector::detail
