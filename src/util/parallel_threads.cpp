#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "util/parallel.h"

namespace ruvector::detail {

unsigned resolve_threads(unsigned requested) noexcept {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t n, unsigned threads, std::size_t grain,
                  const std::function<void(std::size_t, unsigned)>& body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(1, grain);
  const std::size_t chunks = (n + grain - 1) / grain;
  const unsigned workers = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), chunks));
  std::atomic<std::size_t> next{0};
  auto run = [&](unsigned worker) {
    for (;;) {
      const std::size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
      if (begin >= n) return;
      const std::size_t end = std::min(n, begin + grain);
      for (std::size_t i = begin; i < end; ++i) body(i, worker);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers > 0 ? workers - 1 : 0);
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& t : pool) t.join();
}

}  // namespace ruvector::detail
