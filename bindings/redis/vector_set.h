// VectorSet: the value of one Redis key of type "ruvec-set" — a ruvector Database
// (cosine metric, HNSW, in memory) plus what the module needs around it — and the
// type's callbacks (RDB, AOF rewrite, digest, memory, free, copy).
//
// RDB payload (encoding version 1): u64 payload version (1), then the engine's
// portable snapshot (docs/file-format.md: settings, records, HNSW graph image) as
// string chunks of at most 1 MiB, then an empty chunk. Loading decodes the chunks as
// they are read (Database::deserialize_stream) and needs no graph rebuild when the image
// is intact. Anything truncated or damaged fails the load with an IO
// error (the server rejects the RESTORE / RDB / replica sync); nothing crashes.
//
// AOF rewrite emits the same chunks as RV.RESTORECHUNK commands (bit-exact).
//
// Threads: the set is touched by the main thread only; `db` is shared with VSIM
// workers, which keep it alive while they search even if the key is deleted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "redismodule.h"
#include "ruvector/database.h"

namespace ruvector::redis {

inline constexpr const char* kTypeName = "ruvec-set";  // exactly 9 characters
inline constexpr int kEncodingVersion = 1;
inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

struct VectorSet {
  std::shared_ptr<Database> db;  // null while an AOF chunked restore is in progress
  // Fixed settings of `db`, cached by attach(): Database::info() walks the graph.
  std::uint32_t dimensions = 0;
  std::uint32_t m = 0;
  Quantization quantization = Quantization::kNone;
  // Chunked restore (RV.RESTORECHUNK) in progress: the bytes so far and the next index.
  std::string restore_bytes;
  std::int64_t restore_next = 0;
};

extern RedisModuleType* g_vector_set_type;

// Sets `set.db` and caches its fixed settings.
void attach(VectorSet& set, std::shared_ptr<Database> db);

// The Database options every set is created or loaded with (threads = 1: the main
// thread builds, so builds are deterministic).
DatabaseOptions load_options();

// Registers the data type. REDISMODULE_ERR on failure.
int register_vector_set_type(RedisModuleCtx* ctx);

}  // namespace ruvector::redis
