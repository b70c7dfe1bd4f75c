// JS <-> engine marshalling for the Node-API addon.
//
// The addon's functions take arguments already checked and normalised by the JS
// contract (npm/contract/contract.mjs, bundled into npm/core/lib/contract.cjs):
// vectors are Float32Arrays, ids are strings or null, metadata and filters are JSON text
// or null, numbers are whole and within uint32. The addon marshals them into engine
// calls; the engine decides every value rule. An argument that breaks that contract
// (a binding bug, or a caller bypassing index.js) is a TypeError with code
// INVALID_ARGUMENT, never a crash.
//
// Errors: every error object is made by the contract's error factory (registered with
// setErrorFactory at load), so the class and message rules exist once, in JS.
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ruvector/database.h"
#include "ruvector/json.h"
#include "ruvector/status.h"
#include "ruvector/types.h"

namespace rvnode {

// Per-environment state (Node-API instance data).
struct AddonData {
  Napi::FunctionReference native_db_ctor;  // the NativeDb class
  Napi::FunctionReference error_factory;   // (codeName, message, kind?) -> Error
};
AddonData& Data(Napi::Env env);

// An argument that does not follow the contract. Carried as a C++ exception to the
// method boundary, where it becomes a TypeError with code INVALID_ARGUMENT.
struct ArgError {
  std::string message;
};
[[noreturn]] void ThrowArg(std::string message);

// Engine Status -> JS error (through the contract's factory).
Napi::Error StatusError(Napi::Env env, const ruvector::Status& status);
// Any C++ exception that escaped a method body -> JS error (never terminates Node).
Napi::Value CurrentExceptionToJs(Napi::Env env);

// A Float32Array argument: a view into its memory (valid while the JS array is alive
// and unchanged, i.e. for a synchronous call), or an owned copy (for pool work).
class VectorArg {
 public:
  std::span<const float> span() const { return owned_ ? std::span<const float>(*owned_) : view_; }
  // Makes the vector independent of JS memory (before it goes to a worker).
  void make_owned() {
    if (!owned_) owned_.emplace(view_.begin(), view_.end());
  }
  void set_view(std::span<const float> v) { view_ = v; owned_.reset(); }

 private:
  std::span<const float> view_;
  std::optional<std::vector<float>> owned_;
};
VectorArg ToVector(const Napi::Value& v, const char* what);

// A string argument; null/undefined -> "" when `optional` (the engine generates ids).
std::string ToString(const Napi::Value& v, const char* what, bool optional);
// JSON text (or null/undefined -> Json null). Text that does not parse is INVALID_ARGUMENT.
ruvector::Json ToJson(const Napi::Value& v, const char* what);
// A whole number 0..2^32-1 (the contract clamps larger values).
std::uint32_t ToUint32(const Napi::Value& v, const char* what);

// A parsed search: (vector, k, efSearch (0 = the database's), filterText|null, flags,
// rescore (-1 or undefined = the database's)). flags: 1 = include the vector, 2 = the metadata.
struct QueryArg {
  VectorArg vector;
  ruvector::SearchQuery query;  // vector span filled by Bind()
  void Bind() { query.vector = vector.span(); }
};
QueryArg ToQuery(const Napi::Value& vector, const Napi::Value& k, const Napi::Value& ef, const Napi::Value& filter,
                 const Napi::Value& flags, const Napi::Value& rescore);

// Raw search hits: [ids: string[], scores: Float64Array, metadata: JSON text of an array
// (null per hit without metadata) | undefined, vectors: Float32Array[] | undefined].
// `metadata_json_array`: that text as the engine wrote it, or null when not asked.
// The contract builds the result objects (V8 builds small objects much faster in JS).
Napi::Array HitsToRaw(Napi::Env env, const std::vector<ruvector::SearchHit>& hits, bool include_vector,
                      const std::string* metadata_json_array);
// get(): [id, Float32Array, metadata JSON text | null].
Napi::Array RecordToRaw(Napi::Env env, const ruvector::Record& r);
Napi::Float32Array FloatsToJs(Napi::Env env, std::span<const float> v);

}  // namespace rvnode
