// PRIVATE header. The "meta" table: the storage format ("format" -> u32 LE, written by
// the first writable open) and the write generation ("generation" -> u64 LE, bumped by
// every write() in the same transaction as the write).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "ruvector/result.h"
#include "storage/lmdb_env.h"

namespace ruvector::detail {

inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kGenerationKey = "generation";
inline constexpr std::uint32_t kFormatVersion = 1;

// A u64 LE entry of table `dbi`; nullopt when absent, CORRUPTION when not 8 bytes.
Result<std::optional<std::uint64_t>> read_u64(MDB_txn* txn, MDB_dbi dbi, std::string_view key, const LmdbEnv& e);
// Stores a u64 LE entry; returns the LMDB code.
int write_u64(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::uint64_t x);

// Checks the "format" entry; `present` says whether there is one (a new store has none
// until its first writable open writes it). UNSUPPORTED for another format version.
Status check_format(MDB_txn* txn, const LmdbEnv& e, bool& present);
// Writes the "format" entry (write transaction); returns the LMDB code.
int write_format(MDB_txn* txn, const LmdbEnv& e);

}  // namespace ruvector::detail
