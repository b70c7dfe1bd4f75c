#include "database_wrap.h"

#include <sys/mman.h>

#include <string>
#include <utility>
#include <vector>

#include "ruvector/options_json.h"

namespace rvnode {

namespace {

// Engine result -> value, or throws the engine error as a JS error.
template <class T>
T Check(Napi::Env env, ruvector::Result<T> r) {
  if (!r.ok()) throw StatusError(env, r.status());
  return std::move(r).value();
}

// Runs a method body: its value (or the pool's Promise) is returned; every exception
// becomes a JS exception thrown synchronously (index.js turns it into a rejection).
template <class F>
Napi::Value Run(Napi::Env env, F&& f) {
  try {
    return f();
  } catch (...) {
    throw Napi::Error(env, CurrentExceptionToJs(env));
  }
}

Napi::Array IdsToJs(Napi::Env env, const std::vector<std::string>& ids) {
  Napi::Array a = Napi::Array::New(env, ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) a.Set(static_cast<std::uint32_t>(i), Napi::String::New(env, ids[i]));
  return a;
}

// Copies the vectors of entries going to the pool into one arena and points the
// entries at it (JS may change or detach its arrays once the call has returned).
// Uninitialised float storage: every float is written once, by the copy. Large arenas
// come from mmap with transparent huge pages requested, so the copy of a big batch on the
// JS thread takes a few hundred page faults instead of one per 4 KiB page (measured:
// page faults dominated the marshalling of a 20,000 x 784 batch).
class FloatArena {
 public:
  explicit FloatArena(std::size_t count) {
    const std::size_t bytes = count * sizeof(float);
    if (bytes >= kMmapBytes) {
      mapped_ = (bytes + kHuge - 1) / kHuge * kHuge;
      void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
        madvise(p, mapped_, MADV_HUGEPAGE);
#endif
        data_ = static_cast<float*>(p);
        return;
      }
      mapped_ = 0;
    }
    heap_.reset(new float[count > 0 ? count : 1]);
    data_ = heap_.get();
  }
  ~FloatArena() {
    if (mapped_) munmap(data_, mapped_);
  }
  FloatArena(const FloatArena&) = delete;
  FloatArena& operator=(const FloatArena&) = delete;
  float* data() const { return data_; }

 private:
  static constexpr std::size_t kHuge = std::size_t(2) << 20;
  static constexpr std::size_t kMmapBytes = std::size_t(4) << 20;
  float* data_ = nullptr;
  std::size_t mapped_ = 0;
  std::unique_ptr<float[]> heap_;
};

// One entry argument: its vector (a view into JS memory until made owned) and the rest.
struct EntryArg {
  VectorArg vector;
  ruvector::Entry entry;
};

struct OwnedEntries {
  std::unique_ptr<FloatArena> arena;
  std::vector<ruvector::Entry> entries;
};
std::shared_ptr<OwnedEntries> OwnEntries(std::vector<EntryArg>& args) {
  auto out = std::make_shared<OwnedEntries>();
  std::size_t total = 0;
  for (auto& a : args) total += a.vector.span().size();
  out->arena = std::make_unique<FloatArena>(total);
  out->entries.reserve(args.size());
  std::size_t off = 0;
  for (auto& a : args) {
    auto s = a.vector.span();
    std::copy(s.begin(), s.end(), out->arena->data() + off);
    ruvector::Entry e;
    e.id = std::move(a.entry.id);
    e.metadata = std::move(a.entry.metadata);
    e.vector = std::span<const float>(out->arena->data() + off, s.size());
    out->entries.push_back(std::move(e));
    off += s.size();
  }
  return out;
}

std::vector<std::uint8_t> BytesOf(const Napi::Value& v, const char* what) {
  if (v.IsTypedArray()) {
    auto t = v.As<Napi::TypedArray>();
    auto ab = t.ArrayBuffer();
    const auto* p = static_cast<const std::uint8_t*>(ab.Data()) + t.ByteOffset();
    return std::vector<std::uint8_t>(p, p + t.ByteLength());
  }
  if (v.IsArrayBuffer()) {
    auto ab = v.As<Napi::ArrayBuffer>();
    const auto* p = static_cast<const std::uint8_t*>(ab.Data());
    return std::vector<std::uint8_t>(p, p + ab.ByteLength());
  }
  ThrowArg(std::string(what) + " must be a Buffer, Uint8Array or ArrayBuffer");
}

bool SmallSearch(const DbHandle& h, const ruvector::SearchQuery& q) {
  if (q.k > kSyncSearchMaxK) return false;
  if (q.ef_search && *q.ef_search > kSyncSearchMaxEf) return false;
  // An exact index scans everything; a filtered HNSW search may degrade toward a scan
  // when few entries match. Both stay on the JS thread only while a scan is cheap.
  if ((h.flat || !q.filter.is_null()) && static_cast<std::uint64_t>(h.db->size()) * h.dimensions > kSyncFlatMaxFloats)
    return false;
  return true;
}

}  // namespace

