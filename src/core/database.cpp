#include "ruvector/database.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <condition_variable>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <unordered_map>

#include "core/float_rows.h"
#include "core/id_table.h"
#include "core/memory_estimate.h"
#include "core/metadata_column.h"
#include "core/uuid.h"
#include "core/store_location.h"
#include "core/validate.h"
#include "import/reference_import.h"
#include "filter/filter.h"
#include "format/index_image.h"
#include "format/snapshot.h"
#include "index/index.h"
#include "ruvector/storage.h"
#include "util/file_io.h"
#include "util/invariant.h"
#include "util/parallel.h"
#include "util/rw_lock.h"

namespace ruvector {

using detail::Filter;
using detail::Index;
using detail::Neighbor;
using detail::Slot;

namespace {

constexpr const char* kSettingsKey = "settings";
constexpr const char* kImageKey = "index_image";
// Settings format 1: no quantization. Format 2 (written only for quantized databases,
// so older builds refuse them instead of ignoring the quantization) adds
// "quantization" and "rescore".
// Format 3 (written only for a database holding decoded codes instead of its floats:
// dropped, or loaded from a snapshot of such a database) is format 2 plus
// "vectors": "decoded", with any quantization; older builds refuse it.
constexpr int kSettingsFormat = 1;
constexpr int kSettingsFormatQuantized = 2;
constexpr int kSettingsFormatDecoded = 3;

Json settings_json(const DatabaseInfo& s) {
  const bool quantized = s.quantization != Quantization::kNone;
  Json j{{"format", s.vectors_decoded ? kSettingsFormatDecoded : quantized ? kSettingsFormatQuantized : kSettingsFormat},
              {"dimensions", s.dimensions},
              {"metric", metric_name(s.metric)},
              {"index", index_kind_name(s.index)},
              {"hnsw",
               {{"m", s.hnsw.m},
                {"ef_construction", s.hnsw.ef_construction},
                {"ef_search", s.hnsw.ef_search},
                {"seed", s.hnsw.seed}}}};
  if (quantized || s.vectors_decoded) {
    j["quantization"] = quantization_name(s.quantization);
    j["rescore"] = s.rescore;
  }
  if (s.vectors_decoded) j["vectors"] = "decoded";
  return j;
}

Result<DatabaseInfo> parse_settings(const std::string& text) {
  const Json j = Json::parse(std::string_view(text), nullptr, false);
  auto bad = [](const std::string& why) { return Status::Corruption("stored settings are unreadable: " + why); };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (!j.contains("format") || !j["format"].is_number_integer() ||
      (j["format"].get<int>() != kSettingsFormat && j["format"].get<int>() != kSettingsFormatQuantized &&
       j["format"].get<int>() != kSettingsFormatDecoded))
    return bad("unknown settings format");
  DatabaseInfo s;
  const int format = j["format"].get<int>();
  if (format == kSettingsFormatDecoded) {
    if (!j.contains("vectors") || j["vectors"] != "decoded") return bad("missing vectors field");
    s.vectors_decoded = true;
  }
  if (format == kSettingsFormatQuantized || format == kSettingsFormatDecoded) {
    if (!j.contains("quantization") || !j["quantization"].is_string() || !j.contains("rescore") ||
        !j["rescore"].is_number_unsigned())
      return bad("missing quantization fields");
    auto q = parse_quantization(j["quantization"].get<std::string>());
    if (!q.ok() || (*q == Quantization::kNone && format == kSettingsFormatQuantized)) return bad("unknown quantization");
    s.quantization = *q;
    if (j["rescore"].get<std::uint64_t>() > kMaxRescore) return bad("rescore out of range");
    s.rescore = j["rescore"].get<std::uint32_t>();
    if (s.quantization == Quantization::kNone && s.rescore != 1) return bad("rescore out of range");
  }
  const Json* h = j.contains("hnsw") ? &j["hnsw"] : nullptr;
  if (!j.contains("dimensions") || !j["dimensions"].is_number_unsigned() || !j.contains("metric") ||
      !j["metric"].is_string() || !j.contains("index") || !j["index"].is_string() || h == nullptr ||
      !h->is_object())
    return bad("missing fields");
  s.dimensions = j["dimensions"].get<std::uint32_t>();
  auto metric = parse_metric(j["metric"].get<std::string>());
  auto kind = parse_index_kind(j["index"].get<std::string>());
  if (!metric.ok() || !kind.ok()) return bad("unknown metric or index");
  s.metric = *metric;
  s.index = *kind;
  for (const char* f : {"m", "ef_construction", "ef_search", "seed"})
    if (!h->contains(f) || !(*h)[f].is_number_unsigned()) return bad(std::string("missing hnsw.") + f);
  s.hnsw.m = (*h)["m"].get<std::uint32_t>();
  s.hnsw.ef_construction = (*h)["ef_construction"].get<std::uint32_t>();
  s.hnsw.ef_search = (*h)["ef_search"].get<std::uint32_t>();
  s.hnsw.seed = (*h)["seed"].get<std::uint64_t>();
  if (!detail::validate_dimensions(s.dimensions).ok() || !detail::validate_hnsw(s.hnsw).ok())
    return bad("values out of range");
  return s;
}

Result<Json> parse_metadata(std::string_view id, std::string_view text) {
  if (text.empty()) return Json(nullptr);
  Json meta = Json::parse(text, nullptr, false);
  if (meta.is_discarded() || !meta.is_object())
    return Status::Corruption("record '" + std::string(id) + "' has unreadable metadata");
  return meta;
}

// Merges explicit options into stored settings; a contradiction is INVALID_ARGUMENT
// naming both values.
Status merge_options(const DatabaseOptions& o, DatabaseInfo& s) {
  auto conflict = [](const char* what, const std::string& given, const std::string& stored) {
    return Status::InvalidArgument(std::string(what) + " " + given + " contradicts the stored " + what + " " + stored +
                                   " of this database; omit it or pass " + stored);
  };
  if (o.dimensions != 0 && o.dimensions != s.dimensions)
    return conflict("dimensions", std::to_string(o.dimensions), std::to_string(s.dimensions));
  if (o.metric && *o.metric != s.metric) return conflict("metric", metric_name(*o.metric), metric_name(s.metric));
  if (o.index && *o.index != s.index) return conflict("index", index_kind_name(*o.index), index_kind_name(s.index));
  if (o.hnsw) {
    // Build-time parameters define the stored graph; ef_search is a search default and may change.
    if (o.hnsw->m != s.hnsw.m) return conflict("hnsw m", std::to_string(o.hnsw->m), std::to_string(s.hnsw.m));
    if (o.hnsw->ef_construction != s.hnsw.ef_construction)
      return conflict("hnsw efConstruction", std::to_string(o.hnsw->ef_construction),
                      std::to_string(s.hnsw.ef_construction));
    s.hnsw.ef_search = o.hnsw->ef_search;
  }
  // A different quantization converts the database (codes are rebuilt from the floats).
  if (o.quantization && *o.quantization != s.quantization) {
    s.quantization = *o.quantization;
    s.rescore = default_rescore(s.quantization);
  }
  if (o.rescore) s.rescore = *o.rescore;
  return detail::validate_rescore(s.quantization, s.metric, s.rescore);
}

// Where the floats live (DatabaseOptions::floats) for settings `s` of a database with
// or without storage: the default, or INVALID_ARGUMENT for a placement that cannot work.
Status resolve_floats(const DatabaseOptions& o, bool has_storage, DatabaseInfo& s) {
  const bool quantized = s.quantization != Quantization::kNone;
  s.floats = o.floats.value_or(quantized && has_storage ? FloatPlacement::kStore : FloatPlacement::kMemory);
  const std::string name = std::string("floats '") + float_placement_name(s.floats) + "'";
  if (s.floats == FloatPlacement::kMemory) return Status::Ok();
  if (!quantized)
    return Status::InvalidArgument(name + " applies only to a quantized database (quantization 'int8' or 'binary'); "
                                   "this one has quantization 'none' and keeps its floats in memory");
  if (s.floats == FloatPlacement::kStore && !has_storage)
    return Status::InvalidArgument(name + " needs a database with storage (storagePath); an in-memory database "
                                   "keeps its floats in memory or drops them (floats 'drop')");
  if (s.floats == FloatPlacement::kDrop && has_storage)
    return Status::InvalidArgument(name + " is for in-memory databases; a durable database keeps its floats only "
                                   "in its store with floats 'store' (the default)");
  if (s.floats == FloatPlacement::kDrop && s.quantization == Quantization::kBinary && s.metric == Metric::kManhattan)
    return Status::InvalidArgument(name + " is not available for binary quantization under manhattan: its codes "
                                   "estimate euclidean distances only, so results must be re-ranked on floats");
  return Status::Ok();
}

// Adapts a compiled filter to the index's per-slot predicate.
class MetadataPredicate final : public detail::SlotPredicate {
 public:
  MetadataPredicate(const Filter& filter, const detail::MetadataColumn& metadata)
      : filter_(filter), metadata_(metadata) {}
  bool accept(Slot slot) const noexcept override { return filter_.matches(metadata_.value(slot)); }

