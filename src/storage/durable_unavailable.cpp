// Linked instead of lmdb_storage.cpp in memory-only builds (RUVECTOR_MEMORY_ONLY=ON, wasm).
#include "ruvector/storage.h"

namespace ruvector {

Result<std::shared_ptr<Storage>> open_durable_storage(const std::string& path, const DurableStorageOptions&) {
  return Status::Unsupported("durable storage is not available in this build (memory-only, e.g. WebAssembly); "
                             "cannot open '" + path + "'. Use serialize()/deserialize() to move data instead");
}

}  // namespace ruvector
