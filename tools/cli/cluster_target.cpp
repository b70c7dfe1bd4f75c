#include "cluster_target.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "command_support.h"

#ifdef RUVECTOR_CLI_REDIS
#include "cluster_index.h"
#include "core/uuid.h"
#endif

namespace ruvector::cli {

std::optional<ClusterAddress> parse_cluster_address(const std::string& path) {
  const std::string scheme = "redis://";
  if (path.rfind(scheme, 0) != 0) return std::nullopt;
  const std::string rest = path.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string::npos)
    return std::nullopt;
  ClusterAddress a;
  a.index = rest.substr(slash + 1);
  const std::string nodes = rest.substr(0, slash);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = nodes.find(',', start);
    a.nodes.push_back(nodes.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return a;
}

#ifndef RUVECTOR_CLI_REDIS

namespace {
Status not_built() {
  return Status::Unsupported("this ruvector was built without the Redis cluster client "
                             "(install libhiredis-dev and rebuild) and cannot open redis:// indexes");
}
}  // namespace

Result<std::unique_ptr<IndexTarget>> open_cluster_target(const std::string&) { return not_built(); }
Outcome run_create_cluster(const GlobalOptions&, const CreateOptions&) { return Outcome::Error(not_built()); }
Outcome run_info_cluster(const GlobalOptions&, const InfoOptions&) { return Outcome::Error(not_built()); }

#else

namespace rc = ruvector::redis_cluster;

namespace {

bool valid_node(const std::string& n) {
  // [redis://]host:port, host without blanks or '/'
  std::string s = n.rfind("redis://", 0) == 0 ? n.substr(8) : n;
  const std::size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  for (std::size_t i = 0; i < colon; ++i)
    if (s[i] == '/' || s[i] == ' ' || s[i] == '\t') return false;
  for (std::size_t i = colon + 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool valid_index_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Validates the address; the seeds as endpoints.
Result<std::vector<rc::Endpoint>> seeds_of(const ClusterAddress& a) {
  std::vector<rc::Endpoint> seeds;
  for (const std::string& n : a.nodes) {
    if (!valid_node(n))
      return Status::InvalidArgument("bad redis node \"" + n + "\"; expected \"host:port\"");
    const std::string s = n.rfind("redis://", 0) == 0 ? n.substr(8) : n;
    const std::size_t colon = s.rfind(':');
    seeds.push_back(rc::Endpoint{s.substr(0, colon), std::atoi(s.c_str() + colon + 1)});
  }
  if (!valid_index_name(a.index))
    return Status::InvalidArgument("the cluster index name must be 1..128 characters of [A-Za-z0-9_.:-], got '" +
                                   a.index + "'");
  return seeds;
}

Quantization quantization_of(const std::string& wire) {
  if (wire == "Q8") return Quantization::kInt8;
  if (wire == "BIN") return Quantization::kBinary;
  return Quantization::kNone;
}

// The settings of a cluster index in the shape of a database's (cosine HNSW).
DatabaseInfo settings_of(const rc::ClusterIndex& c) {
  DatabaseInfo info;
  info.dimensions = c.dimensions();
  info.metric = Metric::kCosine;
  info.index = IndexKind::kHnsw;
  info.hnsw.m = c.m();
  info.hnsw.ef_construction = c.ef_construction();
  info.hnsw.ef_search = c.ef_search();
  info.quantization = quantization_of(c.quantization());
  return info;
}

// settings_doc() without `rescore`: the servers re-rank every candidate exactly.
Json cluster_settings_doc(const rc::ClusterIndex& c) {
  Json doc = settings_doc(settings_of(c));
  doc.erase("rescore");
  return doc;
}

Json parse_attributes(const std::string& text) {
  if (text.empty()) return nullptr;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json(text) : j;  // text another client stored that is not JSON
}

Result<std::unique_ptr<rc::ClusterIndex>> open_index(const std::string& url) {
  const auto address = parse_cluster_address(url);
  auto seeds = seeds_of(*address);
  if (!seeds.ok()) return seeds.status().WithContext("cannot open '" + url + "'");
  auto index = rc::ClusterIndex::open(*seeds, address->index);
  if (!index.ok()) return index.status().WithContext("cannot open '" + url + "'");
  return index;
}

class ClusterTarget final : public IndexTarget {
 public:
  explicit ClusterTarget(std::unique_ptr<rc::ClusterIndex> index) : index_(std::move(index)) {}
  const char* kind() const override { return "redis"; }
  std::uint32_t dimensions() const override { return index_->dimensions(); }

  Result<std::string> insert(const Entry& entry) override {
    RUVECTOR_RETURN_IF_ERROR(check(entry));
    return write(entry);
  }

  Result<std::vector<std::string>> insert_batch(std::span<const Entry> entries) override {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      Status st = check(entries[i]);
      if (!st.ok()) return Status(st.code(), "entry " + std::to_string(i) + ": " + st.message());
    }
    std::vector<std::string> ids;
    ids.reserve(entries.size());
    for (const Entry& e : entries) {
      RUVECTOR_ASSIGN_OR_RETURN(std::string id, write(e));
      ids.push_back(std::move(id));
    }
    return ids;
  }

  Result<std::vector<SearchHit>> search(const SearchQuery& q) override {
    rc::SearchParams p;
    p.k = q.k;
    p.ef = q.ef_search ? *q.ef_search : index_->ef_search();
    p.with_attributes = q.include_metadata;
    if (!q.filter.is_null()) {
      if (!q.filter.is_string())
        return Status::InvalidArgument(
            "a cluster index filters with the vector-sets expression language, a string such as "
            "'.year > 1990 and .genre == \"jazz\"' (docs/scale-out.md), not a JSON filter object");
      p.filter = q.filter.get<std::string>();
    }
    if (q.vector.size() != index_->dimensions())
      return Status(StatusCode::kDimensionMismatch, "vector has " + std::to_string(q.vector.size()) +
                                                        " dimensions, the index has " +
                                                        std::to_string(index_->dimensions()));
    RUVECTOR_ASSIGN_OR_RETURN(rc::SearchOutcome r, index_->search(q.vector, p));
    if (r.partial()) {
      std::string which;
      for (const std::string& f : r.failed_shards) which += (which.empty() ? "" : "; ") + f;
      return Status::IoError(std::to_string(r.failed_shards.size()) + " of " + std::to_string(index_->shards()) +
                             " shard keys did not answer: " + which);
    }
    std::vector<SearchHit> hits(r.hits.size());
    for (std::size_t i = 0; i < r.hits.size(); ++i) {
      hits[i].id = r.hits[i].id;
      // The servers' similarity (1 + cos) / 2 as the local cosine distance 1 - cos.
      hits[i].score = static_cast<float>(2.0 - 2.0 * r.hits[i].score);
      if (q.include_metadata) hits[i].metadata = parse_attributes(r.hits[i].attributes_json);
      if (q.include_vector) {
        RUVECTOR_ASSIGN_OR_RETURN(std::optional<rc::Element> e, index_->get(hits[i].id));
        if (e) hits[i].vector = std::move(e->vector);
      }
    }
    return hits;
  }

  Result<Record> get(const std::string& id) override {
    RUVECTOR_ASSIGN_OR_RETURN(std::optional<rc::Element> e, index_->get(id));
    if (!e) return Status::NotFound("no entry with id '" + id + "'");
    Record r;
    r.id = std::move(e->id);
    r.vector = std::move(e->vector);
    r.metadata = parse_attributes(e->attributes_json);
    return r;
  }

  Result<bool> remove(const std::string& id) override { return index_->remove(id); }
  Result<std::uint64_t> size() override { return index_->size(); }
  Status save() override { return Status::Ok(); }

 private:
  Status check(const Entry& e) const {
    if (e.vector.size() != index_->dimensions())
      return Status(StatusCode::kDimensionMismatch, "vector has " + std::to_string(e.vector.size()) +
                                                        " dimensions, the index has " +
                                                        std::to_string(index_->dimensions()));
    if (!e.metadata.is_null() && !e.metadata.is_object())
      return Status::InvalidArgument("metadata must be an object (or the JSON text of one)");
    return Status::Ok();
  }

  Result<std::string> write(const Entry& e) {
    std::string id = e.id.empty() ? detail::uuid_v4() : e.id;
    const std::string attributes = e.metadata.is_null() ? std::string() : dump(e.metadata);
    RUVECTOR_RETURN_IF_ERROR(index_->insert(id, e.vector, attributes));
    return id;
  }

  std::unique_ptr<rc::ClusterIndex> index_;
};

}  // namespace

Result<std::unique_ptr<IndexTarget>> open_cluster_target(const std::string& url) {
  RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<rc::ClusterIndex> index, open_index(url));
  return std::unique_ptr<IndexTarget>(new ClusterTarget(std::move(index)));
}

Outcome run_create_cluster(const GlobalOptions& g, const CreateOptions& o) {
  const std::string& url = o.dir;
  if (!o.from_snapshot.empty())
    return Outcome::UsageError(
        "--from-snapshot does not apply to a redis:// index; create it, then: ruvector import URL FILE.rvs");
  if (o.rescore)
    return Outcome::UsageError(
        "--rescore does not apply to a redis:// index (the servers re-rank every candidate exactly)");
  if (o.index && *o.index != "hnsw")
    return Outcome::UsageError("a redis:// index is an HNSW index (--index hnsw)");
  rc::IndexSettings settings;
  if (o.metric) {
    std::string lower = *o.metric;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "cosine")
      return Outcome::Error(Status::Unsupported("a redis:// index measures cosine distance only (vector sets), not '" +
                                                *o.metric + "'"));
  }
  if (o.quantization) {
    const std::string& q = *o.quantization;
    if (q == "none") settings.quantization = "NOQUANT";
    else if (q == "int8" || q == "scalar") settings.quantization = "Q8";
    else if (q == "binary") settings.quantization = "BIN";
    else
      return Outcome::UsageError("--quantization: expected none, int8 (scalar) or binary, got '" +
                                                    q + "'");
  }
  // The CLI's defaults are the engine's (HnswParams), whatever the target.
  const HnswParams defaults;
  settings.dimensions = o.dimensions;
  settings.shards = o.shards.value_or(kDefaultShards);
  settings.m = o.m.value_or(defaults.m);
  settings.ef_construction = o.ef_construction.value_or(defaults.ef_construction);
  settings.ef_search = o.ef_search.value_or(defaults.ef_search);

