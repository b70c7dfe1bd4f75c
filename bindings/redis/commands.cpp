#include "commands.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "filter_expression.h"
#include "search_pool.h"
#include "vector_set.h"

namespace ruvector::redis {
namespace {

constexpr std::uint32_t kDefaultM = 16;
constexpr std::uint32_t kDefaultBuildEf = 200;
constexpr std::uint32_t kDefaultSearchEf = 100;
constexpr std::uint64_t kLevelSeed = 0x5eed;  // every set: levels depend on the element only
constexpr long long kMaxEf = 100000;

std::string_view arg(RedisModuleString* s) {
  std::size_t len = 0;
  const char* p = RedisModule_StringPtrLen(s, &len);
  return {p, len};
}

bool arg_is(RedisModuleString* s, const char* word) {
  const std::string_view a = arg(s);
  const std::size_t n = std::strlen(word);
  if (a.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != word[i]) return false;
  return true;
}

int reply_error(RedisModuleCtx* ctx, const std::string& msg) { return RedisModule_ReplyWithError(ctx, msg.c_str()); }

int reply_status(RedisModuleCtx* ctx, const Status& st) { return reply_error(ctx, "ERR " + st.message()); }

bool is_resp3(RedisModuleCtx* ctx) { return (RedisModule_GetContextFlags(ctx) & REDISMODULE_CTX_FLAGS_RESP3) != 0; }

// An opened key and its set (null when the key is empty).
struct OpenSet {
  RedisModuleKey* key = nullptr;
  VectorSet* set = nullptr;
  bool wrong_type = false;
  OpenSet(RedisModuleCtx* ctx, RedisModuleString* name, int mode) {
    key = RedisModule_OpenKey(ctx, name, mode);
    const int type = RedisModule_KeyType(key);
    if (type == REDISMODULE_KEYTYPE_EMPTY) return;
    if (RedisModule_ModuleTypeGetType(key) != g_vector_set_type) {
      wrong_type = true;
      return;
    }
    set = static_cast<VectorSet*>(RedisModule_ModuleTypeGetValue(key));
  }
  ~OpenSet() {
    if (key != nullptr) RedisModule_CloseKey(key);
  }
  OpenSet(const OpenSet&) = delete;
  OpenSet& operator=(const OpenSet&) = delete;
};

// Replies with an error when the key is unusable (wrong type, restore in progress).
bool unusable(RedisModuleCtx* ctx, const OpenSet& k) {
  if (k.wrong_type) {
    RedisModule_ReplyWithError(ctx, REDISMODULE_ERRORMSG_WRONGTYPE);
    return true;
  }
  if (k.set != nullptr && !k.set->db) {
    reply_error(ctx, "ERR the set is being restored (RV.RESTORECHUNK in progress)");
    return true;
  }
  return false;
}

// Parses "FP32 blob" or "VALUES n v1..vn" at argv[i]; advances i.
bool parse_vector(RedisModuleString** argv, int argc, int& i, std::vector<float>& out) {
  if (i >= argc) return false;
  if (arg_is(argv[i], "FP32")) {
    if (i + 1 >= argc) return false;
    const std::string_view blob = arg(argv[i + 1]);
    if (blob.empty() || blob.size() % 4 != 0 || blob.size() / 4 > kMaxDimensions) return false;
    out.resize(blob.size() / 4);
    std::memcpy(out.data(), blob.data(), blob.size());  // little-endian hosts (x86-64, arm64)
    i += 2;
  } else if (arg_is(argv[i], "VALUES")) {
    long long n = 0;
    if (i + 1 >= argc || RedisModule_StringToLongLong(argv[i + 1], &n) != REDISMODULE_OK || n < 1 ||
        n > static_cast<long long>(kMaxDimensions) || n > argc - i - 2)
      return false;
    out.resize(static_cast<std::size_t>(n));
    for (long long j = 0; j < n; ++j) {
      double d = 0;
      if (RedisModule_StringToDouble(argv[i + 2 + j], &d) != REDISMODULE_OK) return false;
      out[static_cast<std::size_t>(j)] = static_cast<float>(d);
    }
    i += 2 + static_cast<int>(n);
  } else {
    return false;
  }
  for (float v : out)
    if (!std::isfinite(v)) return false;
  return true;
}

bool parse_count(RedisModuleString* s, long long lo, long long hi, long long& out) {
  return RedisModule_StringToLongLong(s, &out) == REDISMODULE_OK && out >= lo && out <= hi;
}

// Attributes text -> Json (object) or null for "". False when not a JSON object.
bool parse_attributes(std::string_view text, Json& out) {
  if (text.empty()) {
    out = nullptr;
    return true;
  }
  out = Json::parse(text, nullptr, false);
  return !out.is_discarded() && out.is_object();
}

std::string attributes_text(const Json& j) { return j.is_null() ? std::string() : j.dump(); }

// ---- VADD key [REDUCE dim] FP32 blob|VALUES n v.. element [CAS] [NOQUANT|Q8|BIN] [EF n] [SETATTR json] [M n]
int vadd(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc < 4) return RedisModule_WrongArity(ctx);
  int i = 2;
  if (arg_is(argv[i], "REDUCE")) return reply_error(ctx, "ERR REDUCE (random projection) is not supported by ruvector");
  std::vector<float> vec;
  if (!parse_vector(argv, argc, i, vec)) return reply_error(ctx, "ERR invalid vector specification");
  if (std::all_of(vec.begin(), vec.end(), [](float x) { return x == 0.0f; }))
    return reply_error(ctx, "ERR invalid vector specification: the zero vector has no direction (cosine)");
  if (i >= argc) return RedisModule_WrongArity(ctx);
  const std::string element(arg(argv[i++]));
  long long m = -1, ef = -1;
  std::optional<Quantization> quant;
  bool have_attrs = false;
  Json attrs;
  for (; i < argc; ++i) {
    if (arg_is(argv[i], "CAS")) continue;
    if (arg_is(argv[i], "NOQUANT")) {
      quant = Quantization::kNone;
    } else if (arg_is(argv[i], "Q8")) {
      quant = Quantization::kInt8;
    } else if (arg_is(argv[i], "BIN")) {
      quant = Quantization::kBinary;
    } else if (arg_is(argv[i], "EF") && i + 1 < argc) {
      if (!parse_count(argv[++i], 1, kMaxEf, ef)) return reply_error(ctx, "ERR invalid EF");
    } else if (arg_is(argv[i], "M") && i + 1 < argc) {
      if (!parse_count(argv[++i], 4, 4096, m)) return reply_error(ctx, "ERR invalid M");
    } else if (arg_is(argv[i], "SETATTR") && i + 1 < argc) {
      if (!parse_attributes(arg(argv[++i]), attrs)) return reply_error(ctx, "ERR invalid JSON: SETATTR must be a JSON object");
      have_attrs = true;
    } else {
      return reply_error(ctx, "ERR invalid option after element");
    }
  }
  OpenSet k(ctx, argv[1], REDISMODULE_READ | REDISMODULE_WRITE);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  std::shared_ptr<Database> db;
  if (k.set != nullptr) {
    db = k.set->db;
    if (vec.size() != k.set->dimensions)
      return reply_error(ctx, "ERR Vector dimension mismatch - got " + std::to_string(vec.size()) + " but set has " +
                                  std::to_string(k.set->dimensions));
    if (m > 0 && static_cast<std::uint32_t>(m) != k.set->m)
      return reply_error(ctx, "ERR asked M value mismatch with existing vector set");
    if (quant && *quant != k.set->quantization)
      return reply_error(ctx, "ERR asked quantization mismatch with existing vector set");
  } else {
    DatabaseOptions o = load_options();
    o.dimensions = static_cast<std::uint32_t>(vec.size());
    o.metric = Metric::kCosine;
    o.index = IndexKind::kHnsw;
    o.quantization = quant.value_or(Quantization::kNone);
    HnswParams p;
    p.m = m > 0 ? static_cast<std::uint32_t>(m) : kDefaultM;
    p.ef_construction = ef > 0 ? static_cast<std::uint32_t>(ef) : kDefaultBuildEf;
    p.ef_search = kDefaultSearchEf;
    p.seed = kLevelSeed;
    o.hnsw = p;
    auto opened = Database::open(o);
    if (!opened.ok()) return reply_status(ctx, opened.status());
    db = std::shared_ptr<Database>(std::move(opened).value());
  }
  bool added = true;
  if (k.set != nullptr) {
    auto existing = db->get(element);
    if (existing.ok()) {
      added = false;
      if (!have_attrs) attrs = existing->metadata;  // an update without SETATTR keeps them
    }
  }
  auto inserted = db->insert(Entry{element, vec, attrs});
  if (!inserted.ok()) {
    if (inserted.status().code() == StatusCode::kInvalidArgument)
      return reply_error(ctx, "ERR invalid vector specification: " + inserted.status().message());
    return reply_status(ctx, inserted.status());
  }
  if (k.set == nullptr) {
    auto* set = new VectorSet();
    attach(*set, db);
    RedisModule_ModuleTypeSetValue(k.key, g_vector_set_type, set);
  }
  RedisModule_ReplicateVerbatim(ctx);
  return RedisModule_ReplyWithBool(ctx, added ? 1 : 0);
}

// ---- VSIM
struct SearchJob {
  std::shared_ptr<Database> db;
  std::vector<float> query;
  std::size_t count = 10;
  std::size_t ef = kDefaultSearchEf;
  double epsilon = 2.0;  // cosine distance bound; 2 = off
  bool truth = false;
  bool with_scores = false;
  bool with_attribs = false;
  std::shared_ptr<const FilterExpression> filter;
  std::size_t filter_ef = 0;  // 0 = every element
  RedisModuleBlockedClient* bc = nullptr;

