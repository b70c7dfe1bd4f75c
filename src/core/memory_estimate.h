// PRIVATE header. Heap bytes of the database's metadata table, computed from
// what they hold (libstdc++ node and string layouts, malloc's 16-byte granularity);
// used by Database::info(). The whole-database estimate formula is in
// docs/quantization.md and ruvector::estimate_memory_bytes().
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ruvector/json.h"

namespace ruvector::detail {

// The heap block malloc hands out for a request of `n` bytes (glibc: n + 8 rounded up
// to 16, at least 32).
inline std::size_t malloc_block(std::size_t n) noexcept {
  const std::size_t b = (n + 8 + 15) / 16 * 16;
  return b < 32 ? 32 : b;
}

// Heap bytes of a std::string's own buffer (0 while it fits the small-string buffer).
inline std::size_t string_heap(const std::string& s) noexcept {
  return s.capacity() > 15 ? malloc_block(s.capacity() + 1) : 0;
}

// Heap bytes of a parsed JSON value's nodes (not the Json object itself).
std::size_t json_heap_bytes(const Json& j);

}  // namespace ruvector::detail
