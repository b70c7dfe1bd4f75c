#include "format/snapshot.h"

#include <algorithm>

#include "format/coding.h"
#include "format/crc32c.h"
#include "ruvector/types.h"

namespace ruvector::detail {
namespace {

constexpr std::string_view kMagic = "RUVECTOR";
constexpr std::uint32_t kSettings = 0x54544553;  // "SETT"
constexpr std::uint32_t kRecords = 0x53434552;   // "RECS"
constexpr std::uint32_t kIndex = 0x58444E49;     // "INDX"
constexpr std::uint32_t kEnd = 0x21444E45;       // "END!"

// Buffers output and hands it to the sink in pieces of at most `limit` bytes; keeps
// the CRC-32C of the current section.
class ChunkedWriter {
 public:
  ChunkedWriter(std::size_t limit, const std::function<Status(std::string_view)>& sink)
      : limit_(limit), sink_(sink), w_(buf_) {
    buf_.reserve(limit);
  }
  ByteWriter& writer() { return w_; }
  Status status() const { return status_; }

  // Writes raw bytes outside any section.
  void raw(std::string_view b) {
    w_.bytes(b);
    spill();
  }
  void begin_section(std::uint32_t tag, std::uint64_t length) {
    w_.u32(tag);
    w_.u64(length);
    section_start_ = buf_.size();
    crc_ = 0;
  }
  // Section payload bytes already appended to writer() since the last call are
  // checksummed; flushes when the buffer is full.
  void payload_written() {
    crc_ = crc32c_extend(crc_, buf_.data() + section_start_, buf_.size() - section_start_);
    section_start_ = buf_.size();
    spill();
  }
  void payload(std::string_view b) {
    while (!b.empty()) {
      const std::size_t room = limit_ > buf_.size() ? limit_ - buf_.size() : 0;
      const std::size_t n = std::min(b.size(), std::max<std::size_t>(room, 1));
      w_.bytes(b.substr(0, n));
      b.remove_prefix(n);
      payload_written();
    }
  }
  void end_section() {
    payload_written();
    w_.u32(crc_);
    section_start_ = buf_.size();
    spill();
  }
  Status finish() {
    flush();
    return status_;
  }

 private:
  void spill() {
    if (buf_.size() >= limit_) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    std::string_view all(buf_);
    while (status_.ok() && !all.empty()) {
      const std::size_t n = std::min(all.size(), limit_);
      status_ = sink_(all.substr(0, n));
      all.remove_prefix(n);
    }
    buf_.clear();
    section_start_ = 0;
  }

