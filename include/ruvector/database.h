// Database: a collection of fixed-length float32 vectors with optional JSON
// metadata, an index (HNSW or exact) and an optional persistence backend.
//
// Threads: every method is thread-safe. Reads (search, search_batch, get, size,
// empty, options) run concurrently with each other. Writes (insert, insert_batch,
// remove) are serialised and exclude reads while they modify the index, so a reader
// sees each write whole or not at all (no torn results). insert_batch and
// search_batch use `DatabaseOptions::threads` worker threads internally.
//
// Failure: every method returns Status/Result; no exception escapes. A failed
// call leaves the database unchanged and usable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/options.h"
#include "ruvector/result.h"
#include "ruvector/types.h"

namespace ruvector {

namespace detail {
struct DecodedSnapshot;
}  // namespace detail

// Settings that describe a database once it exists (after defaults were applied and
// stored settings merged in).
struct DatabaseInfo {
  std::uint32_t dimensions = 0;
  Metric metric = Metric::kCosine;
  IndexKind index = IndexKind::kHnsw;
  HnswParams hnsw;
  Quantization quantization = Quantization::kNone;
  // Re-ranking factor in use (1 for none; see DatabaseOptions::rescore).
  std::uint32_t rescore = 1;
  // Where the float vectors live in this open (DatabaseOptions::floats after defaults).
  FloatPlacement floats = FloatPlacement::kMemory;
  // True when the database holds decoded codes instead of the inserted floats: it
  // dropped them (kDrop, once the codes are trained), or it was loaded from a snapshot
  // of such a database. get() then sets Record::vector_decoded, and snapshots say so.
  bool vectors_decoded = false;
  // Number of vectors the codes were last trained on; 0 = not trained yet (searches
  // are exact on the floats until kMinTrainVectors are stored; docs/quantization.md).
  std::uint64_t codes_trained_on = 0;
  std::uint64_t count = 0;
  std::string storage;  // Storage::describe(), or "memory" for an in-memory database
  // How the index was obtained when the database was opened: "new" (empty or
  // in-memory), "image" (loaded from the persisted index image), or
  // "rebuilt: <reason>" (built from the records because the image was missing, stale
  // or damaged).
  std::string index_source = "new";
  // Approximate bytes held in memory by vectors, graph, ids and metadata: the sum of
  // the components below (docs/quantization.md gives the estimate formula).
  std::size_t memory_bytes = 0;
  struct MemoryBreakdown {
    std::size_t codes = 0;     // quantized codes (and the codec's parameters)
    std::size_t floats = 0;    // float vectors (and cosine inverse norms) kept in RAM
    std::size_t graph = 0;     // index structure
    std::size_t ids = 0;       // id strings, id -> slot map, slot -> id table
    std::size_t metadata = 0;  // parsed metadata (estimated from its JSON text size)
  } memory;
};

// The documented memory formula (docs/quantization.md): the bytes info().memory_bytes
// reports for `count` vectors with ids of `id_bytes` bytes and no metadata, inserted
// into a new database opened with `options` (dimensions, metric, index, hnsw.m,
// quantization are used). Matches the measured heap within ±10% (tested).
std::size_t estimate_memory_bytes(const DatabaseOptions& options, std::uint64_t count, std::size_t id_bytes = 36);

class Database {
 public:
  struct Impl;  // opaque: the state every handle on one store shares

  // Creates an in-memory database, or opens `options.storage` / `options.storage_path`
  // and loads its records. `storage_path` may name a directory store, a single-file
  // store, a database file of the reference system (imported beside it), or a missing
  // path (created; see docs/storage.md "Layouts").
  //
  // Several handles on one path in one process share one store and one index: an open
  // of a path this process already has open returns a handle on the same database
  // (options that contradict its settings are INVALID_ARGUMENT naming both values; a
  // writable open of a store open read-only here is LOCKED). A read-only handle on a
  // shared writable store refuses writes itself. Only the first handle's `threads` and
  // efSearch default apply. The store closes (and writes its index image) when the last
  // handle is destroyed. Another process still gets LOCKED as a writer.
  // Errors: INVALID_ARGUMENT (bad options, or options contradicting stored settings),
  // LOCKED, NOT_FOUND (read-only open of nothing), CORRUPTION / IO_ERROR from the storage.
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options);

