// HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search
// using Hierarchical Navigable Small World graphs", 2016/2018).
//
// Layout: layer-0 links of all nodes live in one array, node-major, each block being
// [count, link_1 .. link_M0] (M0 = 2M): a search walks that array and the vectors of
// the VectorSpace and nothing else. Upper layers (about 1/M of the nodes) keep their
// blocks in one heap allocation per node.
//
// Concurrency: search() runs under the Database's shared lock, with no writer, so it
// reads links without locks. add() of a batch builds in parallel: each worker inserts
// one node at a time and takes a striped mutex around every read or write of a link
// block, never holding two at once (no lock order, no deadlock). Nodes that raise the
// top layer hold the entry mutex for their whole insertion, as the paper's
// implementation does.
//
// Deletion: remove() marks the node deleted. Deleted nodes are still walked through
// but never returned. When they exceed 5% of the graph, a repair pass relinks every
// node that points at a deleted one (its live links plus the deleted node's live links,
// pruned with the neighbour-selection heuristic), then frees the deleted slots.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "format/coding.h"
#include "index/exact_scan.h"
#include "index/index.h"
#include "index/visited_set.h"
#include "util/huge_pages.h"
#include "util/parallel.h"

namespace ruvector::detail {
namespace {

constexpr Slot kNoSlot = 0xFFFFFFFFu;
constexpr int kMaxLevel = 30;
constexpr std::size_t kStripes = 2048;
constexpr std::size_t kMaxFanout = 2 * 256;  // layer-0 links per node at the largest m (HnswParams caps m)

// With no deleted node (the common case) the walk needs no per-node deleted check.
struct AcceptAll {
  bool operator()(Slot) const noexcept { return true; }
};

struct AcceptExcept {
  Slot self;
  bool operator()(Slot s) const noexcept { return s != self; }
};

struct AcceptLive {
  const std::vector<unsigned char>& deleted;
  bool operator()(Slot s) const noexcept { return deleted[s] == 0; }
};

struct AcceptLiveFiltered {
  const std::vector<unsigned char>& deleted;
  const SlotPredicate& filter;
  bool operator()(Slot s) const noexcept { return deleted[s] == 0 && filter.accept(s); }
};

struct AcceptLiveExcept {
  const std::vector<unsigned char>& deleted;
  Slot self;
  bool operator()(Slot s) const noexcept { return s != self && deleted[s] == 0; }
};

struct FartherFirst {
  bool operator()(const Neighbor& a, const Neighbor& b) const noexcept { return a.distance < b.distance; }
};
struct NearerFirst {
  bool operator()(const Neighbor& a, const Neighbor& b) const noexcept { return b.distance < a.distance; }
};

class HnswIndex final : public Index {
 public:
  static constexpr std::uint64_t kMaxPreReserve = 1u << 16;

  HnswIndex(const VectorSpace& space, const HnswParams& p)
      : space_(space),
        m_(p.m),
        m0_(2 * static_cast<std::size_t>(p.m)),
        ef_construction_(std::max<std::size_t>(p.ef_construction, p.m)),
        level_mult_(1.0 / std::log(static_cast<double>(std::max<std::uint32_t>(p.m, 2)))),
        seed_(p.seed),
        stripes_(new std::mutex[kStripes]) {
    // A hint only (the index grows on demand): pre-reserve at most kMaxPreReserve nodes so a
    // large value (the reference's default is 10 million) cannot claim gigabytes up front.
    if (p.max_elements > 0) reserve(static_cast<std::size_t>(std::min<std::uint64_t>(p.max_elements, kMaxPreReserve)));
  }

  void add(std::span<const Slot> slots, std::span<const std::uint64_t> level_keys, unsigned threads) override {
    if (slots.empty()) return;
    Slot top = 0;
    for (Slot s : slots) top = std::max(top, s);
    reserve(static_cast<std::size_t>(top) + 1);
    std::vector<int> levels(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      levels[i] = level_for(level_keys[i]);
      init_node(slots[i], levels[i]);
    }
    live_count_ += slots.size();
    // A small graph is seeded sequentially so parallel workers start from a connected core.
    std::size_t seq = 0;
    if (threads <= 1 || slots.size() < 256) {
      seq = slots.size();
    } else if (live_count_ - slots.size() < 1024) {
      seq = std::min<std::size_t>(slots.size(), 1024 - (live_count_ - slots.size()));
    }
    {
      auto vis = visited_.acquire(capacity_);
      for (std::size_t i = 0; i < seq; ++i) insert_node<false>(slots[i], levels[i], *vis);
    }
    if (seq < slots.size()) {
      std::vector<std::unique_ptr<VisitedPool::Lease>> leases;
      for (unsigned w = 0; w < threads; ++w)
        leases.push_back(std::make_unique<VisitedPool::Lease>(visited_.acquire(capacity_)));
      parallel_for(slots.size() - seq, threads, 1, [&](std::size_t i, unsigned w) {
        insert_node<true>(slots[seq + i], levels[seq + i], **leases[w]);
      });
    }
    // Large batches: make sure pruning left no node unreachable (O(n * m), amortised
    // over at least n/8 insertions).
    if (slots.size() * 8 >= live_count_) reconnect_unreachable();
  }