 private:
  const Filter& filter_;
  const detail::MetadataColumn& metadata_;
};

// A validated search, ready to run under the read lock.
struct PlannedQuery {
  const SearchQuery* query;
  std::size_t ef;
  std::optional<Filter> filter;
};

}  // namespace

struct Database::Impl {
  DatabaseInfo settings;
  std::shared_ptr<Storage> storage;
  unsigned threads = 1;

  // Writers hold write_mu for the whole write (storage, then memory) so storage and
  // memory apply writes in the same order; they take `mu` exclusively only while
  // changing memory. Readers take `mu` shared.
  std::mutex write_mu;
  mutable detail::WriterPriorityMutex mu;

  detail::VectorSpace space;
  std::unique_ptr<Index> index;
  detail::IdTable ids;  // id by slot ("" = free) and slot by id
  detail::MetadataColumn metadata;  // by slot
  std::vector<Slot> free_slots;
  Slot next_slot = 0;

  // A decoded write: one entry after validation and id assignment.
  struct Upsert {
    std::string id;
    std::span<const float> vector;
    Json metadata;
    std::string metadata_text;  // metadata as stored: its JSON text, empty when null
  };

  // How the index was obtained at open (DatabaseInfo::index_source).
  std::string index_source = "new";
  // Writes since the index image was last stored (durable databases).
  bool image_stale = false;
  // A storage write failed in a way that may still have reached the disk (an I/O error
  // during the commit: docs/storage.md "Faults"), so memory may differ from the store
  // for the ids of that write until they are written again. While set, no index image
  // is stored (it would describe memory under the store's generation) and removing an
  // id that memory lacks still deletes it from the store. Guarded by write_mu.
  bool storage_in_doubt = false;

  Impl(const DatabaseInfo& s, std::shared_ptr<Storage> st, unsigned t)
      : settings(s), storage(std::move(st)), threads(t), space(s.dimensions, s.metric) {}

  static Result<std::unique_ptr<Impl>> create(const DatabaseInfo& s, std::shared_ptr<Storage> storage,
                                              unsigned threads);

  // A row scope of the space for one write (docs/quantization.md "Where the floats
  // live"): rows that are not resident are lent by the store (in place) (dropped
  // floats: the space decodes them itself);
  // rows a training releases are freed when the scope ends. Caller holds `mu`
  // exclusively for the scope's life, and writes nothing to storage meanwhile.
  class WriteRows {
   public:
    explicit WriteRows(Impl& impl) : impl_(impl) {}
    ~WriteRows() { impl_.space.end_rows(); }
    WriteRows(const WriteRows&) = delete;
    WriteRows& operator=(const WriteRows&) = delete;
    Status begin() {
      if (!impl_.space.rows_resident()) {
        if (impl_.space.float_placement() == FloatPlacement::kStore) {  // dropped: the space decodes
          RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<StoredVectorView> view, impl_.storage->open_vector_view());
          store_ = std::make_unique<detail::StoreRows>(std::move(view), impl_.ids, impl_.space);
          source_ = store_.get();
        }
      }
      impl_.space.begin_rows(source_);
      return Status::Ok();
    }
    // OK, or a stored record that could not be read (its decoded code stood in).
    Status status() const { return store_ ? store_->status() : Status::Ok(); }

   private:
    Impl& impl_;
    detail::RowSource* source_ = nullptr;
    std::unique_ptr<detail::StoreRows> store_;
  };

  // Reads float rows for a reader (caller holds `mu`).
  Result<std::unique_ptr<detail::RowReader>> row_reader() const {
    return detail::RowReader::open(space, storage.get(), ids);
  }
  bool vectors_decoded() const noexcept {
    return settings.vectors_decoded || (!space.rows_resident() && space.float_placement() == FloatPlacement::kDrop);
  }

  // Live slots sorted by id: the node order of snapshots and index images, and the
  // order in which storage scans return records.
  std::vector<Slot> slots_in_id_order() const {
    std::vector<Slot> order;
    order.reserve(ids.size());
    for (std::size_t s = 0; s < ids.slot_count(); ++s)
      if (!ids[static_cast<Slot>(s)].empty()) order.push_back(static_cast<Slot>(s));
    std::sort(order.begin(), order.end(), [&](Slot a, Slot b) { return ids[a] < ids[b]; });
    return order;
  }

  std::string make_image(const std::vector<Slot>& order, std::uint64_t generation) const {
    std::vector<std::string_view> id_views;
    id_views.reserve(order.size());
    for (Slot s : order) id_views.push_back(ids[s]);
    std::string body, codes;
    index->save_image(order, body);
    // The codes travel with the graph, so a reload answers exactly as this database
    // (retraining would give other centroids/ranges than the codes were made with).
    if (space.codes_trained()) space.codes()->save(order, codes);
    detail::IndexImage img;
    img.kind = settings.index;
    img.generation = generation;
    img.count = order.size();
    img.ids_crc = detail::ids_checksum(id_views);
    img.body = body;
    img.codes = codes;
    return detail::encode_index_image(img);
  }

