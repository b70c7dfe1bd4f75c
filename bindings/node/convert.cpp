#include "convert.h"

#include <cmath>
#include <cstring>
#include <exception>
#include <new>

namespace rvnode {

AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

void ThrowArg(std::string message) { throw ArgError{std::move(message)}; }

namespace {

Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message, const char* kind) {
  AddonData& d = Data(env);
  if (!d.error_factory.IsEmpty()) {
    Napi::Value e = d.error_factory.Call({Napi::String::New(env, code), Napi::String::New(env, message),
                                          kind ? Napi::Value(Napi::String::New(env, kind)) : env.Undefined()});
    return Napi::Error(env, e);
  }
  Napi::Error e = Napi::Error::New(env, std::string(code) + ": " + message);
  e.Value().Set("code", Napi::String::New(env, code));
  return e;
}

}  // namespace

Napi::Error StatusError(Napi::Env env, const ruvector::Status& status) {
  return MakeError(env, status.code_name(), status.message(), nullptr);
}

Napi::Value CurrentExceptionToJs(Napi::Env env) {
  try {
    throw;
  } catch (const ArgError& e) {
    return MakeError(env, "INVALID_ARGUMENT", e.message, "type").Value();
  } catch (const Napi::Error& e) {
    return e.Value();
  } catch (const std::bad_alloc&) {
    return StatusError(env, ruvector::Status::ResourceExhausted("out of memory")).Value();
  } catch (const std::exception& e) {
    return StatusError(env, ruvector::Status::Internal(std::string("internal error: ") + e.what())).Value();
  } catch (...) {
    return StatusError(env, ruvector::Status::Internal("internal error: unknown exception")).Value();
  }
}

VectorArg ToVector(const Napi::Value& v, const char* what) {
  napi_env env = v.Env();
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (!is_typed) ThrowArg(std::string(what) + " must be a Float32Array");
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) throw Napi::Error::New(env);
  if (type != napi_float32_array) ThrowArg(std::string(what) + " must be a Float32Array");
  VectorArg out;
  out.set_view(std::span<const float>(static_cast<const float*>(data), data ? length : 0));
  return out;
}

std::string ToString(const Napi::Value& v, const char* what, bool optional) {
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (optional && (v.IsUndefined() || v.IsNull())) return std::string();
  ThrowArg(std::string(what) + " must be a string");
}

ruvector::Json ToJson(const Napi::Value& v, const char* what) {
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  if (!v.IsString()) ThrowArg(std::string(what) + " must be JSON text");
  ruvector::Json j = ruvector::Json::parse(v.As<Napi::String>().Utf8Value(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) ThrowArg(std::string(what) + " is not valid JSON text");
  return j;
}

std::uint32_t ToUint32(const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) ThrowArg(std::string(what) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || std::trunc(d) != d) ThrowArg(std::string(what) + " must be a whole number in 0..2^32-1");
  return static_cast<std::uint32_t>(d);
}

QueryArg ToQuery(const Napi::Value& vector, const Napi::Value& k, const Napi::Value& ef, const Napi::Value& filter,
                 const Napi::Value& flags, const Napi::Value& rescore) {
  QueryArg q;
  q.vector = ToVector(vector, "query vector");
  q.query.k = ToUint32(k, "k");
  const std::uint32_t e = ToUint32(ef, "efSearch");
  if (e != 0) q.query.ef_search = e;
  q.query.filter = ToJson(filter, "filter");
  const std::uint32_t f = ToUint32(flags, "flags");
  q.query.include_vector = (f & 1) != 0;
  q.query.include_metadata_json = (f & 2) != 0;
  if (rescore.IsNumber() && rescore.As<Napi::Number>().DoubleValue() >= 0) q.query.rescore = ToUint32(rescore, "rescore");
  q.Bind();
  return q;
}

Napi::Float32Array FloatsToJs(Napi::Env env, std::span<const float> v) {
  Napi::Float32Array a = Napi::Float32Array::New(env, v.size());
  if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(float));
  return a;
}

Napi::Array HitsToRaw(Napi::Env env, const std::vector<ruvector::SearchHit>& hits, bool include_vector,
                      const std::string* metadata_json_array) {
  const std::size_t n = hits.size();
  Napi::Array ids = Napi::Array::New(env, n);
  Napi::Float64Array scores = Napi::Float64Array::New(env, n);
  for (std::size_t i = 0; i < n; ++i) {
    ids.Set(static_cast<std::uint32_t>(i), Napi::String::New(env, hits[i].id));
    scores[i] = hits[i].score;
  }
  Napi::Array out = Napi::Array::New(env, 4);
  out.Set(0u, ids);
  out.Set(1u, scores);
  if (metadata_json_array) out.Set(2u, Napi::String::New(env, *metadata_json_array));
  if (include_vector) {
    Napi::Array vecs = Napi::Array::New(env, n);
    for (std::size_t i = 0; i < n; ++i) vecs.Set(static_cast<std::uint32_t>(i), FloatsToJs(env, hits[i].vector));
    out.Set(3u, vecs);
  }
  return out;
}

Napi::Array RecordToRaw(Napi::Env env, const ruvector::Record& r) {
  Napi::Array out = Napi::Array::New(env, 4);
  out.Set(0u, Napi::String::New(env, r.id));
  out.Set(1u, FloatsToJs(env, r.vector));
  out.Set(2u, r.metadata.is_null() ? env.Null() : Napi::Value(Napi::String::New(env, r.metadata.dump())));
  out.Set(3u, Napi::Boolean::New(env, r.vector_decoded));  // the floats were dropped (docs/quantization.md)
  return out;
}

}  // namespace rvnode
