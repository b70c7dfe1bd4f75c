// Memory-only builds (wasm): no durable storage, so no import of reference files.
#include "import/reference_import.h"

namespace ruvector::detail {

Result<std::shared_ptr<Storage>> open_reference_import(const std::string& path, const DatabaseOptions&) {
  return Status::Unsupported("'" + path + "' is a database file of the reference system; this build has no durable "
                             "storage to import it into");
}

Result<std::optional<DatabaseOptions>> check_reference_import(const std::string& path, const DatabaseOptions& o) {
  return open_reference_import(path, o).status();
}

}  // namespace ruvector::detail
