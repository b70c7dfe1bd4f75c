#include "cluster_index.h"

#include <hiredis.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

namespace ruvector::redis_cluster {

std::uint32_t fnv1a32(std::string_view bytes) noexcept {
  std::uint32_t h = 0x811c9dc5u;
  for (unsigned char c : bytes) h = (h ^ c) * 0x01000193u;
  return h;
}

std::uint16_t key_slot(std::string_view key) noexcept {
  const std::size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const std::size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  std::uint16_t crc = 0;  // CRC16-XMODEM (polynomial 0x1021, initial 0)
  for (unsigned char c : key) {
    crc ^= static_cast<std::uint16_t>(c << 8);
    for (int i = 0; i < 8; ++i) crc = static_cast<std::uint16_t>(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return static_cast<std::uint16_t>(crc & 16383);
}

namespace {

using Clock = std::chrono::steady_clock;

struct ReplyFree {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

struct ContextFree {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};

// One connection; null context = could not connect.
class Connection {
 public:
  Connection(const Endpoint& ep, int timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ctx_.reset(redisConnectWithTimeout(ep.host.c_str(), ep.port, tv));
    if (ctx_ && ctx_->err == 0) redisSetTimeout(ctx_.get(), tv);
  }
  bool ok() const { return ctx_ && ctx_->err == 0; }
  std::string error() const { return ctx_ ? ctx_->errstr : "cannot allocate a connection"; }
  // Null on an IO error (the connection is then unusable).
  Reply command(const std::vector<std::string>& args) {
    if (!ok()) return nullptr;
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(ctx_.get(), static_cast<int>(args.size()), argv.data(), lens.data())));
  }

 private:
  std::unique_ptr<redisContext, ContextFree> ctx_;
};

bool starts_with(const redisReply* r, const char* prefix) {
  return r->type == REDIS_REPLY_ERROR && std::strncmp(r->str, prefix, std::strlen(prefix)) == 0;
}

// An error reply as a Status, as the Node client codes them: "ERR ..." is the caller's
// mistake (DIMENSION_MISMATCH for a vector of the wrong length, else INVALID_ARGUMENT).
Status error_status(const redisReply* r) {
  std::string text(r->str, r->len);
  if (text.rfind("ERR ", 0) != 0) return Status::IoError(text);
  text.erase(0, 4);
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("dimension mismatch") != std::string::npos) return Status(StatusCode::kDimensionMismatch, text);
  return Status::InvalidArgument(text);
}

Endpoint parse_endpoint(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  Endpoint ep;
  ep.host = std::string(text.substr(0, colon));
  ep.port = std::atoi(std::string(text.substr(colon + 1)).c_str());
  return ep;
}

}  // namespace

struct ClusterIndex::Impl {
  std::mutex write_mu;                  // serialises writes and WAIT (the pooled connections)
  std::map<std::string, std::unique_ptr<Connection>> write_conns;  // "host:port" -> connection
  std::mutex mu;
  std::vector<Endpoint> nodes;          // every node ever seen
  std::array<int, 16384> owner{};       // slot -> index into nodes, -1 unknown
  int connect_timeout_ms = 2000;