  void remove(Slot s, unsigned threads) override {
    if (deleted_[s]) return;
    deleted_[s] = 1;
    ++deleted_count_;
    --live_count_;
    if (deleted_count_ * 20 > live_count_ + deleted_count_) repair(threads);
  }

  std::vector<Slot> take_released_slots() override { return std::exchange(released_, {}); }

  void search(const PreparedQuery& q, std::size_t k, std::size_t ef, const SlotPredicate* filter,
              std::vector<Neighbor>& out) const override {
    out.clear();
    if (entry_ == kNoSlot) return;
    ef = std::max(ef, k);
    const QueryDistance dist = space_.distance_to(q);
    Slot ep = entry_;
    float d = dist(ep);
    auto vis = visited_.acquire(capacity_);
    if (max_level_ > 0) {
      vis->test_and_set(ep);
      for (int l = max_level_; l > 0; --l) greedy(dist, ep, d, l, &*vis);
      vis->reset(capacity_);  // layer 0 starts with no node visited
    }
    if (filter == nullptr && deleted_count_ == 0) {
      search_layer(dist, ep, d, 0, ef, AcceptAll{}, *vis, out);
    } else if (filter == nullptr) {
      search_layer(dist, ep, d, 0, ef, AcceptLive{deleted_}, *vis, out);
    } else {
      search_layer(dist, ep, d, 0, ef, AcceptLiveFiltered{deleted_, *filter}, *vis, out);
    }
    std::sort(out.begin(), out.end());
  }

  void search_exact(const PreparedQuery& q, std::size_t k, const SlotPredicate* filter,
                    std::vector<Neighbor>& out) const override {
    exact_scan(space_, capacity_, [this](Slot s) { return level_[s] >= 0 && deleted_[s] == 0; }, q, k, filter, out);
  }

  std::size_t memory_bytes() const noexcept override {
    std::size_t bytes = level0_.capacity() * sizeof(std::uint32_t) + level_.capacity() + deleted_.capacity() +
                        upper_.capacity() * sizeof(upper_[0]) + kStripes * sizeof(std::mutex);
    for (std::size_t i = 0; i < capacity_; ++i)
      if (level_[i] > 0) bytes += static_cast<std::size_t>(level_[i]) * (1 + m_) * sizeof(std::uint32_t);
    return bytes;
  }

  // Image body (little-endian): u32 m, u32 node count, u32 max level, u32 entry node,
  // then per node: u8 level, and per layer 0..level: u32 count, count x u32 node.
  void save_image(const std::vector<Slot>& order, std::string& out) const override {
    std::vector<std::uint32_t> node_of(capacity_, kNoSlot);
    for (std::size_t i = 0; i < order.size(); ++i) node_of[order[i]] = static_cast<std::uint32_t>(i);
    std::uint32_t entry = kNoSlot;
    int top = -1;
    if (entry_ != kNoSlot && node_of[entry_] != kNoSlot) {
      entry = node_of[entry_];
      top = max_level_;
    } else {
      for (std::size_t i = 0; i < order.size(); ++i)
        if (level_[order[i]] > top) {
          top = level_[order[i]];
          entry = static_cast<std::uint32_t>(i);
        }
    }
    ByteWriter w(out);
    w.u32(static_cast<std::uint32_t>(m_));
    w.u32(static_cast<std::uint32_t>(order.size()));
    w.u32(static_cast<std::uint32_t>(top));
    w.u32(entry);
    // While a repair is pending, layer 0 is stored as the repair would leave it.
    std::vector<std::vector<Slot>> layer0;
    if (deleted_count_ > 0) layer0 = repaired_layer0(order, entry == kNoSlot ? kNoSlot : order[entry]);
    std::vector<std::uint32_t> kept;
    std::vector<Neighbor> relinked;
    for (Slot s : order) {
      const int level = level_[s];
      w.u8(static_cast<std::uint8_t>(level));
      for (int l = 0; l <= level; ++l) {
        const std::uint32_t* ls = links(s, l);
        kept.clear();
        if (l == 0 && !layer0.empty()) {
          for (Slot x : layer0[s]) kept.push_back(node_of[x]);
        } else if (deleted_count_ > 0 && links_to_deleted(s, l)) {
          relink_around_deleted(s, l, relinked);
          for (const Neighbor& x : relinked)
            if (node_of[x.slot] != kNoSlot) kept.push_back(node_of[x.slot]);
        } else {
          for (std::uint32_t j = 1; j <= ls[0]; ++j)
            if (node_of[ls[j]] != kNoSlot) kept.push_back(node_of[ls[j]]);
        }
        w.u32(static_cast<std::uint32_t>(kept.size()));
        for (std::uint32_t x : kept) w.u32(x);
      }
    }
  }

