// Reader for the reference system's redb 2.x file (see redb_reader.h, docs/storage.md).
//
// Layout summary (all integers little-endian):
//   header (64 B) at 0: magic, god byte (bit0 primary slot, bit1 recovery required,
//     bit2 two-phase commit), page size, region geometry;
//   commit slots (128 B each) at 64 and 192: version, root-present flags, user/system/
//     freed B-tree headers (page u64, checksum 16 B, length u64), transaction id, and an
//     XXH3-128 checksum of the slot's first 112 bytes;
//   B-tree pages: leaves (type 1) and branches (type 2), each checksummed by its parent.
#include "import/redb_reader.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <unordered_set>

#include "ruvector/json.h"
#include "ruvector/types.h"

namespace ruvector::detail {
namespace {

constexpr std::size_t kHeaderBytes = 64;
constexpr std::size_t kSlotBytes = 128;
constexpr std::size_t kSlotChecksummed = 112;
constexpr std::size_t kSuperHeaderBytes = kHeaderBytes + 2 * kSlotBytes;
constexpr int kMaxDepth = 64;
constexpr unsigned kMaxOrder = 20;
constexpr std::uint8_t kLeaf = 1;
constexpr std::uint8_t kBranch = 2;
constexpr std::uint8_t kNormalTable = 3;
constexpr std::uint8_t kMultimapTable = 4;

using Checksum = std::array<unsigned char, 16>;

std::uint16_t u16_at(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}
std::uint32_t u32_at(std::string_view b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}
std::uint64_t u64_at(std::string_view b, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

Checksum xxh3_128(std::string_view bytes) { return redb_checksum(bytes); }

Checksum checksum_at(std::string_view b, std::size_t at) {
  Checksum c;
  std::memcpy(c.data(), b.data() + at, c.size());
  return c;
}

Status corrupt(const std::string& why) { return Status::Corruption("reference database file is damaged: " + why); }

// page number, expected checksum of the page, entry count: a redb "BtreeHeader".
struct TreeHeader {
  std::uint64_t page = 0;
  Checksum checksum{};
  std::uint64_t length = 0;
};
TreeHeader tree_header_at(std::string_view b, std::size_t at) {
  return TreeHeader{u64_at(b, at), checksum_at(b, at + 8), u64_at(b, at + 24)};
}

struct Slot {
  std::uint8_t version = 0;
  std::optional<TreeHeader> user, system, freed;
  std::uint64_t transaction_id = 0;
  bool checksum_ok = false;
};

Slot parse_slot(std::string_view file, std::size_t at, bool verify) {
  const std::string_view s = file.substr(at, kSlotBytes);
  Slot slot;
  slot.version = static_cast<std::uint8_t>(s[0]);
  if (s[1]) slot.user = tree_header_at(s, 8);
  if (s[2]) slot.system = tree_header_at(s, 40);
  if (s[3]) slot.freed = tree_header_at(s, 72);
  slot.transaction_id = u64_at(s, 104);
  slot.checksum_ok = !verify || xxh3_128(s.substr(0, kSlotChecksummed)) == checksum_at(s, kSlotChecksummed);
  return slot;
}

// Key and value widths of a tree; nullopt = variable width.
struct Widths {
  std::optional<std::uint32_t> key, value;
};

// A table definition (the value of a table-tree entry).
struct TableDef {
  std::uint8_t kind = 0;
  std::uint64_t length = 0;
  std::optional<TreeHeader> root;
  Widths widths;
  std::string_view key_type, value_type;  // class byte + name
};

Result<TableDef> parse_table_def(std::string_view name, std::string_view v) {
  auto bad = [&](const std::string& why) { return corrupt("definition of table '" + std::string(name) + "': " + why); };
  if (v.size() < 64) return bad("too short");
  TableDef d;
  d.kind = static_cast<std::uint8_t>(v[0]);
  if (d.kind == kMultimapTable)
    return Status::Unsupported("reference database file holds a multimap table '" + std::string(name) +
                               "', which the reference system never writes");
  if (d.kind != kNormalTable) return bad("unknown table kind " + std::to_string(d.kind));
  d.length = u64_at(v, 1);
  if (v[9]) d.root = tree_header_at(v, 10);
  if (v[42]) d.widths.key = u32_at(v, 43);
  if (v[47]) d.widths.value = u32_at(v, 48);
  if (u32_at(v, 52) != 1 || u32_at(v, 56) != 1) return bad("alignment other than 1");
  const std::uint32_t key_name = u32_at(v, 60);
  if (key_name > v.size() - 64) return bad("type name runs past the definition");
  d.key_type = v.substr(64, key_name);
  d.value_type = v.substr(64 + key_name);
  if (!d.root && d.length != 0) return bad("no root but " + std::to_string(d.length) + " entries");
  return d;
}

using EntryVisitor = std::function<Status(std::string_view key, std::string_view value)>;

// Walks the trees of one commit: bounds, page kinds, offsets, checksums, depth, and
// that no page is reached twice (a cycle or a shared subtree is damage).
class TreeWalker {
 public:
  TreeWalker(std::string_view file, std::uint32_t page_size, std::uint64_t region_header_pages,
             std::uint64_t region_max_data_pages, bool verify)
      : file_(file),
        page_size_(page_size),
        header_pages_(region_header_pages),
        max_data_pages_(region_max_data_pages),
        verify_(verify) {}

  // Visits every entry of the tree in key order; returns the number of entries.
  Result<std::uint64_t> walk(const TreeHeader& root, const Widths& widths, const EntryVisitor& visit,
                             std::string_view what) {
    std::uint64_t entries = 0;
    Status s = visit_page(root.page, root.checksum, widths, visit, 0, entries);
    if (!s.ok()) return s.WithContext(std::string(what));
    if (entries != root.length)
      return corrupt(std::string(what) + " holds " + std::to_string(entries) + " entries, its header says " +
                     std::to_string(root.length));
    return entries;
  }

 private:
  Result<std::string_view> page(std::uint64_t number) {
    const unsigned order = static_cast<unsigned>(number >> 59);
    if (order > kMaxOrder) return corrupt("page order " + std::to_string(order) + " is over 20");
    const std::uint64_t index = number & ((std::uint64_t{1} << (kMaxOrder - order)) - 1);
    const std::uint64_t region = (number >> 20) & 0xFFFFF;
    // start = page_size * (1 + region * (header + max) + header) + index * (page_size << order)
    const std::uint64_t length = page_size_ << order;  // page_size <= 2^24, order <= 20
    std::uint64_t start = 0, tail = 0, end = 0;
    const bool overflow = __builtin_mul_overflow(region, header_pages_ + max_data_pages_, &start) ||
                          __builtin_add_overflow(start, 1 + header_pages_, &start) ||
                          __builtin_mul_overflow(start, page_size_, &start) ||
                          __builtin_mul_overflow(index, length, &tail) || __builtin_add_overflow(start, tail, &start) ||
                          __builtin_add_overflow(start, length, &end);
    if (overflow || end > file_.size())
      return corrupt("page " + std::to_string(number) + " lies outside the file");
    if (!seen_.insert(number).second) return corrupt("page " + std::to_string(number) + " is reached twice");
    return file_.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(length));
  }

  // Reads the end offsets of n items: from the u32 array at `ends_at` (variable width)
  // or implied by `width`. Each end must be >= the previous one and <= the page end.
  static Status item_ends(std::string_view p, std::size_t n, std::optional<std::uint32_t> width, std::size_t ends_at,
                          std::size_t first, std::vector<std::size_t>& ends) {
    ends.resize(n);
    std::size_t prev = first;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t end = width ? first + std::uint64_t{*width} * (i + 1) : u32_at(p, ends_at + 4 * i);
      if (end < prev || end > p.size()) return corrupt("item offsets out of order or past the page end");
      ends[i] = prev = static_cast<std::size_t>(end);
    }
    return Status::Ok();
  }