  struct Hit {
    std::string id;
    double score;
    Json attrs;
  };
  std::vector<Hit> hits;
  std::string error;
};

// Vector-sets score: 1 - cosine_distance / 2 = (1 + cos) / 2, in [0, 1].
double cosine_score(const std::vector<float>& q, double q_norm, const std::vector<float>& v) {
  double dot = 0, vv = 0;
  for (std::size_t i = 0; i < q.size(); ++i) {
    dot += static_cast<double>(q[i]) * v[i];
    vv += static_cast<double>(v[i]) * v[i];
  }
  if (q_norm == 0 || vv == 0) return 0.5;
  const double cos = std::clamp(dot / (q_norm * std::sqrt(vv)), -1.0, 1.0);
  return (1.0 + cos) / 2.0;
}

bool better(const SearchJob::Hit& a, const SearchJob::Hit& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

void run_search(SearchJob& job) {
  double qn = 0;
  for (float v : job.query) qn += static_cast<double>(v) * v;
  qn = std::sqrt(qn);
  const double min_score = 1.0 - job.epsilon / 2.0;
  auto consider = [&](const std::string& id, const std::vector<float>& v, const Json& meta) {
    if (job.filter && !job.filter->matches(meta)) return;
    const double score = cosine_score(job.query, qn, v);
    if (score < min_score) return;
    job.hits.push_back(SearchJob::Hit{id, score, job.with_attribs ? meta : Json()});
    // Keep the list bounded: trim to `count` best whenever it doubles.
    if (job.hits.size() >= 2 * job.count + 64) {
      std::nth_element(job.hits.begin(), job.hits.begin() + static_cast<std::ptrdiff_t>(job.count), job.hits.end(),
                       better);
      job.hits.resize(job.count);
    }
  };
  if (job.truth) {
    Status st = job.db->for_each([&](const Record& r) {
      consider(r.id, r.vector, r.metadata);
      return Status::Ok();
    });
    if (!st.ok()) job.error = "ERR " + st.message();
  } else {
    SearchQuery q;
    q.vector = job.query;
    const std::size_t size = job.db->size();
    q.k = std::max<std::size_t>(1, job.filter ? (job.filter_ef == 0 ? size : job.filter_ef) : job.count);
    q.ef_search = static_cast<std::uint32_t>(std::min<std::size_t>(std::max(job.ef, q.k), 0xFFFFFFFFu));
    q.include_vector = true;
    q.include_metadata = job.filter != nullptr || job.with_attribs;
    auto found = job.db->search(q);
    if (!found.ok()) {
      job.error = "ERR " + found.status().message();
      return;
    }
    for (const SearchHit& h : *found) consider(h.id, h.vector, h.metadata);
  }
  std::sort(job.hits.begin(), job.hits.end(), better);
  if (job.hits.size() > job.count) job.hits.resize(job.count);
}

int reply_search(RedisModuleCtx* ctx, const SearchJob& job) {
  if (!job.error.empty()) return reply_error(ctx, job.error);
  const long n = static_cast<long>(job.hits.size());
  auto reply_attrs = [&](const Json& a) {
    if (a.is_null()) return RedisModule_ReplyWithNull(ctx);
    const std::string text = a.dump();
    return RedisModule_ReplyWithStringBuffer(ctx, text.data(), text.size());
  };
  if (!job.with_scores && !job.with_attribs) {
    RedisModule_ReplyWithArray(ctx, n);
    for (const auto& h : job.hits) RedisModule_ReplyWithStringBuffer(ctx, h.id.data(), h.id.size());
    return REDISMODULE_OK;
  }
  if (job.with_scores && job.with_attribs) {
    const bool resp3 = is_resp3(ctx);
    if (resp3) RedisModule_ReplyWithMap(ctx, n);
    else RedisModule_ReplyWithArray(ctx, 3 * n);
    for (const auto& h : job.hits) {
      RedisModule_ReplyWithStringBuffer(ctx, h.id.data(), h.id.size());
      if (resp3) RedisModule_ReplyWithArray(ctx, 2);
      RedisModule_ReplyWithDouble(ctx, h.score);
      reply_attrs(h.attrs);
    }
    return REDISMODULE_OK;
  }
  RedisModule_ReplyWithMap(ctx, n);  // RESP2: a flat array of 2n
  for (const auto& h : job.hits) {
    RedisModule_ReplyWithStringBuffer(ctx, h.id.data(), h.id.size());
    if (job.with_scores) RedisModule_ReplyWithDouble(ctx, h.score);
    else reply_attrs(h.attrs);
  }
  return REDISMODULE_OK;
}

int vsim_reply(RedisModuleCtx* ctx, RedisModuleString**, int) {
  auto* job = static_cast<SearchJob*>(RedisModule_GetBlockedClientPrivateData(ctx));
  try {
    return reply_search(ctx, *job);
  } catch (...) {
    return reply_error(ctx, "ERR internal error while replying");
  }
}

void vsim_free(RedisModuleCtx*, void* privdata) { delete static_cast<SearchJob*>(privdata); }

// VSIM key ELE e|FP32 blob|VALUES n v.. [WITHSCORES] [WITHATTRIBS] [COUNT n] [EPSILON d] [EF n]
//      [FILTER expr] [FILTER-EF n] [TRUTH] [NOTHREAD]
int vsim(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc < 4) return RedisModule_WrongArity(ctx);
  auto job = std::make_unique<SearchJob>();
  int i = 2;
  std::string element;
  bool by_element = false;
  if (arg_is(argv[i], "ELE")) {
    element = std::string(arg(argv[i + 1]));
    by_element = true;
    i += 2;
  } else if (!parse_vector(argv, argc, i, job->query)) {
    return reply_error(ctx, "ERR invalid vector specification");
  }
  bool nothread = false;
  long long filter_ef = -1;
  for (; i < argc; ++i) {
    long long n = 0;
    if (arg_is(argv[i], "WITHSCORES")) {
      job->with_scores = true;
    } else if (arg_is(argv[i], "WITHATTRIBS")) {
      job->with_attribs = true;
    } else if (arg_is(argv[i], "TRUTH")) {
      job->truth = true;
    } else if (arg_is(argv[i], "NOTHREAD")) {
      nothread = true;
    } else if (arg_is(argv[i], "COUNT") && i + 1 < argc) {
      if (!parse_count(argv[++i], 1, 1000000, n)) return reply_error(ctx, "ERR invalid COUNT");
      job->count = static_cast<std::size_t>(n);
    } else if (arg_is(argv[i], "EF") && i + 1 < argc) {
      if (!parse_count(argv[++i], 1, kMaxEf, n)) return reply_error(ctx, "ERR invalid EF");
      job->ef = static_cast<std::size_t>(n);
    } else if (arg_is(argv[i], "EPSILON") && i + 1 < argc) {
      double d = 0;
      if (RedisModule_StringToDouble(argv[++i], &d) != REDISMODULE_OK || !(d > 0) || d > 2)
        return reply_error(ctx, "ERR invalid EPSILON");
      job->epsilon = d;
    } else if (arg_is(argv[i], "FILTER") && i + 1 < argc) {
      std::string err;
      auto f = FilterExpression::parse(arg(argv[++i]), err);
      if (!f) return reply_error(ctx, "ERR " + err);
      job->filter = std::shared_ptr<const FilterExpression>(std::move(f));
    } else if (arg_is(argv[i], "FILTER-EF") && i + 1 < argc) {
      if (!parse_count(argv[++i], 0, 100000000, filter_ef)) return reply_error(ctx, "ERR invalid FILTER-EF");
    } else {
      return reply_error(ctx, "ERR invalid option");
    }
  }
  job->filter_ef = filter_ef >= 0 ? static_cast<std::size_t>(filter_ef) : job->count * 100;
  job->ef = std::max(job->ef, job->count);
  std::uint32_t dimensions = 0;
  {
    OpenSet k(ctx, argv[1], REDISMODULE_READ);
    if (unusable(ctx, k)) return REDISMODULE_OK;
    if (k.set == nullptr) return RedisModule_ReplyWithEmptyArray(ctx);
    job->db = k.set->db;
    dimensions = k.set->dimensions;
  }
  if (by_element) {
    auto rec = job->db->get(element);
    if (!rec.ok()) return reply_error(ctx, "ERR element not found in set");
    job->query = std::move(rec->vector);
  } else if (job->query.size() != dimensions) {
    return reply_error(ctx, "ERR Vector dimension mismatch - got " + std::to_string(job->query.size()) +
                                " but set has " + std::to_string(dimensions));
  }
  const int flags = RedisModule_GetContextFlags(ctx);
  const bool can_block = (flags & (REDISMODULE_CTX_FLAGS_MULTI | REDISMODULE_CTX_FLAGS_LUA |
                                   REDISMODULE_CTX_FLAGS_DENY_BLOCKING | REDISMODULE_CTX_FLAGS_REPLICATED)) == 0;
  if (nothread || !can_block) {
    run_search(*job);
    return reply_search(ctx, *job);
  }
  SearchJob* raw = job.release();
  raw->bc = RedisModule_BlockClient(ctx, vsim_reply, nullptr, vsim_free, 0);
  if (RedisModule_BlockedClientMeasureTimeStart != nullptr) RedisModule_BlockedClientMeasureTimeStart(raw->bc);
  submit_search([raw] {
    try {
      run_search(*raw);
    } catch (const std::exception& e) {
      raw->error = std::string("ERR internal error: ") + e.what();
    } catch (...) {
      raw->error = "ERR internal error";
    }
    if (RedisModule_BlockedClientMeasureTimeEnd != nullptr) RedisModule_BlockedClientMeasureTimeEnd(raw->bc);
    RedisModule_UnblockClient(raw->bc, raw);
  });
  return REDISMODULE_OK;
}

// ---- VREM key element
int vrem(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 3) return RedisModule_WrongArity(ctx);
  OpenSet k(ctx, argv[1], REDISMODULE_READ | REDISMODULE_WRITE);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithBool(ctx, 0);
  auto removed = k.set->db->remove(arg(argv[2]));
  if (!removed.ok()) return reply_status(ctx, removed.status());
  if (*removed) {
    if (k.set->db->size() == 0) RedisModule_DeleteKey(k.key);
    RedisModule_ReplicateVerbatim(ctx);
  }
  return RedisModule_ReplyWithBool(ctx, *removed ? 1 : 0);
}