  int node_index(const Endpoint& ep) {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].host == ep.host && nodes[i].port == ep.port) return static_cast<int>(i);
    nodes.push_back(ep);
    return static_cast<int>(nodes.size() - 1);
  }

  // Re-reads the slot map from the first node that answers CLUSTER SLOTS.
  bool refresh() {
    std::vector<Endpoint> candidates;
    {
      std::lock_guard<std::mutex> lock(mu);
      candidates = nodes;
    }
    for (const Endpoint& ep : candidates) {
      Connection c(ep, connect_timeout_ms);
      Reply r = c.command({"CLUSTER", "SLOTS"});
      if (!r || r->type != REDIS_REPLY_ARRAY) continue;
      std::lock_guard<std::mutex> lock(mu);
      owner.fill(-1);
      for (std::size_t i = 0; i < r->elements; ++i) {
        const redisReply* range = r->element[i];
        if (range->type != REDIS_REPLY_ARRAY || range->elements < 3) continue;
        const redisReply* master = range->element[2];
        if (master->type != REDIS_REPLY_ARRAY || master->elements < 2) continue;
        Endpoint m{std::string(master->element[0]->str, master->element[0]->len),
                   static_cast<int>(master->element[1]->integer)};
        if (m.host.empty()) m.host = ep.host;
        const int idx = node_index(m);
        for (long long s = range->element[0]->integer; s <= range->element[1]->integer && s < 16384; ++s)
          owner[static_cast<std::size_t>(s)] = idx;
      }
      return true;
    }
    return false;
  }

  std::optional<Endpoint> owner_of(std::uint16_t slot) {
    std::lock_guard<std::mutex> lock(mu);
    const int i = owner[slot];
    if (i < 0) return std::nullopt;
    return nodes[static_cast<std::size_t>(i)];
  }

  // The persistent write connection to `ep` (caller holds write_mu); reconnects when broken.
  Connection& write_connection(const Endpoint& ep) {
    auto& slot = write_conns[ep.host + ":" + std::to_string(ep.port)];
    if (!slot || !slot->ok()) slot = std::make_unique<Connection>(ep, connect_timeout_ms);
    return *slot;
  }

  // Runs `args` (whose key is `key`) until a final reply or the deadline. `write`: on the
  // owner's persistent write connection (caller holds write_mu), else on a new one.
  Result<Reply> run(const std::string& key, const std::vector<std::string>& args, Clock::time_point deadline,
                    bool write = false) {
    const std::uint16_t slot = key_slot(key);
    int backoff_ms = 20;
    std::string last = "no node owns the slot";
    for (;;) {
      std::optional<Endpoint> ep = owner_of(slot);
      if (ep) {
        std::optional<Connection> fresh;
        if (!write) fresh.emplace(*ep, connect_timeout_ms);
        Connection& c = write ? write_connection(*ep) : *fresh;
        Reply r = c.command(args);
        if (!r) {
          last = c.error();
          if (write) write_conns.erase(ep->host + ":" + std::to_string(ep->port));
          refresh();
        } else if (starts_with(r.get(), "MOVED")) {
          refresh();
          continue;
        } else if (starts_with(r.get(), "ASK")) {
          const char* space = std::strrchr(r->str, ' ');
          Connection target(parse_endpoint(space ? space + 1 : ""), connect_timeout_ms);
          Reply asking = target.command({"ASKING"});
          Reply again = asking ? target.command(args) : nullptr;
          if (again) return again;
          last = target.error();
        } else if (starts_with(r.get(), "CLUSTERDOWN") || starts_with(r.get(), "TRYAGAIN") ||
                   starts_with(r.get(), "LOADING") || starts_with(r.get(), "MASTERDOWN")) {
          last = r->str;
          refresh();
        } else {
          return r;
        }
      } else {
        refresh();
      }
      if (Clock::now() + std::chrono::milliseconds(backoff_ms) > deadline)
        return Status::IoError("cluster unavailable: " + last);
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms = std::min(backoff_ms * 2, 500);
    }
  }
};

ClusterIndex::ClusterIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClusterIndex::~ClusterIndex() = default;

std::string ClusterIndex::shard_key(std::uint32_t shard) const {
  return "rv:{" + index_ + "#" + std::to_string(shard) + "}";
}

