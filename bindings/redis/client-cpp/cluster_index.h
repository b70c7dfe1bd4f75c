// ClusterIndex: the C++ client for one logical ruvector index spread over S shard keys
// of a Redis Cluster running ruvector-redis.so — the same layout, routing and merge as
// the Node client (docs/scale-out.md, "Cluster client"): shard keys rv:{NAME#i}, the
// metadata hash rv:{NAME}:meta, shard = fnv1a32(utf8 id) mod S, VSIM fanned out to
// every shard key in parallel and merged by score, failed shards reported.
//
// Built on hiredis (Debian libhiredis-dev, synchronous API): the client keeps the slot
// map from CLUSTER SLOTS, follows MOVED (re-reading the map) and ASK (ASKING on the
// target), and retries connection errors, CLUSTERDOWN, TRYAGAIN and LOADING with
// backoff until the call's deadline.
//
// Connections: writes (insert, remove) go over one persistent connection per master,
// which is also where wait_replicas() sends WAIT, so WAIT covers the writes made through
// this ClusterIndex; reads (size, get, search) use short-lived connections.
// Threads: one ClusterIndex may be used from several threads (writes are serialised by
// a mutex); search() runs one thread per shard key (at most 16 at a time), each on its
// own connection.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/result.h"

namespace ruvector::redis_cluster {

struct Endpoint {
  std::string host;
  int port = 0;
};

struct Hit {
  std::string id;
  double score = 0;  // (1 + cos) / 2, higher is better
  std::string attributes_json;  // with SearchParams::with_attributes; empty = none
};

struct SearchParams {
  std::size_t k = 10;
  std::uint32_t ef = 100;
  std::string filter;  // vector-sets FILTER expression; empty = none
  bool truth = false;  // exact scan on every shard
  bool with_attributes = false;  // WITHATTRIBS: fill Hit::attributes_json
  int timeout_ms = 2000;  // per shard, including retries
};

struct Element {
  std::string id;
  std::vector<float> vector;    // the stored float32 vector (VEMB)
  std::string attributes_json;  // empty when the element has no attributes
};

struct SearchOutcome {
  std::vector<Hit> hits;
  std::vector<std::string> failed_shards;  // "shard 3: <error>"; non-empty = partial answer
  bool partial() const { return !failed_shards.empty(); }
};

// The settings of a new index, written once into its metadata hash rv:{NAME}:meta
// (HSETNX per field, as the Node client does). ef_search is the default of searches that
// give none (clients that predate the field use 100).
struct IndexSettings {
  std::uint32_t shards = 6;
  std::uint32_t dimensions = 0;
  std::uint32_t m = 16;
  std::uint32_t ef_construction = 200;
  std::uint32_t ef_search = 100;
  std::string quantization = "NOQUANT";  // NOQUANT | Q8 | BIN
};

// One shard key as info() reports it.
struct ShardInfo {
  std::string key;
  std::uint16_t slot = 0;
  std::string master;  // "host:port" owning the slot; empty when unknown
  std::uint64_t count = 0;         // VCARD
  std::uint64_t memory_bytes = 0;  // MEMORY USAGE
};

// 32-bit FNV-1a of the id's bytes: the shard of an element is fnv1a32(id) % shards.
std::uint32_t fnv1a32(std::string_view bytes) noexcept;
// The Redis Cluster slot of a key (CRC16-XMODEM of its hash tag, mod 16384).
std::uint16_t key_slot(std::string_view key) noexcept;

class ClusterIndex {
 public:
  // Connects through any of `seeds` and reads the index's metadata.
  // NOT_FOUND when the index does not exist; UNAVAILABLE-like IO_ERROR when no seed answers.
  static Result<std::unique_ptr<ClusterIndex>> open(const std::vector<Endpoint>& seeds, const std::string& index,
                                                    int timeout_ms = 30000);
  // Writes `settings` into the index's metadata hash (fields already there are kept:
  // HSETNX, so of two racing creators the first wins), then opens it.
  static Result<std::unique_ptr<ClusterIndex>> create(const std::vector<Endpoint>& seeds, const std::string& index,
                                                      const IndexSettings& settings, int timeout_ms = 30000);
  ~ClusterIndex();

  const std::string& index() const noexcept { return index_; }
  std::uint32_t shards() const noexcept { return shards_; }
  std::uint32_t dimensions() const noexcept { return dimensions_; }
  std::uint32_t m() const noexcept { return m_; }
  std::uint32_t ef_construction() const noexcept { return ef_construction_; }
  std::uint32_t ef_search() const noexcept { return ef_search_; }
  const std::string& quantization() const noexcept { return quantization_; }
  std::string shard_key(std::uint32_t shard) const;

  // VADD on the element's shard key. DIMENSION_MISMATCH, INVALID_ARGUMENT, IO_ERROR.
  Status insert(std::string_view id, std::span<const float> vector, std::string_view attributes_json = {});
  // VEMB + VGETATTR on the element's shard key; nullopt when absent.
  Result<std::optional<Element>> get(std::string_view id);
  // VREM: true when the element existed and was removed.
  Result<bool> remove(std::string_view id);
  // WAIT num_replicas timeout_ms on the write connection of every master that owns a shard
  // key -> the smallest acknowledgement count: every write made through this ClusterIndex
  // before the call reached at least that many replicas. Replication stays asynchronous:
  // an acknowledged write can still be lost in rare failovers (docs/scale-out.md).
  Result<int> wait_replicas(int num_replicas, int timeout_ms);
  // Sum of VCARD over the shard keys.
  Result<std::uint64_t> size();
  // Slot, owner, VCARD and MEMORY USAGE of every shard key, in shard order.
  Result<std::vector<ShardInfo>> shard_info();
  Result<SearchOutcome> search(std::span<const float> query, const SearchParams& params);

  struct Impl;

 private:
  explicit ClusterIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string index_;
  std::uint32_t shards_ = 0;
  std::uint32_t dimensions_ = 0;
  std::uint32_t m_ = 16;
  std::uint32_t ef_construction_ = 200;
  std::uint32_t ef_search_ = 100;
  std::string quantization_ = "NOQUANT";  // NOQUANT | Q8 | BIN, from the metadata hash
};

}  // namespace ruvector::redis_cluster
