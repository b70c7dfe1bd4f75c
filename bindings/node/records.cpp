#include "records.h"

#include <string>
#include <string_view>

#include "convert.h"
#include "ruvector/record_io.h"

namespace rvnode {
namespace {

std::string_view BytesArg(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    ThrowArg(std::string(what) + " must be a Uint8Array");
  auto a = v.As<Napi::Uint8Array>();
  return {reinterpret_cast<const char*>(a.Data()), a.ByteLength()};
}

// Every C++ exception (ArgError, bad_alloc, ...) leaves as a coded JS error.
template <class F>
Napi::Value Guarded(const Napi::CallbackInfo& info, F&& body) {
  try {
    return body();
  } catch (...) {
    throw Napi::Error(info.Env(), CurrentExceptionToJs(info.Env()));
  }
}

}  // namespace

Napi::Value ReadRecords(const Napi::CallbackInfo& info) {
  return Guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const std::string_view bytes = BytesArg(info[0], "bytes");
    auto format = ruvector::parse_record_format(ToString(info[1], "format", false));
    if (!format.ok()) throw StatusError(env, format.status());
    ruvector::RecordReadOptions options = ruvector::record_read_options_from_json(ToJson(info[2], "options"));
    // info[3]: optional progress(done, total), called synchronously on this thread (the
    // readers report about every MiB read, and once at the end).
    Napi::Function progress;
    if (info.Length() > 3 && info[3].IsFunction()) {
      progress = info[3].As<Napi::Function>();
      options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.Call({Napi::Number::New(env, static_cast<double>(done)), Napi::Number::New(env, static_cast<double>(total))});
      };
    }
    auto r = ruvector::read_records(bytes, *format, options);
    if (!r.ok()) throw StatusError(env, r.status());
    const ruvector::RecordRows& d = *r;
    Napi::Array ids = Napi::Array::New(env, d.rows());
    std::string meta = "[";
    Napi::Float64Array positions = Napi::Float64Array::New(env, d.rows());
    for (std::size_t i = 0; i < d.rows(); ++i) {
      ids.Set(static_cast<std::uint32_t>(i), Napi::String::New(env, d.ids[i]));
      if (i) meta.push_back(',');
      meta += d.metadata[i].is_null() ? "null" : d.metadata[i].dump(-1, ' ', false, ruvector::Json::error_handler_t::replace);
      positions[i] = static_cast<double>(d.lines[i]);
    }
    meta.push_back(']');
    Napi::Array out = Napi::Array::New(env, 6);
    out.Set(0u, Napi::Number::New(env, d.dimensions));
    out.Set(1u, FloatsToJs(env, d.values));
    out.Set(2u, ids);
    out.Set(3u, Napi::String::New(env, meta));
    out.Set(4u, positions);
    out.Set(5u, Napi::Boolean::New(env, d.line_numbers));
    return out;
  });
}

Napi::Value RecordFormatName(const Napi::CallbackInfo& info) {
  return Guarded(info, [&]() -> Napi::Value {
    const std::string text = ToString(info[0], "format", false);
    auto f = info[1].ToBoolean().Value() ? ruvector::record_format_from_path(text) : ruvector::parse_record_format(text);
    if (!f.ok()) throw StatusError(info.Env(), f.status());
    return Napi::String::New(info.Env(), ruvector::record_format_name(*f));
  });
}

Napi::Value ParseVectorText(const Napi::CallbackInfo& info) {
  return Guarded(info, [&]() -> Napi::Value {
    auto v = ruvector::parse_vector_text(ToString(info[0], "text", false));
    if (!v.ok()) throw StatusError(info.Env(), v.status());
    return FloatsToJs(info.Env(), *v);
  });
}

Napi::Value SnapshotToJsonl(const Napi::CallbackInfo& info) {
  return Guarded(info, [&]() -> Napi::Value {
    auto text = ruvector::snapshot_to_jsonl(BytesArg(info[0], "bytes"), ToString(info[1], "source", true));
    if (!text.ok()) throw StatusError(info.Env(), text.status());
    return Napi::Buffer<char>::Copy(info.Env(), text->data(), text->size());
  });
}

}  // namespace rvnode