Result<std::unique_ptr<ClusterIndex>> ClusterIndex::open(const std::vector<Endpoint>& seeds, const std::string& index,
                                                         int timeout_ms) {
  if (seeds.empty()) return Status::InvalidArgument("no seed nodes");
  auto impl = std::make_unique<Impl>();
  impl->owner.fill(-1);
  impl->nodes = seeds;
  std::unique_ptr<ClusterIndex> out(new ClusterIndex(std::move(impl)));
  out->index_ = index;
  const std::string meta = "rv:{" + index + "}:meta";
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  out->impl_->refresh();
  RUVECTOR_ASSIGN_OR_RETURN(Reply r, out->impl_->run(meta, {"HGETALL", meta}, deadline));
  if (r->type != REDIS_REPLY_ARRAY) return Status::IoError("unexpected reply to HGETALL");
  if (r->elements == 0) return Status::NotFound("index '" + index + "' does not exist in the cluster (give dimensions to create it)");
  for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
    const std::string field(r->element[i]->str, r->element[i]->len);
    const long long v = std::atoll(r->element[i + 1]->str);
    if (field == "version" && v != 1) return Status::Unsupported("index metadata version " + std::to_string(v));
    if (field == "shards") out->shards_ = static_cast<std::uint32_t>(v);
    if (field == "dimensions") out->dimensions_ = static_cast<std::uint32_t>(v);
    if (field == "m") out->m_ = static_cast<std::uint32_t>(v);
    if (field == "efConstruction") out->ef_construction_ = static_cast<std::uint32_t>(v);
    if (field == "efSearch" && v > 0) out->ef_search_ = static_cast<std::uint32_t>(v);
    if (field == "quantization") out->quantization_.assign(r->element[i + 1]->str, r->element[i + 1]->len);
  }
  if (out->shards_ == 0 || out->dimensions_ == 0) return Status::Corruption("index metadata incomplete");
  return out;
}

Result<std::unique_ptr<ClusterIndex>> ClusterIndex::create(const std::vector<Endpoint>& seeds, const std::string& index,
                                                           const IndexSettings& settings, int timeout_ms) {
  if (seeds.empty()) return Status::InvalidArgument("no seed nodes");
  if (settings.dimensions == 0 || settings.shards == 0) return Status::InvalidArgument("dimensions and shards must be >= 1");
  Impl probe;
  probe.owner.fill(-1);
  probe.nodes = seeds;
  probe.refresh();
  const std::string meta = "rv:{" + index + "}:meta";
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const std::pair<const char*, std::string> fields[] = {
      {"version", "1"},
      {"shards", std::to_string(settings.shards)},
      {"dimensions", std::to_string(settings.dimensions)},
      {"m", std::to_string(settings.m)},
      {"efConstruction", std::to_string(settings.ef_construction)},
      {"efSearch", std::to_string(settings.ef_search)},
      {"quantization", settings.quantization},
  };
  for (const auto& [field, value] : fields) {
    RUVECTOR_ASSIGN_OR_RETURN(Reply r, probe.run(meta, {"HSETNX", meta, field, value}, deadline));
    if (r->type == REDIS_REPLY_ERROR) return error_status(r.get());
  }
  return open(seeds, index, timeout_ms);
}

Status ClusterIndex::insert(std::string_view id, std::span<const float> vector, std::string_view attributes_json) {
  if (id.empty()) return Status::InvalidArgument("id must not be empty");
  if (vector.size() != dimensions_)
    return Status(StatusCode::kDimensionMismatch, "vector has " + std::to_string(vector.size()) +
                                                      " dimensions, the index has " + std::to_string(dimensions_));
  const std::string key = shard_key(fnv1a32(id) % shards_);
  std::vector<std::string> args{"VADD", key, "FP32",
                                std::string(reinterpret_cast<const char*>(vector.data()), vector.size_bytes()),
                                std::string(id), quantization_, "M", std::to_string(m_), "EF",
                                std::to_string(ef_construction_)};
  if (!attributes_json.empty()) {
    args.push_back("SETATTR");
    args.emplace_back(attributes_json);
  }
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  RUVECTOR_ASSIGN_OR_RETURN(Reply r, impl_->run(key, args, Clock::now() + std::chrono::seconds(30), true));
  if (r->type == REDIS_REPLY_ERROR) return error_status(r.get());
  return Status::Ok();
}

