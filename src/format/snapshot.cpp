#include "format/snapshot.h"

#include "format/coding.h"
#include "format/crc32c.h"
#include "ruvector/types.h"

namespace ruvector::detail {
namespace {

constexpr std::string_view kMagic = "RUVECTOR";
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kSettings = 0x54544553;  // "SETT"
constexpr std::uint32_t kRecords = 0x53434552;   // "RECS"
constexpr std::uint32_t kIndex = 0x58444E49;     // "INDX"
constexpr std::uint32_t kEnd = 0x21444E45;       // "END!"

void section(std::string& out, std::uint32_t tag, std::string_view payload) {
  ByteWriter w(out);
  w.u32(tag);
  w.u64(payload.size());
  w.bytes(payload);
  w.u32(crc32c(payload));
}

}  // namespace

std::string encode_snapshot(std::string_view settings_json, std::uint64_t count, std::uint32_t dimensions,
                            const std::function<void(const std::function<void(const SnapshotRecord&)>&)>& records,
                            std::string_view index_image) {
  std::string out;
  ByteWriter w(out);
  w.bytes(kMagic);
  w.u32(kVersion);
  section(out, kSettings, settings_json);
  std::string recs;
  recs.reserve(static_cast<std::size_t>(16 + count * (16 + dimensions * 4ull)));
  ByteWriter rw(recs);
  rw.u64(count);
  rw.u32(dimensions);
  records([&](const SnapshotRecord& r) {
    rw.str(r.id);
    rw.f32s(r.vector.data(), r.vector.size());
    rw.str(r.metadata_json);
  });
  section(out, kRecords, recs);
  if (!index_image.empty()) section(out, kIndex, index_image);
  section(out, kEnd, {});
  return out;
}

Result<DecodedSnapshot> decode_snapshot(std::string_view bytes) {
  auto bad = [](const std::string& why) { return Status::Corruption("snapshot: " + why); };
  if (bytes.size() < kMagic.size() + 4) return bad("too short to be a ruvector snapshot");
  if (bytes.substr(0, kMagic.size()) != kMagic) return bad("not a ruvector snapshot (bad magic)");
  ByteReader r(bytes.substr(kMagic.size()));
  std::uint32_t version = 0;
  (void)r.u32(version);
  if (version != kVersion)
    return bad("format version " + std::to_string(version) + " is not supported (this build reads version " +
               std::to_string(kVersion) + ")");
  DecodedSnapshot snap;
  bool have_settings = false, have_records = false;
  for (;;) {
    std::uint32_t tag = 0, crc = 0;
    std::uint64_t len = 0;
    std::string_view payload;
    if (!r.u32(tag) || !r.u64(len)) return bad("truncated (no end section)");
    if (len > r.remaining() || !r.bytes(static_cast<std::size_t>(len), payload) || !r.u32(crc))
      return bad("truncated section");
    if (crc32c(payload) != crc) return bad("checksum mismatch in a section");
    if (tag == kEnd) break;
    if (tag == kSettings && !have_settings) {
      snap.settings_json = payload;
      have_settings = true;
    } else if (tag == kRecords && have_settings && !have_records) {
      ByteReader rr(payload);
      std::uint64_t count = 0;
      if (!rr.u64(count) || !rr.u32(snap.dimensions)) return bad("truncated records header");
      if (snap.dimensions == 0 || snap.dimensions > kMaxDimensions) return bad("bad dimensions");
      // Each record takes at least 8 + 4*dims bytes: bound count before allocating.
      const std::uint64_t min_record = 8 + 4ull * snap.dimensions;
      if (count > rr.remaining() / min_record) return bad("record count exceeds the data");
      const auto n = static_cast<std::size_t>(count);
      snap.ids.resize(n);
      snap.metadata_json.resize(n);
      snap.vectors.resize(n * snap.dimensions);
      for (std::size_t i = 0; i < n; ++i) {
        if (!rr.str(snap.ids[i]) || !rr.f32s(snap.vectors.data() + i * snap.dimensions, snap.dimensions) ||
            !rr.str(snap.metadata_json[i]))
          return bad("truncated record " + std::to_string(i));
      }
      if (rr.remaining() != 0) return bad("trailing bytes in records");
      have_records = true;
    } else if (tag == kIndex && have_records && snap.index_image.empty()) {
      snap.index_image = payload;
    } else {
      return bad("unexpected section");
    }
  }
  if (r.remaining() != 0) return bad("trailing bytes after the end section");
  if (!have_settings || !have_records) return bad("missing settings or records");
  return snap;
}

}  // namespace ruvector::detail
