#include "convert.h"

#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <new>

#include "ruvector/metric.h"

namespace rvnode {

AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

void ThrowArg(std::string message) { throw ArgError{std::move(message), false}; }
void ThrowRange(std::string message) { throw ArgError{std::move(message), true}; }

namespace {

Napi::Error WithCode(Napi::Error e, const char* code) {
  e.Value().Set("code", Napi::String::New(e.Env(), code));
  return e;
}

const char* TypeName(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object:
      if (v.IsArray()) return "an array";
      if (v.IsTypedArray()) return "a typed array";
      return "an object";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
  }
  return "an unknown value";
}

bool IsPlainObject(Napi::Env env, const Napi::Value& v) {
  if (v.Type() != napi_object || v.IsArray() || v.IsTypedArray() || v.IsArrayBuffer() || v.IsDataView() ||
      v.IsPromise() || v.IsDate() || v.IsBuffer())
    return false;
  napi_value proto;
  if (napi_get_prototype(env, v, &proto) != napi_ok) return false;
  napi_valuetype t;
  napi_typeof(env, proto, &t);
  if (t == napi_null) return true;  // Object.create(null)
  return Napi::Value(env, proto).StrictEquals(Data(env).object_prototype.Value());
}

Napi::Value Get(const Napi::Object& o, const char* key) { return o.Get(key); }

// First of several alias keys that is not undefined.
Napi::Value GetAlias(const Napi::Object& o, std::initializer_list<const char*> keys, const char** used) {
  for (const char* k : keys) {
    Napi::Value v = o.Get(k);
    if (!v.IsUndefined()) {
      if (used) *used = k;
      return v;
    }
  }
  if (used) *used = *keys.begin();
  return o.Env().Undefined();
}

constexpr int kMaxJsonDepth = 128;
constexpr double kMaxSafeInteger = 9007199254740991.0;

ruvector::Json ToJsonValue(Napi::Env env, const Napi::Value& v, std::string& path, int depth);

ruvector::Json ToJsonObjectBody(Napi::Env env, const Napi::Object& o, std::string& path, int depth) {
  napi_value names;
  if (napi_get_all_property_names(env, o, napi_key_own_only,
                                  static_cast<napi_key_filter>(napi_key_enumerable | napi_key_skip_symbols),
                                  napi_key_numbers_to_strings, &names) != napi_ok)
    throw Napi::Error::New(env);
  Napi::Array keys(env, names);
  ruvector::Json out = ruvector::Json::object();
  const std::uint32_t n = keys.Length();
  const std::size_t base = path.size();
  for (std::uint32_t i = 0; i < n; ++i) {
    Napi::Value key = keys.Get(i);
    std::string k = key.As<Napi::String>().Utf8Value();
    Napi::Value member = o.Get(key);
    if (member.IsUndefined()) continue;  // as JSON.stringify does
    path += '.';
    path += k;
    out[k] = ToJsonValue(env, member, path, depth + 1);
    path.resize(base);
  }
  return out;
}

ruvector::Json ToJsonValue(Napi::Env env, const Napi::Value& v, std::string& path, int depth) {
  if (depth > kMaxJsonDepth) ThrowArg(path + " is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep (a cycle?)");
  switch (v.Type()) {
    case napi_null: return nullptr;
    case napi_boolean: return v.As<Napi::Boolean>().Value();
    case napi_number: {
      double d = v.As<Napi::Number>().DoubleValue();
      if (!std::isfinite(d)) ThrowArg(path + " is " + std::to_string(d) + ", which JSON cannot hold (finite numbers only)");
      if (d == std::trunc(d) && std::fabs(d) <= kMaxSafeInteger) return static_cast<std::int64_t>(d);
      return d;
    }
    case napi_string: return v.As<Napi::String>().Utf8Value();
    case napi_object: {
      if (v.IsArray()) {
        Napi::Array a = v.As<Napi::Array>();
        ruvector::Json out = ruvector::Json::array();
        const std::uint32_t n = a.Length();
        const std::size_t base = path.size();
        for (std::uint32_t i = 0; i < n; ++i) {
          path += '[';
          path += std::to_string(i);
          path += ']';
          Napi::Value e = a.Get(i);
          out.push_back(e.IsUndefined() ? ruvector::Json(nullptr) : ToJsonValue(env, e, path, depth + 1));
          path.resize(base);
        }
        return out;
      }
      if (!IsPlainObject(env, v))
        ThrowArg(path + " must be JSON data (null, boolean, number, string, array or plain object), got " +
                 (v.IsTypedArray() ? "a typed array" : v.IsDate() ? "a Date" : "a class instance"));
      return ToJsonObjectBody(env, v.As<Napi::Object>(), path, depth);
    }
    default:
      ThrowArg(path + " must be JSON data (null, boolean, number, string, array or plain object), got " + TypeName(v));
  }
}

}  // namespace

