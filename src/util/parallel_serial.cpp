// Single-threaded parallel_for for builds without threads (wasm).
#include "util/parallel.h"

namespace ruvector::detail {

unsigned resolve_threads(unsigned) noexcept { return 1; }

void parallel_for(std::size_t n, unsigned, std::size_t, const std::function<void(std::size_t, unsigned)>& body) {
  for (std::size_t i = 0; i < n; ++i) body(i, 0);
}

}  // namespace ruvector::detail