// ---- VCARD key / VDIM key
int vcard(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 2) return RedisModule_WrongArity(ctx);
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  return RedisModule_ReplyWithLongLong(ctx, k.set ? static_cast<long long>(k.set->db->size()) : 0);
}

int vdim(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 2) return RedisModule_WrongArity(ctx);
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return reply_error(ctx, "ERR key does not exist");
  return RedisModule_ReplyWithLongLong(ctx, k.set->dimensions);
}

// ---- VEMB key element [RAW]
// RAW: the vector-sets triple [quantization, blob, L2 norm]. The set keeps every vector
// as exact float32 (quantized sets keep codes only to walk the graph), so the
// representation is always "fp32": the unit vector v/|v| as little-endian float32 and |v|.
int vemb(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 3 && argc != 4) return RedisModule_WrongArity(ctx);
  const bool raw = argc == 4;
  if (raw && !arg_is(argv[3], "RAW")) return reply_error(ctx, "ERR invalid option");
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithNull(ctx);
  auto rec = k.set->db->get(arg(argv[2]));
  if (!rec.ok()) return RedisModule_ReplyWithNull(ctx);
  if (raw) {
    double norm = 0;
    for (float v : rec->vector) norm += static_cast<double>(v) * v;
    norm = std::sqrt(norm);
    std::vector<float> unit(rec->vector.size());
    for (std::size_t i = 0; i < unit.size(); ++i) unit[i] = static_cast<float>(rec->vector[i] / norm);
    RedisModule_ReplyWithArray(ctx, 3);
    RedisModule_ReplyWithSimpleString(ctx, "fp32");
    RedisModule_ReplyWithStringBuffer(ctx, reinterpret_cast<const char*>(unit.data()), unit.size() * sizeof(float));
    return RedisModule_ReplyWithDouble(ctx, norm);
  }
  RedisModule_ReplyWithArray(ctx, static_cast<long>(rec->vector.size()));
  for (float v : rec->vector) RedisModule_ReplyWithDouble(ctx, v);
  return REDISMODULE_OK;
}

