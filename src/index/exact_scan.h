// PRIVATE header. Exact top-k by scanning slots [0, n).
#pragma once

#include <algorithm>
#include <queue>
#include <vector>

#include "index/index.h"

namespace ruvector::detail {

// `is_live(slot)` says whether a slot holds a current entry.
template <class IsLive>
void exact_scan(const VectorSpace& space, std::size_t n, const IsLive& is_live, const PreparedQuery& q,
                std::size_t k, const SlotPredicate* filter, std::vector<Neighbor>& out) {
  out.clear();
  if (k == 0) return;
  std::priority_queue<Neighbor> worst_first;  // max-heap: top is the current k-th best
  for (std::size_t i = 0; i < n; ++i) {
    const Slot s = static_cast<Slot>(i);
    if (!is_live(s) || (filter != nullptr && !filter->accept(s))) continue;
    const Neighbor cand{space.distance(q, s), s};
    if (worst_first.size() < k) {
      worst_first.push(cand);
    } else if (cand < worst_first.top()) {
      worst_first.pop();
      worst_first.push(cand);
    }
  }
  out.resize(worst_first.size());
  for (std::size_t i = out.size(); i-- > 0;) {
    out[i] = worst_first.top();
    worst_first.pop();
  }
}

}  // namespace ruvector::detail
