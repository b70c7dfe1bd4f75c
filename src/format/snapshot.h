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

// Format versions: 1 (unquantized databases) and 2 (quantized: the same sections;
// the settings carry "format":2 with quantization and rescore). Version 1 is still
// written when it suffices, so older readers keep loading unquantized snapshots and
// refuse quantized ones instead of ignoring the quantization.
inline constexpr std::uint32_t kSnapshotVersionPlain = 1;
inline constexpr std::uint32_t kSnapshotVersionQuantized = 2;

using SnapshotRecordSource = std::function<void(const std::function<void(const SnapshotRecord&)>&)>;

// Writes a snapshot of format `version` to `sink` in pieces of at most `chunk_bytes`
// (>= 64) each, never holding more than one piece: the records section is sized first,
// then streamed. `records` is called with a sink twice (sizing, then writing) and must
// emit the same `count` records both times. The first non-OK status of `sink` stops the
// write and is returned. The bytes are exactly those of encode_snapshot().
Status encode_snapshot_stream(std::uint32_t version, std::string_view settings_json, std::uint64_t count,
                              std::uint32_t dimensions, const SnapshotRecordSource& records,
                              std::string_view index_image, std::size_t chunk_bytes,
                              const std::function<Status(std::string_view)>& sink);

// The whole snapshot in one string (encode_snapshot_stream into memory).
std::string encode_snapshot(std::uint32_t version, std::string_view settings_json, std::uint64_t count,
                            std::uint32_t dimensions, const SnapshotRecordSource& records,
                            std::string_view index_image);

struct DecodedSnapshot {
  std::uint32_t version = 0;
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