Result<std::optional<Element>> ClusterIndex::get(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("id must not be empty");
  const std::string key = shard_key(fnv1a32(id) % shards_);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  RUVECTOR_ASSIGN_OR_RETURN(Reply emb, impl_->run(key, {"VEMB", key, std::string(id)}, deadline));
  if (emb->type == REDIS_REPLY_NIL) return std::optional<Element>();
  if (emb->type != REDIS_REPLY_ARRAY) return Status::IoError(emb->type == REDIS_REPLY_ERROR ? emb->str : "bad reply to VEMB");
  Element e;
  e.id = std::string(id);
  for (std::size_t i = 0; i < emb->elements; ++i) {
    const redisReply* v = emb->element[i];
    // RESP2 sends the doubles as bulk strings.
    if (v->type != REDIS_REPLY_STRING) return Status::IoError("bad reply to VEMB");
    e.vector.push_back(static_cast<float>(std::strtod(v->str, nullptr)));
  }
  RUVECTOR_ASSIGN_OR_RETURN(Reply attrs, impl_->run(key, {"VGETATTR", key, std::string(id)}, deadline));
  if (attrs->type == REDIS_REPLY_STRING) e.attributes_json.assign(attrs->str, attrs->len);
  else if (attrs->type == REDIS_REPLY_ERROR) return Status::IoError(attrs->str);
  return std::optional<Element>(std::move(e));
}

Result<bool> ClusterIndex::remove(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("id must not be empty");
  const std::string key = shard_key(fnv1a32(id) % shards_);
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  RUVECTOR_ASSIGN_OR_RETURN(Reply r, impl_->run(key, {"VREM", key, std::string(id)},
                                                 Clock::now() + std::chrono::seconds(30), true));
  if (r->type != REDIS_REPLY_INTEGER) return Status::IoError(r->type == REDIS_REPLY_ERROR ? r->str : "bad reply to VREM");
  return r->integer == 1;
}

Result<int> ClusterIndex::wait_replicas(int num_replicas, int timeout_ms) {
  if (num_replicas < 0 || timeout_ms < 0) return Status::InvalidArgument("num_replicas and timeout_ms must be >= 0");
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms) + std::chrono::seconds(30);
  const std::vector<std::string> args{"WAIT", std::to_string(num_replicas), std::to_string(timeout_ms)};
  int least = -1;
  std::vector<std::string> done;  // masters already asked (WAIT is per connection, not per key)
  for (std::uint32_t s = 0; s < shards_; ++s) {
    const std::string key = shard_key(s);
    std::optional<Endpoint> ep = impl_->owner_of(key_slot(key));
    const std::string name = ep ? ep->host + ":" + std::to_string(ep->port) : std::string();
    if (ep && std::find(done.begin(), done.end(), name) != done.end()) continue;
    RUVECTOR_ASSIGN_OR_RETURN(Reply r, impl_->run(key, args, deadline, true));
    if (r->type != REDIS_REPLY_INTEGER) return Status::IoError(r->type == REDIS_REPLY_ERROR ? r->str : "bad reply to WAIT");
    const int acks = static_cast<int>(r->integer);
    least = least < 0 ? acks : std::min(least, acks);
    if (ep) done.push_back(name);
  }
  return least < 0 ? 0 : least;
}