Napi::Function NativeDb::Init(Napi::Env env) {
  return DefineClass(env, "NativeDb",
                     {
                         InstanceMethod<&NativeDb::Insert>("insert"),
                         InstanceMethod<&NativeDb::InsertBatch>("insertBatch"),
                         InstanceMethod<&NativeDb::Search>("search"),
                         InstanceMethod<&NativeDb::SearchBatch>("searchBatch"),
                         InstanceMethod<&NativeDb::Get>("get"),
                         InstanceMethod<&NativeDb::VectorOf>("vectorOf"),
                         InstanceMethod<&NativeDb::Delete>("delete"),
                         InstanceMethod<&NativeDb::Len>("len"),
                         InstanceMethod<&NativeDb::Info>("info"),
                         InstanceMethod<&NativeDb::Serialize>("serialize"),
                         InstanceMethod<&NativeDb::Checkpoint>("checkpoint"),
                         InstanceMethod<&NativeDb::Close>("close"),
                         InstanceAccessor<&NativeDb::IsClosed>("closed"),
                     });
}

NativeDb::NativeDb(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeDb>(info) {
  h_ = std::make_shared<DbHandle>();
  h_->closed = true;  // until Attach(): a NativeDb made from JS is unusable
}

void NativeDb::Attach(std::shared_ptr<ruvector::Database> db) {
  ruvector::DatabaseInfo info = db->info();
  h_->db = std::move(db);
  h_->closed = false;
  h_->durable = info.storage != "memory";
  h_->flat = info.index == ruvector::IndexKind::kFlat;
  h_->dimensions = info.dimensions;
}

Napi::Object NativeDb::Create(Napi::Env env, std::shared_ptr<ruvector::Database> db) {
  Napi::Object obj = Data(env).native_db_ctor.New({});
  NativeDb::Unwrap(obj)->Attach(std::move(db));
  return obj;
}

DbHandle& NativeDb::Live(Napi::Env env) {
  if (h_->closed || !h_->db) throw StatusError(env, ruvector::Status::InvalidArgument("the database is closed"));
  return *h_;
}

// insert(id | null, vector, metadataText | null) -> id | Promise<id>.
Napi::Value NativeDb::Insert(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    EntryArg e;
    e.entry.id = ToString(info[0], "id", true);
    e.vector = ToVector(info[1], "vector");
    e.entry.metadata = ToJson(info[2], "metadata");
    e.entry.vector = e.vector.span();
    if (!h.durable && h.inflight == 0) return Napi::String::New(env, Check(env, h.db->insert(e.entry)));
    std::vector<EntryArg> one;
    one.push_back(std::move(e));
    auto owned = OwnEntries(one);
    auto id = std::make_shared<std::string>();
    return (new DbWorker(
                env, h_, "ruvector:insert",
                [owned, id](ruvector::Database& db) {
                  auto r = db.insert(owned->entries.front());
                  if (!r.ok()) return r.status();
                  *id = std::move(r).value();
                  return ruvector::Status::Ok();
                },
                [id](Napi::Env e2) -> Napi::Value { return Napi::String::New(e2, *id); }))
        ->Start();
  });
}

