// @ruvector/wasm: the engine behind a flat C ABI for JavaScript.
//
// Why a C ABI and not embind: every call here moves only numbers (pointers, lengths,
// counts) across the boundary, so there is no per-call `emscripten::val` marshalling,
// no RTTI-driven type registry, no embind JS runtime in the glue (smaller .wasm and
// .js), and no embind object whose `.delete()` a user could forget: the JS class owns
// a plain handle (a `Database*`) and frees it with rv_close() from close() or from a
// FinalizationRegistry. Bulk data (vectors, ids, metadata JSON) is written by JS into
// malloc'd wasm memory and read back from result buffers described by a small header.
//
// Errors: every entry point runs inside Guard(). An engine Status, or a C++ exception
// (bad_alloc, anything unexpected), becomes "last error" (code + message) and the
// function returns its failure value (0 / -1). The JS side turns that into an Error
// carrying `.code` (INVALID_ARGUMENT, DIMENSION_MISMATCH, ...). No exception ever
// crosses into JS, so the module stays usable after any error.
//
// Threads: the wasm build is single-threaded; the result buffers are module globals
// that stay valid until the next call that produces a result.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/record_io.h"
#include "ruvector/ruvector.h"

using ruvector::Database;
using ruvector::Json;
using ruvector::Status;
using ruvector::StatusCode;

namespace {

// ---- last error ----
int g_err_code = 0;
std::string g_err_msg;

void set_error(StatusCode code, std::string msg) {
  g_err_code = static_cast<int>(code);
  g_err_msg = std::move(msg);
}
void set_error(const Status& st) { set_error(st.code(), st.message()); }

template <class T, class F>
T Guard(T fail, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    set_error(StatusCode::kResourceExhausted,
              "out of memory: the WebAssembly heap cannot grow any further (the limit is 2 GB); "
              "use fewer or shorter vectors, or the native @ruvector/core");
  } catch (const std::exception& e) {
    set_error(StatusCode::kInternal, std::string("internal error: ") + e.what());
  } catch (...) {
    set_error(StatusCode::kInternal, "internal error: unknown C++ exception");
  }
  return fail;
}

// ---- result buffers (valid until the next call that fills them) ----
// Header layout (uint32 words), read by JS:
//  [0] count            number of hits / ids
//  [1] dims             floats per vector in `vectors` (0 when no vectors)
//  [2] scores           float32[count]
//  [3] id_offsets       uint32[count + 1] byte offsets into id_bytes
//  [4] id_bytes         UTF-8
//  [5] meta_json        UTF-8 JSON array of count metadata values (null = none), or 0
//  [6] meta_len         bytes of meta_json
//  [7] vectors          float32[count * dims], or 0
std::uint32_t g_hdr[8];
std::vector<float> g_scores;
std::vector<std::uint32_t> g_offsets;
std::string g_ids;
std::string g_meta;
std::vector<float> g_vectors;
std::string g_bytes;  // serialize() output, or a single returned string
std::vector<double> g_positions;  // rv_read_records: line or row of each row
int g_line_numbers = 0;           // rv_read_records: 1 = positions are lines

template <class T>
std::uint32_t addr(const T* p) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p));
}

// keep_meta: g_meta already holds this call's metadata text (written by the engine).
void clear_out(bool keep_meta = false) {
  g_scores.clear();
  g_offsets.clear();
  g_ids.clear();
  if (!keep_meta) g_meta.clear();
  g_vectors.clear();
  std::memset(g_hdr, 0, sizeof g_hdr);
}

// Keeps a buffer from holding on to a huge allocation after a big call.
template <class C>
void trim(C& c) {
  if (c.capacity() > (std::size_t{4} << 20)) C().swap(c);
}

std::uint32_t* publish(std::uint32_t count, std::uint32_t dims, bool with_meta, bool with_vectors) {
  g_offsets.push_back(static_cast<std::uint32_t>(g_ids.size()));
  g_hdr[0] = count;
  g_hdr[1] = with_vectors ? dims : 0;
  g_hdr[2] = addr(g_scores.data());
  g_hdr[3] = addr(g_offsets.data());
  g_hdr[4] = addr(g_ids.data());
  g_hdr[5] = with_meta ? addr(g_meta.data()) : 0;
  g_hdr[6] = with_meta ? static_cast<std::uint32_t>(g_meta.size()) : 0;
  g_hdr[7] = with_vectors ? addr(g_vectors.data()) : 0;
  return g_hdr;
}

void add_id(std::string_view id) {
  g_offsets.push_back(static_cast<std::uint32_t>(g_ids.size()));
  g_ids.append(id);
}