// ---- VLINKS key element [WITHSCORES]
// The element's HNSW neighbours, one array per graph layer from its top layer down to
// layer 0; WITHSCORES adds the vector-sets similarity to the element (RESP2: flat
// name, score pairs; RESP3: a map per layer). Missing key or element: null.
int vlinks(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 3 && argc != 4) return RedisModule_WrongArity(ctx);
  const bool with_scores = argc == 4;
  if (with_scores && !arg_is(argv[3], "WITHSCORES")) return reply_error(ctx, "ERR syntax error");
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithNull(ctx);
  const std::string element(arg(argv[2]));
  auto layers = k.set->db->graph_links(element);
  if (!layers.ok()) {
    if (layers.status().code() == StatusCode::kNotFound) return RedisModule_ReplyWithNull(ctx);
    return reply_status(ctx, layers.status());
  }
  std::vector<float> self;
  double self_norm = 0;
  if (with_scores) {
    auto rec = k.set->db->get(element);
    if (!rec.ok()) return reply_status(ctx, rec.status());
    self = std::move(rec->vector);
    for (float v : self) self_norm += static_cast<double>(v) * v;
    self_norm = std::sqrt(self_norm);
  }
  const bool resp3 = is_resp3(ctx);
  RedisModule_ReplyWithArray(ctx, static_cast<long>(layers->size()));
  for (const std::vector<std::string>& layer : *layers) {
    if (!with_scores) {
      RedisModule_ReplyWithArray(ctx, static_cast<long>(layer.size()));
      for (const std::string& n : layer) RedisModule_ReplyWithStringBuffer(ctx, n.data(), n.size());
      continue;
    }
    if (resp3) RedisModule_ReplyWithMap(ctx, static_cast<long>(layer.size()));
    else RedisModule_ReplyWithArray(ctx, static_cast<long>(2 * layer.size()));
    for (const std::string& n : layer) {
      RedisModule_ReplyWithStringBuffer(ctx, n.data(), n.size());
      auto other = k.set->db->get(n);
      RedisModule_ReplyWithDouble(ctx, other.ok() ? cosine_score(self, self_norm, other->vector) : 0.0);
    }
  }
  return REDISMODULE_OK;
}

