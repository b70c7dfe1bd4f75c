// Options for creating or opening a Database. Every field documents its default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ruvector/metric.h"

namespace ruvector {

class Storage;

enum class IndexKind : int {
  kHnsw = 0,  // approximate, graph based (default)
  kFlat = 1,  // exact brute force
};

// Case-insensitive "hnsw" | "flat"; anything else is INVALID_ARGUMENT.
Result<IndexKind> parse_index_kind(std::string_view name);
const char* index_kind_name(IndexKind kind) noexcept;

// How the index stores vectors for the graph walk (docs/quantization.md).
enum class Quantization : int {
  kNone = 0,    // float32 only (default)
  kInt8 = 1,    // one byte per dimension, per-dimension scale/offset trained from the data
  kBinary = 2,  // one bit per dimension after centring and a random rotation (RaBitQ-style)
};

// Case-insensitive "none" | "int8" | "scalar" (= int8) | "binary". "product" is
// UNSUPPORTED (product quantization is not built); anything else INVALID_ARGUMENT.
Result<Quantization> parse_quantization(std::string_view name);
const char* quantization_name(Quantization q) noexcept;

// The default re-ranking factor of a mode: the graph walk on codes keeps the best
// rescore * k candidates, which are re-scored with exact float distances.
// none: 1 (nothing to re-rank), int8: 2, binary: 5 (docs/quantization.md: the int8
// beam keeps ef + k candidates, so 2 x k re-scored rows leave recall where f32 has it).
std::uint32_t default_rescore(Quantization q) noexcept;

// Where the float32 vectors of a quantized database live (docs/quantization.md,
// "Where the floats live"). The codes, graph and ids are always in memory.
enum class FloatPlacement : int {
  kMemory = 0,  // in RAM beside the codes (re-ranking, get and snapshots read them there)
  kStore = 1,   // only in the database's storage: read in place (LMDB's map, no copy)
                // when re-ranking, retraining, converting, building the graph, get, snapshots
  kDrop = 2,    // nowhere: dropped once the codes are trained; no re-ranking, get returns
                // the decoded vector (Record::vector_decoded), snapshots hold decoded vectors
};

// Case-insensitive "memory" | "store" | "drop"; anything else INVALID_ARGUMENT.
Result<FloatPlacement> parse_float_placement(std::string_view name);
const char* float_placement_name(FloatPlacement p) noexcept;

// Largest accepted rescore factor (per database and per query).
inline constexpr std::uint32_t kMaxRescore = 100;

// HNSW parameters. Defaults reach recall@10 >= 0.95 on the project's benchmark
// datasets (fashion-mnist-784, clustered 128-d and 768-d); see docs/benchmarks.md.
struct HnswParams {
  // Links per node on upper layers; layer 0 keeps 2*m. Range 2..256.
  std::uint32_t m = 16;
  // Candidate list size while building. Range 1..65535; raised to m if smaller.
  // 40 keeps batch builds fast while recall@10 at the default ef_search stays >= 0.96 on
  // every benchmark set (docs/benchmarks.md); raise it for harder data.
  std::uint32_t ef_construction = 40;
  // Default candidate list size while searching (per query override in SearchQuery).
  // Range 1..65535; a search always uses at least k. 100, as in the reference system.
  std::uint32_t ef_search = 100;
  // Accepted for compatibility with the reference system; the index grows on demand,
  // this only pre-reserves graph memory for up to 65,536 entries. 0 = no reservation.
  std::uint64_t max_elements = 0;
  // Seed for level assignment; fixed so builds are reproducible.
  std::uint64_t seed = 0x5eed;
};

struct DatabaseOptions {
  // Vector length, 1..65536. Required for a new database (0 = "take it from the store"
  // when opening an existing one; an error for a new one).
  std::uint32_t dimensions = 0;
  // Distance metric. Default cosine. When opening a store, an explicitly set metric
  // that contradicts the stored one is INVALID_ARGUMENT.
  std::optional<Metric> metric;
  // Index kind. Default hnsw.
  std::optional<IndexKind> index;
  // HNSW parameters; unset = the stored ones, or the defaults above for a new database.
  std::optional<HnswParams> hnsw;
  // Path of a durable database: an existing directory store or single-file store, a
  // database file of the reference system (imported into `<path>.ruvector`), or a
  // missing path, created as a single file when its last component has an extension
  // ("vectors.db") and as a directory otherwise ("db", "data/"); docs/storage.md.
  // Empty = no durable storage. UNSUPPORTED in memory-only builds (wasm). Ignored when
  // `storage` is set.
  std::string storage_path;
  // Open `storage_path` read-only: searches work, writes fail with UNSUPPORTED. Other
  // processes may hold the write lock meanwhile.
  bool read_only = false;
  // Persistence backend. nullptr (and no storage_path) = in-memory database.
  // Shared ownership: the Database keeps it alive while open.
  std::shared_ptr<Storage> storage;
  // Quantization of the in-memory vectors for the graph walk; unset = the stored one,
  // or none for a new database. Opening a stored database with a different value
  // converts it in place (codes are rebuilt from the stored floats; the graph is kept)
  // and stores the new value.
  std::optional<Quantization> quantization;
  // Re-ranking factor, 0..kMaxRescore: the best rescore * k candidates of the walk on
  // codes are re-scored with exact float distances. 0 = no re-ranking (scores are the
  // codes' estimates). Unset = the stored value, or default_rescore(quantization) for a
  // new database or when the quantization changes. Ignored (must be unset or 1) for none.
  std::optional<std::uint32_t> rescore;
  // Where the float vectors live (FloatPlacement above). Unset = kStore for a quantized
  // database with storage (storage_path or storage), kMemory otherwise. kStore needs
  // storage; kDrop needs an in-memory database (no storage); both need quantization.
  // Otherwise INVALID_ARGUMENT. Not stored: chosen at every open.
  std::optional<FloatPlacement> floats;
  // Worker threads for batch work (insert_batch, search_batch). 0 = every core.
  std::uint32_t threads = 0;
};

}  // namespace ruvector