  // Fills an empty database with `ups` (unique ids, in id order) in slots 0..n-1 (an
  // entry with an empty vector view is already in the space at its slot), then
  // loads `image` when it matches them (and `generation`, unless nullopt), otherwise
  // builds the index. Records why in index_source.
  void bulk_load(std::vector<Upsert>& ups, std::optional<std::string_view> image,
                 std::optional<std::uint64_t> generation) {
    std::unique_lock<detail::WriterPriorityMutex> lock(mu);
    WriteRows rows(*this);  // a fresh space: rows resident until the training below
    (void)rows.begin();
    const std::size_t n = ups.size();
    next_slot = static_cast<Slot>(n);
    space.reserve(n);
    ids.grow_slots(std::max<std::size_t>(n, 1));
    ids.reserve(n);
    metadata.resize(std::max<std::size_t>(n, 1));
    // Entries without a vector view were loaded into the space by the caller.
    detail::parallel_for(n, threads, 512, [&](std::size_t i, unsigned) {
      if (!ups[i].vector.empty()) space.set(static_cast<Slot>(i), ups[i].vector.data());
    });
    std::vector<std::string_view> id_views;
    id_views.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      ids.insert(static_cast<Slot>(i), std::move(ups[i].id));
      metadata.set(static_cast<Slot>(i), std::move(ups[i].metadata), std::move(ups[i].metadata_text));
      id_views.push_back(ids[static_cast<Slot>(i)]);
    }
    std::optional<Result<detail::IndexImage>> decoded;
    if (image) decoded.emplace(detail::decode_index_image(*image));
    const bool image_matches = decoded && decoded->ok() && (*decoded)->count == n &&
                               (!generation || (*decoded)->generation == *generation) &&
                               (*decoded)->ids_crc == detail::ids_checksum(id_views);
    // Codes saved with a matching image are restored as they were; otherwise (none,
    // another mode, damaged) they are trained by the rule.
    if (!image_matches || (*decoded)->codes.empty() || space.quantization() == Quantization::kNone ||
        !space.load_codes((*decoded)->codes, n).ok())
      train_codes_if_due();
    std::string reason;
    if (!image) {
      reason = "no index image";
    } else {
      auto& img = *decoded;
      if (!img.ok()) {
        reason = img.status().message();
      } else if (img->kind != settings.index) {
        reason = "index image is for another index kind";
      } else if (generation && img->generation != *generation) {
        reason = "index image is stale (taken at generation " + std::to_string(img->generation) +
                 ", records are at " + std::to_string(*generation) + ")";
      } else if (img->count != n || img->ids_crc != detail::ids_checksum(id_views)) {
        reason = "index image does not match the records";
      } else {
        Status st = index->load_image(img->body, n);
        if (st.ok()) {
          index_source = "image";
          return;
        }
        reason = st.message();
      }
    }
    std::vector<Slot> all(n);
    std::vector<std::uint64_t> keys(n);
    for (std::size_t i = 0; i < n; ++i) {
      all[i] = static_cast<Slot>(i);
      keys[i] = detail::level_key(ids[static_cast<Slot>(i)]);
    }
    index->add(all, keys, threads);
    index_source = n == 0 ? "new" : "rebuilt: " + reason;
    image_stale = n > 0;
  }

  // The slot of `id` (nullopt when absent), for a write: UNSUPPORTED when read-only.
  // Caller holds write_mu.
  Result<std::optional<Slot>> writable_slot(std::string_view id) const {
    std::optional<Slot> slot;
    {
      std::shared_lock<detail::WriterPriorityMutex> lock(mu);
      slot = ids.find(id);
      if (!slot) return slot;
    }
    if (storage && storage->read_only())
      return Status::Unsupported("the database is open read-only; writes are refused");
    return slot;
  }

  // Stores the index image for the current records. Caller holds write_mu.
  Status store_image() {
    if (!storage || storage->read_only() || !image_stale || storage_in_doubt) return Status::Ok();
    RUVECTOR_ASSIGN_OR_RETURN(std::uint64_t generation, storage->generation());
    std::string image;
    {
      std::shared_lock<detail::WriterPriorityMutex> lock(mu);
      image = make_image(slots_in_id_order(), generation);
    }
    RUVECTOR_RETURN_IF_ERROR(storage->put_value(kImageKey, image));
    image_stale = false;
    return Status::Ok();
  }


  Status check_entry(const Entry& e) const {
    if (!e.id.empty()) RUVECTOR_RETURN_IF_ERROR(detail::validate_id(e.id));
    RUVECTOR_RETURN_IF_ERROR(detail::validate_vector(e.vector, settings.dimensions));
    return detail::validate_metadata(e.metadata);
  }

  Status write_storage(const std::vector<Upsert>& ups, const std::vector<std::string>& deletes) {
    if (!storage) return Status::Ok();
    WriteBatch batch;
    batch.upserts.reserve(ups.size());
    for (const Upsert& u : ups)
      batch.upserts.push_back(StoredRecord{u.id, std::vector<float>(u.vector.begin(), u.vector.end()),
                                           u.metadata_text});
    batch.deletes = deletes;
    Status st = storage->write(batch);
    // Refused before anything was written (bad id, read-only): certain. Anything else
    // may have been committed.
    if (!st.ok() && st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kUnsupported)
      storage_in_doubt = true;
    return st;
  }

  // Applies upserts to memory. Caller holds `mu` exclusively. Ids are unique.
  // A replaced entry is removed and inserted again under a new slot: its old graph
  // node is excluded from results at once and purged by the next graph repair,
  // which also reconnects the nodes that linked to it.
  void apply_upserts(std::vector<Upsert>& ups) {
    for (const Upsert& u : ups) {
      if (const std::optional<Slot> old = ids.find(u.id)) apply_remove(*old);
    }
    std::vector<Slot> slots(ups.size());
    for (Slot& s : slots) {
      if (!free_slots.empty()) {
        s = free_slots.back();
        free_slots.pop_back();
      } else {
        s = next_slot++;
      }
    }
    space.reserve(next_slot);
    if (ids.slot_count() < next_slot) {
      const std::size_t cap = std::max<std::size_t>(next_slot, ids.slot_count() + ids.slot_count() / 2);
      ids.grow_slots(cap);
      metadata.resize(cap);
    }
    detail::parallel_for(ups.size(), threads, 512,
                         [&](std::size_t i, unsigned) { space.set(slots[i], ups[i].vector.data()); });
    std::vector<std::uint64_t> keys(ups.size());
    for (std::size_t i = 0; i < ups.size(); ++i) {
      metadata.set(slots[i], std::move(ups[i].metadata), std::move(ups[i].metadata_text));
      keys[i] = detail::level_key(ups[i].id);
      ids.insert(slots[i], std::move(ups[i].id));
    }
    train_codes_if_due();
    index->add(slots, keys, threads);
  }

  // Caller holds `mu` exclusively.
  void train_codes_if_due() {
    if (space.quantization() == Quantization::kNone) return;
    // In id order, so the codes depend only on the set of vectors (a snapshot or a
    // reopened store trains exactly as the database that wrote it).
    space.train_codes_if_due(slots_in_id_order(), threads);
  }

  void apply_remove(Slot s) {
    RV_ASSERT(s < ids.slot_count() && !ids[s].empty(), "removing slot " + std::to_string(s) + ", which holds no entry");
    ids.erase(s);
    metadata.clear(s);
    index->remove(s, threads);
    for (Slot r : index->take_released_slots()) free_slots.push_back(r);
  }

  // Validates every entry, assigns ids, drops earlier duplicates (later ones win).
  Result<std::vector<Upsert>> plan_upserts(std::span<const Entry> entries, std::vector<std::string>& out_ids) const {
    std::vector<Upsert> ups;
    ups.reserve(entries.size());
    out_ids.clear();
    out_ids.reserve(entries.size());
    std::unordered_map<std::string_view, std::size_t> last;
    last.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      Status st = check_entry(entries[i]);
      if (!st.ok()) return entries.size() == 1 ? st : st.WithContext("entry " + std::to_string(i));
      out_ids.push_back(entries[i].id.empty() ? detail::uuid_v4() : entries[i].id);
    }
    for (std::size_t i = 0; i < entries.size(); ++i) last[out_ids[i]] = i;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (last[out_ids[i]] != i) continue;
      ups.push_back(Upsert{out_ids[i], entries[i].vector, entries[i].metadata, detail::metadata_text(entries[i].metadata)});
    }
    return ups;
  }

  Result<PlannedQuery> plan_query(const SearchQuery& q) const {
    if (q.k == 0) return Status::InvalidArgument("k must be at least 1, got 0");
    RUVECTOR_RETURN_IF_ERROR(detail::validate_vector(q.vector, settings.dimensions));
    if (q.ef_search && (*q.ef_search == 0 || *q.ef_search > 65535))
      return Status::InvalidArgument("efSearch must be between 1 and 65535, got " + std::to_string(*q.ef_search));
    if (q.rescore) {
      if (settings.quantization == Quantization::kNone)
        return Status::InvalidArgument("rescore applies only to a quantized database (this one has quantization "
                                       "'none')");
      RUVECTOR_RETURN_IF_ERROR(detail::validate_rescore(settings.quantization, settings.metric, *q.rescore));
    }
    PlannedQuery p{&q, std::max<std::size_t>(q.k, q.ef_search ? *q.ef_search : settings.hnsw.ef_search), std::nullopt};
    if (!q.filter.is_null()) {
      RUVECTOR_ASSIGN_OR_RETURN(Filter f, Filter::compile(q.filter));
      if (!f.match_all()) p.filter = std::move(f);
    }
    return p;
  }

  // How wide a walk on binary codes may get, in units of rescore * k. A walk on 1-bit
  // estimates whose error is as large as the gaps between the true neighbours (isotropic
  // clusters) leaves true neighbours outside a beam of rescore * k; when the beam's edge
  // (its worst estimate minus that candidate's error bound) is still below the k-th
  // exact distance after re-ranking, the search walks once more with a beam of
  // kWidestBeamFactor * rescore * k and re-ranks again. Where the codes separate the
  // neighbours (real data) the first walk already passes the test. Measured in
  // docs/quantization.md ("Widening the walk").
  static constexpr std::size_t kWidestBeamFactor = 16;
  // The edge is evidence only where the beam ends among the query's neighbours. A first
  // walk that stalls in a poorly linked pocket (a dozen near vectors, then only far ones)
  // ends with an edge far beyond the k-th exact distance; on data whose neighbours the
  // codes separate, a converged beam's edge lies within a few of its error bounds of it
  // (fashion-mnist: at most 3.9, median 0.7, 300 queries at rescore 5). So an edge more
  // than kEdgeCliffBounds bounds beyond the k-th exact distance widens the walk as well.
  static constexpr float kEdgeCliffBounds = 8.0f;

  // How many more candidates than ef a walk on int8 codes keeps before re-ranking, in
  // units of k. The walk ranks its beam by estimates, so the edge of a beam of ef ends
  // on a slightly worse set than the exact walk of the same width (clustered-768, ef 40:
  // recall 0.946-0.947 against f32's 0.949-0.950 in five runs); k more candidates give
  // that back for the cost of k more code distances. Measured in docs/quantization.md
  // ("int8 QPS and recall").
  static constexpr std::size_t kCodedBeamMargin = 1;

  // Re-scores coded candidates (`found`, sorted by estimate) with exact distances: the
  // best `want` always, then, when the codes bound their error (binary), every further
  // candidate whose estimate minus its error bound is below the current k-th exact
  // distance (it could still be among the k best). Leaves only exactly scored
  // candidates, sorted. Caller holds `mu` shared.
  // `exact_at(slot)` is the exact distance of a slot (its row read wherever the floats live).
  template <class ExactAt>
  void rerank(const detail::PreparedQuery& coded, std::size_t k, std::size_t want, std::vector<Neighbor>& found,
              ExactAt&& exact_at) const {
    const std::size_t first = std::min(want, found.size());
    // Rows in RAM are fetched a few candidates ahead (whole rows: each is read once, in full).
    constexpr std::size_t kAhead = 4;
    auto prefetch_row = [&](std::size_t i) {
      if (i >= first || !space.rows_resident()) return;
      const char* row = reinterpret_cast<const char*>(space.vector(found[i].slot));
      for (std::size_t off = 0; off < settings.dimensions * sizeof(float); off += 64) __builtin_prefetch(row + off);
    };
    for (std::size_t i = 0; i < kAhead; ++i) prefetch_row(i);
    for (std::size_t i = 0; i < first; ++i) {
      prefetch_row(i + kAhead);
      found[i].distance = exact_at(found[i].slot);
    }
    const detail::CodeStore* codes = space.codes();
    if (found.size() > first && codes->has_error_bound()) {
      // The k best exact distances so far, as a max-heap: kth = its top once full.
      thread_local std::vector<float> best;
      best.clear();
      auto keep = [&](float d) {
        if (best.size() == k && d >= best.front()) return;
        best.push_back(d);
        std::push_heap(best.begin(), best.end());
        if (best.size() > k) {
          std::pop_heap(best.begin(), best.end());
          best.pop_back();
        }
      };
      for (std::size_t i = 0; i < first; ++i) keep(found[i].distance);
      std::size_t kept = first;
      for (std::size_t i = first; i < found.size(); ++i) {
        const Neighbor n = found[i];
        if (best.size() == k && n.distance - codes->error_bound(coded.codes, n.slot) >= best.front()) continue;
        const float d = exact_at(n.slot);
        found[kept++] = Neighbor{d, n.slot};
        keep(d);
      }
      found.resize(kept);
    } else {
      found.resize(first);
    }
    std::sort(found.begin(), found.end());
  }

  // Caller holds `mu` shared. A stored vector that cannot be read (re-ranking or
  // include_vector with floats in the store) sets *failure.
  // One search under the read lock (Database::search); with `metadata_array`, the hits'
  // metadata also goes there as one JSON array text.
  Result<std::vector<SearchHit>> search(const SearchQuery& query, std::string* metadata_array) const {
    RUVECTOR_ASSIGN_OR_RETURN(PlannedQuery plan, plan_query(query));
    std::shared_lock<detail::WriterPriorityMutex> lock(mu);
    Status failure;
    std::vector<SearchHit> hits = run_query(plan, &failure, metadata_array);
    if (!failure.ok()) return failure;
    return hits;
  }

  // With `metadata_array`, the hits' metadata also goes there as one JSON array text.
  std::vector<SearchHit> run_query(const PlannedQuery& p, Status* failure, std::string* metadata_array = nullptr) const {
    const SearchQuery& q = *p.query;
    const detail::PreparedQuery prepared = space.prepare_search(q.vector.data());
    std::optional<MetadataPredicate> pred;
    if (p.filter) pred.emplace(*p.filter, metadata);
    const detail::SlotPredicate* predicate = pred ? &*pred : nullptr;
    // On codes, the walk keeps the best rescore * k candidates, which are re-scored
    // with exact float distances (rescore 0: the codes' estimates are the scores).
    // Dropped floats: no re-ranking (the decoded codes would score as the codes do).
    const bool dropped = !space.rows_resident() && space.float_placement() == FloatPlacement::kDrop;
    const std::size_t rescore = !prepared.coded ? 1 : dropped ? 0 : q.rescore.value_or(settings.rescore);
    std::unique_ptr<detail::RowReader> reader;
    auto read_row = [&](Slot s) -> const float* {
      if (space.rows_resident()) return space.vector(s);
      if (!reader) {
        auto r = row_reader();
        if (!r.ok()) {
          *failure = r.status();
          return nullptr;
        }
        reader = std::move(r).value();
      }
      auto v = reader->row(s);
      if (!v.ok()) {
        *failure = v.status();
        return nullptr;
      }
      return *v;
    };
    // k and ef beyond the number of entries ask for nothing more (k = 2^32 - 1 means "all"):
    // cap them so no structure is sized by them.
    const std::size_t count = std::max<std::size_t>(ids.size(), 1);
    const std::size_t k = std::min(q.k, count);
    const std::size_t want = std::min(k * std::max<std::size_t>(rescore, 1), count);
    thread_local std::vector<Neighbor> found;  // scratch reused by this thread's queries (search() clears it)
    const detail::CodeStore* codes = space.codes();
    const bool rerank_codes = prepared.coded && rescore > 0;
    // A walk on int8 codes keeps k more candidates than ef (see kCodedBeamMargin).
    // Binary codes may need a wider walk than ef (see kWidestBeamFactor): at most one more.
    // Not the flat index: on such codes it already returns every candidate their error
    // bound cannot rule out (flat_index.cpp).
    const std::size_t beam =
        rerank_codes && codes->mode() == Quantization::kInt8 ? p.ef + k * kCodedBeamMargin : p.ef;
    std::size_t walk_ef = std::min(std::max(beam, want), count);
    const std::size_t widest = rerank_codes && codes->has_error_bound() && settings.index == IndexKind::kHnsw
                                   ? std::min(std::max(walk_ef, want * kWidestBeamFactor), count)
                                   : walk_ef;
    std::optional<detail::PreparedQuery> exact;
    for (;;) {
      index->search(prepared, want, walk_ef, predicate, found);
      // Guarantee k results whenever k entries qualify: an approximate walk can come back
      // short with a selective filter or a disconnected region, so fall back to exact.
      if (found.size() < k && found.size() < ids.size()) index->search_exact(prepared, want, predicate, found);
      if (!rerank_codes) break;
      // The beam's edge: the lowest distance its last (worst-estimated) candidate may have.
      // The nodes the walk scored and left out estimate no better, so within the bound they
      // cannot beat an edge already past the k-th exact distance (a heuristic for the nodes
      // it never reached). A walk that came back short of its beam reached everything it
      // could: a wider one would find nothing more.
      float edge = std::numeric_limits<float>::infinity(), edge_bound = 0.0f;
      if (walk_ef < widest && found.size() >= walk_ef) {
        edge_bound = codes->error_bound(prepared.codes, found.back().slot);
        edge = found.back().distance - edge_bound;
      }
      if (!exact) exact = space.prepare(q.vector.data());
      rerank(prepared, k, want, found, [&](Slot slot) {
        const float* row = read_row(slot);
        return row == nullptr ? 0.0f : space.exact_distance(*exact, row, slot);
      });
      if (!failure->ok()) return {};
      if (found.size() < k || edge == std::numeric_limits<float>::infinity()) break;
      const float kth = found[k - 1].distance;
      if (edge >= kth && edge <= kth + kEdgeCliffBounds * edge_bound) break;
      walk_ef = widest;
    }
    // Rank by (score, id) and build SearchHits for the first k only: the walk returns
    // up to ef candidates, and ids / metadata are not copied for the ones cut.
    thread_local std::vector<std::pair<float, Slot>> ranked;
    ranked.clear();
    for (const Neighbor& n : found) ranked.emplace_back(space.to_score(n.distance), n.slot);
    const std::size_t take = std::min(k, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(take), ranked.end(),
                      [&](const std::pair<float, Slot>& a, const std::pair<float, Slot>& b) {
                        return a.first < b.first || (a.first == b.first && ids[a.second] < ids[b.second]);
                      });
    std::vector<SearchHit> out(take);
    if (metadata_array) {
      // Sized in a pass of its own: the texts' loads do not wait on each other there (a
      // memory-bound part of a search with metadata), and the appends below never regrow.
      std::size_t bytes = 2 + take;
      for (std::size_t i = 0; i < take; ++i) bytes += std::max<std::size_t>(metadata.text(ranked[i].second).size(), 4);
      metadata_array->reserve(bytes);
      metadata_array->assign(1, '[');
    }
    for (std::size_t i = 0; i < take; ++i) {
      SearchHit& h = out[i];
      const Slot s = ranked[i].second;
      h.id = ids[s];
      h.score = ranked[i].first;
      if (q.include_vector) {
        const float* v = read_row(s);
        if (v == nullptr) return {};
        h.vector.assign(v, v + settings.dimensions);
      }
      if (q.include_metadata) h.metadata = metadata.value(s);
      if (q.include_metadata_json) h.metadata_json = metadata.text(s);
      if (metadata_array) detail::append_json_array_element(*metadata_array, metadata.text(s), i == 0);
    }
    if (metadata_array) metadata_array->push_back(']');
    return out;
  }
};