  const auto address = parse_cluster_address(url);
  auto seeds = seeds_of(*address);
  if (!seeds.ok()) return Outcome::Error(seeds.status().WithContext("cannot open '" + url + "'"));
  auto existing = rc::ClusterIndex::open(*seeds, address->index);
  if (existing.ok()) {
    auto count = (*existing)->size();
    if (!count.ok()) return Outcome::Error(count.status().WithContext("cannot open '" + url + "'"));
    return Outcome::Error(Status::AlreadyExists("'" + url + "' already holds an index (" + std::to_string(*count) +
                                                " vectors, " + std::to_string((*existing)->dimensions()) +
                                                " dimensions, " + std::to_string((*existing)->shards()) +
                                                " shard keys)"));
  }
  if (existing.status().code() != StatusCode::kNotFound)
    return Outcome::Error(existing.status().WithContext("cannot open '" + url + "'"));
  auto created = rc::ClusterIndex::create(*seeds, address->index, settings);
  if (!created.ok()) return Outcome::Error(created.status().WithContext("cannot create '" + url + "'"));
  const rc::ClusterIndex& c = **created;
  auto count = (*created)->size();
  if (!count.ok()) return Outcome::Error(count.status());
  say(g, "created " + url + ": " + std::to_string(c.dimensions()) + " dimensions, cosine, " +
             hnsw_text(settings_of(c)) + ", " + std::to_string(c.shards()) + " shard keys");
  Json doc = cluster_settings_doc(c);
  doc["path"] = url;
  doc["created"] = true;
  doc["count"] = *count;
  doc["storage"] = "redis-cluster";
  doc["shards"] = c.shards();
  return Outcome::Ok(std::move(doc));
}