Napi::Error StatusError(Napi::Env env, const ruvector::Status& status) {
  std::string msg = status.ToString();
  switch (status.code()) {
    case ruvector::StatusCode::kInvalidArgument:
    case ruvector::StatusCode::kDimensionMismatch:
      return WithCode(Napi::RangeError::New(env, msg), status.code_name());
    default:
      return WithCode(Napi::Error::New(env, msg), status.code_name());
  }
}

Napi::Error ArgErrorToJs(Napi::Env env, const ArgError& e) {
  std::string msg = std::string("INVALID_ARGUMENT: ") + e.message;
  if (e.range) return WithCode(Napi::RangeError::New(env, msg), "INVALID_ARGUMENT");
  return WithCode(Napi::TypeError::New(env, msg), "INVALID_ARGUMENT");
}

Napi::Value CurrentExceptionToJs(Napi::Env env) {
  try {
    throw;
  } catch (const ArgError& e) {
    return ArgErrorToJs(env, e).Value();
  } catch (const Napi::Error& e) {
    return e.Value();
  } catch (const std::bad_alloc&) {
    return StatusError(env, ruvector::Status::ResourceExhausted("out of memory")).Value();
  } catch (const std::exception& e) {
    return StatusError(env, ruvector::Status::InvalidArgument(std::string("internal error: ") + e.what())).Value();
  } catch (...) {
    return StatusError(env, ruvector::Status::InvalidArgument("internal error: unknown exception")).Value();
  }
}

VectorArg ToVector(const Napi::Value& v, const std::string& what) {
  VectorArg out;
  napi_env env = v.Env();
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (is_typed) {
    // One info call: element type, length and data pointer (already offset by byteOffset).
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) throw Napi::Error::New(env);
    if (type == napi_float32_array) {
      out.set_view(std::span<const float>(static_cast<const float*>(data), data ? length : 0));
      return out;
    }
    if (type == napi_float64_array) {
      const double* d = static_cast<const double*>(data);
      std::vector<float> copy(length);
      for (std::size_t i = 0; i < length; ++i) copy[i] = static_cast<float>(d[i]);
      out.set_owned(std::move(copy));
      return out;
    }
    ThrowArg(what + " must be a Float32Array, a Float64Array or an array of numbers, got another typed array");
  }
  if (v.IsArray()) {
    auto a = v.As<Napi::Array>();
    const std::uint32_t n = a.Length();
    std::vector<float> copy(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      napi_value e;
      double d;
      if (napi_get_element(env, a, i, &e) != napi_ok || napi_get_value_double(env, e, &d) != napi_ok)
        ThrowArg(what + "[" + std::to_string(i) + "] must be a number, got " + TypeName(Napi::Value(env, e)));
      copy[i] = static_cast<float>(d);
    }
    out.set_owned(std::move(copy));
    return out;
  }
  ThrowArg(what + " must be a Float32Array or an array of numbers, got " + TypeName(v));
}

std::string ToId(const Napi::Value& v, const std::string& what, bool optional) {
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d)) ThrowArg(what + " must be a string or a finite number, got " + std::to_string(d));
    return v.ToString().Utf8Value();  // JS String(n): 42 -> "42", 1.5 -> "1.5"
  }
  if (optional && (v.IsUndefined() || v.IsNull())) return std::string();
  ThrowArg(what + " must be a string or a number, got " + TypeName(v));
}

ruvector::Json ToJsonObject(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  if (!IsPlainObject(env, v))
    ThrowArg(what + " must be a plain object, got " +
             (v.IsArray() ? "an array" : v.IsObject() && !v.IsFunction() ? "a class instance or built-in object" : TypeName(v)));
  std::string path = what;
  return ToJsonObjectBody(env, v.As<Napi::Object>(), path, 0);
}