void add_meta(const Json& m, bool first) {
  if (!first) g_meta.push_back(',');
  if (m.is_null()) {
    g_meta += "null";
  } else {
    g_meta += m.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

bool parse_json(const char* p, std::int32_t len, const char* what, Json& out) {
  if (len < 0 || p == nullptr) {
    out = nullptr;
    return true;
  }
  out = Json::parse(std::string_view(p, static_cast<std::size_t>(len)), nullptr, false);
  if (out.is_discarded()) {
    set_error(StatusCode::kInvalidArgument, std::string(what) + " is not valid JSON");
    return false;
  }
  return true;
}

// Canonical options JSON -> DatabaseOptions for this build (single-threaded). False
// (error set) on bad input.
bool options_from(const char* p, std::int32_t len, ruvector::DatabaseOptions& out) {
  Json j;
  if (!parse_json(p, len, "options", j)) return false;
  if (j.is_null()) j = Json::object();
  auto r = ruvector::database_options_from_json(j);
  if (!r.ok()) return set_error(r.status()), false;
  out = std::move(r).value();
  out.threads = 1;
  return true;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int rv_error_code() { return g_err_code; }
EMSCRIPTEN_KEEPALIVE const char* rv_error_message() { return g_err_msg.c_str(); }
EMSCRIPTEN_KEEPALIVE const char* rv_version() { return ruvector::version(); }
EMSCRIPTEN_KEEPALIVE const char* rv_simd_level() {
  return ruvector::simd_level_name(ruvector::active_simd_level());
}

// options: the canonical options JSON (include/ruvector/options_json.h), UTF-8 of
// opt_len bytes. Returns a handle or 0.
EMSCRIPTEN_KEEPALIVE Database* rv_open(const char* options, std::int32_t opt_len) {
  return Guard<Database*>(nullptr, [&]() -> Database* {
    ruvector::DatabaseOptions o;
    if (!options_from(options, opt_len, o)) return nullptr;
    auto r = Database::open(o);
    if (!r.ok()) return set_error(r.status()), nullptr;
    return std::move(r).value().release();
  });
}

EMSCRIPTEN_KEEPALIVE void rv_close(Database* db) { delete db; }

// Settings and counters as a JSON object (UTF-8, NUL-terminated), or 0.
EMSCRIPTEN_KEEPALIVE const char* rv_info(Database* db) {
  return Guard<const char*>(nullptr, [&]() -> const char* {
    g_bytes = ruvector::database_info_to_json(db->info()).dump();
    return g_bytes.c_str();
  });
}

EMSCRIPTEN_KEEPALIVE double rv_size(Database* db) { return static_cast<double>(db->size()); }

// One entry. id_len < 0: no id (a UUID v4 is generated). meta_len < 0: no metadata.
// Returns the id (NUL-terminated, valid until the next call) or 0.
EMSCRIPTEN_KEEPALIVE const char* rv_insert(Database* db, const char* id, std::int32_t id_len, const float* vec,
                                           std::uint32_t n, const char* meta, std::int32_t meta_len) {
  return Guard<const char*>(nullptr, [&]() -> const char* {
    ruvector::Entry e;
    if (id_len >= 0) e.id.assign(id, static_cast<std::size_t>(id_len));
    e.vector = std::span<const float>(vec, n);
    if (!parse_json(meta, meta_len, "metadata", e.metadata)) return nullptr;
    auto r = db->insert(e);
    if (!r.ok()) return set_error(r.status()), nullptr;
    g_bytes = std::move(r).value();
    return g_bytes.c_str();
  });
}

// count entries. vec: all vectors end to end; vec_lens[i] = floats of entry i.
// id_bytes + id_lens[i] (0xFFFFFFFF = no id). meta: JSON array of count values
// (null = no metadata) or meta_len < 0 when no entry has metadata.
// All-or-nothing. Returns the id list header (count, id_offsets, id_bytes) or 0.
EMSCRIPTEN_KEEPALIVE std::uint32_t* rv_insert_batch(Database* db, std::uint32_t count, const float* vec,
                                                    const std::uint32_t* vec_lens, const char* id_bytes,
                                                    const std::uint32_t* id_lens, const char* meta,
                                                    std::int32_t meta_len) {
  return Guard<std::uint32_t*>(nullptr, [&]() -> std::uint32_t* {
    Json metas;
    if (!parse_json(meta, meta_len, "metadata", metas)) return nullptr;
    if (!metas.is_null() && (!metas.is_array() || metas.size() != count)) {
      set_error(StatusCode::kInternal, "internal: metadata list does not match the entries");
      return nullptr;
    }
    std::vector<ruvector::Entry> entries(count);
    std::size_t vpos = 0, ipos = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
      auto& e = entries[i];
      e.vector = std::span<const float>(vec + vpos, vec_lens[i]);
      vpos += vec_lens[i];
      if (id_lens[i] != 0xFFFFFFFFu) {
        e.id.assign(id_bytes + ipos, id_lens[i]);
        ipos += id_lens[i];
      }
      if (!metas.is_null()) e.metadata = std::move(metas[i]);
    }
    auto r = db->insert_batch(entries);
    if (!r.ok()) return set_error(r.status()), nullptr;
    clear_out();
    trim(g_ids);
    trim(g_offsets);
    for (const auto& id : *r) add_id(id);
    return publish(static_cast<std::uint32_t>(r->size()), 0, false, false);
  });
}

// flags: 1 = include vector, 2 = include metadata. k, ef: whole numbers from the JS
// contract (ef 0 = the database's efSearch). filter_len < 0: no filter. rescore < 0: the
// database's re-ranking factor. Returns the hits header or 0.
EMSCRIPTEN_KEEPALIVE std::uint32_t* rv_search(Database* db, const float* vec, std::uint32_t n, std::uint32_t k,
                                              std::uint32_t ef, const char* filter, std::int32_t filter_len, int flags,
                                              std::int32_t rescore) {
  return Guard<std::uint32_t*>(nullptr, [&]() -> std::uint32_t* {
    ruvector::SearchQuery q;
    q.vector = std::span<const float>(vec, n);
    q.k = k;
    if (ef != 0) q.ef_search = ef;
    if (rescore >= 0) q.rescore = static_cast<std::uint32_t>(rescore);
    if (!parse_json(filter, filter_len, "filter", q.filter)) return nullptr;
    q.include_vector = (flags & 1) != 0;
    const bool meta = (flags & 2) != 0;
    // With metadata, the engine writes the hits' JSON array text straight into g_meta.
    auto r = meta ? db->search(q, &g_meta) : db->search(q);
    if (!r.ok()) return set_error(r.status()), nullptr;
    clear_out(/*keep_meta=*/meta);
    const auto& hits = *r;
    g_scores.reserve(hits.size());
    for (std::size_t i = 0; i < hits.size(); ++i) {
      g_scores.push_back(hits[i].score);
      add_id(hits[i].id);
      if (q.include_vector) g_vectors.insert(g_vectors.end(), hits[i].vector.begin(), hits[i].vector.end());
    }
    return publish(static_cast<std::uint32_t>(hits.size()), n, meta, q.include_vector);
  });
}

// One record as a hits header (count 1, vector and metadata), count 0 when absent, or 0.
EMSCRIPTEN_KEEPALIVE std::uint32_t* rv_get(Database* db, const char* id, std::uint32_t id_len) {
  return Guard<std::uint32_t*>(nullptr, [&]() -> std::uint32_t* {
    auto r = db->get(std::string_view(id, id_len));
    clear_out();
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kNotFound) return publish(0, 0, false, false);
      return set_error(r.status()), nullptr;
    }
    g_scores.push_back(r->vector_decoded ? 1.0f : 0.0f);  // a record has no score: 1 = decoded vector
    add_id(r->id);
    g_vectors = std::move(r->vector);
    g_meta.push_back('[');
    add_meta(r->metadata, true);
    g_meta.push_back(']');
    return publish(1, static_cast<std::uint32_t>(g_vectors.size()), true, true);
  });
}