Outcome run_info_cluster(const GlobalOptions& g, const InfoOptions& o) {
  const std::string& url = o.dir;
  auto opened = open_index(url);
  if (!opened.ok()) return Outcome::Error(opened.status());
  rc::ClusterIndex& c = **opened;
  auto shards = c.shard_info();
  if (!shards.ok()) return Outcome::Error(shards.status());
  std::uint64_t count = 0, memory = 0;
  Json keys = Json::array();
  for (const rc::ShardInfo& s : *shards) {
    count += s.count;
    memory += s.memory_bytes;
    keys.push_back({{"key", s.key},
                    {"slot", s.slot},
                    {"master", s.master.empty() ? Json(nullptr) : Json(s.master)},
                    {"count", s.count},
                    {"memory_bytes", s.memory_bytes}});
  }
  const DatabaseInfo info = settings_of(c);
  auto row = [&](const char* k, const std::string& v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-14s", k);
    print(g, buf + v);
  };
  row("path", url);
  row("vectors", std::to_string(count));
  row("dimensions", std::to_string(info.dimensions));
  row("metric", metric_name(info.metric));
  row("index", hnsw_text(info));
  row("quantization", quantization_name(info.quantization));
  row("memory", human_bytes(memory) + " (MEMORY USAGE over the shard keys)");
  row("storage", "Redis Cluster index '" + c.index() + "', " + std::to_string(c.shards()) + " shard keys");
  for (const rc::ShardInfo& s : *shards)
    row("", s.key + "  slot " + std::to_string(s.slot) + "  on " + (s.master.empty() ? "?" : s.master) + "  " +
                std::to_string(s.count) + " vectors  " + human_bytes(s.memory_bytes));
  Json doc = cluster_settings_doc(c);
  doc["path"] = url;
  doc["count"] = count;
  doc["memory_bytes"] = memory;
  doc["storage"] = "redis-cluster";
  Json nodes = Json::array();
  const ClusterAddress address = *parse_cluster_address(url);
  for (const std::string& n : address.nodes) nodes.push_back(n.rfind("redis://", 0) == 0 ? n.substr(8) : n);
  doc["cluster"] = {{"index", c.index()}, {"shards", c.shards()}, {"keys", std::move(keys)}, {"nodes", std::move(nodes)}};
  return Outcome::Ok(std::move(doc));
}

#endif  // RUVECTOR_CLI_REDIS

}  // namespace ruvector::cli