Napi::Value FromJson(Napi::Env env, const ruvector::Json& j) {
  using T = ruvector::Json::value_t;
  switch (j.type()) {
    case T::null:
    case T::discarded: return env.Null();
    case T::boolean: return Napi::Boolean::New(env, j.get<bool>());
    case T::number_integer: return Napi::Number::New(env, static_cast<double>(j.get<std::int64_t>()));
    case T::number_unsigned: return Napi::Number::New(env, static_cast<double>(j.get<std::uint64_t>()));
    case T::number_float: return Napi::Number::New(env, j.get<double>());
    case T::string: {
      const auto& s = j.get_ref<const std::string&>();
      return Napi::String::New(env, s.data(), s.size());
    }
    case T::array: {
      Napi::Array a = Napi::Array::New(env, j.size());
      std::uint32_t i = 0;
      for (const auto& e : j) a.Set(i++, FromJson(env, e));
      return a;
    }
    case T::object: {
      Napi::Object o = Napi::Object::New(env);
      for (auto it = j.begin(); it != j.end(); ++it) o.Set(Napi::String::New(env, it.key()), FromJson(env, it.value()));
      return o;
    }
    case T::binary: {
      const auto& b = j.get_binary();
      return Napi::Buffer<std::uint8_t>::Copy(env, b.data(), b.size());
    }
  }
  return env.Null();
}

std::optional<std::uint64_t> ToUint(const Napi::Value& v, const std::string& what, std::uint64_t max) {
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsNumber()) ThrowArg(what + " must be a number, got " + TypeName(v));
  double d = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(d) || d < 0 || d != std::trunc(d) || d > static_cast<double>(max))
    ThrowRange(what + " must be an integer in 0.." + std::to_string(max) + ", got " + v.ToString().Utf8Value());
  return static_cast<std::uint64_t>(d);
}

std::optional<bool> ToBool(const Napi::Value& v, const std::string& what) {
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsBoolean()) ThrowArg(what + " must be a boolean, got " + TypeName(v));
  return v.As<Napi::Boolean>().Value();
}

ruvector::DatabaseOptions ToOptions(Napi::Env env, const Napi::Value& v) {
  ruvector::DatabaseOptions o;
  if (v.IsUndefined() || v.IsNull()) return o;
  if (!v.IsObject() || v.IsArray() || v.IsFunction())
    ThrowArg("options must be an object like {dimensions: 128, distanceMetric: 'cosine'}, got " +
             std::string(TypeName(v)));
  Napi::Object obj = v.As<Napi::Object>();
  const char* used = nullptr;

  Napi::Value dims = GetAlias(obj, {"dimensions", "dimension"}, &used);
  if (auto d = ToUint(dims, std::string("options.") + used, std::numeric_limits<std::uint32_t>::max()))
    o.dimensions = static_cast<std::uint32_t>(*d);

  Napi::Value metric = GetAlias(obj, {"distanceMetric", "metric"}, &used);
  if (!metric.IsUndefined() && !metric.IsNull()) {
    if (!metric.IsString()) ThrowArg(std::string("options.") + used + " must be a string, got " + TypeName(metric));
    auto m = ruvector::parse_metric(metric.As<Napi::String>().Utf8Value());
    if (!m.ok()) throw StatusError(env, m.status());
    o.metric = *m;
  }

  Napi::Value index = Get(obj, "index");
  if (!index.IsUndefined() && !index.IsNull()) {
    if (!index.IsString()) ThrowArg(std::string("options.index must be 'hnsw' or 'flat', got ") + TypeName(index));
    auto k = ruvector::parse_index_kind(index.As<Napi::String>().Utf8Value());
    if (!k.ok()) throw StatusError(env, k.status());
    o.index = *k;
  }

  // quantization: 'none' | 'int8' | 'binary', or the reference's {type: 'none' | 'scalar' | 'binary'}.
  Napi::Value quant = Get(obj, "quantization");
  if (!quant.IsUndefined() && !quant.IsNull()) {
    Napi::Value name = quant;
    if (quant.IsObject() && !quant.IsArray() && !quant.IsFunction()) name = quant.As<Napi::Object>().Get("type");
    if (!name.IsString())
      ThrowArg(std::string("options.quantization must be 'none', 'int8' or 'binary' (or {type: 'scalar'}), got ") +
               TypeName(name));
    auto q = ruvector::parse_quantization(name.As<Napi::String>().Utf8Value());
    if (!q.ok()) throw StatusError(env, q.status());
    o.quantization = *q;
  }
  if (auto r = ToUint(Get(obj, "rescore"), "options.rescore", ruvector::kMaxRescore))
    o.rescore = static_cast<std::uint32_t>(*r);

  Napi::Value hnsw = GetAlias(obj, {"hnswConfig", "hnsw"}, &used);
  if (!hnsw.IsUndefined() && !hnsw.IsNull()) {
    if (!hnsw.IsObject() || hnsw.IsArray())
      ThrowArg(std::string("options.") + used + " must be an object like {m: 16, efConstruction: 100, efSearch: 64}");
    Napi::Object h = hnsw.As<Napi::Object>();
    std::string p = std::string("options.") + used + ".";
    ruvector::HnswParams params;
    constexpr std::uint64_t u32 = std::numeric_limits<std::uint32_t>::max();
    if (auto x = ToUint(h.Get("m"), p + "m", u32)) params.m = static_cast<std::uint32_t>(*x);
    if (auto x = ToUint(GetAlias(h, {"efConstruction", "ef_construction"}, nullptr), p + "efConstruction", u32))
      params.ef_construction = static_cast<std::uint32_t>(*x);
    if (auto x = ToUint(GetAlias(h, {"efSearch", "ef_search"}, nullptr), p + "efSearch", u32))
      params.ef_search = static_cast<std::uint32_t>(*x);
    if (auto x = ToUint(GetAlias(h, {"maxElements", "max_elements"}, nullptr), p + "maxElements",
                        static_cast<std::uint64_t>(kMaxSafeInteger)))
      params.max_elements = *x;
    if (auto x = ToUint(h.Get("seed"), p + "seed", static_cast<std::uint64_t>(kMaxSafeInteger))) params.seed = *x;
    o.hnsw = params;
  }

  Napi::Value path = GetAlias(obj, {"storagePath", "path"}, &used);
  if (!path.IsUndefined() && !path.IsNull()) {
    if (!path.IsString()) ThrowArg(std::string("options.") + used + " must be a directory path string, got " + TypeName(path));
    o.storage_path = path.As<Napi::String>().Utf8Value();
  }
  if (auto ro = ToBool(Get(obj, "readOnly"), "options.readOnly")) o.read_only = *ro;
  if (auto t = ToUint(Get(obj, "threads"), "options.threads", 4096)) o.threads = static_cast<std::uint32_t>(*t);
  return o;
}

