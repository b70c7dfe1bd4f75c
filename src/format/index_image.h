// PRIVATE header. The index image container: a persisted index structure plus what it
// must match to be trusted (docs/file-format.md, "Index image").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/options.h"
#include "ruvector/result.h"

namespace ruvector::detail {

struct IndexImage {
  IndexKind kind = IndexKind::kHnsw;
  std::uint64_t generation = 0;  // storage generation it was taken at (0 in snapshots)
  std::uint64_t count = 0;       // number of nodes
  std::uint32_t ids_crc = 0;     // ids_checksum() of the ids in node order
  std::string_view body;         // index-specific bytes
  // The quantized codes of the nodes (CodeStore::save), empty when there are none.
  // Written as image version 2; version 1 (no codes) is still read.
  std::string_view codes;
};

// CRC-32C over (u32 length, bytes) of each id, in order.
std::uint32_t ids_checksum(const std::vector<std::string_view>& ids);

std::string encode_index_image(const IndexImage& image);
// CORRUPTION (with the reason) for anything but an intact image. `body` and `codes` view `bytes`.
Result<IndexImage> decode_index_image(std::string_view bytes);

}  // namespace ruvector::detail
