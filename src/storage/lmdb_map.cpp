#include "storage/lmdb_map.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "storage/lmdb_errors.h"

namespace ruvector::detail {

// Initial map size of a writer: 1 GiB on 64-bit (address space only; data.mdb grows
// with the data), overridable with RUVECTOR_LMDB_INITIAL_MAP (bytes, K/M/G suffix).
Result<std::size_t> initial_map_size() {
  std::size_t size = sizeof(void*) >= 8 ? (std::size_t{1} << 30) : (std::size_t{64} << 20);
  if (const char* env = std::getenv("RUVECTOR_LMDB_INITIAL_MAP"); env != nullptr && *env != '\0') {
    const std::string text(env);
    std::size_t i = 0;
    std::uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < (std::uint64_t{1} << 50))
      n = n * 10 + static_cast<std::uint64_t>(text[i++] - '0');
    std::uint64_t mult = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 'k': case 'K': mult = std::uint64_t{1} << 10; ++i; break;
        case 'm': case 'M': mult = std::uint64_t{1} << 20; ++i; break;
        case 'g': case 'G': mult = std::uint64_t{1} << 30; ++i; break;
        default: break;
      }
    }
    const std::uint64_t bytes = n * mult;
    if (i == 0 || i != text.size() || bytes < (std::uint64_t{64} << 10) || bytes > SIZE_MAX / 4)
      return Status::InvalidArgument("RUVECTOR_LMDB_INITIAL_MAP='" + text +
                                     "' is not a map size; expected bytes (at least 65536) with an optional "
                                     "K, M or G suffix, e.g. 64M");
    size = static_cast<std::size_t>(bytes);
  }
  const long page = ::sysconf(_SC_PAGESIZE);
  const std::size_t p = page > 0 ? static_cast<std::size_t>(page) : 4096;
  return (size + p - 1) / p * p;
}

Status broken_status(const LmdbEnv& e) {
  return Status::IoError("the memory map of '" + e.dir +
                         "' could not be re-established after a resize; close and reopen the database");
}

// Doubles the map. Takes map_mu exclusively: no transaction of this process is open.
Status grow_map(LmdbEnv& e) {
  std::unique_lock<std::shared_mutex> lock(e.map_mu);
  MDB_envinfo info;
  int rc = mdb_env_info(e.env, &info);
  if (rc != 0) return mdb_status(rc, "reading the map size", e.dir);
  const std::size_t current = info.me_mapsize;
  if (current > SIZE_MAX / 2)
    return Status::ResourceExhausted("the database '" + e.dir + "' cannot grow beyond " + std::to_string(current) +
                                     " bytes of address space");
  const std::size_t next = current * 2;
  rc = e.io->env_set_mapsize(e.env, next);
  if (rc != 0) {
    if (rc != EINVAL) e.broken.store(true);
    const StatusCode code =
        rc == EINVAL || rc == ENOMEM ? StatusCode::kResourceExhausted : mdb_status(rc, "", e.dir).code();
    return Status(code, "cannot grow the memory map of '" + e.dir + "' from " + std::to_string(current) + " to " +
                            std::to_string(next) + " bytes: " + mdb_strerror(rc) +
                            (rc != EINVAL ? "; close and reopen the database" : ""));
  }
  return Status::Ok();
}

// Another process grew the map: adopt its size.
Status adopt_map(LmdbEnv& e) {
  std::unique_lock<std::shared_mutex> lock(e.map_mu);
  const int rc = e.io->env_set_mapsize(e.env, 0);
  if (rc != 0) {
    if (rc != EINVAL) e.broken.store(true);
    return mdb_status(rc, "adopting the map size grown by the writer", e.dir);
  }
  return Status::Ok();
}

}  // namespace ruvector::detail