namespace {

// Runs f, turning exceptions into a Status: allocation failure RESOURCE_EXHAUSTED; a
// JSON exception INVALID_ARGUMENT (it comes from a caller's JSON value, e.g. a string
// that is not UTF-8); anything else, a failed RV_ASSERT included, is our bug: INTERNAL.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory");
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("invalid JSON value: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("internal error (a bug in ruvector; please report it): ") + e.what());
  } catch (...) {
    return Status::Internal("internal error (a bug in ruvector; please report it): unknown exception");
  }
}

}  // namespace

namespace {

using StoreIdentity = std::pair<std::uint64_t, std::uint64_t>;

// The databases this process has open by storage_path, so that a second open of the
// same store shares it. `mu` is held for a whole durable open (and check_open) and while
// the last handle of a store closes it, so an open never races with a close.
struct OpenStores {
  struct Entry {
    std::weak_ptr<Database::Impl> impl;
    const Database::Impl* raw = nullptr;
    pid_t pid = 0;  // a child process after fork() ignores its parent's entries
  };
  std::mutex mu;
  std::map<StoreIdentity, Entry> open;

  // Signalled when a closing database has left `open` (its storage closed).
  std::condition_variable closed;

  // The live database of `identity` opened by this process, or nullptr. `lock` holds
  // `mu`. When the last handle on it is closing (the database is gone but its closer has
  // not yet closed the storage and left the table), waits for the close to finish, so the
  // caller never sees the store locked by this very process.
  std::shared_ptr<Database::Impl> find(std::unique_lock<std::mutex>& lock, const StoreIdentity& identity) {
    for (;;) {
      auto it = open.find(identity);
      if (it == open.end() || it->second.pid != ::getpid()) return nullptr;
      if (std::shared_ptr<Database::Impl> live = it->second.impl.lock()) return live;
      closed.wait(lock);
    }
  }
};

OpenStores& open_stores() {
  // Never destroyed: handles may outlive statics. A fork() while another thread holds
  // `mu` would leave it locked in the child forever; hold it across fork() instead.
  static OpenStores* stores = [] {
    auto* s = new OpenStores();
    ::pthread_atfork([] { open_stores().mu.lock(); }, [] { open_stores().mu.unlock(); },
                     [] { open_stores().mu.unlock(); });
    return s;
  }();
  return *stores;
}

}  // namespace