// ---- VSETATTR key element json / VGETATTR key element
int vsetattr(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 4) return RedisModule_WrongArity(ctx);
  Json attrs;
  if (!parse_attributes(arg(argv[3]), attrs)) return reply_error(ctx, "ERR invalid JSON: attributes must be a JSON object");
  OpenSet k(ctx, argv[1], REDISMODULE_READ | REDISMODULE_WRITE);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithBool(ctx, 0);
  auto done = k.set->db->set_metadata(arg(argv[2]), attrs);
  if (!done.ok()) return reply_status(ctx, done.status());
  if (*done) RedisModule_ReplicateVerbatim(ctx);
  return RedisModule_ReplyWithBool(ctx, *done ? 1 : 0);
}

int vgetattr(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 3) return RedisModule_WrongArity(ctx);
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithNull(ctx);
  auto rec = k.set->db->get(arg(argv[2]));
  if (!rec.ok() || rec->metadata.is_null()) return RedisModule_ReplyWithNull(ctx);
  const std::string text = attributes_text(rec->metadata);
  return RedisModule_ReplyWithStringBuffer(ctx, text.data(), text.size());
}

// ---- VISMEMBER key element
int vismember(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 3) return RedisModule_WrongArity(ctx);
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithBool(ctx, 0);
  return RedisModule_ReplyWithBool(ctx, k.set->db->get(arg(argv[2])).ok() ? 1 : 0);
}