// insertBatch(ids: (string|null)[], vectors: Float32Array[], metadata: (string|null)[] | null)
// -> ids | Promise<ids>.
Napi::Value NativeDb::InsertBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    if (!info[0].IsArray() || !info[1].IsArray()) ThrowArg("insertBatch takes (ids[], vectors[], metadata[] | null)");
    Napi::Array ids = info[0].As<Napi::Array>();
    Napi::Array vecs = info[1].As<Napi::Array>();
    const bool with_meta = info[2].IsArray();
    Napi::Array metas = with_meta ? info[2].As<Napi::Array>() : Napi::Array::New(env, 0);
    const std::uint32_t n = vecs.Length();
    if (ids.Length() != n || (with_meta && metas.Length() != n)) ThrowArg("insertBatch arrays differ in length");
    std::vector<EntryArg> args(n);
    std::uint64_t floats = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      args[i].entry.id = ToString(ids.Get(i), "id", true);
      args[i].vector = ToVector(vecs.Get(i), "vector");
      if (with_meta) args[i].entry.metadata = ToJson(metas.Get(i), "metadata");
      args[i].entry.vector = args[i].vector.span();
      floats += args[i].entry.vector.size();
    }
    if (!h.durable && h.inflight == 0 && n <= kSyncBatchMaxEntries && floats <= kSyncBatchMaxFloats) {
      std::vector<ruvector::Entry> entries;
      entries.reserve(n);
      for (auto& a : args) entries.push_back(std::move(a.entry));
      return IdsToJs(env, Check(env, h.db->insert_batch(entries)));
    }
    auto owned = OwnEntries(args);
    auto out = std::make_shared<std::vector<std::string>>();
    return (new DbWorker(
                env, h_, "ruvector:insertBatch",
                [owned, out](ruvector::Database& db) {
                  auto r = db.insert_batch(owned->entries);
                  if (!r.ok()) return r.status();
                  *out = std::move(r).value();
                  return ruvector::Status::Ok();
                },
                [out](Napi::Env e2) -> Napi::Value { return IdsToJs(e2, *out); }))
        ->Start();
  });
}

// search(vector, k, efSearch, filterText | null, flags, rescore) -> raw hits | Promise<raw hits>
// (see HitsToRaw).
Napi::Value NativeDb::Search(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    QueryArg q = ToQuery(info[0], info[1], info[2], info[3], info[4], info[5]);
    const bool vec = q.query.include_vector;
    const bool meta = q.query.include_metadata_json;
    q.query.include_metadata_json = false;  // the engine writes one array text instead (Database::search)
    if (h.inflight == 0 && SmallSearch(h, q.query)) {
      std::string text;
      auto r = meta ? h.db->search(q.query, &text) : h.db->search(q.query);
      return HitsToRaw(env, Check(env, std::move(r)), vec, meta ? &text : nullptr);
    }
    struct State {
      QueryArg arg;
      std::vector<ruvector::SearchHit> hits;
      std::string metadata;
    };
    auto state = std::make_shared<State>(State{std::move(q), {}, {}});
    state->arg.vector.make_owned();
    state->arg.Bind();
    return (new DbWorker(
                env, h_, "ruvector:search",
                [state, meta](ruvector::Database& db) {
                  auto r = meta ? db.search(state->arg.query, &state->metadata) : db.search(state->arg.query);
                  if (!r.ok()) return r.status();
                  state->hits = std::move(r).value();
                  return ruvector::Status::Ok();
                },
                [state, vec, meta](Napi::Env e2) -> Napi::Value {
                  return HitsToRaw(e2, state->hits, vec, meta ? &state->metadata : nullptr);
                }))
        ->Start();
  });
}

