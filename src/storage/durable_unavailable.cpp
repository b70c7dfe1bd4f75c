// Linked instead of lmdb_storage.cpp in memory-only builds (RUVECTOR_MEMORY_ONLY=ON, wasm).
#include <cerrno>

#include "ruvector/storage.h"
#include "util/io_env.h"

namespace ruvector {

Result<std::shared_ptr<Storage>> open_durable_storage(const std::string& path, const DurableStorageOptions&) {
  return Status::Unsupported("durable storage is not available in this build (memory-only, e.g. WebAssembly); "
                             "cannot open '" + path + "'. Use serialize()/deserialize() to move data instead");
}

}  // namespace ruvector

// The LMDB half of the I/O seam: nothing in a memory-only build holds an LMDB
// environment or transaction, so these are never reached.
namespace ruvector::detail {

int IoEnv::txn_commit(MDB_txn*) { return ENOSYS; }
int IoEnv::env_set_mapsize(MDB_env*, std::size_t) { return ENOSYS; }

}  // namespace ruvector::detail