// ---- VINFO key
int vinfo(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 2) return RedisModule_WrongArity(ctx);
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return RedisModule_ReplyWithNullArray(ctx);
  const DatabaseInfo info = k.set->db->info();
  long long with_attrs = 0;
  (void)k.set->db->for_each([&](const Record& r) {
    if (!r.metadata.is_null()) ++with_attrs;
    return Status::Ok();
  });
  auto field = [&](const char* name) { RedisModule_ReplyWithStringBuffer(ctx, name, std::strlen(name)); };
  RedisModule_ReplyWithMap(ctx, 8);
  field("quant-type");
  const char* quant_name = k.set->quantization == Quantization::kInt8     ? "int8"
                           : k.set->quantization == Quantization::kBinary ? "bin"
                                                                          : "f32";
  RedisModule_ReplyWithStringBuffer(ctx, quant_name, std::strlen(quant_name));
  field("hnsw-m");
  RedisModule_ReplyWithLongLong(ctx, info.hnsw.m);
  field("vector-dim");
  RedisModule_ReplyWithLongLong(ctx, info.dimensions);
  field("projection-input-dim");
  RedisModule_ReplyWithLongLong(ctx, 0);
  field("size");
  RedisModule_ReplyWithLongLong(ctx, static_cast<long long>(info.count));
  field("attributes-count");
  RedisModule_ReplyWithLongLong(ctx, with_attrs);
  field("hnsw-ef-construction");
  RedisModule_ReplyWithLongLong(ctx, info.hnsw.ef_construction);
  field("engine-memory-bytes");
  RedisModule_ReplyWithLongLong(ctx, static_cast<long long>(info.memory_bytes));
  return REDISMODULE_OK;
}