  std::size_t limit_;
  const std::function<Status(std::string_view)>& sink_;
  std::string buf_;
  ByteWriter w_;
  std::size_t section_start_ = 0;
  std::uint32_t crc_ = 0;
  Status status_;
};

void whole_section(ChunkedWriter& out, std::uint32_t tag, std::string_view payload) {
  out.begin_section(tag, payload.size());
  out.payload(payload);
  out.end_section();
}

}  // namespace

Status encode_snapshot_stream(std::uint32_t version, std::string_view settings_json, std::uint64_t count,
                              std::uint32_t dimensions, const SnapshotRecordSource& records,
                              std::string_view index_image, std::size_t chunk_bytes,
                              const std::function<Status(std::string_view)>& sink) {
  ChunkedWriter out(std::max<std::size_t>(chunk_bytes, 64), sink);
  out.raw(kMagic);
  out.writer().u32(version);
  whole_section(out, kSettings, settings_json);
  std::uint64_t records_bytes = 8 + 4;
  records([&](const SnapshotRecord& r) {
    records_bytes += 4 + r.id.size() + 4ull * r.vector.size() + 4 + r.metadata_json.size();
  });
  out.begin_section(kRecords, records_bytes);
  ByteWriter& w = out.writer();
  w.u64(count);
  w.u32(dimensions);
  records([&](const SnapshotRecord& r) {
    if (!out.status().ok()) return;
    w.str(r.id);
    w.f32s(r.vector.data(), r.vector.size());
    w.str(r.metadata_json);
    out.payload_written();
  });
  out.end_section();
  if (!index_image.empty()) whole_section(out, kIndex, index_image);
  whole_section(out, kEnd, {});
  return out.finish();
}

std::string encode_snapshot(std::uint32_t version, std::string_view settings_json, std::uint64_t count,
                            std::uint32_t dimensions, const SnapshotRecordSource& records,
                            std::string_view index_image) {
  std::string bytes;
  const std::function<Status(std::string_view)> append = [&](std::string_view piece) {
    bytes.append(piece);
    return Status::Ok();
  };
  (void)encode_snapshot_stream(version, settings_json, count, dimensions, records, index_image, std::size_t{1} << 20, append);
  return bytes;
}

Result<DecodedSnapshot> decode_snapshot(std::string_view bytes) {
  auto bad = [](const std::string& why) { return Status::Corruption("snapshot: " + why); };
  if (bytes.size() < kMagic.size() + 4) return bad("too short to be a ruvector snapshot");
  if (bytes.substr(0, kMagic.size()) != kMagic) return bad("not a ruvector snapshot (bad magic)");
  ByteReader r(bytes.substr(kMagic.size()));
  std::uint32_t version = 0;
  (void)r.u32(version);
  if (version != kSnapshotVersionPlain && version != kSnapshotVersionQuantized)
    return bad("format version " + std::to_string(version) + " is not supported (this build reads versions 1 and 2)");
  DecodedSnapshot snap;
  snap.version = version;
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

DecodedSnapshot OwnedSnapshot::take_view() {
  DecodedSnapshot v;
  v.version = version;
  v.settings_json = settings_json;
  v.dimensions = dimensions;
  v.ids.assign(ids.begin(), ids.end());
  v.vectors = std::move(vectors);
  v.metadata_json.assign(metadata_json.begin(), metadata_json.end());
  v.index_image = index_image;
  return v;
}

Status SnapshotStreamDecoder::fail(const std::string& why) {
  error_ = Status::Corruption("snapshot: " + why);
  pending_.clear();
  return error_;
}

Status SnapshotStreamDecoder::feed(std::string_view piece) {
  if (!error_.ok()) return error_;
  pending_.append(piece);
  for (bool progressed = true; progressed;) {
    progressed = false;
    RUVECTOR_RETURN_IF_ERROR(step(progressed));
  }
  return Status::Ok();
}

// Consumes one unit (header, section header, record, ...) when pending_ holds it whole.
Status SnapshotStreamDecoder::step(bool& progressed) {
  ByteReader r(pending_);
  auto consume = [&](std::size_t n, bool payload) {
    if (payload) {
      crc_ = crc32c_extend(crc_, pending_.data(), n);
      section_left_ -= n;
    }
    pending_.erase(0, n);
    progressed = true;
  };
  switch (stage_) {
    case Stage::kHeader: {
      if (pending_.size() < kMagic.size() + 4) return Status::Ok();
      if (std::string_view(pending_).substr(0, kMagic.size()) != kMagic) return fail("not a ruvector snapshot (bad magic)");
      std::uint32_t version = 0;
      ByteReader v(std::string_view(pending_).substr(kMagic.size()));
      (void)v.u32(version);
      if (version != kSnapshotVersionPlain && version != kSnapshotVersionQuantized)
        return fail("format version " + std::to_string(version) + " is not supported (this build reads versions 1 and 2)");
      out_.version = version;
      consume(kMagic.size() + 4, false);
      stage_ = Stage::kSectionHeader;
      return Status::Ok();
    }
    case Stage::kSectionHeader: {
      if (pending_.size() < 12) return Status::Ok();
      (void)r.u32(tag_);
      (void)r.u64(section_left_);
      crc_ = 0;
      consume(12, false);
      if (tag_ == kSettings && !have_settings_) {
        if (section_left_ > (1u << 24)) return fail("settings section too large");
        stage_ = Stage::kSettings;
      } else if (tag_ == kRecords && have_settings_ && !have_records_) {
        if (section_left_ < 12) return fail("truncated records header");
        stage_ = Stage::kRecordsHeader;
      } else if (tag_ == kIndex && have_records_ && !have_index_) {
        stage_ = Stage::kIndex;
      } else if (tag_ == kEnd) {
        if (section_left_ != 0) return fail("non-empty end section");
        stage_ = Stage::kEmptyEnd;
      } else {
        return fail("unexpected section");
      }
      return Status::Ok();
    }
    case Stage::kSettings:
    case Stage::kIndex: {
      std::string& target = stage_ == Stage::kSettings ? out_.settings_json : out_.index_image;
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(section_left_, pending_.size()));
      if (n == 0 && section_left_ > 0) return Status::Ok();
      target.append(pending_, 0, n);
      consume(n, true);
      if (section_left_ == 0) {
        (stage_ == Stage::kSettings ? have_settings_ : have_index_) = true;
        stage_ = Stage::kCrc;
      }
      return Status::Ok();
    }
    case Stage::kRecordsHeader: {
      if (pending_.size() < 12) return Status::Ok();
      (void)r.u64(records_left_);
      (void)r.u32(out_.dimensions);
      if (out_.dimensions == 0 || out_.dimensions > kMaxDimensions) return fail("bad dimensions");
      const std::uint64_t min_record = 8 + 4ull * out_.dimensions;
      if (records_left_ > (section_left_ - 12) / min_record) return fail("record count exceeds the data");
      consume(12, true);
      // The counts are not checked against real data yet: reserve a bounded amount.
      const auto reserve = static_cast<std::size_t>(std::min<std::uint64_t>(records_left_, 1u << 16));
      out_.ids.reserve(reserve);
      out_.metadata_json.reserve(reserve);
      out_.vectors.reserve(reserve * out_.dimensions);
      stage_ = records_left_ == 0 ? Stage::kCrc : Stage::kRecord;
      if (records_left_ == 0 && section_left_ != 0) return fail("trailing bytes in records");
      return Status::Ok();
    }
    case Stage::kRecord: {
      std::string_view id, meta;
      const std::size_t at = out_.vectors.size();
      out_.vectors.resize(at + out_.dimensions);
      if (!r.str(id) || !r.f32s(out_.vectors.data() + at, out_.dimensions) || !r.str(meta)) {
        out_.vectors.resize(at);
        // Incomplete: wait for more, unless the record cannot fit in the section.
        if (pending_.size() >= section_left_) return fail("truncated record " + std::to_string(out_.ids.size()));
        return Status::Ok();
      }
      if (r.position() > section_left_) return fail("record crosses the end of its section");
      out_.ids.emplace_back(id);
      out_.metadata_json.emplace_back(meta);
      consume(r.position(), true);
      if (--records_left_ == 0) {
        if (section_left_ != 0) return fail("trailing bytes in records");
        have_records_ = true;
        stage_ = Stage::kCrc;
      }
      return Status::Ok();
    }
    case Stage::kEmptyEnd:
    case Stage::kCrc: {
      if (pending_.size() < 4) return Status::Ok();
      std::uint32_t stored = 0;
      (void)r.u32(stored);
      if (stored != crc_) return fail("checksum mismatch in a section");
      const bool end = stage_ == Stage::kEmptyEnd;
      consume(4, false);
      stage_ = end ? Stage::kDone : Stage::kSectionHeader;
      return Status::Ok();
    }
    case Stage::kDone:
      if (!pending_.empty()) return fail("trailing bytes after the end section");
      return Status::Ok();
  }
  return Status::Ok();
}

Result<OwnedSnapshot> SnapshotStreamDecoder::finish() {
  if (!error_.ok()) return error_;
  if (stage_ != Stage::kDone) return fail("truncated (no end section)");
  if (!pending_.empty()) return fail("trailing bytes after the end section");
  if (!have_settings_ || !have_records_) return fail("missing settings or records");
  return std::move(out_);
}

}  // namespace ruvector::detail