  // Every check open() can fail on before it loads records, synchronously and cheaply:
  // option validity, what the path holds, lock availability (another process writing,
  // a read-only handle of this process, a running reference process), stored settings
  // against the options, damaged settings, and for a reference file not imported yet its
  // whole contents. OK means open() with the same options fails only on what changes in
  // between (another process taking the lock) or on damage found while loading records.
  // Never creates, modifies or keeps anything open.
  static Status check_open(const DatabaseOptions& options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Inserts or replaces one entry. Returns its id (generated UUID v4 when empty).
  // Errors: DIMENSION_MISMATCH, INVALID_ARGUMENT (NaN/Inf,
  // metadata not an object, id too long), storage errors.
  Result<std::string> insert(const Entry& entry);

  // All-or-nothing: every entry is validated before anything is written; the first
  // bad entry fails the call with its position ("entry 7: ..."). Later duplicates of
  // an id within one batch win. Built in parallel on `threads` workers.
  Result<std::vector<std::string>> insert_batch(std::span<const Entry> entries);

  // NOT_FOUND when absent.
  Result<Record> get(std::string_view id) const;

  // Replaces the metadata of an entry (null removes it), keeping its vector and its
  // place in the index. Returns false when the id is absent. INVALID_ARGUMENT when
  // `metadata` is neither an object nor null.
  Result<bool> set_metadata(std::string_view id, const Json& metadata);

  // Removes an entry. Returns false when the id was absent (not an error).
  Result<bool> remove(std::string_view id);

  std::size_t size() const;
  bool empty() const { return size() == 0; }

  // Up to k hits sorted by ascending score, ties broken by id. With a filter, only
  // matching entries are returned, and k of them whenever at least k match.
  // Errors: DIMENSION_MISMATCH, INVALID_ARGUMENT (k = 0, NaN/Inf, zero vector under
  // cosine, malformed filter).
  Result<std::vector<SearchHit>> search(const SearchQuery& query) const;

  // As search(query), and the hits' metadata as one JSON array text in
  // *metadata_json_array (replaced; must not be null): one element per hit, in order, the
  // stored object's text or `null`. It is what the JS faces hand to JSON.parse, written
  // straight from the stored texts without a string per hit; a caller that keeps the
  // string across calls reuses its capacity. include_metadata_json is not needed for it.
  Result<std::vector<SearchHit>> search(const SearchQuery& query, std::string* metadata_json_array) const;

  // One result list per query, in order. Fails as a whole on the first invalid query
  // ("query 3: ..."). Queries run in parallel.
  Result<std::vector<std::vector<SearchHit>>> search_batch(std::span<const SearchQuery> queries) const;

  DatabaseInfo info() const;

  // Calls `visit` for every entry (in no particular order) under the read lock; stops at,
  // and returns, the first non-OK status. `visit` must not call back into this database.
  Status for_each(const std::function<Status(const Record&)>& visit) const;

  // --- Portable snapshots (docs/file-format.md) ---
  // The whole database (settings, records, index image) as bytes that every face of
  // ruvector can load. Consistent: taken under the read lock.
  Result<std::string> serialize() const;
  // The same bytes, handed to `sink` in pieces of at most `chunk_bytes` (raised to 64)
  // while they are produced: records are never all in memory at once (the index image,
  // about 4 * (2m + 1) bytes per entry, is). Taken under the read lock; `sink` must
  // not call back into this database. Stops at, and returns, the first non-OK status
  // of `sink`.
  Status serialize_to(const std::function<Status(std::string_view)>& sink, std::size_t chunk_bytes) const;
  Status serialize_to_file(const std::string& path) const;
  // A new in-memory database (or, with options.storage / storage_path, a durable one
  // that must be empty) holding the snapshot. Settings come from the snapshot;
  // explicit options that contradict them are INVALID_ARGUMENT. Truncated or damaged
  // input is CORRUPTION.
  static Result<std::unique_ptr<Database>> deserialize(std::string_view bytes, const DatabaseOptions& options = {});
  // The same, reading the snapshot piece by piece: `next_piece` returns the next piece
  // (any size; an empty piece ends the input) or an error, which is returned. Holds at
  // most one piece and one record of undecoded input besides what the database keeps.
  static Result<std::unique_ptr<Database>> deserialize_stream(const std::function<Result<std::string>()>& next_piece,
                                                              const DatabaseOptions& options = {});
  static Result<std::unique_ptr<Database>> deserialize_file(const std::string& path,
                                                            const DatabaseOptions& options = {});

  // Checks the engine's invariants: ids and slots agree, and the index structure holds
  // (HNSW: link counts within bounds, links only to nodes on their layer, the entry
  // point on the top layer, every live entry reachable). OK, or INTERNAL naming the
  // first violation (a bug in ruvector). Takes the read lock; O(size * links). Meant
  // for tests and for diagnosing a suspected bug.
  Status check_invariants() const;

  // The HNSW neighbours of an entry: one list of ids per graph layer, from the entry's top
  // layer down to layer 0 (removed entries not yet purged from the graph are left out).
  // NOT_FOUND for an unknown id, UNSUPPORTED for a flat index. Takes the read lock. For
  // inspecting the graph (the Redis module's VLINKS).
  Result<std::vector<std::vector<std::string>>> graph_links(std::string_view id) const;

  // Writes the index image to durable storage now (also done on destruction of a
  // writable durable database), so the next open loads it instead of rebuilding.
  Status checkpoint();

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  // deserialize() and deserialize_stream() after decoding.
  static Result<std::unique_ptr<Database>> load_decoded(detail::DecodedSnapshot& snap, const DatabaseOptions& options);
  Database(std::shared_ptr<Impl> impl, bool read_only);
  Status refuse_if_read_only() const;
  std::shared_ptr<Impl> impl_;  // shared by every handle of this process on the same store
  bool read_only_ = false;      // this handle refuses writes (the store may be writable)
};

// The hits' metadata_json texts as one JSON array text, in the form
// Database::search(query, &text) writes: a hit without a text (no metadata, or searched
// without include_metadata_json) is `null`. For results of search_batch.
std::string metadata_json_array(std::span<const SearchHit> hits);

}  // namespace ruvector