  Status visit_page(std::uint64_t number, const Checksum& expected, const Widths& widths, const EntryVisitor& visit,
                    int depth, std::uint64_t& entries) {
    if (depth > kMaxDepth) return corrupt("tree deeper than 64 levels");
    RUVECTOR_ASSIGN_OR_RETURN(std::string_view p, page(number));
    const std::uint8_t type = static_cast<std::uint8_t>(p[0]);
    const std::size_t n = u16_at(p, 2);
    if (n == 0) return corrupt("page " + std::to_string(number) + " has no entries");
    std::vector<std::size_t> key_ends, value_ends;
    if (type == kLeaf) {
      std::size_t at = 4;
      const std::size_t key_ends_at = at;
      if (!widths.key) at += 4 * n;
      const std::size_t value_ends_at = at;
      if (!widths.value) at += 4 * n;
      if (at > p.size()) return corrupt("leaf offsets run past the page");
      RUVECTOR_RETURN_IF_ERROR(item_ends(p, n, widths.key, key_ends_at, at, key_ends));
      RUVECTOR_RETURN_IF_ERROR(item_ends(p, n, widths.value, value_ends_at, key_ends.back(), value_ends));
      if (verify_ && xxh3_128(p.substr(0, value_ends.back())) != expected)
        return corrupt("checksum mismatch in leaf page " + std::to_string(number));
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t ks = i ? key_ends[i - 1] : at, vs = i ? value_ends[i - 1] : key_ends.back();
        RUVECTOR_RETURN_IF_ERROR(visit(p.substr(ks, key_ends[i] - ks), p.substr(vs, value_ends[i] - vs)));
        ++entries;
      }
      return Status::Ok();
    }
    if (type != kBranch) return corrupt("page " + std::to_string(number) + " has unknown type " + std::to_string(type));
    const std::size_t children = n + 1;
    const std::size_t sums_at = 8, pages_at = sums_at + 16 * children, key_ends_at = pages_at + 8 * children;
    const std::size_t keys_at = key_ends_at + (widths.key ? 0 : 4 * n);
    if (keys_at > p.size()) return corrupt("branch offsets run past the page");
    RUVECTOR_RETURN_IF_ERROR(item_ends(p, n, widths.key, key_ends_at, keys_at, key_ends));
    if (verify_ && xxh3_128(p.substr(0, key_ends.back())) != expected)
      return corrupt("checksum mismatch in branch page " + std::to_string(number));
    for (std::size_t c = 0; c < children; ++c)
      RUVECTOR_RETURN_IF_ERROR(visit_page(u64_at(p, pages_at + 8 * c), checksum_at(p, sums_at + 16 * c), widths, visit,
                                          depth + 1, entries));
    return Status::Ok();
  }