// searchBatch([[vector, k, efSearch, filterText | null, flags, rescore], ...]) -> Promise<raw hits[]>.
Napi::Value NativeDb::SearchBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    Live(env);
    if (!info[0].IsArray()) ThrowArg("searchBatch takes an array of [vector, k, efSearch, filter, flags]");
    Napi::Array arr = info[0].As<Napi::Array>();
    const std::uint32_t n = arr.Length();
    struct State {
      std::vector<QueryArg> args;
      std::vector<ruvector::SearchQuery> queries;
      std::vector<std::vector<ruvector::SearchHit>> results;
    };
    auto st = std::make_shared<State>();
    st->args.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      Napi::Value item = arr.Get(i);
      if (!item.IsArray()) ThrowArg("searchBatch takes an array of [vector, k, efSearch, filter, flags]");
      Napi::Array a = item.As<Napi::Array>();
      st->args.push_back(ToQuery(a.Get(0u), a.Get(1u), a.Get(2u), a.Get(3u), a.Get(4u), a.Get(5u)));
      st->args.back().vector.make_owned();
    }
    st->queries.reserve(n);
    for (auto& a : st->args) {
      a.Bind();
      st->queries.push_back(a.query);
    }
    return (new DbWorker(
                env, h_, "ruvector:searchBatch",
                [st](ruvector::Database& db) {
                  auto r = db.search_batch(st->queries);
                  if (!r.ok()) return r.status();
                  st->results = std::move(r).value();
                  return ruvector::Status::Ok();
                },
                [st](Napi::Env e2) -> Napi::Value {
                  Napi::Array out = Napi::Array::New(e2, st->results.size());
                  for (std::size_t i = 0; i < st->results.size(); ++i) {
                    const auto& q = st->queries[i];
                    const std::string text =
                        q.include_metadata_json ? ruvector::metadata_json_array(st->results[i]) : std::string();
                    out.Set(static_cast<std::uint32_t>(i), HitsToRaw(e2, st->results[i], q.include_vector,
                                                                     q.include_metadata_json ? &text : nullptr));
                  }
                  return out;
                }))
        ->Start();
  });
}

// get(id) -> [id, vector, metadataText | null] | null, or a Promise of it.
Napi::Value NativeDb::Get(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    std::string id = ToString(info[0], "id", false);
    if (h.inflight == 0) {
      auto r = h.db->get(id);
      if (!r.ok() && r.status().code() == ruvector::StatusCode::kNotFound) return env.Null();
      return RecordToRaw(env, Check(env, std::move(r)));
    }
    auto rec = std::make_shared<std::optional<ruvector::Record>>();
    return (new DbWorker(
                env, h_, "ruvector:get",
                [id, rec](ruvector::Database& db) {
                  auto r = db.get(id);
                  if (!r.ok()) return r.status().code() == ruvector::StatusCode::kNotFound ? ruvector::Status::Ok() : r.status();
                  rec->emplace(std::move(r).value());
                  return ruvector::Status::Ok();
                },
                [rec](Napi::Env e2) -> Napi::Value { return *rec ? Napi::Value(RecordToRaw(e2, **rec)) : e2.Null(); }))
        ->Start();
  });
}

// vectorOf(id) -> Float32Array | undefined, always on the JS thread: the lazily read
// `vector` of a search hit (one record read under the engine's read lock).
Napi::Value NativeDb::VectorOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    auto r = h.db->get(ToString(info[0], "id", false));
    if (!r.ok() && r.status().code() == ruvector::StatusCode::kNotFound) return env.Undefined();
    return FloatsToJs(env, Check(env, std::move(r)).vector);
  });
}

// delete(id) -> boolean | Promise<boolean>.
Napi::Value NativeDb::Delete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    std::string id = ToString(info[0], "id", false);
    if (!h.durable && h.inflight == 0) return Napi::Boolean::New(env, Check(env, h.db->remove(id)));
    auto removed = std::make_shared<bool>(false);
    return (new DbWorker(
                env, h_, "ruvector:delete",
                [id, removed](ruvector::Database& db) {
                  auto r = db.remove(id);
                  if (!r.ok()) return r.status();
                  *removed = *r;
                  return ruvector::Status::Ok();
                },
                [removed](Napi::Env e2) -> Napi::Value { return Napi::Boolean::New(e2, *removed); }))
        ->Start();
  });
}

// len() -> number | Promise<number>.
Napi::Value NativeDb::Len(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    if (h.inflight == 0) return Napi::Number::New(env, static_cast<double>(h.db->size()));
    auto n = std::make_shared<std::size_t>(0);
    return (new DbWorker(
                env, h_, "ruvector:len", [n](ruvector::Database& db) { *n = db.size(); return ruvector::Status::Ok(); },
                [n](Napi::Env e2) -> Napi::Value { return Napi::Number::New(e2, static_cast<double>(*n)); }))
        ->Start();
  });
}