  // Layer 0 of the live nodes in `order` (by slot) as a repair would leave it: links to
  // deleted nodes replaced (relink_around_deleted), and every node that searches reach
  // now (walking through deleted nodes) still reachable from `entry` without them — a
  // node whose ways in all went through deleted nodes is linked from its nearest live
  // ancestor on such a way. Without that, an image taken between a delete and its
  // repair could leave nodes unreachable after loading. Links only to nodes in `order`.
  std::vector<std::vector<Slot>> repaired_layer0(const std::vector<Slot>& order, Slot entry) const {
    std::vector<std::vector<Slot>> adj(capacity_);
    std::vector<unsigned char> saved(capacity_, 0);
    for (Slot s : order) saved[s] = 1;
    std::vector<Neighbor> relinked;
    for (Slot s : order) {
      if (links_to_deleted(s, 0)) {
        relink_around_deleted(s, 0, relinked);
        for (const Neighbor& x : relinked)
          if (saved[x.slot]) adj[s].push_back(x.slot);
      } else {
        const std::uint32_t* ls = links(s, 0);
        for (std::uint32_t j = 1; j <= ls[0]; ++j)
          if (saved[ls[j]]) adj[s].push_back(ls[j]);
      }
    }
    if (entry == kNoSlot) return adj;
    // How searches reach each node today: a walk from the entry point through every
    // node, deleted ones included, remembering where each node was first reached from.
    std::vector<Slot> parent(capacity_, kNoSlot);
    std::vector<unsigned char> reached_now(capacity_, 0);
    {
      const Slot from = entry_ != kNoSlot ? entry_ : entry;
      std::vector<Slot> queue{from};
      reached_now[from] = 1;
      for (std::size_t q = 0; q < queue.size(); ++q) {
        const std::uint32_t* ls = links(queue[q], 0);
        for (std::uint32_t j = 1; j <= ls[0]; ++j)
          if (!reached_now[ls[j]]) {
            reached_now[ls[j]] = 1;
            parent[ls[j]] = queue[q];
            queue.push_back(ls[j]);
          }
      }
    }
    auto vis = visited_.acquire(capacity_);
    std::vector<Neighbor> found;
    for (int round = 0; round < 4; ++round) {
      std::vector<unsigned char> reached(capacity_, 0);
      std::vector<Slot> stack{entry};
      reached[entry] = 1;
      while (!stack.empty()) {
        const Slot x = stack.back();
        stack.pop_back();
        for (Slot y : adj[x])
          if (!reached[y]) {
            reached[y] = 1;
            stack.push_back(y);
          }
      }
      bool changed = false;
      for (Slot u : order) {
        if (reached[u] || !reached_now[u]) continue;
        // From its nearest live node still reached, else from the nearest reached
        // ancestor on the way searches reach it today.
        Slot p = kNoSlot;
        nearest_live_nodes(u, *vis, found);
        for (const Neighbor& n : found)
          if (saved[n.slot] && reached[n.slot]) {
            p = n.slot;
            break;
          }
        if (p == kNoSlot) p = parent[u];
        while (p != kNoSlot && !(saved[p] && reached[p])) p = parent[p];
        if (p == kNoSlot) continue;
        std::vector<Slot>& l = adj[p];
        if (std::find(l.begin(), l.end(), u) != l.end()) continue;
        if (l.size() < max_links(0)) {
          l.push_back(u);
        } else {
          auto far = std::max_element(l.begin(), l.end(), [&](Slot a, Slot b) {
            return space_.distance(p, a) < space_.distance(p, b);
          });
          *far = u;
        }
        changed = true;
      }
      if (!changed) break;
    }
    return adj;
  }

  Status load_image(std::string_view image, std::size_t n) override {
    Status st = load_image_checked(image, n);
    if (!st.ok()) {
      for (std::size_t i = 0; i < std::min(n, capacity_); ++i) {
        level_[i] = -1;
        upper_[i].reset();
      }
      entry_ = kNoSlot;
      max_level_ = -1;
      live_count_ = 0;
    }
    return st;
  }

