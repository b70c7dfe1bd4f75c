// Exact index: a live-slot bitmap over the VectorSpace; every search scans it.
#include <algorithm>

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

  void search(const PreparedQuery& q, std::size_t k, std::size_t, const SlotPredicate* filter,
              std::vector<Neighbor>& out) const override {
    search_exact(q, k, filter, out);
  }
  void search_exact(const PreparedQuery& q, std::size_t k, const SlotPredicate* filter,
                    std::vector<Neighbor>& out) const override {
    exact_scan(space_, live_.size(), [this](Slot s) { return live_[s] != 0; }, q, k, filter, out);
  }
  std::size_t memory_bytes() const noexcept override { return live_.capacity(); }

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