// 1 removed, 0 absent, -1 error.
EMSCRIPTEN_KEEPALIVE int rv_remove(Database* db, const char* id, std::uint32_t id_len) {
  return Guard<int>(-1, [&]() -> int {
    auto r = db->remove(std::string_view(id, id_len));
    if (!r.ok()) return set_error(r.status()), -1;
    return *r ? 1 : 0;
  });
}

// The portable snapshot. Returns a pointer to its bytes (length from rv_bytes_len),
// valid until rv_release() or the next call that returns bytes; 0 on error.
EMSCRIPTEN_KEEPALIVE const char* rv_serialize(Database* db) {
  return Guard<const char*>(nullptr, [&]() -> const char* {
    auto r = db->serialize();
    if (!r.ok()) return set_error(r.status()), nullptr;
    g_bytes = std::move(r).value();
    return g_bytes.data();
  });
}
EMSCRIPTEN_KEEPALIVE double rv_bytes_len() { return static_cast<double>(g_bytes.size()); }
EMSCRIPTEN_KEEPALIVE void rv_release() {
  std::string().swap(g_bytes);
  clear_out();
  trim(g_scores);
  trim(g_offsets);
  trim(g_ids);
  trim(g_meta);
  trim(g_vectors);
  std::vector<double>().swap(g_positions);
}

// options: canonical options JSON that the snapshot's settings must agree with.
EMSCRIPTEN_KEEPALIVE Database* rv_deserialize(const char* bytes, std::uint32_t len, const char* options,
                                              std::int32_t opt_len) {
  return Guard<Database*>(nullptr, [&]() -> Database* {
    ruvector::DatabaseOptions o;
    if (!options_from(options, opt_len, o)) return nullptr;
    auto r = Database::deserialize(std::string_view(bytes, len), o);
    if (!r.ok()) return set_error(r.status()), nullptr;
    return std::move(r).value().release();
  });
}

