// @ruvector/core: the ruvector engine as a Node-API addon (module entry point).
//
// Exports: NativeDb (the wrapped database class; constructed only through open and
// deserialize), open(optionsJson), deserialize(bytes, optionsJson), version(), simdLevel(),
// setErrorFactory(fn): the JS contract's error constructor, used for every error;
// readRecords, recordFormat, parseVectorText, snapshotToJsonl: the record formats (records.h).
// The JS class VectorDb in npm/core/index.js builds the public API on these.
#include <napi.h>

#include "convert.h"
#include "database_wrap.h"
#include "records.h"
#include "ruvector/simd.h"
#include "ruvector/version.h"

namespace rvnode {
namespace {

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), ruvector::version()); }

Napi::Value SimdLevel(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), ruvector::simd_level_name(ruvector::active_simd_level()));
}

Napi::Value SetErrorFactory(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    Napi::TypeError::New(info.Env(), "setErrorFactory expects a function").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  Data(info.Env()).error_factory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted by Node at environment teardown
  Napi::Function ctor = NativeDb::Init(env);
  data->native_db_ctor = Napi::Persistent(ctor);
  exports.Set("NativeDb", ctor);
  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("deserialize", Napi::Function::New<Deserialize>(env, "deserialize"));
  exports.Set("setErrorFactory", Napi::Function::New<SetErrorFactory>(env, "setErrorFactory"));
  exports.Set("version", Napi::Function::New<Version>(env, "version"));
  exports.Set("simdLevel", Napi::Function::New<SimdLevel>(env, "simdLevel"));
  exports.Set("readRecords", Napi::Function::New<ReadRecords>(env, "readRecords"));
  exports.Set("recordFormat", Napi::Function::New<RecordFormatName>(env, "recordFormat"));
  exports.Set("parseVectorText", Napi::Function::New<ParseVectorText>(env, "parseVectorText"));
  exports.Set("snapshotToJsonl", Napi::Function::New<SnapshotToJsonl>(env, "snapshotToJsonl"));
  return exports;
}

}  // namespace
}  // namespace rvnode

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return rvnode::Init(env, exports); }

NODE_API_MODULE(ruvector, InitAddon)
