// PRIVATE header. LMDB and errno codes as Statuses, and MDB_val conversions.
#pragma once

#include <lmdb.h>

#include <string>
#include <string_view>

#include "ruvector/status.h"

namespace ruvector::detail {

// An LMDB (or errno) code as a Status with the code that fits it: damaged files
// CORRUPTION, an incompatible LMDB UNSUPPORTED, full reader table / oversize
// transaction / full map / no memory RESOURCE_EXHAUSTED, everything else IO_ERROR.
// The message names `what` and the directory `dir`.
Status mdb_status(int rc, std::string_view what, std::string_view dir);

std::string errno_text(int e);

inline MDB_val as_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view as_view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

}  // namespace ruvector::detail
