// PRIVATE header. CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum
// of every snapshot section and index image. The same value on every platform and in
// wasm: the SSE4.2 crc32 instruction where the CPU has it (checked at run time), a
// portable table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ruvector::detail {

// Extends `crc` (0 to start) with n bytes.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t n) noexcept;
// The portable table-driven code (what crc32c_extend uses without SSE4.2); for tests.
std::uint32_t crc32c_table(std::uint32_t crc, const void* data, std::size_t n) noexcept;
inline std::uint32_t crc32c(std::string_view bytes) noexcept { return crc32c_extend(0, bytes.data(), bytes.size()); }

}  // namespace ruvector::detail