// Deleter of the shared Impl, run by the last handle: unregisters the store, writes the
// index image (best effort: a failure only means the next open rebuilds the index) and
// closes the storage.
struct ImplCloser {
  std::optional<StoreIdentity> identity;
  void operator()(Database::Impl* impl) const {
    std::unique_lock<std::mutex> lock(open_stores().mu, std::defer_lock);
    if (identity) {
      lock.lock();
      auto it = open_stores().open.find(*identity);
      if (it != open_stores().open.end() && it->second.raw == impl) open_stores().open.erase(it);
    }
    try {
      std::lock_guard<std::mutex> writer(impl->write_mu);
      (void)impl->store_image();
    } catch (...) {
    }
    delete impl;
    // Opens of this store wait in OpenStores::find() until the storage is closed.
    if (identity) open_stores().closed.notify_all();
  }
};

// Makes `impl` the database every handle on the store at `identity` in this process
// shares. Caller holds stores.mu.
std::shared_ptr<Database::Impl> share_store(OpenStores& stores, const StoreIdentity& identity,
                                            std::unique_ptr<Database::Impl> impl) {
  std::shared_ptr<Database::Impl> shared(impl.release(), ImplCloser{identity});
  stores.open.insert_or_assign(identity, OpenStores::Entry{shared, shared.get(), ::getpid()});
  return shared;
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(impl.release(), ImplCloser{}) {}
Database::Database(std::shared_ptr<Impl> impl, bool read_only) : impl_(std::move(impl)), read_only_(read_only) {}
Database::~Database() = default;

Status Database::refuse_if_read_only() const {
  if (read_only_) return Status::Unsupported("this handle was opened read-only; writes are refused");
  return Status::Ok();
}

namespace {

// Opens the storage an options object asks for (storage, or storage_path, or none).
// A missing storage_path is created in the layout new_store_is_single_file() picks.
Result<std::shared_ptr<Storage>> resolve_storage(const DatabaseOptions& options) {
  if (options.storage || options.storage_path.empty()) return options.storage;
  RUVECTOR_ASSIGN_OR_RETURN(detail::StoreLocation loc, detail::locate_store(options.storage_path));
  if (loc.kind == detail::StoreKind::kReferenceFile)
    return detail::open_reference_import(options.storage_path, options);
  DurableStorageOptions so;
  so.read_only = options.read_only;
  so.single_file = loc.kind == detail::StoreKind::kMissing ? detail::new_store_is_single_file(options.storage_path)
                                                           : loc.kind == detail::StoreKind::kFile;
  return open_durable_storage(options.storage_path, so);
}

// A handle on a store this process already has open, with `o`: LOCKED when a writer is
// asked of a store open read-only here; INVALID_ARGUMENT when `o` contradicts its settings.
Status check_shared(const Database::Impl& impl, const DatabaseOptions& o) {
  if (!o.read_only && impl.storage && impl.storage->read_only())
    return Status::Locked("database '" + o.storage_path +
                          "' is already open read-only in this process; close those handles before opening it for "
                          "writing, or open it read-only");
  DatabaseInfo s = impl.settings;
  RUVECTOR_RETURN_IF_ERROR(merge_options(o, s));
  if (o.floats && *o.floats != impl.settings.floats)
    return Status::InvalidArgument(std::string("floats '") + float_placement_name(*o.floats) +
                                   "' contradicts the open database's floats '" +
                                   float_placement_name(impl.settings.floats) + "' in this process");
  if (s.quantization != impl.settings.quantization || s.rescore != impl.settings.rescore)
    return Status::InvalidArgument(std::string("quantization ") + quantization_name(s.quantization) + " (rescore " +
                                   std::to_string(s.rescore) + ") contradicts the open database's quantization " +
                                   quantization_name(impl.settings.quantization) + " (rescore " +
                                   std::to_string(impl.settings.rescore) +
                                   ") in this process; a database converts only when no handle is open");
  return Status::Ok();
}


// Settings for a database that has none stored yet, from explicit options and defaults.
Result<DatabaseInfo> settings_from_options(const DatabaseOptions& o, bool has_storage = false) {
  RUVECTOR_RETURN_IF_ERROR(detail::validate_dimensions(o.dimensions));
  DatabaseInfo s;
  s.dimensions = o.dimensions;
  s.metric = o.metric.value_or(Metric::kCosine);
  s.index = o.index.value_or(IndexKind::kHnsw);
  s.hnsw = o.hnsw.value_or(HnswParams{});
  RUVECTOR_RETURN_IF_ERROR(detail::validate_hnsw(s.hnsw));
  s.quantization = o.quantization.value_or(Quantization::kNone);
  s.rescore = o.rescore.value_or(default_rescore(s.quantization));
  RUVECTOR_RETURN_IF_ERROR(detail::validate_rescore(s.quantization, s.metric, s.rescore));
  RUVECTOR_RETURN_IF_ERROR(resolve_floats(o, has_storage, s));
  return s;
}

// Settings for a new durable database from the options (dimensions are required).
Result<DatabaseInfo> new_store_settings(const DatabaseOptions& o) {
  if (o.dimensions == 0)
    return Status::InvalidArgument("dimensions must be given to create a new database (1.." +
                                   std::to_string(kMaxDimensions) + ")");
  return settings_from_options(o, true);
}

}  // namespace

Result<std::unique_ptr<Database::Impl>> Database::Impl::create(const DatabaseInfo& s, std::shared_ptr<Storage> storage,
                                                               unsigned threads) {
  auto impl = std::make_unique<Impl>(s, std::move(storage), detail::resolve_threads(threads));
  if (s.index == IndexKind::kHnsw) {
    RUVECTOR_ASSIGN_OR_RETURN(impl->index, detail::make_hnsw_index(impl->space, s.hnsw));
  } else {
    impl->index = detail::make_flat_index(impl->space);
  }
  impl->space.set_quantization(s.quantization, s.hnsw.seed);
  impl->space.set_float_placement(s.floats);
  // Rows outside a write's row scope (floats in the store): one short read each.
  Impl* raw = impl.get();
  impl->space.set_row_fallback([raw](Slot slot, float* out) -> bool {
    auto reader = raw->row_reader();
    if (!reader.ok()) return false;
    auto row = (*reader)->row(slot);
    if (!row.ok()) return false;
    std::copy(*row, *row + raw->settings.dimensions, out);
    return true;
  });
  impl->settings.storage = impl->storage ? impl->storage->describe() : "memory";
  return impl;
}

namespace {

// Loads the database held by `storage` (nullptr: a new in-memory one).
Result<std::unique_ptr<Database::Impl>> load_database(const DatabaseOptions& options,
                                                      const std::shared_ptr<Storage>& storage) {
  using Impl = Database::Impl;
  std::optional<std::string> stored;
  if (storage) {
    RUVECTOR_ASSIGN_OR_RETURN(stored, storage->get_value(kSettingsKey));
  }
  DatabaseInfo s;
  bool converted = false;
  if (stored) {
    RUVECTOR_ASSIGN_OR_RETURN(s, parse_settings(*stored));
    const DatabaseInfo before = s;
    RUVECTOR_RETURN_IF_ERROR(merge_options(options, s));
    converted = before.quantization != s.quantization || before.rescore != s.rescore;
    RUVECTOR_RETURN_IF_ERROR(resolve_floats(options, true, s));
  } else {
    if (storage && storage->read_only())
      return Status::NotFound("'" + storage->describe() + "' holds no ruvector database");
    if (storage) {
      RUVECTOR_ASSIGN_OR_RETURN(s, new_store_settings(options));
    } else {
      RUVECTOR_ASSIGN_OR_RETURN(s, settings_from_options(options));
    }
  }
  RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, Impl::create(s, storage, options.threads));
  if (!storage) return impl;
  if (!stored) {
    RUVECTOR_RETURN_IF_ERROR(storage->put_value(kSettingsKey, settings_json(impl->settings).dump()));
    return impl;
  }
  // A changed quantization is a conversion in place: the new setting is stored, the
  // codes are built from the floats below, the graph image stays valid. (Read-only:
  // in this process only.)
  if (converted && !storage->read_only())
    RUVECTOR_RETURN_IF_ERROR(storage->put_value(kSettingsKey, settings_json(impl->settings).dump()));
  // Load every record (in id order) straight into the vector space, then the index
  // image if it matches them.
  RUVECTOR_ASSIGN_OR_RETURN(std::uint64_t generation, storage->generation());
  std::vector<Impl::Upsert> ups;
  RUVECTOR_ASSIGN_OR_RETURN(std::uint64_t count, storage->count());
  ups.reserve(static_cast<std::size_t>(count));
  impl->space.reserve(static_cast<std::size_t>(count));
  RUVECTOR_RETURN_IF_ERROR(storage->scan([&](const StoredRecordView& r) -> Status {
    if (r.vector.size() != s.dimensions)
      return Status::Corruption("record '" + std::string(r.id) + "' has " + std::to_string(r.vector.size()) +
                                " values, the database has " + std::to_string(s.dimensions) + " dimensions");
    RUVECTOR_ASSIGN_OR_RETURN(Json meta, parse_metadata(r.id, r.metadata_json));
    const auto slot = static_cast<Slot>(ups.size());
    impl->space.reserve(static_cast<std::size_t>(slot) + 1);
    impl->space.set(slot, r.vector.data());
    ups.push_back(Impl::Upsert{std::string(r.id), {}, std::move(meta), std::string(r.metadata_json)});
    return Status::Ok();
  }));
  RUVECTOR_ASSIGN_OR_RETURN(std::optional<std::string> image, storage->get_value(kImageKey));
  impl->bulk_load(ups, image ? std::optional<std::string_view>(*image) : std::nullopt, generation);
  return impl;
}


}  // namespace

