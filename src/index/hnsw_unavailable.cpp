// Linked instead of hnsw_index.cpp when the build is configured with RUVECTOR_HNSW=OFF.
#include "index/index.h"

namespace ruvector::detail {

Result<std::unique_ptr<Index>> make_hnsw_index(const VectorSpace&, const HnswParams&) {
  return Status::Unsupported("this build of ruvector has no HNSW index (configured with RUVECTOR_HNSW=OFF); "
                             "use index 'flat'");
}

}  // namespace ruvector::detail