QueryArg ToQuery(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction())
    ThrowArg(what + " must be an object like {vector, k}, got " + TypeName(v));
  Napi::Object o = v.As<Napi::Object>();
  QueryArg q;
  q.vector = ToVector(o.Get("vector"), what + ".vector");
  if (auto k = ToUint(o.Get("k"), what + ".k", static_cast<std::uint64_t>(kMaxSafeInteger)))
    q.query.k = static_cast<std::size_t>(*k);
  if (auto ef = ToUint(o.Get("efSearch"), what + ".efSearch", std::numeric_limits<std::uint32_t>::max()))
    q.query.ef_search = static_cast<std::uint32_t>(*ef);
  if (auto r = ToUint(o.Get("rescore"), what + ".rescore", ruvector::kMaxRescore))
    q.query.rescore = static_cast<std::uint32_t>(*r);
  q.query.filter = ToJsonObject(env, o.Get("filter"), what + ".filter");
  if (auto b = ToBool(o.Get("includeVector"), what + ".includeVector")) q.query.include_vector = *b;
  if (auto b = ToBool(o.Get("includeMetadata"), what + ".includeMetadata")) q.query.include_metadata = *b;
  q.Bind();
  return q;
}

EntryArg ToEntry(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction())
    ThrowArg(what + " must be an object like {id?, vector, metadata?}, got " + TypeName(v));
  Napi::Object o = v.As<Napi::Object>();
  EntryArg e;
  e.entry.id = ToId(o.Get("id"), what + ".id", true);
  e.vector = ToVector(o.Get("vector"), what + ".vector");
  e.entry.metadata = ToJsonObject(env, o.Get("metadata"), what + ".metadata");
  e.Bind();
  return e;
}

Napi::Float32Array FloatsToJs(Napi::Env env, std::span<const float> v) {
  auto out = Napi::Float32Array::New(env, v.size());
  if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(float));
  return out;
}