// ---- VRANDMEMBER key [count]  (SRANDMEMBER semantics; O(size) per call)
int vrandmember(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 2 && argc != 3) return RedisModule_WrongArity(ctx);
  long long count = 1;
  if (argc == 3 && RedisModule_StringToLongLong(argv[2], &count) != REDISMODULE_OK)
    return reply_error(ctx, "ERR value is not an integer or out of range");
  OpenSet k(ctx, argv[1], REDISMODULE_READ);
  if (unusable(ctx, k)) return REDISMODULE_OK;
  if (k.set == nullptr) return argc == 2 ? RedisModule_ReplyWithNull(ctx) : RedisModule_ReplyWithEmptyArray(ctx);
  unsigned char seed_bytes[8];
  RedisModule_GetRandomBytes(seed_bytes, sizeof seed_bytes);
  std::uint64_t seed = 0;
  std::memcpy(&seed, seed_bytes, sizeof seed);
  std::mt19937_64 rng(seed);
  const bool repeat = count < 0;
  const std::size_t want = static_cast<std::size_t>(std::min<long long>(count < 0 ? -count : count, 10000000));
  std::vector<std::string> ids;
  if (repeat) {
    std::vector<std::string> all;
    (void)k.set->db->for_each([&](const Record& r) {
      all.push_back(r.id);
      return Status::Ok();
    });
    std::uniform_int_distribution<std::size_t> pick(0, all.size() - 1);
    for (std::size_t j = 0; j < want; ++j) ids.push_back(all[pick(rng)]);
  } else {
    std::size_t seen = 0;  // reservoir sampling
    (void)k.set->db->for_each([&](const Record& r) {
      if (ids.size() < want) {
        ids.push_back(r.id);
      } else {
        std::uniform_int_distribution<std::size_t> pick(0, seen);
        const std::size_t j = pick(rng);
        if (j < want) ids[j] = r.id;
      }
      ++seen;
      return Status::Ok();
    });
    std::shuffle(ids.begin(), ids.end(), rng);
  }
  if (argc == 2) return RedisModule_ReplyWithStringBuffer(ctx, ids[0].data(), ids[0].size());
  RedisModule_ReplyWithArray(ctx, static_cast<long>(ids.size()));
  for (const auto& id : ids) RedisModule_ReplyWithStringBuffer(ctx, id.data(), id.size());
  return REDISMODULE_OK;
}

