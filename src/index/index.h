// PRIVATE header. The index interface: a structure over the slots of a VectorSpace
// that answers k-nearest-neighbour queries. It does not own vectors, ids or metadata.
//
// Threads: search() may run concurrently with other search() calls. Every other
// method needs exclusive access (the Database's write lock); add_batch()
// parallelises internally.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/vector_space.h"
#include "ruvector/options.h"
#include "ruvector/result.h"

namespace ruvector::detail {

struct Neighbor {
  float distance;  // internal distance (see VectorSpace)
  Slot slot;
  bool operator<(const Neighbor& o) const noexcept {
    return distance < o.distance || (distance == o.distance && slot < o.slot);
  }
};

// Which slots may appear in results (in addition to "is live"). Called from search
// threads; must be thread-safe and cheap.
class SlotPredicate {
 public:
  virtual ~SlotPredicate() = default;
  virtual bool accept(Slot slot) const noexcept = 0;
};

class Index {
 public:
  virtual ~Index() = default;

  // Adds `slots`, whose vectors are already in the space. May use `threads` workers.
  // `level_keys[i]` (one per slot, from level_key() of the element's id) decides the
  // slot's HNSW layer, so the same elements get the same layers whatever the order or
  // history of insertions (a replica replaying a command stream builds the same graph).
  virtual void add(std::span<const Slot> slots, std::span<const std::uint64_t> level_keys, unsigned threads) = 0;
  // Removes a live slot from results at once; the structure is repaired before the
  // slot is handed back through take_released_slots().
  virtual void remove(Slot slot, unsigned threads) = 0;
  // Slots whose removal is complete; the caller may reuse them. Clears the list.
  virtual std::vector<Slot> take_released_slots() = 0;

  // Up to max(k, ef) nearest accepted live slots, sorted ascending. `filter` may be null.
  virtual void search(const PreparedQuery& q, std::size_t k, std::size_t ef, const SlotPredicate* filter,
                      std::vector<Neighbor>& out) const = 0;

  // Exact top-k over every accepted live slot, sorted ascending. Guarantees
  // min(k, matching) results; used when the approximate search came back short.
  virtual void search_exact(const PreparedQuery& q, std::size_t k, const SlotPredicate* filter,
                            std::vector<Neighbor>& out) const = 0;

  virtual std::size_t memory_bytes() const noexcept = 0;

  // Appends this structure, restricted to `order` (node i of the image is slot
  // order[i]), to `out`. Links to slots outside `order` are dropped.
  virtual void save_image(const std::vector<Slot>& order, std::string& out) const = 0;
  // Replaces the (empty) structure with an image from save_image over slots 0..n-1,
  // whose vectors are already in the space. CORRUPTION when the image is inconsistent;
  // the index is then left empty.
  virtual Status load_image(std::string_view image, std::size_t n) = 0;

  // Checks the structure's invariants (for tests and Database::check_invariants):
  // link counts within bounds, links only to existing nodes on their layer, the entry
  // point on the top layer, the live count, and every live node reachable from the
  // entry point. INTERNAL naming the first violation. Not for concurrent use with writes.
  virtual Status check_invariants() const = 0;

  // The graph neighbours of node `s`, one list per layer from its top layer down to
  // layer 0, live nodes only; empty for a structure without a graph. For inspection (the
  // Redis module's VLINKS). Safe beside searches, not beside writes.
  virtual std::vector<std::vector<Slot>> links_of(Slot s) const {
    (void)s;
    return {};
  }
};

// The level key of an element id: a 64-bit hash (FNV-1a, then a final mix) that
// HNSW combines with its seed to draw the element's layer.
inline std::uint64_t level_key(std::string_view id) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// Exact index: scans every live slot.
std::unique_ptr<Index> make_flat_index(const VectorSpace& space);

// HNSW graph index. UNSUPPORTED in builds configured with RUVECTOR_HNSW=OFF.
Result<std::unique_ptr<Index>> make_hnsw_index(const VectorSpace& space, const HnswParams& params);

}  // namespace ruvector::detail