  std::string_view file_;
  std::uint64_t page_size_, header_pages_, max_data_pages_;
  bool verify_;
  std::unordered_set<std::uint64_t> seen_;
};

// The user tables of one commit, as raw bytes pointing into the file.
struct RawTables {
  std::vector<std::pair<std::string_view, std::string_view>> vectors, metadata, config;
  bool has_config = false;
};

constexpr std::string_view kStrType{"\x01&str", 5};
constexpr std::string_view kBytesType{"\x01&[u8]", 6};

// Verifies every tree of a commit (user tables, system tables, freed tree) and collects
// the reference's tables.
Result<RawTables> read_commit(std::string_view file, const Slot& slot, std::uint32_t page_size,
                              std::uint32_t header_pages, std::uint32_t max_data_pages, bool verify) {
  if (!slot.checksum_ok) return corrupt("commit slot checksum mismatch");
  TreeWalker walker(file, page_size, header_pages, max_data_pages, verify);
  RawTables raw;
  // Walks a table tree (user or system), then each table it defines.
  auto walk_table_tree = [&](const TreeHeader& root, bool user, std::string_view what) -> Status {
    std::vector<std::pair<std::string, TableDef>> defs;
    const EntryVisitor collect = [&](std::string_view name, std::string_view value) -> Status {
      RUVECTOR_ASSIGN_OR_RETURN(TableDef def, parse_table_def(name, value));
      defs.emplace_back(std::string(name), def);
      return Status::Ok();
    };
    RUVECTOR_RETURN_IF_ERROR(walker.walk(root, Widths{}, collect, what).status());
    for (const auto& [name, def] : defs) {
      std::vector<std::pair<std::string_view, std::string_view>>* into = nullptr;
      if (user && (name == "vectors" || name == "metadata" || name == "config")) {
        const std::string_view want_value = name == "vectors" ? kBytesType : kStrType;
        if (def.key_type != kStrType || def.value_type != want_value || def.widths.key || def.widths.value)
          return corrupt("table '" + name + "' does not have the reference's key and value types");
        into = name == "vectors" ? &raw.vectors : name == "metadata" ? &raw.metadata : &raw.config;
        raw.has_config |= name == "config";
      }
      if (!def.root) continue;
      if (def.root->length != def.length)
        return corrupt("table '" + name + "' has two different entry counts");
      const EntryVisitor keep = [into](std::string_view k, std::string_view v) -> Status {
        if (into) into->emplace_back(k, v);
        return Status::Ok();
      };
      RUVECTOR_RETURN_IF_ERROR(walker.walk(*def.root, def.widths, keep, "table '" + name + "'").status());
    }
    return Status::Ok();
  };
  if (slot.user) RUVECTOR_RETURN_IF_ERROR(walk_table_tree(*slot.user, true, "user table tree"));
  if (slot.system) RUVECTOR_RETURN_IF_ERROR(walk_table_tree(*slot.system, false, "system table tree"));
  if (slot.freed) {
    const EntryVisitor ignore = [](std::string_view, std::string_view) { return Status::Ok(); };
    RUVECTOR_RETURN_IF_ERROR(walker.walk(*slot.freed, Widths{16, std::nullopt}, ignore, "freed tree").status());
  }
  return raw;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 2) return false;
      cp = cp << 6 | (d & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// bincode 2 (standard config) Vec<f32>: varint count, then count little-endian floats.
Status decode_vector(std::string_view id, std::string_view v, std::vector<float>& out) {
  auto bad = [&](const std::string& why) { return corrupt("vector of '" + std::string(id) + "': " + why); };
  if (v.empty()) return bad("empty value");
  const unsigned char tag = static_cast<unsigned char>(v[0]);
  std::uint64_t count = 0;
  std::size_t header = 1;
  if (tag < 251) {
    count = tag;
  } else if (tag == 251 && v.size() >= 3) {
    count = u16_at(v, 1), header = 3;
  } else if (tag == 252 && v.size() >= 5) {
    count = u32_at(v, 1), header = 5;
  } else if (tag == 253 && v.size() >= 9) {
    count = u64_at(v, 1), header = 9;
  } else {
    return bad("bad length prefix");
  }
  if (count > (v.size() - header) / 4 || header + 4 * count != v.size())
    return bad("length prefix says " + std::to_string(count) + " values, the value holds " +
               std::to_string(v.size()) + " bytes");
  out.resize(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint32_t bits = u32_at(v, header + 4 * i);
    out[i] = __builtin_bit_cast(float, bits);
  }
  return Status::Ok();
}

Result<ReferenceConfig> decode_config(const RawTables& raw) {
  if (raw.config.empty()) return corrupt("config table has no row");
  const auto& [key, text] = raw.config.front();
  if (raw.config.size() != 1 || key != "__ruvector_db_config__")
    return corrupt("config table does not hold the single row __ruvector_db_config__");
  auto bad = [](const std::string& why) { return corrupt("config row: " + why); };
  if (!valid_utf8(text)) return bad("not UTF-8");
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  ReferenceConfig c;
  c.text = std::string(text);
  const auto dims = j.find("dimensions");
  if (dims == j.end() || !dims->is_number_unsigned() || dims->get<std::uint64_t>() == 0 ||
      dims->get<std::uint64_t>() > kMaxDimensions)
    return bad("dimensions missing or out of range");
  c.dimensions = dims->get<std::uint32_t>();
  const auto metric = j.find("distance_metric");
  if (metric == j.end() || !metric->is_string()) return bad("distance_metric missing");
  const std::string m = metric->get<std::string>();
  if (m == "Cosine") c.metric = Metric::kCosine;
  else if (m == "Euclidean") c.metric = Metric::kEuclidean;
  else if (m == "DotProduct") c.metric = Metric::kDot;
  else if (m == "Manhattan") c.metric = Metric::kManhattan;
  else return bad("unknown distance_metric '" + m + "'");
  const auto h = j.find("hnsw_config");
  if (h != j.end() && !h->is_null()) {
    if (!h->is_object()) return bad("hnsw_config is not an object");
    HnswParams p;
    for (const char* f : {"m", "ef_construction", "ef_search", "max_elements"})
      if (!h->contains(f) || !(*h)[f].is_number_unsigned()) return bad(std::string("hnsw_config.") + f + " missing");
    const auto u32 = [&](const char* f) -> std::optional<std::uint32_t> {
      const std::uint64_t v = (*h)[f].get<std::uint64_t>();
      if (v > UINT32_MAX) return std::nullopt;
      return static_cast<std::uint32_t>(v);
    };
    const auto m_ = u32("m"), efc = u32("ef_construction"), efs = u32("ef_search");
    if (!m_ || !efc || !efs) return bad("hnsw_config values out of range");
    p.m = *m_, p.ef_construction = *efc, p.ef_search = *efs;
    p.max_elements = (*h)["max_elements"].get<std::uint64_t>();
    c.hnsw = p;
  }
  return c;
}

Result<ReferenceDatabase> decode_tables(const RawTables& raw) {
  ReferenceDatabase db;
  if (raw.has_config) {
    RUVECTOR_ASSIGN_OR_RETURN(ReferenceConfig c, decode_config(raw));
    db.dimensions = c.dimensions;
    db.config = std::move(c);
  }
  db.records.reserve(raw.vectors.size());
  std::size_t m = 0;  // merge cursor into the (sorted) metadata rows
  for (std::size_t i = 0; i < raw.vectors.size(); ++i) {
    const auto& [id, value] = raw.vectors[i];
    if (i > 0 && !(raw.vectors[i - 1].first < id)) return corrupt("vector ids are not in ascending order");
    if (!valid_utf8(id)) return corrupt("a vector id is not UTF-8");
    StoredRecord r;
    r.id = std::string(id);
    RUVECTOR_RETURN_IF_ERROR(decode_vector(id, value, r.vector));
    if (db.dimensions == 0) db.dimensions = static_cast<std::uint32_t>(r.vector.size());
    if (r.vector.size() != db.dimensions || r.vector.empty() || r.vector.size() > kMaxDimensions)
      return corrupt("vector of '" + r.id + "' has " + std::to_string(r.vector.size()) + " values, expected " +
                     std::to_string(db.dimensions));
    // Metadata rows are sorted by id too; rows without a vector are skipped.
    while (m < raw.metadata.size() && raw.metadata[m].first < id) ++m;
    if (m < raw.metadata.size() && raw.metadata[m].first == id) {
      const std::string_view text = raw.metadata[m].second;
      const Json meta = valid_utf8(text) ? Json::parse(text, nullptr, false) : Json(Json::value_t::discarded);
      if (meta.is_discarded() || !meta.is_object()) return corrupt("metadata of '" + r.id + "' is not a JSON object");
      r.metadata_json = std::string(text);
    }
    db.records.push_back(std::move(r));
  }
  for (std::size_t k = 1; k < raw.metadata.size(); ++k)
    if (!(raw.metadata[k - 1].first < raw.metadata[k].first)) return corrupt("metadata ids are not in ascending order");
  return db;
}

}  // namespace

