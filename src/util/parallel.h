// PRIVATE header. Data-parallel loops for batch work.
#pragma once

#include <cstddef>
#include <functional>

namespace ruvector::detail {

// Number of workers to use for `requested` (0 = every core). Always >= 1; 1 when the
// build has no threads (wasm).
unsigned resolve_threads(unsigned requested) noexcept;

// Calls body(i, worker) for every i in [0, n) on up to `threads` workers (the calling
// thread is one of them), handing out indices dynamically in chunks of `grain`.
// worker is in [0, threads). Returns when every call has returned. `body` must not throw.
void parallel_for(std::size_t n, unsigned threads, std::size_t grain,
                  const std::function<void(std::size_t, unsigned)>& body);

}  // namespace ruvector::detail
