// PRIVATE header. LMDB and errno codes as Statuses, and MDB_val conversions.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "ruvector/status.h"

namespace ruvector::detail {

// An LMDB (or errno) code as a Status with the code that fits it: damaged files
// CORRUPTION, an incompatible LMDB UNSUPPORTED, full reader table / oversize
// transaction / full map / no memory RESOURCE_EXHAUSTED, everything else IO_ERROR.
// The message names `what` and the directory `dir`.
Status mdb_status(int rc, std::string_view what, std::string_view dir);

// A failed commit: mdb_status(), except that EIO while the file system of `dir` has
// less than kFullDiskBytes free is RESOURCE_EXHAUSTED. LMDB turns a short write (the
// disk filled up under it) into EIO; a real I/O error on an almost full disk is then
// reported as a full disk, with the original error text in the message.
inline constexpr std::uint64_t kFullDiskBytes = std::uint64_t{1} << 20;
Status commit_status(int rc, std::string_view what, std::string_view dir);

std::string errno_text(int e);

inline MDB_val as_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view as_view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

}  // namespace ruvector::detail
