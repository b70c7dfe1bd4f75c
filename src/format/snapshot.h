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

// A snapshot decoded into memory it owns (what a streaming load produces).
struct OwnedSnapshot {
  std::uint32_t version = 0;
  std::string settings_json;
  std::uint32_t dimensions = 0;
  std::vector<std::string> ids;
  std::vector<float> vectors;  // ids.size() * dimensions
  std::vector<std::string> metadata_json;
  std::string index_image;
  // The decoded form: moves `vectors` out; the string views point into this object,
  // which must outlive the result.
  DecodedSnapshot take_view();
};

// Decodes a snapshot handed over in pieces of any size, in order, checking each
// section's CRC-32C as it completes. Never holds more of the input than one piece plus
// one record (the index image section is kept whole: the graph is loaded from it).
// Every error is CORRUPTION, reported as soon as it is detectable; after an error every
// call fails.
class SnapshotStreamDecoder {
 public:
  Status feed(std::string_view piece);
  // CORRUPTION unless exactly one whole snapshot was fed.
  Result<OwnedSnapshot> finish();

 private:
  enum class Stage { kHeader, kSectionHeader, kSettings, kRecordsHeader, kRecord, kIndex, kEmptyEnd, kCrc, kDone };
  Status step(bool& progressed);
  Status fail(const std::string& why);

  std::string pending_;  // fed bytes not consumed yet
  Stage stage_ = Stage::kHeader;
  std::uint32_t tag_ = 0;
  std::uint64_t section_left_ = 0;  // payload bytes of the current section not consumed yet
  std::uint32_t crc_ = 0;           // CRC-32C of the current section's consumed payload
  std::uint64_t records_left_ = 0;
  bool have_settings_ = false, have_records_ = false, have_index_ = false;
  Status error_;
  OwnedSnapshot out_;
};

}  // namespace ruvector::detail