Result<std::unique_ptr<Database>> Database::open(const DatabaseOptions& options) {
  return guarded([&]() -> Result<std::unique_ptr<Database>> {
    if (options.storage || options.storage_path.empty()) {
      RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, load_database(options, options.storage));
      return std::unique_ptr<Database>(new Database(std::move(impl)));
    }
    OpenStores& stores = open_stores();
    std::shared_ptr<Impl> existing;  // declared before the lock: released after it
    std::unique_lock<std::mutex> lock(stores.mu);
    RUVECTOR_ASSIGN_OR_RETURN(detail::StoreLocation loc, detail::locate_store(options.storage_path));
    if (loc.kind != detail::StoreKind::kMissing) {
      existing = stores.find(lock, loc.identity);
      if (existing) {
        RUVECTOR_RETURN_IF_ERROR(check_shared(*existing, options));
        return std::unique_ptr<Database>(new Database(existing, options.read_only));
      }
    }
    if (loc.kind == detail::StoreKind::kMissing && !options.read_only) {
      RUVECTOR_RETURN_IF_ERROR(new_store_settings(options).status());  // before creating anything
    }
    RUVECTOR_ASSIGN_OR_RETURN(std::shared_ptr<Storage> storage, resolve_storage(options));
    RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, load_database(options, storage));
    if (loc.kind == detail::StoreKind::kMissing) {
      RUVECTOR_ASSIGN_OR_RETURN(loc, detail::locate_store(options.storage_path));
    }
    return std::unique_ptr<Database>(new Database(share_store(stores, loc.identity, std::move(impl)), options.read_only));
  });
}

namespace {

// check_open for an existing store at `path` that this process does not have open.
Status check_store(const std::string& path, const detail::StoreLocation& loc, const DatabaseOptions& options) {
  if (!options.read_only) RUVECTOR_RETURN_IF_ERROR(detail::probe_writer_lock(path, loc.kind));
  std::optional<std::string> stored;
  if (!loc.empty_file) {
    DurableStorageOptions so;
    so.read_only = true;
    so.single_file = loc.kind == detail::StoreKind::kFile;
    auto storage = open_durable_storage(path, so);
    if (!storage.ok() && storage.status().code() != StatusCode::kNotFound) return storage.status();
    if (storage.ok()) {
      RUVECTOR_ASSIGN_OR_RETURN(stored, (*storage)->get_value(kSettingsKey));
    }
  }
  if (!stored) {
    if (options.read_only) return Status::NotFound("'" + path + "' holds no ruvector database");
    return new_store_settings(options).status();
  }
  RUVECTOR_ASSIGN_OR_RETURN(DatabaseInfo s, parse_settings(*stored));
  RUVECTOR_RETURN_IF_ERROR(merge_options(options, s));
  return resolve_floats(options, true, s);
}

}  // namespace

Status Database::check_open(const DatabaseOptions& options) {
  return guarded([&]() -> Status {
    if (options.storage) return Status::Ok();  // opened by the caller already
    if (options.storage_path.empty()) return settings_from_options(options).status();
    const std::string& path = options.storage_path;
    OpenStores& stores = open_stores();
    std::shared_ptr<Impl> existing;  // declared before the lock: released after it
    std::unique_lock<std::mutex> lock(stores.mu);
    RUVECTOR_ASSIGN_OR_RETURN(detail::StoreLocation loc, detail::locate_store(path));
    if (loc.kind != detail::StoreKind::kMissing) {
      existing = stores.find(lock, loc.identity);
      if (existing) return check_shared(*existing, options);
    }
    switch (loc.kind) {
      case detail::StoreKind::kMissing:
        if (options.read_only)
          return Status::NotFound("database '" + path + "' does not exist (a read-only open never creates it)");
        return new_store_settings(options).status();
      case detail::StoreKind::kReferenceFile: {
        RUVECTOR_ASSIGN_OR_RETURN(std::optional<DatabaseOptions> created, detail::check_reference_import(path, options));
        if (!created) {
          const std::string sibling = detail::reference_import_path(path);
          RUVECTOR_ASSIGN_OR_RETURN(detail::StoreLocation sib, detail::locate_store(sibling));
          if (sib.kind == detail::StoreKind::kMissing) return Status::Ok();
          return check_store(sibling, sib, options);
        }
        RUVECTOR_ASSIGN_OR_RETURN(DatabaseInfo s, new_store_settings(*created));
        return merge_options(options, s);
      }
      case detail::StoreKind::kDirectory:
      case detail::StoreKind::kFile:
        return check_store(path, loc, options);
    }
    return Status::Ok();
  });
}

