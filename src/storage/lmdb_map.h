// PRIVATE header. The size of an environment's memory map: its start, growing it when
// a write finds it full, adopting a size another process grew it to.
//
// Writers map 1 GiB (64 MiB on 32-bit) to start, or what the file already records if
// larger, or RUVECTOR_LMDB_INITIAL_MAP bytes (a test hook; K/M/G suffixes). The map is
// address space only; data.mdb grows with the data. MDB_MAP_FULL aborts the write,
// doubles the map and retries the whole write; a transaction that finds that another
// process grew the map (MDB_MAP_RESIZED) adopts the new size and retries
// (lmdb_txn.h). A resize that fails after LMDB unmapped the old map marks the
// environment broken: every later call fails with IO_ERROR until it is reopened.
#pragma once

#include <cstddef>

#include "ruvector/result.h"
#include "storage/lmdb_env.h"

namespace ruvector::detail {

// Map size a writer starts with (a whole number of pages). INVALID_ARGUMENT when
// RUVECTOR_LMDB_INITIAL_MAP is set but is not a size of at least 64 KiB.
Result<std::size_t> initial_map_size();

// Doubles the map. Takes map_mu exclusively, so no transaction of this process is
// open. RESOURCE_EXHAUSTED when it cannot.
Status grow_map(LmdbEnv& e);

// Another process grew the map: adopts its size. Takes map_mu exclusively.
Status adopt_map(LmdbEnv& e);

// The error of every call on an environment whose map is broken.
Status broken_status(const LmdbEnv& e);

}  // namespace ruvector::detail
