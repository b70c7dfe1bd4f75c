// @ruvector/core: the ruvector engine as a Node-API addon (module entry point).
//
// Exports: NativeDb (the wrapped database class; constructed only through open and
// deserialize), open(options), deserialize(bytes, options), version(), simdLevel().
// The JS class VectorDb in npm/core/index.js builds the public API on these.
#include <napi.h>

#include "convert.h"
#include "database_wrap.h"
#include "ruvector/simd.h"
#include "ruvector/version.h"

namespace rvnode {
namespace {

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), ruvector::version()); }

Napi::Value SimdLevel(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), ruvector::simd_level_name(ruvector::active_simd_level()));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted by Node at environment teardown
  Napi::Function ctor = NativeDb::Init(env);
  data->native_db_ctor = Napi::Persistent(ctor);
  data->object_prototype =
      Napi::Persistent(env.Global().Get("Object").As<Napi::Object>().Get("prototype").As<Napi::Object>());
  exports.Set("NativeDb", ctor);
  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("deserialize", Napi::Function::New<Deserialize>(env, "deserialize"));
  exports.Set("version", Napi::Function::New<Version>(env, "version"));
  exports.Set("simdLevel", Napi::Function::New<SimdLevel>(env, "simdLevel"));
  return exports;
}

}  // namespace
}  // namespace rvnode

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return rvnode::Init(env, exports); }

NODE_API_MODULE(ruvector, InitAddon)