Result<std::string> Database::insert(const Entry& entry) {
  RUVECTOR_ASSIGN_OR_RETURN(auto written, insert_batch(std::span<const Entry>(&entry, 1)));
  return std::move(written.front());
}

Result<std::vector<std::string>> Database::insert_batch(std::span<const Entry> entries) {
  return guarded([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    if (entries.empty()) return ids;
    RUVECTOR_RETURN_IF_ERROR(refuse_if_read_only());
    RUVECTOR_ASSIGN_OR_RETURN(std::vector<Impl::Upsert> ups, impl_->plan_upserts(entries, ids));
    std::lock_guard<std::mutex> writer(impl_->write_mu);
    if (impl_->storage && impl_->storage->read_only())
      return Status::Unsupported("the database is open read-only; writes are refused");
    RUVECTOR_RETURN_IF_ERROR(impl_->write_storage(ups, {}));
    std::unique_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    Impl::WriteRows rows(*impl_);
    Status st = rows.begin();
    if (!st.ok()) {
      impl_->storage_in_doubt = true;  // in the store, not in memory
      return st;
    }
    impl_->apply_upserts(ups);
    impl_->image_stale = true;
    RUVECTOR_RETURN_IF_ERROR(rows.status());
    return ids;
  });
}

Result<Record> Database::get(std::string_view id) const {
  return guarded([&]() -> Result<Record> {
    std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    const std::optional<Slot> slot = impl_->ids.find(id);
    if (!slot) return Status::NotFound("no entry with id '" + std::string(id) + "'");
    RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<detail::RowReader> reader, impl_->row_reader());
    RUVECTOR_ASSIGN_OR_RETURN(const float* v, reader->row(*slot));
    Record r{impl_->ids[*slot], std::vector<float>(v, v + impl_->settings.dimensions), impl_->metadata.value(*slot)};
    r.vector_decoded = impl_->vectors_decoded();
    return r;
  });
}

Result<bool> Database::remove(std::string_view id) {
  return guarded([&]() -> Result<bool> {
    RUVECTOR_RETURN_IF_ERROR(refuse_if_read_only());
    std::lock_guard<std::mutex> writer(impl_->write_mu);
    RUVECTOR_ASSIGN_OR_RETURN(std::optional<Slot> found, impl_->writable_slot(id));
    if (!found) {
      // After a write of unknown outcome the store may hold the id: delete it there too.
      if (impl_->storage_in_doubt) RUVECTOR_RETURN_IF_ERROR(impl_->write_storage({}, {std::string(id)}));
      return false;
    }
    const Slot slot = *found;
    RUVECTOR_RETURN_IF_ERROR(impl_->write_storage({}, {std::string(id)}));
    std::unique_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    Impl::WriteRows rows(*impl_);
    Status st = rows.begin();
    if (!st.ok()) {
      impl_->storage_in_doubt = true;  // deleted in the store, not in memory
      return st;
    }
    impl_->apply_remove(slot);
    impl_->image_stale = true;
    RUVECTOR_RETURN_IF_ERROR(rows.status());
    return true;
  });
}

Result<bool> Database::set_metadata(std::string_view id, const Json& metadata) {
  return guarded([&]() -> Result<bool> {
    RUVECTOR_RETURN_IF_ERROR(detail::validate_metadata(metadata));
    RUVECTOR_RETURN_IF_ERROR(refuse_if_read_only());
    std::lock_guard<std::mutex> writer(impl_->write_mu);
    RUVECTOR_ASSIGN_OR_RETURN(std::optional<Slot> found, impl_->writable_slot(id));
    if (!found) return false;
    const Slot slot = *found;
    std::string text = detail::metadata_text(metadata);
    if (impl_->storage) {
      std::vector<float> vector;  // copied: the reader is gone before the write
      {
        std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
        RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<detail::RowReader> reader, impl_->row_reader());
        RUVECTOR_ASSIGN_OR_RETURN(const float* v, reader->row(slot));
        vector.assign(v, v + impl_->settings.dimensions);
      }
      Impl::Upsert u{std::string(id), vector, metadata, text};
      RUVECTOR_RETURN_IF_ERROR(impl_->write_storage({u}, {}));
    }
    std::unique_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    impl_->metadata.set(slot, metadata, std::move(text));
    return true;
  });
}

std::size_t Database::size() const {
  std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
  return impl_->ids.size();
}

Result<std::vector<SearchHit>> Database::search(const SearchQuery& query) const {
  return guarded([&] { return impl_->search(query, nullptr); });
}

Result<std::vector<SearchHit>> Database::search(const SearchQuery& query, std::string* metadata_json_array) const {
  return guarded([&]() -> Result<std::vector<SearchHit>> {
    RV_ASSERT(metadata_json_array != nullptr, "search: metadata_json_array is null");
    return impl_->search(query, metadata_json_array);
  });
}

std::string metadata_json_array(std::span<const SearchHit> hits) {
  std::string out(1, '[');
  for (std::size_t i = 0; i < hits.size(); ++i) detail::append_json_array_element(out, hits[i].metadata_json, i == 0);
  out.push_back(']');
  return out;
}

Result<std::vector<std::vector<SearchHit>>> Database::search_batch(std::span<const SearchQuery> queries) const {
  return guarded([&]() -> Result<std::vector<std::vector<SearchHit>>> {
    std::vector<PlannedQuery> plans;
    plans.reserve(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) {
      auto p = impl_->plan_query(queries[i]);
      if (!p.ok()) return p.status().WithContext("query " + std::to_string(i));
      plans.push_back(std::move(p).value());
    }
    std::vector<std::vector<SearchHit>> out(queries.size());
    std::vector<Status> failures(queries.size());
    std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    detail::parallel_for(plans.size(), impl_->threads, 4,
                         [&](std::size_t i, unsigned) { out[i] = impl_->run_query(plans[i], &failures[i]); });
    for (std::size_t i = 0; i < failures.size(); ++i)
      if (!failures[i].ok()) return failures[i].WithContext("query " + std::to_string(i));
    return out;
  });
}

DatabaseInfo Database::info() const {
  std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
  DatabaseInfo i = impl_->settings;
  i.count = impl_->ids.size();
  i.index_source = impl_->index_source;
  const detail::CodeStore* codes = impl_->space.codes();
  i.codes_trained_on = codes ? codes->trained_on() : 0;
  i.vectors_decoded = impl_->vectors_decoded();
  i.memory.codes = impl_->space.code_bytes();
  i.memory.floats = impl_->space.float_bytes();
  i.memory.graph = impl_->index->memory_bytes();
  i.memory.ids = impl_->ids.memory_bytes();
  i.memory.metadata = impl_->metadata.heap_bytes();
  i.memory_bytes = i.memory.codes + i.memory.floats + i.memory.graph + i.memory.ids + i.memory.metadata;
  return i;
}

Status Database::for_each(const std::function<Status(const Record&)>& visit) const {
  return guarded([&]() -> Status {
    std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    Record r;
    RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<detail::RowReader> reader, impl_->row_reader());
    r.vector_decoded = impl_->vectors_decoded();
    for (std::size_t s = 0; s < impl_->ids.slot_count(); ++s) {
      const auto slot = static_cast<Slot>(s);
      if (impl_->ids[slot].empty()) continue;
      r.id = impl_->ids[slot];
      RUVECTOR_ASSIGN_OR_RETURN(const float* v, reader->row(slot));
      r.vector.assign(v, v + impl_->settings.dimensions);
      r.metadata = impl_->metadata.value(slot);
      RUVECTOR_RETURN_IF_ERROR(visit(r));
    }
    return Status::Ok();
  });
}

Status Database::check_invariants() const {
  return guarded([&]() -> Status {
    std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    RUVECTOR_RETURN_IF_ERROR(impl_->ids.check());
    if (impl_->metadata.heap_bytes() != impl_->metadata.recount_heap_bytes())
      return Status::Internal("metadata column: running heap total " + std::to_string(impl_->metadata.heap_bytes()) +
                              " != recounted " + std::to_string(impl_->metadata.recount_heap_bytes()));
    return impl_->index->check_invariants();
  });
}

