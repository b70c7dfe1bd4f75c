// Exact index: a live-slot bitmap over the VectorSpace; every search scans it.
#include <algorithm>
#include <vector>

#include "format/coding.h"
#include "index/exact_scan.h"
#include "index/index.h"

namespace ruvector::detail {
namespace {

class FlatIndex final : public Index {
 public:
  explicit FlatIndex(const VectorSpace& space) : space_(space) {}

  void add(std::span<const Slot> slots, std::span<const std::uint64_t>, unsigned) override {
    for (Slot s : slots) {
      if (s >= live_.size()) live_.resize(std::max<std::size_t>(s + 1, live_.size() * 3 / 2), 0);
      live_[s] = 1;
    }
  }
  void remove(Slot slot, unsigned) override {
    live_[slot] = 0;
    released_.push_back(slot);
  }
  std::vector<Slot> take_released_slots() override { return std::exchange(released_, {}); }

  // Exact (or the codes' own ranking) top-k; on codes that bound their error (binary),
  // every candidate the bound cannot rule out of the k best (bounded_candidates).
  void search(const PreparedQuery& q, std::size_t k, std::size_t, const SlotPredicate* filter,
              std::vector<Neighbor>& out) const override {
    const CodeStore* codes = space_.codes();
    if (q.coded && codes != nullptr && codes->has_error_bound()) {
      bounded_candidates(q, *codes, k, filter, out);
    } else {
      search_exact(q, k, filter, out);
    }
  }
  void search_exact(const PreparedQuery& q, std::size_t k, const SlotPredicate* filter,
                    std::vector<Neighbor>& out) const override {
    exact_scan(space_, live_.size(), [this](Slot s) { return live_[s] != 0; }, q, k, filter, out);
  }
  std::size_t memory_bytes() const noexcept override { return live_.capacity(); }

  // Every accepted live slot whose estimate minus its error bound is at most U, the k-th
  // smallest estimate plus error bound over all of them, sorted by estimate. Within the
  // bound each true distance lies in [estimate - bound, estimate + bound], so the k
  // slots that define U are at most U away and a slot whose estimate - bound exceeds U
  // cannot be among the k best: the list holds the true k best (as far as the bound
  // holds) and, first, the k best by estimate. The caller re-scores it exactly
  // (Database's re-ranking: the best rescore * k always, the rest while the bound does
  // not rule them out against the k-th exact distance), so a flat index re-ranks every
  // candidate that could matter instead of a fixed number: at least the recall of the
  // graph walk on the same codes. One pass: U only falls as slots are seen, so a slot
  // already past it is dropped at once and the rest are filtered at the end.
  void bounded_candidates(const PreparedQuery& q, const CodeStore& codes, std::size_t k, const SlotPredicate* filter,
                          std::vector<Neighbor>& out) const {
    out.clear();
    if (k == 0) return;
    thread_local std::vector<float> upper;  // max-heap of the k smallest estimate + bound: U = front once full
    upper.clear();
    for (std::size_t i = 0; i < live_.size(); ++i) {
      const Slot s = static_cast<Slot>(i);
      if (live_[s] == 0 || (filter != nullptr && !filter->accept(s))) continue;
      const float estimate = codes.distance(q.codes, s), bound = codes.error_bound(q.codes, s);
      if (upper.size() == k && estimate - bound > upper.front()) continue;
      out.push_back(Neighbor{estimate, s});
      if (upper.size() < k || estimate + bound < upper.front()) {
        upper.push_back(estimate + bound);
        std::push_heap(upper.begin(), upper.end());
        if (upper.size() > k) {
          std::pop_heap(upper.begin(), upper.end());
          upper.pop_back();
        }
      }
    }
    if (upper.empty()) return;
    const float u = upper.front();
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](const Neighbor& n) { return n.distance - codes.error_bound(q.codes, n.slot) > u; }),
              out.end());
    std::sort(out.begin(), out.end());
  }

  // The exact index has no structure beyond the set of nodes: its image is the count.
  void save_image(const std::vector<Slot>& order, std::string& out) const override {
    ByteWriter(out).u32(static_cast<std::uint32_t>(order.size()));
  }
  Status check_invariants() const override { return Status::Ok(); }  // a list: nothing to break

  Status load_image(std::string_view image, std::size_t n) override {
    ByteReader r(image);
    std::uint32_t count = 0;
    if (!r.u32(count) || count != n || r.remaining() != 0) return Status::Corruption("flat index image: bad count");
    std::vector<Slot> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = static_cast<Slot>(i);
    add(all, {}, 1);
    return Status::Ok();
  }

 private:
  const VectorSpace& space_;
  std::vector<unsigned char> live_;
  std::vector<Slot> released_;
};

}  // namespace

std::unique_ptr<Index> make_flat_index(const VectorSpace& space) { return std::make_unique<FlatIndex>(space); }

}  // namespace ruvector::detail