// info() -> JSON text (database_info_to_json) | Promise of it.
Napi::Value NativeDb::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    DbHandle& h = Live(env);
    if (h.inflight == 0) return Napi::String::New(env, ruvector::database_info_to_json(h.db->info()).dump());
    auto st = std::make_shared<std::string>();
    return (new DbWorker(
                env, h_, "ruvector:info",
                [st](ruvector::Database& db) {
                  *st = ruvector::database_info_to_json(db.info()).dump();
                  return ruvector::Status::Ok();
                },
                [st](Napi::Env e2) -> Napi::Value { return Napi::String::New(e2, *st); }))
        ->Start();
  });
}

Napi::Value NativeDb::Serialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    Live(env);
    auto bytes = std::make_shared<std::string>();
    return (new DbWorker(
                env, h_, "ruvector:serialize",
                [bytes](ruvector::Database& db) {
                  auto r = db.serialize();
                  if (!r.ok()) return r.status();
                  *bytes = std::move(r).value();
                  return ruvector::Status::Ok();
                },
                [bytes](Napi::Env e2) -> Napi::Value {
                  // Hand the engine's buffer to JS without a copy where external buffers are allowed.
                  auto* keep = new std::string(std::move(*bytes));
                  return Napi::Buffer<char>::NewOrCopy(
                      e2, keep->data(), keep->size(), [](Napi::Env, char*, std::string* s) { delete s; }, keep);
                }))
        ->Start();
  });
}

Napi::Value NativeDb::Checkpoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    Live(env);
    return (new DbWorker(
                env, h_, "ruvector:checkpoint", [](ruvector::Database& db) { return db.checkpoint(); },
                [](Napi::Env e2) -> Napi::Value { return e2.Undefined(); }))
        ->Start();
  });
}

Napi::Value NativeDb::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    if (h_->closed || !h_->db) return env.Undefined();  // idempotent
    h_->closed = true;
    return (new CloseWorker(env, std::move(h_->db)))->Start();
  });
}

Napi::Value NativeDb::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), h_->closed || !h_->db);
}

// ---- module functions ----

namespace {

ruvector::DatabaseOptions OptionsFromText(Napi::Env env, const Napi::Value& v) {
  ruvector::Json j = ToJson(v, "options");
  if (j.is_null()) j = ruvector::Json::object();
  return Check(env, ruvector::database_options_from_json(j));
}

}  // namespace

// open(canonicalOptionsJson) -> NativeDb (in memory) | Promise<NativeDb> (durable).
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    ruvector::DatabaseOptions o = OptionsFromText(env, info[0]);
    if (o.storage_path.empty()) {
      return NativeDb::Create(env, std::shared_ptr<ruvector::Database>(Check(env, ruvector::Database::open(o))));
    }
    // Every check an open can fail on before loading (path, lock, stored settings against
    // these options, reference files) runs here on the JS thread, so its error is thrown by
    // the VectorDb constructor, deterministically; only the load goes to the pool.
    if (ruvector::Status st = ruvector::Database::check_open(o); !st.ok()) throw StatusError(env, st);
    return (new CreateWorker(
                env, "ruvector:open", [o]() { return ruvector::Database::open(o); },
                [](Napi::Env e2, std::shared_ptr<ruvector::Database> db) -> Napi::Value {
                  return NativeDb::Create(e2, std::move(db));
                }))
        ->Start();
  });
}

// deserialize(bytes, canonicalOptionsJson | null) -> Promise<NativeDb>.
Napi::Value Deserialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Run(env, [&]() -> Napi::Value {
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(BytesOf(info[0], "bytes"));
    ruvector::DatabaseOptions o = OptionsFromText(env, info[1]);
    return (new CreateWorker(
                env, "ruvector:deserialize",
                [bytes, o]() {
                  return ruvector::Database::deserialize(
                      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), o);
                },
                [](Napi::Env e2, std::shared_ptr<ruvector::Database> db) -> Napi::Value {
                  return NativeDb::Create(e2, std::move(db));
                }))
        ->Start();
  });
}

}  // namespace rvnode