Result<std::vector<std::vector<std::string>>> Database::graph_links(std::string_view id) const {
  return guarded([&]() -> Result<std::vector<std::vector<std::string>>> {
    if (impl_->settings.index != IndexKind::kHnsw) return Status::Unsupported("a flat index has no graph links");
    std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    const std::optional<Slot> slot = impl_->ids.find(id);
    if (!slot) return Status::NotFound("no entry with id '" + std::string(id) + "'");
    std::vector<std::vector<std::string>> out;
    for (const std::vector<Slot>& layer : impl_->index->links_of(*slot)) {
      std::vector<std::string> names;
      names.reserve(layer.size());
      for (Slot t : layer)
        if (!impl_->ids[t].empty()) names.push_back(impl_->ids[t]);
      out.push_back(std::move(names));
    }
    return out;
  });
}

Status Database::checkpoint() {
  return guarded([&]() -> Status {
    std::lock_guard<std::mutex> writer(impl_->write_mu);
    return impl_->store_image();
  });
}

Status Database::serialize_to(const std::function<Status(std::string_view)>& sink, std::size_t chunk_bytes) const {
  return guarded([&]() -> Status {
    std::shared_lock<detail::WriterPriorityMutex> lock(impl_->mu);
    const Impl& m = *impl_;
    const std::vector<Slot> order = m.slots_in_id_order();
    const std::string image = m.make_image(order, 0);
    RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<detail::RowReader> reader, m.row_reader());
    DatabaseInfo settings = m.settings;
    settings.vectors_decoded = m.vectors_decoded();  // the snapshot says it holds decoded codes
    Status row_failure;
    Status st = detail::encode_snapshot_stream(
        m.settings.quantization == Quantization::kNone ? detail::kSnapshotVersionPlain
                                                       : detail::kSnapshotVersionQuantized,
        settings_json(settings).dump(), order.size(), m.settings.dimensions,
        [&](const std::function<void(const detail::SnapshotRecord&)>& emit) {
          for (Slot s : order) {
            auto v = reader->row(s);
            if (!v.ok()) {  // the encoder cannot stop here: the sink is told below
              if (row_failure.ok()) row_failure = v.status();
              continue;
            }
            emit({m.ids[s], std::span<const float>(*v, m.settings.dimensions), m.metadata.text(s)});
          }
        },
        image, chunk_bytes, sink);
    if (!row_failure.ok()) return row_failure;
    return st;
  });
}

Result<std::string> Database::serialize() const {
  std::string bytes;
  RUVECTOR_RETURN_IF_ERROR(serialize_to(
      [&](std::string_view piece) {
        bytes.append(piece);
        return Status::Ok();
      },
      std::size_t{1} << 20));
  return bytes;
}

Status Database::serialize_to_file(const std::string& path) const {
  RUVECTOR_ASSIGN_OR_RETURN(std::string bytes, serialize());
  return detail::write_file_atomically(path, bytes);
}

Result<std::unique_ptr<Database>> Database::deserialize(std::string_view bytes, const DatabaseOptions& options) {
  return guarded([&]() -> Result<std::unique_ptr<Database>> {
    RUVECTOR_ASSIGN_OR_RETURN(detail::DecodedSnapshot snap, detail::decode_snapshot(bytes));
    return load_decoded(snap, options);
  });
}

Result<std::unique_ptr<Database>> Database::deserialize_stream(const std::function<Result<std::string>()>& next_piece,
                                                               const DatabaseOptions& options) {
  return guarded([&]() -> Result<std::unique_ptr<Database>> {
    detail::SnapshotStreamDecoder decoder;
    for (;;) {
      RUVECTOR_ASSIGN_OR_RETURN(std::string piece, next_piece());
      if (piece.empty()) break;
      RUVECTOR_RETURN_IF_ERROR(decoder.feed(piece));
    }
    RUVECTOR_ASSIGN_OR_RETURN(detail::OwnedSnapshot owned, decoder.finish());
    detail::DecodedSnapshot snap = owned.take_view();
    return load_decoded(snap, options);
  });
}

Result<std::unique_ptr<Database>> Database::load_decoded(detail::DecodedSnapshot& snap, const DatabaseOptions& options) {
  {
    RUVECTOR_ASSIGN_OR_RETURN(DatabaseInfo s, parse_settings(std::string(snap.settings_json)));
    if ((snap.version == detail::kSnapshotVersionQuantized) != (s.quantization != Quantization::kNone))
      return Status::Corruption("snapshot: format version " + std::to_string(snap.version) +
                                " does not match its settings' quantization");
    RUVECTOR_RETURN_IF_ERROR(merge_options(options, s));
    RUVECTOR_RETURN_IF_ERROR(resolve_floats(options, options.storage || !options.storage_path.empty(), s));
    if (snap.dimensions != s.dimensions) return Status::Corruption("snapshot: records do not match its settings");
    // Every record must be one the engine would have accepted.
    std::vector<Impl::Upsert> ups(snap.ids.size());
    for (std::size_t i = 0; i < ups.size(); ++i) {
      const std::span<const float> v(snap.vectors.data() + i * s.dimensions, s.dimensions);
      Status st = detail::validate_id(snap.ids[i]);
      if (st.ok()) st = detail::validate_vector(v, s.dimensions);
      if (!st.ok()) return Status::Corruption("snapshot: record " + std::to_string(i) + ": " + st.message());
      if (i > 0 && !(snap.ids[i - 1] < snap.ids[i]))
        return Status::Corruption("snapshot: record ids are not unique and sorted");
      RUVECTOR_ASSIGN_OR_RETURN(Json meta, parse_metadata(snap.ids[i], snap.metadata_json[i]));
      ups[i] = Impl::Upsert{std::string(snap.ids[i]), v, std::move(meta), std::string(snap.metadata_json[i])};
    }
    // A path is registered like open()'s, so later opens of it in this process share
    // this database; a path this process already has open holds a database.
    const bool by_path = !options.storage && !options.storage_path.empty();
    OpenStores& stores = open_stores();
    // Declared before the lock, so it is released after it: dropping the last handle runs
    // the closer, which takes the lock.
    std::shared_ptr<Impl> open_here;
    std::unique_lock<std::mutex> stores_lock(stores.mu, std::defer_lock);
    if (by_path) {
      stores_lock.lock();
      RUVECTOR_ASSIGN_OR_RETURN(detail::StoreLocation loc, detail::locate_store(options.storage_path));
      if (loc.kind != detail::StoreKind::kMissing) open_here = stores.find(stores_lock, loc.identity);
      if (open_here)
        return Status::AlreadyExists("'" + options.storage_path +
                                     "' is open in this process and holds a database; load a snapshot into an empty "
                                     "location");
    }
    RUVECTOR_ASSIGN_OR_RETURN(std::shared_ptr<Storage> storage, resolve_storage(options));
    if (storage) {
      RUVECTOR_ASSIGN_OR_RETURN(std::optional<std::string> existing, storage->get_value(kSettingsKey));
      RUVECTOR_ASSIGN_OR_RETURN(std::uint64_t existing_count, storage->count());
      if (existing || existing_count > 0)
        return Status::AlreadyExists("'" + storage->describe() + "' already holds a database; load a snapshot into an "
                                     "empty location");
    }
    RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl, Impl::create(s, storage, options.threads));
    if (storage) {
      RUVECTOR_RETURN_IF_ERROR(storage->put_value(kSettingsKey, settings_json(impl->settings).dump()));
      RUVECTOR_RETURN_IF_ERROR(impl->write_storage(ups, {}));
    }
    impl->bulk_load(ups, snap.index_image.empty() ? std::nullopt : std::optional<std::string_view>(snap.index_image),
                    std::nullopt);
    if (storage) impl->image_stale = true;
    if (by_path) {
      RUVECTOR_ASSIGN_OR_RETURN(detail::StoreLocation loc, detail::locate_store(options.storage_path));
      return std::unique_ptr<Database>(
          new Database(share_store(stores, loc.identity, std::move(impl)), options.read_only));
    }
    return std::unique_ptr<Database>(new Database(std::move(impl)));
  }
}

Result<std::unique_ptr<Database>> Database::deserialize_file(const std::string& path, const DatabaseOptions& options) {
  RUVECTOR_ASSIGN_OR_RETURN(std::string bytes, detail::read_file(path));
  return deserialize(bytes, options);
}

}  // namespace ruvector