 private:
  Status load_image_checked(std::string_view image, std::size_t n) {
    auto bad = [](const std::string& why) { return Status::Corruption("hnsw index image: " + why); };
    ByteReader r(image);
    std::uint32_t m = 0, count = 0, top = 0, entry = 0;
    if (!r.u32(m) || !r.u32(count) || !r.u32(top) || !r.u32(entry)) return bad("truncated header");
    if (m != m_) return bad("built with m=" + std::to_string(m) + ", settings say m=" + std::to_string(m_));
    if (count != n) return bad(std::to_string(count) + " nodes for " + std::to_string(n) + " records");
    if (n == 0) return r.remaining() == 0 ? Status::Ok() : bad("trailing bytes");
    if (top > static_cast<std::uint32_t>(kMaxLevel) || entry >= n) return bad("bad entry point");
    // Each node needs at least 5 bytes: rejects absurd counts before allocating.
    if (r.remaining() / 5 < n) return bad("truncated");
    reserve(n);
    int seen_top = -1;
    for (std::size_t i = 0; i < n; ++i) {
      const Slot s = static_cast<Slot>(i);
      std::uint8_t level = 0;
      if (!r.u8(level) || level > kMaxLevel) return bad("bad level at node " + std::to_string(i));
      init_node(s, level);
      seen_top = std::max<int>(seen_top, level);
      for (int l = 0; l <= level; ++l) {
        std::uint32_t c = 0;
        if (!r.u32(c) || c > max_links(l)) return bad("bad link count at node " + std::to_string(i));
        std::uint32_t* ls = links(s, l);
        for (std::uint32_t j = 0; j < c; ++j) {
          std::uint32_t x = 0;
          if (!r.u32(x) || x >= n || x == s) return bad("bad link at node " + std::to_string(i));
          ls[j + 1] = x;
        }
        ls[0] = c;
      }
    }
    if (r.remaining() != 0) return bad("trailing bytes");
    if (static_cast<int>(top) != seen_top || level_[entry] != seen_top) return bad("entry point is not on the top layer");
    // Links must point at nodes that exist on that layer.
    for (std::size_t i = 0; i < n; ++i)
      for (int l = 1; l <= level_[i]; ++l) {
        const std::uint32_t* ls = links(static_cast<Slot>(i), l);
        for (std::uint32_t j = 1; j <= ls[0]; ++j)
          if (level_[ls[j]] < l) return bad("link to a node below its layer");
      }
    entry_ = entry;
    max_level_ = seen_top;
    live_count_ = n;
    deleted_count_ = 0;
    return Status::Ok();
  }

  std::size_t max_links(int level) const noexcept { return level == 0 ? m0_ : m_; }

  std::uint32_t* links(Slot s, int level) noexcept {
    return level == 0 ? level0_.data() + static_cast<std::size_t>(s) * (1 + m0_)
                      : upper_[s].get() + static_cast<std::size_t>(level - 1) * (1 + m_);
  }
  const std::uint32_t* links(Slot s, int level) const noexcept {
    return const_cast<HnswIndex*>(this)->links(s, level);
  }

  std::mutex& stripe(Slot s) const noexcept { return stripes_[s % kStripes]; }

  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    const std::size_t cap = std::max<std::size_t>({n, capacity_ + capacity_ / 2, 64});
    level0_.resize(cap * (1 + m0_), 0);
    level_.resize(cap, -1);
    deleted_.resize(cap, 0);
    upper_.resize(cap);
    capacity_ = cap;
  }

  // The layer of an element: -ln(u) * mult with u uniform in (0, 1] drawn from a
  // splitmix64 of (seed, level key): a function of the element, not of history.
  int level_for(std::uint64_t key) const noexcept {
    std::uint64_t z = seed_ ^ key;
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    const double u = static_cast<double>((z >> 11) + 1) * 0x1.0p-53;
    return std::min(kMaxLevel, static_cast<int>(-std::log(u) * level_mult_));
  }

  void init_node(Slot s, int level) {
    level_[s] = static_cast<signed char>(level);
    deleted_[s] = 0;
    links(s, 0)[0] = 0;
    if (level > 0) {
      upper_[s].reset(new std::uint32_t[static_cast<std::size_t>(level) * (1 + m_)]);
      for (int l = 1; l <= level; ++l) links(s, l)[0] = 0;
    } else {
      upper_[s].reset();
    }
  }