Napi::Array HitsToJs(Napi::Env env, const std::vector<ruvector::SearchHit>& hits, bool include_metadata) {
  Napi::Array out = Napi::Array::New(env, hits.size());
  napi_value k_id = Napi::String::New(env, "id"), k_score = Napi::String::New(env, "score");
  napi_value k_vector = nullptr, k_meta = nullptr;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const auto& h = hits[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set(k_id, Napi::String::New(env, h.id.data(), h.id.size()));
    o.Set(k_score, Napi::Number::New(env, h.score));
    if (!h.vector.empty()) {
      if (!k_vector) k_vector = Napi::String::New(env, "vector");
      o.Set(k_vector, FloatsToJs(env, h.vector));
    }
    if (include_metadata) {
      if (!k_meta) k_meta = Napi::String::New(env, "metadata");
      o.Set(k_meta, FromJson(env, h.metadata));
    }
    out.Set(static_cast<std::uint32_t>(i), o);
  }
  return out;
}

Napi::Array HitsToRaw(Napi::Env env, const std::vector<ruvector::SearchHit>& hits, bool include_vector,
                      bool include_metadata) {
  const std::size_t n = hits.size();
  napi_value ids;
  napi_create_array_with_length(env, n, &ids);
  auto scores = Napi::Float64Array::New(env, n);
  double* sc = scores.Data();
  for (std::size_t i = 0; i < n; ++i) {
    napi_value id;
    napi_create_string_utf8(env, hits[i].id.data(), hits[i].id.size(), &id);
    napi_set_element(env, ids, static_cast<std::uint32_t>(i), id);
    sc[i] = hits[i].score;
  }
  Napi::Array out = Napi::Array::New(env, 4);
  out.Set(0u, Napi::Value(env, ids));
  out.Set(1u, scores);
  if (include_vector) {
    Napi::Array v = Napi::Array::New(env, n);
    for (std::size_t i = 0; i < n; ++i) v.Set(static_cast<std::uint32_t>(i), FloatsToJs(env, hits[i].vector));
    out.Set(2u, v);
  }
  if (include_metadata) {
    Napi::Array m = Napi::Array::New(env, n);
    for (std::size_t i = 0; i < n; ++i) m.Set(static_cast<std::uint32_t>(i), FromJson(env, hits[i].metadata));
    out.Set(3u, m);
  }
  return out;
}

Napi::Object RecordToJs(Napi::Env env, const ruvector::Record& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", Napi::String::New(env, r.id));
  o.Set("vector", FloatsToJs(env, r.vector));
  o.Set("metadata", FromJson(env, r.metadata));
  return o;
}

Napi::Object InfoToJs(Napi::Env env, const ruvector::DatabaseInfo& info) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("dimensions", Napi::Number::New(env, info.dimensions));
  o.Set("metric", Napi::String::New(env, ruvector::metric_name(info.metric)));
  o.Set("index", Napi::String::New(env, ruvector::index_kind_name(info.index)));
  Napi::Object h = Napi::Object::New(env);
  h.Set("m", Napi::Number::New(env, info.hnsw.m));
  h.Set("efConstruction", Napi::Number::New(env, info.hnsw.ef_construction));
  h.Set("efSearch", Napi::Number::New(env, info.hnsw.ef_search));
  h.Set("maxElements", Napi::Number::New(env, static_cast<double>(info.hnsw.max_elements)));
  o.Set("hnswConfig", h);
  o.Set("count", Napi::Number::New(env, static_cast<double>(info.count)));
  o.Set("storage", Napi::String::New(env, info.storage));
  o.Set("indexSource", Napi::String::New(env, info.index_source));
  o.Set("memoryBytes", Napi::Number::New(env, static_cast<double>(info.memory_bytes)));
  o.Set("quantization", Napi::String::New(env, ruvector::quantization_name(info.quantization)));
  o.Set("rescore", Napi::Number::New(env, info.rescore));
  o.Set("codesTrainedOn", Napi::Number::New(env, static_cast<double>(info.codes_trained_on)));
  Napi::Object mem = Napi::Object::New(env);
  mem.Set("codes", Napi::Number::New(env, static_cast<double>(info.memory.codes)));
  mem.Set("floats", Napi::Number::New(env, static_cast<double>(info.memory.floats)));
  mem.Set("graph", Napi::Number::New(env, static_cast<double>(info.memory.graph)));
  mem.Set("ids", Napi::Number::New(env, static_cast<double>(info.memory.ids)));
  mem.Set("metadata", Napi::Number::New(env, static_cast<double>(info.memory.metadata)));
  o.Set("memory", mem);
  return o;
}

}  // namespace rvnode