// ---- record formats (include/ruvector/record_io.h), for the `ruvector` CLI ----

}  // extern "C"

// The progress of rv_read_records: Module.rvRecordProgress(done, total) when the JS side
// set one for the call (npm/wasm/src/api.mjs); called synchronously.
EM_JS(void, rv_report_record_progress, (double done, double total), {
  if (typeof Module['rvRecordProgress'] === 'function') Module['rvRecordProgress'](done, total);
});

extern "C" {

// bytes: the file; format: its name (json, jsonl, csv, npy, fvecs, snapshot);
// options: JSON {source, dimensions, idPrefix, maxRows} or opt_len < 0. Returns the
// header (count rows, dims, id_offsets, id_bytes ("" = none), meta_json = JSON array,
// vectors) or 0; rv_record_positions() / rv_record_line_numbers() describe the rows.
// Reports its progress through rv_report_record_progress.
EMSCRIPTEN_KEEPALIVE std::uint32_t* rv_read_records(const char* bytes, std::uint32_t len, const char* format,
                                                    std::uint32_t format_len, const char* options,
                                                    std::int32_t opt_len) {
  return Guard<std::uint32_t*>(nullptr, [&]() -> std::uint32_t* {
    auto f = ruvector::parse_record_format(std::string_view(format, format_len));
    if (!f.ok()) return set_error(f.status()), nullptr;
    Json j;
    if (!parse_json(options, opt_len, "options", j)) return nullptr;
    ruvector::RecordReadOptions o = ruvector::record_read_options_from_json(j);
    o.progress = [](std::uint64_t done, std::uint64_t total) {
      rv_report_record_progress(static_cast<double>(done), static_cast<double>(total));
    };
    auto r = ruvector::read_records(std::string_view(bytes, len), *f, o);
    if (!r.ok()) return set_error(r.status()), nullptr;
    clear_out();
    ruvector::RecordRows& d = *r;
    g_positions.assign(d.lines.begin(), d.lines.end());
    g_line_numbers = d.line_numbers ? 1 : 0;
    g_meta.push_back('[');
    for (std::size_t i = 0; i < d.rows(); ++i) {
      add_id(d.ids[i]);
      add_meta(d.metadata[i], i == 0);
    }
    g_meta.push_back(']');
    g_vectors = std::move(d.values);
    return publish(static_cast<std::uint32_t>(d.rows()), d.dimensions, true, true);
  });
}
EMSCRIPTEN_KEEPALIVE const double* rv_record_positions() { return g_positions.data(); }
EMSCRIPTEN_KEEPALIVE int rv_record_line_numbers() { return g_line_numbers; }

// The canonical name (NUL-terminated) of a format name (is_path 0) or of a file
// name's extension (is_path 1), or 0.
EMSCRIPTEN_KEEPALIVE const char* rv_record_format(const char* text, std::uint32_t len, int is_path) {
  return Guard<const char*>(nullptr, [&]() -> const char* {
    const std::string_view t(text, len);
    auto f = is_path ? ruvector::record_format_from_path(t) : ruvector::parse_record_format(t);
    if (!f.ok()) return set_error(f.status()), nullptr;
    return ruvector::record_format_name(*f);
  });
}

// A vector typed on the command line. Returns the header (count 1, dims = length,
// vectors) or 0.
EMSCRIPTEN_KEEPALIVE std::uint32_t* rv_parse_vector_text(const char* text, std::uint32_t len) {
  return Guard<std::uint32_t*>(nullptr, [&]() -> std::uint32_t* {
    auto v = ruvector::parse_vector_text(std::string_view(text, len));
    if (!v.ok()) return set_error(v.status()), nullptr;
    clear_out();
    g_vectors = std::move(v).value();
    return publish(1, static_cast<std::uint32_t>(g_vectors.size()), false, true);
  });
}

// The records of a snapshot as JSON Lines: a pointer to the text (length from
// rv_bytes_len), valid until rv_release() or the next call that returns bytes; 0 on error.
EMSCRIPTEN_KEEPALIVE const char* rv_snapshot_to_jsonl(const char* bytes, std::uint32_t len, const char* source,
                                                      std::uint32_t source_len) {
  return Guard<const char*>(nullptr, [&]() -> const char* {
    auto r = ruvector::snapshot_to_jsonl(std::string_view(bytes, len), std::string(source, source_len));
    if (!r.ok()) return set_error(r.status()), nullptr;
    g_bytes = std::move(r).value();
    return g_bytes.data();
  });
}

}  // extern "C"
