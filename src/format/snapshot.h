// PRIVATE header. The portable snapshot format (docs/file-format.md): settings,
// records and an optional index image, as little-endian sections with CRC-32C.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/result.h"

namespace ruvector::detail {

struct SnapshotRecord {
  std::string_view id;
  std::span<const float> vector;
  std::string_view metadata_json;  // "" = none
};

// Builds a snapshot. `records` is called with a sink once; it must emit exactly `count` records.
std::string encode_snapshot(std::string_view settings_json, std::uint64_t count, std::uint32_t dimensions,
                            const std::function<void(const std::function<void(const SnapshotRecord&)>&)>& records,
                            std::string_view index_image);

struct DecodedSnapshot {
  std::string_view settings_json;
  std::uint32_t dimensions = 0;
  std::vector<std::string_view> ids;
  std::vector<float> vectors;                  // ids.size() * dimensions
  std::vector<std::string_view> metadata_json;  // by record; "" = none
  std::string_view index_image;                // empty when absent
};

// Views into `bytes`, which must outlive the result. CORRUPTION with a reason for
// anything truncated, damaged, or not a snapshot; never reads out of bounds.
Result<DecodedSnapshot> decode_snapshot(std::string_view bytes);

}  // namespace ruvector::detail