// ---- RV.RESTORECHUNK key index payload: the AOF form of a set (see vector_set.h).
// Index 0 starts a restore (replacing the key); an empty payload completes it.
int restore_chunk(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  if (argc != 4) return RedisModule_WrongArity(ctx);
  long long index = 0;
  if (!parse_count(argv[2], 0, 1LL << 40, index)) return reply_error(ctx, "ERR invalid chunk index");
  OpenSet k(ctx, argv[1], REDISMODULE_READ | REDISMODULE_WRITE);
  if (k.wrong_type && index != 0) return RedisModule_ReplyWithError(ctx, REDISMODULE_ERRORMSG_WRONGTYPE);
  const std::string_view payload = arg(argv[3]);
  if (index == 0) {
    auto* set = new VectorSet();
    set->restore_next = 1;
    set->restore_bytes.assign(payload);
    RedisModule_ModuleTypeSetValue(k.key, g_vector_set_type, set);  // frees any old value
    k.set = set;
  } else {
    if (k.set == nullptr || k.set->db || k.set->restore_next != index)
      return reply_error(ctx, "ERR RV.RESTORECHUNK out of order (no restore in progress at this index)");
    k.set->restore_bytes.append(payload);
    ++k.set->restore_next;
  }
  if (payload.empty()) {
    auto db = Database::deserialize(k.set->restore_bytes, load_options());
    if (!db.ok()) {
      RedisModule_DeleteKey(k.key);
      return reply_error(ctx, "ERR CORRUPTION " + db.status().message());
    }
    attach(*k.set, std::shared_ptr<Database>(std::move(db).value()));
    std::string().swap(k.set->restore_bytes);
    if (k.set->db->size() == 0) RedisModule_DeleteKey(k.key);
  }
  RedisModule_ReplicateVerbatim(ctx);
  return RedisModule_ReplyWithSimpleString(ctx, "OK");
}

// No exception crosses into the server.
template <int (*F)(RedisModuleCtx*, RedisModuleString**, int)>
int guarded(RedisModuleCtx* ctx, RedisModuleString** argv, int argc) {
  try {
    return F(ctx, argv, argc);
  } catch (const std::exception& e) {
    return reply_error(ctx, std::string("ERR internal error: ") + e.what());
  } catch (...) {
    return reply_error(ctx, "ERR internal error");
  }
}

struct CommandSpec {
  const char* name;
  RedisModuleCmdFunc fn;
  const char* flags;
};

}  // namespace

int register_commands(RedisModuleCtx* ctx) {
  const CommandSpec specs[] = {
      {"VADD", guarded<vadd>, "write deny-oom"},
      {"VSIM", guarded<vsim>, "readonly"},
      {"VREM", guarded<vrem>, "write"},
      {"VCARD", guarded<vcard>, "readonly fast"},
      {"VDIM", guarded<vdim>, "readonly fast"},
      {"VEMB", guarded<vemb>, "readonly fast"},
      {"VSETATTR", guarded<vsetattr>, "write deny-oom"},
      {"VGETATTR", guarded<vgetattr>, "readonly fast"},
      {"VISMEMBER", guarded<vismember>, "readonly fast"},
      {"VLINKS", guarded<vlinks>, "readonly fast"},
      {"VINFO", guarded<vinfo>, "readonly"},
      {"VRANDMEMBER", guarded<vrandmember>, "readonly"},
      {"RV.RESTORECHUNK", guarded<restore_chunk>, "write deny-oom"},
  };
  for (const auto& s : specs)
    if (RedisModule_CreateCommand(ctx, s.name, s.fn, s.flags, 1, 1, 1) != REDISMODULE_OK) return REDISMODULE_ERR;
  return REDISMODULE_OK;
}

}  // namespace ruvector::redis