  // Link blocks are read without locks, even while a parallel build rewrites them
  // under their stripe lock: the count is loaded with acquire, each link relaxed, and
  // writers store links before the count (release). A reader racing a rewrite may see
  // a mix of old and new links, all of them valid nodes, which the search tolerates.
  static std::uint32_t load_link(const std::uint32_t* p) noexcept { return __atomic_load_n(p, __ATOMIC_RELAXED); }
  static std::uint32_t load_count(const std::uint32_t* block, std::size_t max) noexcept {
    const std::uint32_t c = __atomic_load_n(block, __ATOMIC_ACQUIRE);
    return c > max ? static_cast<std::uint32_t>(max) : c;
  }
  static void store_link(std::uint32_t* p, std::uint32_t v) noexcept { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
  static void store_count(std::uint32_t* block, std::uint32_t c) noexcept {
    __atomic_store_n(block, c, __ATOMIC_RELEASE);
  }

  // Moves ep to the nearest node reachable by strictly improving steps. With `seen`
  // (marking every node scored so far in this descent, ep included), a node already
  // scored is not scored again: its distance was >= d then and d only decreases, so it
  // cannot be a strict improvement. Same result, fewer distances (a descent through
  // several layers meets the same nodes on each).
  void greedy(const QueryDistance& dist, Slot& ep, float& d, int level, VisitedSet* seen = nullptr) const {
    for (bool changed = true; changed;) {
      changed = false;
      const std::uint32_t* l = links(ep, level);
      const std::uint32_t n = load_count(l, max_links(level));
      for (std::uint32_t i = 1; i <= n; ++i) dist.prefetch(load_link(l + i));
      for (std::uint32_t i = 1; i <= n; ++i) {
        const Slot nb = load_link(l + i);
        if (seen != nullptr && seen->test_and_set(nb)) continue;
        const float dn = dist(nb);
        if (dn < d) {
          d = dn;
          ep = nb;
          changed = true;
        }
      }
    }
  }

  // Best-first search of one layer from ep. `out` receives up to ef accepted nodes
  // (unsorted). Rejected nodes are still expanded, so the walk passes through them.
  //
  // Per expanded node: the unvisited neighbours are collected first (marking them
  // visited) and all their rows prefetched, then their distances computed in one run,
  // so the memory loads of a whole neighbour list overlap. The candidate heap is a
  // thread-local scratch vector reused across searches; both heaps order by distance
  // alone (ties in any order; the final sort breaks them by slot).
  template <class Accept>
  void search_layer(const QueryDistance& dist, Slot ep, float ep_dist, int level, std::size_t ef,
                    const Accept& accept, VisitedSet& vis, std::vector<Neighbor>& out) const {
    thread_local std::vector<Neighbor> candidates;  // min-heap by distance
    std::vector<Neighbor>& results = out;           // max-heap by distance
    candidates.clear();
    results.clear();
    results.reserve(ef + 1);
    const std::size_t max = max_links(level);
    Slot fresh[kMaxFanout];
    vis.test_and_set(ep);
    candidates.push_back({ep_dist, ep});
    float bound = std::numeric_limits<float>::infinity();
    if (accept(ep)) {
      results.push_back({ep_dist, ep});
      bound = ep_dist;
    }
    while (!candidates.empty()) {
      const Neighbor c = candidates.front();
      if (c.distance > bound && results.size() >= ef) break;
      std::pop_heap(candidates.begin(), candidates.end(), NearerFirst{});
      candidates.pop_back();
      if (!candidates.empty()) __builtin_prefetch(links(candidates.front().slot, level));
      const std::uint32_t* l = links(c.slot, level);
      const std::uint32_t n = load_count(l, max);
      for (std::uint32_t i = 1; i <= n; ++i) __builtin_prefetch(vis.address(load_link(l + i)));
      std::uint32_t nf = 0;
      for (std::uint32_t i = 1; i <= n; ++i) {
        const Slot nb = load_link(l + i);
        if (vis.test_and_set(nb)) continue;
        dist.prefetch(nb);
        fresh[nf++] = nb;
      }
      for (std::uint32_t i = 0; i < nf; ++i) {
        const Slot nb = fresh[i];
        const float dn = dist(nb);
        if (results.size() < ef || dn < bound) {
          candidates.push_back({dn, nb});
          std::push_heap(candidates.begin(), candidates.end(), NearerFirst{});
          // The nearest candidate is expanded next: its links are fetched while the
          // rest of this list is scored.
          if (candidates.front().slot == nb) __builtin_prefetch(links(nb, level));
          if (accept(nb)) {
            results.push_back({dn, nb});
            std::push_heap(results.begin(), results.end(), FartherFirst{});
            if (results.size() > ef) {
              std::pop_heap(results.begin(), results.end(), FartherFirst{});
              results.pop_back();
            }
            bound = results.front().distance;
          }
        }
      }
    }
  }

  // The paper's neighbour-selection heuristic (Algorithm 4): walk candidates from the
  // nearest; keep one only if it is nearer to the base than to every kept one.
  // `cands` must be sorted ascending by distance to the base.
  void select_neighbors(std::vector<Neighbor>& cands, std::size_t max_count) const {
    if (cands.size() <= max_count) return;
    std::vector<Neighbor> kept;
    kept.reserve(max_count);
    for (const Neighbor& c : cands) {
      if (kept.size() >= max_count) break;
      if (is_diverse(c, kept)) kept.push_back(c);
    }
    cands.swap(kept);
  }

  // The heuristic's test: `c` (with its distance to the base) is nearer to the base than
  // to every node in `kept`.
  bool is_diverse(const Neighbor& c, const std::vector<Neighbor>& kept) const {
    if (kept.empty()) return true;
    const SlotDistance from_c = space_.distance_from(c.slot);
    for (const Neighbor& k : kept)
      if (from_c(k.slot) < c.distance) return false;
    return true;
  }

  // Adds `from` to the links of `to` at `level`, pruning with the heuristic when full.
  template <bool kLocked>
  void add_link(Slot to, Slot from, int level) {
    std::unique_lock<std::mutex> lock;
    if constexpr (kLocked) lock = std::unique_lock<std::mutex>(stripe(to));
    std::uint32_t* l = links(to, level);
    const std::uint32_t n = l[0];
    for (std::uint32_t i = 1; i <= n; ++i)
      if (l[i] == from) return;
    if (n < max_links(level)) {
      store_link(l + n + 1, from);
      store_count(l, n + 1);
      return;
    }
    // The rows of a full list are rarely in cache: prefetched all before the first distance.
    const SlotDistance from_to = space_.distance_from(to);
    for (std::uint32_t i = 1; i <= n; ++i) from_to.prefetch(l[i]);
    std::vector<Neighbor> cands;
    cands.reserve(n + 1);
    cands.push_back({from_to(from), from});
    for (std::uint32_t i = 1; i <= n; ++i) cands.push_back({from_to(l[i]), l[i]});
    std::sort(cands.begin(), cands.end());
    select_neighbors(cands, max_links(level));
    write_links(l, cands);
  }

  static void write_links(std::uint32_t* l, const std::vector<Neighbor>& sel) {
    for (std::size_t i = 0; i < sel.size(); ++i) store_link(l + i + 1, sel[i].slot);
    store_count(l, static_cast<std::uint32_t>(sel.size()));
  }

  // Links node s (already initialised with `level`) into the graph.
  template <bool kLocked>
  void insert_node(Slot s, int level, VisitedSet& vis) {
    const PreparedQuery q = space_.prepare(space_.vector(s));
    const QueryDistance dist = space_.distance_to(q);
    std::unique_lock<std::mutex> top_lock;
    Slot ep;
    int top;
    {
      std::unique_lock<std::mutex> lock;
      if constexpr (kLocked) lock = std::unique_lock<std::mutex>(entry_mu_);
      ep = entry_;
      top = max_level_;
      if (ep == kNoSlot) {
        entry_ = s;
        max_level_ = level;
        return;
      }
      if constexpr (kLocked) {
        if (level > top) top_lock = std::move(lock);  // hold it: this node becomes the entry point
      }
    }
    float d = dist(ep);
    for (int l = top; l > level; --l) greedy(dist, ep, d, l);
    std::vector<Neighbor> found;
    for (int l = std::min(level, top); l >= 0; --l) {
      vis.reset(capacity_);
      vis.test_and_set(s);
      // Removals (deleted_count_) happen under the Database's exclusive lock, never
      // during an add().
      if (deleted_count_ == 0) {
        search_layer(dist, ep, d, l, ef_construction_, AcceptExcept{s}, vis, found);
      } else {
        search_layer(dist, ep, d, l, ef_construction_, AcceptLiveExcept{deleted_, s}, vis, found);
      }
      std::sort(found.begin(), found.end());
      if (!found.empty()) {
        ep = found.front().slot;
        d = found.front().distance;
      }
      std::vector<Neighbor> selected = found;
      select_neighbors(selected, m_);
      {
        std::unique_lock<std::mutex> lock;
        if constexpr (kLocked) lock = std::unique_lock<std::mutex>(stripe(s));
        std::uint32_t* own = links(s, l);
        if (own[0] != 0) {
          // Concurrent inserts already linked to s at this layer: keep those links too.
          for (std::uint32_t i = 1; i <= own[0]; ++i) {
            const Slot o = own[i];
            if (std::none_of(selected.begin(), selected.end(), [o](const Neighbor& x) { return x.slot == o; }))
              selected.push_back({space_.distance(s, o), o});
          }
          std::sort(selected.begin(), selected.end());
          select_neighbors(selected, max_links(l));
        }
        write_links(own, selected);
      }
      for (const Neighbor& nb : selected) add_link<kLocked>(nb.slot, s, l);
    }
    if (level > top) {
      std::unique_lock<std::mutex> lock;
      if constexpr (kLocked) {
        if (!top_lock.owns_lock()) lock = std::unique_lock<std::mutex>(entry_mu_);
      }
      if (level > max_level_) {
        entry_ = s;
        max_level_ = level;
      }
    }
  }

  // True when live node `s` links to a deleted node on layer `l`.
  bool links_to_deleted(Slot s, int l) const noexcept {
    const std::uint32_t* own = links(s, l);
    for (std::uint32_t j = 1; j <= own[0]; ++j)
      if (deleted_[own[j]]) return true;
    return false;
  }

  // The layer-`l` links of live node `s` with the deleted nodes taken out, sorted by
  // distance (what repair() writes, and what save_image() stores while a repair is
  // pending). Live links are kept (re-pruning them would thin the graph at every pass);
  // the freed places go to the deleted nodes' live links, chosen by the heuristic
  // against what is kept, then topped up by distance so the degree does not shrink.
  void relink_around_deleted(Slot s, int l, std::vector<Neighbor>& out) const {
    const std::uint32_t* own = links(s, l);
    std::vector<Neighbor> kept, cands;
    const std::uint32_t before = own[0];
    auto known = [&](Slot c) {
      for (const Neighbor& x : kept)
        if (x.slot == c) return true;
      for (const Neighbor& x : cands)
        if (x.slot == c) return true;
      return false;
    };
    for (std::uint32_t j = 1; j <= own[0]; ++j)
      if (!deleted_[own[j]]) kept.push_back({space_.distance(s, own[j]), own[j]});
    for (std::uint32_t j = 1; j <= own[0]; ++j) {
      const Slot c = own[j];
      if (!deleted_[c] || level_[c] < l) continue;
      const std::uint32_t* dl = links(c, l);
      for (std::uint32_t t = 1; t <= dl[0]; ++t) {
        const Slot x = dl[t];
        if (x != s && !deleted_[x] && !known(x)) cands.push_back({space_.distance(s, x), x});
      }
    }
    std::sort(cands.begin(), cands.end());
    std::vector<Neighbor> skipped;
    for (const Neighbor& c : cands) {
      if (kept.size() >= before) break;
      (is_diverse(c, kept) ? kept : skipped).push_back(c);
    }
    for (const Neighbor& c : skipped) {
      if (kept.size() >= before) break;
      kept.push_back(c);
    }
    std::sort(kept.begin(), kept.end());
    out.swap(kept);
  }

  // Relinks every live node that points at a deleted one, then frees deleted slots.
  void repair(unsigned threads) {
    for (int l = 0; l <= max_level_; ++l) {
      parallel_for(capacity_, threads, 256, [&](std::size_t i, unsigned) {
        const Slot s = static_cast<Slot>(i);
        if (level_[s] < l || deleted_[s] || !links_to_deleted(s, l)) return;
        // Only s's own block is written; deleted nodes' blocks are only read, so
        // workers never race.
        std::vector<Neighbor> relinked;
        relink_around_deleted(s, l, relinked);
        write_links(links(s, l), relinked);
      });
    }
    const bool entry_deleted = entry_ != kNoSlot && deleted_[entry_] != 0;
    for (std::size_t i = 0; i < capacity_; ++i) {
      const Slot s = static_cast<Slot>(i);
      if (!deleted_[s]) continue;
      deleted_[s] = 0;
      level_[s] = -1;
      upper_[s].reset();
      links(s, 0)[0] = 0;
      released_.push_back(s);
    }
    deleted_count_ = 0;
    if (entry_deleted) {
      entry_ = kNoSlot;
      max_level_ = -1;
      for (std::size_t i = 0; i < capacity_; ++i) {
        if (level_[i] > max_level_) {
          max_level_ = level_[i];
          entry_ = static_cast<Slot>(i);
        }
      }
    }
    reconnect_unreachable();
  }

  std::vector<std::vector<Slot>> links_of(Slot s) const override {
    std::vector<std::vector<Slot>> out;
    if (s >= capacity_ || level_[s] < 0) return out;
    for (int l = level_[s]; l >= 0; --l) {
      const std::uint32_t* ls = links(s, l);
      const std::uint32_t n = load_count(ls, max_links(l));
      std::vector<Slot> layer;
      for (std::uint32_t i = 1; i <= n; ++i) {
        const Slot t = load_link(ls + i);
        if (!deleted_[t]) layer.push_back(t);
      }
      out.push_back(std::move(layer));
    }
    return out;
  }

  Status check_invariants() const override {
    auto broken = [](const std::string& what) { return Status::Internal("HNSW graph invariant violated: " + what); };
    std::size_t live = 0;
    int top = -1;
    for (std::size_t i = 0; i < capacity_; ++i) {
      if (level_[i] < 0) {
        if (deleted_[i]) return broken("free slot " + std::to_string(i) + " is marked deleted");
        continue;
      }
      if (!deleted_[i]) ++live;
      top = std::max<int>(top, level_[i]);
      for (int l = 0; l <= level_[i]; ++l) {
        const std::uint32_t* ls = links(static_cast<Slot>(i), l);
        if (ls[0] > max_links(l))
          return broken("node " + std::to_string(i) + " has " + std::to_string(ls[0]) + " links on layer " +
                        std::to_string(l) + ", the bound is " + std::to_string(max_links(l)));
        for (std::uint32_t j = 1; j <= ls[0]; ++j) {
          const std::uint32_t t = ls[j];
          if (t >= capacity_ || level_[t] < 0)
            return broken("node " + std::to_string(i) + " links to free slot " + std::to_string(t) + " on layer " +
                          std::to_string(l));
          if (level_[t] < l)
            return broken("node " + std::to_string(i) + " links to node " + std::to_string(t) + " on layer " +
                          std::to_string(l) + ", above that node's top layer " + std::to_string(level_[t]));
          if (t == i) return broken("node " + std::to_string(i) + " links to itself on layer " + std::to_string(l));
        }
      }
    }
    if (live != live_count_)
      return broken(std::to_string(live) + " live nodes, but the count says " + std::to_string(live_count_));
    if (top < 0) {
      if (entry_ != kNoSlot) return broken("an empty graph has an entry point");
      return Status::Ok();
    }
    if (entry_ == kNoSlot || entry_ >= capacity_ || level_[entry_] < 0) return broken("no entry point");
    if (level_[entry_] != top || max_level_ != top)
      return broken("the entry point is on layer " + std::to_string(level_[entry_]) + ", the top layer is " +
                    std::to_string(top) + " (recorded " + std::to_string(max_level_) + ")");
    const std::vector<Slot> lost = unreachable_nodes();
    if (!lost.empty())
      return broken(std::to_string(lost.size()) + " live nodes are unreachable from the entry point, e.g. node " +
                    std::to_string(lost.front()));
    return Status::Ok();
  }

  // Live nodes that layer 0 no longer reaches from the entry point (deleted nodes are
  // walked through, as searches do).
  std::vector<Slot> unreachable_nodes() const {
    std::vector<Slot> out;
    if (entry_ == kNoSlot) return out;
    std::vector<unsigned char> seen(capacity_, 0);
    std::vector<Slot> stack{entry_};
    seen[entry_] = 1;
    while (!stack.empty()) {
      const Slot x = stack.back();
      stack.pop_back();
      const std::uint32_t* l = links(x, 0);
      for (std::uint32_t j = 1; j <= l[0]; ++j)
        if (!seen[l[j]]) {
          seen[l[j]] = 1;
          stack.push_back(l[j]);
        }
    }
    for (std::size_t i = 0; i < capacity_; ++i)
      if (level_[i] >= 0 && !deleted_[i] && !seen[i]) out.push_back(static_cast<Slot>(i));
    return out;
  }

  // Neighbour pruning (on insert and on repair) can leave a node with no incoming link,
  // e.g. a tight cluster whose only way in went through a deleted node. Such a node
  // is found by a walk from the entry point and linked back in: from its nearest
  // reachable node, replacing that node's farthest link if its list is full.
  // The live nodes nearest to node `u` (u excluded) that a construction-width search
  // from the entry point finds, sorted ascending.
  void nearest_live_nodes(Slot u, VisitedSet& vis, std::vector<Neighbor>& found) const {
    const PreparedQuery q = space_.prepare(space_.vector(u));
    const QueryDistance dist = space_.distance_to(q);
    Slot ep = entry_;
    float d = dist(ep);
    for (int l = max_level_; l > 0; --l) greedy(dist, ep, d, l);
    vis.reset(capacity_);
    vis.test_and_set(u);
    search_layer(dist, ep, d, 0, ef_construction_, AcceptLiveExcept{deleted_, u}, vis, found);
    std::sort(found.begin(), found.end());
  }

  void reconnect_unreachable() {
    auto vis = visited_.acquire(capacity_);
    for (int round = 0; round < 4; ++round) {
      const std::vector<Slot> lost = unreachable_nodes();
      if (lost.empty()) return;
      std::vector<unsigned char> is_lost(capacity_, 0);
      for (Slot u : lost) is_lost[u] = 1;
      std::vector<Neighbor> found;
      for (Slot u : lost) {
        nearest_live_nodes(u, *vis, found);
        const auto from = std::find_if(found.begin(), found.end(), [&](const Neighbor& n) { return !is_lost[n.slot]; });
        if (from == found.end()) continue;
        std::uint32_t* l = links(from->slot, 0);
        bool present = false;
        for (std::uint32_t j = 1; j <= l[0]; ++j) present |= l[j] == u;
        if (present) continue;
        if (l[0] < max_links(0)) {
          store_link(l + l[0] + 1, u);
          store_count(l, l[0] + 1);
        } else {
          std::uint32_t far = 1;
          float far_d = -1;
          for (std::uint32_t j = 1; j <= l[0]; ++j) {
            const float dj = space_.distance(from->slot, l[j]);
            if (dj > far_d) {
              far_d = dj;
              far = j;
            }
          }
          store_link(l + far, u);
        }
      }
    }
  }

  const VectorSpace& space_;
  const std::size_t m_;
  const std::size_t m0_;
  const std::size_t ef_construction_;
  const double level_mult_;
  const std::uint64_t seed_;

  std::size_t capacity_ = 0;
  // capacity_ * (1 + m0_); read at random by every search, so on huge pages when large
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> level0_;
  std::vector<signed char> level_;                       // -1 = free slot
  std::vector<unsigned char> deleted_;                   // 1 = removed, awaiting repair
  std::vector<std::unique_ptr<std::uint32_t[]>> upper_;  // levels 1..level_ blocks

  Slot entry_ = kNoSlot;
  int max_level_ = -1;
  std::size_t live_count_ = 0;
  std::size_t deleted_count_ = 0;
  std::vector<Slot> released_;

  std::unique_ptr<std::mutex[]> stripes_;
  std::mutex entry_mu_;
  mutable VisitedPool visited_;
};

}  // namespace

Result<std::unique_ptr<Index>> make_hnsw_index(const VectorSpace& space, const HnswParams& params) {
  return std::unique_ptr<Index>(std::make_unique<HnswIndex>(space, params));
}

}  // namespace ruvector::detail