Result<std::uint64_t> ClusterIndex::size() {
  std::uint64_t total = 0;
  for (std::uint32_t s = 0; s < shards_; ++s) {
    const std::string key = shard_key(s);
    RUVECTOR_ASSIGN_OR_RETURN(Reply r, impl_->run(key, {"VCARD", key}, Clock::now() + std::chrono::seconds(30)));
    if (r->type != REDIS_REPLY_INTEGER) return Status::IoError(r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
    total += static_cast<std::uint64_t>(r->integer);
  }
  return total;
}

Result<std::vector<ShardInfo>> ClusterIndex::shard_info() {
  std::vector<ShardInfo> out(shards_);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  for (std::uint32_t s = 0; s < shards_; ++s) {
    ShardInfo& info = out[s];
    info.key = shard_key(s);
    info.slot = key_slot(info.key);
    RUVECTOR_ASSIGN_OR_RETURN(Reply card, impl_->run(info.key, {"VCARD", info.key}, deadline));
    if (card->type != REDIS_REPLY_INTEGER) return Status::IoError(card->type == REDIS_REPLY_ERROR ? card->str : "bad reply to VCARD");
    info.count = static_cast<std::uint64_t>(card->integer);
    RUVECTOR_ASSIGN_OR_RETURN(Reply mem, impl_->run(info.key, {"MEMORY", "USAGE", info.key}, deadline));
    if (mem->type == REDIS_REPLY_INTEGER) info.memory_bytes = static_cast<std::uint64_t>(mem->integer);
    else if (mem->type == REDIS_REPLY_ERROR) return Status::IoError(mem->str);
    // The owner after the replies above (a MOVED on the way refreshed the map).
    if (std::optional<Endpoint> ep = impl_->owner_of(info.slot)) info.master = ep->host + ":" + std::to_string(ep->port);
  }
  return out;
}

Result<SearchOutcome> ClusterIndex::search(std::span<const float> query, const SearchParams& p) {
  if (query.size() != dimensions_)
    return Status(StatusCode::kDimensionMismatch, "query has " + std::to_string(query.size()) +
                                                      " dimensions, the index has " + std::to_string(dimensions_));
  if (p.k == 0) return Status::InvalidArgument("k must be >= 1");
  std::vector<std::string> tail{"WITHSCORES", "COUNT", std::to_string(p.k), "EF", std::to_string(p.ef)};
  if (p.with_attributes) tail.push_back("WITHATTRIBS");
  if (!p.filter.empty()) {
    tail.push_back("FILTER");
    tail.push_back(p.filter);
  }
  if (p.truth) tail.push_back("TRUTH");
  const std::string blob(reinterpret_cast<const char*>(query.data()), query.size_bytes());
  std::vector<std::vector<Hit>> per_shard(shards_);
  std::vector<std::string> errors(shards_);
  std::vector<Status> refused(shards_);  // error replies: the query's fault, not the shard's
  std::atomic<std::uint32_t> next{0};
  const auto deadline = Clock::now() + std::chrono::milliseconds(p.timeout_ms);
  auto worker = [&] {
    for (std::uint32_t s; (s = next.fetch_add(1)) < shards_;) {
      const std::string key = shard_key(s);
      std::vector<std::string> args{"VSIM", key, "FP32", blob};
      args.insert(args.end(), tail.begin(), tail.end());
      auto r = impl_->run(key, args, deadline);
      if (!r.ok()) {
        errors[s] = r.status().message();
      } else if ((*r)->type == REDIS_REPLY_ERROR) {
        refused[s] = error_status(r->get());
        if (refused[s].code() == StatusCode::kIoError) {
          errors[s] = (*r)->str;
          refused[s] = Status::Ok();
        }
      } else if ((*r)->type == REDIS_REPLY_ARRAY) {
        const std::size_t step = p.with_attributes ? 3 : 2;
        for (std::size_t i = 0; i + step - 1 < (*r)->elements; i += step) {
          const redisReply* const* e = (*r)->element + i;
          Hit h{std::string(e[0]->str, e[0]->len), std::strtod(e[1]->str, nullptr), {}};
          if (p.with_attributes && e[2]->type == REDIS_REPLY_STRING) h.attributes_json.assign(e[2]->str, e[2]->len);
          per_shard[s].push_back(std::move(h));
        }
      } else {
        errors[s] = "unexpected reply";
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < std::min<std::uint32_t>(shards_, 16); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  SearchOutcome out;
  for (std::uint32_t s = 0; s < shards_; ++s)
    if (!refused[s].ok()) return refused[s];
  for (std::uint32_t s = 0; s < shards_; ++s) {
    if (!errors[s].empty()) {
      out.failed_shards.push_back("shard " + std::to_string(s) + ": " + errors[s]);
    }
    out.hits.insert(out.hits.end(), per_shard[s].begin(), per_shard[s].end());
  }
  std::sort(out.hits.begin(), out.hits.end(),
            [](const Hit& a, const Hit& b) { return a.score > b.score || (a.score == b.score && a.id < b.id); });
  if (out.hits.size() > p.k) out.hits.resize(p.k);
  return out;
}

}  // namespace ruvector::redis_cluster