std::array<unsigned char, 16> redb_checksum(std::string_view bytes) noexcept {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  std::array<unsigned char, 16> out;
  for (std::size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<unsigned char>(h.low64 >> (8 * i));
    out[8 + i] = static_cast<unsigned char>(h.high64 >> (8 * i));
  }
  return out;
}

Result<std::uint64_t> newest_commit_id(std::string_view header) {
  if (header.size() < kSuperHeaderBytes || !has_redb_magic(header)) return corrupt("not a redb header");
  std::optional<std::uint64_t> newest;
  for (const std::size_t at : {kHeaderBytes, kHeaderBytes + kSlotBytes}) {
    const Slot s = parse_slot(header, at, true);
    if (s.checksum_ok && (!newest || s.transaction_id > *newest)) newest = s.transaction_id;
  }
  if (!newest) return corrupt("both commit slots are damaged");
  return *newest;
}

bool has_redb_magic(std::string_view prefix) noexcept { return prefix.substr(0, kRedbMagic.size()) == kRedbMagic; }

Result<ReferenceDatabase> parse_reference_database(std::string_view file, bool verify_checksums) {
  if (file.size() < kRedbMagic.size() || !has_redb_magic(file)) return corrupt("not a redb file (magic missing)");
  if (file.size() < kSuperHeaderBytes) return corrupt("truncated inside the header");
  const std::uint8_t god = static_cast<std::uint8_t>(file[9]);
  const int primary = god & 1;
  const bool recovery_required = god & 2, two_phase = god & 4;
  const std::uint32_t page_size = u32_at(file, 12), header_pages = u32_at(file, 16), max_data_pages = u32_at(file, 20);
  const std::uint32_t full_regions = u32_at(file, 24), trailing_pages = u32_at(file, 28);
  if (page_size < 512 || page_size > (1u << 24) || (page_size & (page_size - 1)) != 0)
    return corrupt("page size " + std::to_string(page_size) + " is not a power of two between 512 and 16 MiB");
  // page_size * (1 + full * (header + max) + (trailing ? header + trailing : 0)); every
  // term is below 2^34, so only the two multiplications can overflow.
  std::uint64_t expected = 0;
  const bool overflow =
      __builtin_mul_overflow(std::uint64_t{full_regions}, std::uint64_t{header_pages} + max_data_pages, &expected) ||
      __builtin_add_overflow(expected, 1 + (trailing_pages ? std::uint64_t{header_pages} + trailing_pages : 0),
                             &expected) ||
      __builtin_mul_overflow(expected, std::uint64_t{page_size}, &expected);
  if (overflow || expected > file.size())
    return corrupt("truncated: the file has " + std::to_string(file.size()) + " bytes, its header describes " +
                   (overflow ? std::string("more than 2^64") : std::to_string(expected)));
  const Slot slots[2] = {parse_slot(file, kHeaderBytes, verify_checksums),
                         parse_slot(file, kHeaderBytes + kSlotBytes, verify_checksums)};
  for (const Slot& s : slots) {
    if (s.version == 1)
      return Status::Unsupported("reference database file was written by redb before 1.0 (file format 1)");
    if (s.version == 3)
      return Status::Unsupported("reference database file uses redb file format 3, which the reference system "
                                 "does not write; only format 2 is read");
    if (s.version != 2) return corrupt("unknown redb file format " + std::to_string(s.version));
  }
  const int secondary = 1 - primary;
  // The commits to try, in order (redb 2.x's repair choice, without writing anything).
  std::vector<int> candidates;
  if (!recovery_required || two_phase) {
    candidates = {primary};
  } else if (!slots[primary].checksum_ok) {
    if (!slots[secondary].checksum_ok) return corrupt("both commit slots are damaged");
    candidates = {secondary};
  } else if (slots[secondary].checksum_ok && slots[secondary].transaction_id > slots[primary].transaction_id) {
    candidates = {secondary, primary};
  } else {
    candidates = {primary};
    if (slots[secondary].checksum_ok) candidates.push_back(secondary);
  }
  Status first_error;
  for (const int c : candidates) {
    Result<RawTables> raw = read_commit(file, slots[c], page_size, header_pages, max_data_pages, verify_checksums);
    if (!raw.ok()) {
      if (first_error.ok()) first_error = raw.status();
      if (raw.status().code() != StatusCode::kCorruption) return raw.status();
      continue;
    }
    RUVECTOR_ASSIGN_OR_RETURN(ReferenceDatabase db, decode_tables(*raw));
    db.transaction_id = slots[c].transaction_id;
    db.slot = c;
    const Slot& other = slots[1 - c];
    db.used_previous_commit = !other.checksum_ok || other.transaction_id > slots[c].transaction_id;
    return db;
  }
  if (candidates.size() > 1) return first_error.WithContext("no commit of the file is intact");
  return first_error;
}

Result<int> open_reference_file_shared(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::NotFound("reference database file '" + path + "' does not exist");
    return Status::IoError("cannot open '" + path + "': " + std::strerror(e));
  }
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK)
      return Status::Locked("reference database file '" + path +
                            "' is open in a running process of the reference system; close it (or copy the file) first");
    return Status::IoError("cannot lock '" + path + "': " + std::strerror(e));
  }
  return fd;
}

Result<ReferenceDatabase> read_reference_database(const std::string& path) {
  RUVECTOR_ASSIGN_OR_RETURN(const int fd, open_reference_file_shared(path));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::IoError("cannot stat '" + path + "': " + std::strerror(errno));
  std::string bytes;
  try {
    bytes.resize(static_cast<std::size_t>(st.st_size));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("reference database file '" + path + "' does not fit in memory");
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read '" + path + "': " + std::strerror(errno));
    if (n == 0) break;  // shrank while reading: what was read is parsed (and will fail the length check)
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  Result<ReferenceDatabase> db = parse_reference_database(bytes);
  if (!db.ok()) return db.status().WithContext(path);
  return db;
}

}  // namespace ruvector::detail
