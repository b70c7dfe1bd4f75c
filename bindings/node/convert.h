// JS <-> engine marshalling for the Node-API addon.
//
// The binding only marshals: every value check that the engine does (dimensions,
// NaN/Inf, zero vectors, k, filters, metric names) is left to the engine. The
// binding checks JS *types* only and reports a wrong type as a TypeError whose
// `.code` is INVALID_ARGUMENT. Engine errors become JS errors carrying the engine's
// code name in `.code` (see StatusError).
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ruvector/database.h"
#include "ruvector/json.h"
#include "ruvector/options.h"
#include "ruvector/status.h"
#include "ruvector/types.h"

namespace rvnode {

// Per-environment state (Node-API instance data).
struct AddonData {
  Napi::FunctionReference native_db_ctor;   // the NativeDb class
  Napi::ObjectReference object_prototype;   // Object.prototype, for plain-object checks
};
AddonData& Data(Napi::Env env);

// A binding-side type error. Carried as a C++ exception to the method boundary,
// where it becomes a JS TypeError (or RangeError when `range` is set) with
// code INVALID_ARGUMENT.
struct ArgError {
  std::string message;
  bool range = false;
};
[[noreturn]] void ThrowArg(std::string message);
[[noreturn]] void ThrowRange(std::string message);

// Engine Status -> JS error with `.code`. INVALID_ARGUMENT and DIMENSION_MISMATCH
// become RangeError (a bad value), every other code an Error. The message is the
// engine's "CODE: message" text.
Napi::Error StatusError(Napi::Env env, const ruvector::Status& status);
Napi::Error ArgErrorToJs(Napi::Env env, const ArgError& e);
// Any C++ exception that escaped a method body -> JS error (never terminates Node).
Napi::Value CurrentExceptionToJs(Napi::Env env);

// A vector argument: either a view into a Float32Array's own memory (no copy; valid
// while the JS array is alive and unchanged, i.e. for a synchronous call), or an
// owned copy (number[], Float64Array, or anything going to a worker thread).
class VectorArg {
 public:
  VectorArg() = default;
  std::span<const float> span() const { return owned_ ? std::span<const float>(*owned_) : view_; }
  bool is_view() const { return !owned_.has_value(); }
  // Makes the vector independent of JS memory (before it goes to a worker).
  void make_owned() {
    if (!owned_) owned_.emplace(view_.begin(), view_.end());
  }
  void set_view(std::span<const float> v) { view_ = v; owned_.reset(); }
  void set_owned(std::vector<float> v) { owned_.emplace(std::move(v)); }

 private:
  std::span<const float> view_;
  std::optional<std::vector<float>> owned_;
};

// Float32Array (zero copy), Float64Array / number[] (copied). `what` names the
// argument in error messages ("vector", "entries[3].vector").
VectorArg ToVector(const Napi::Value& v, const std::string& what);

// Ids: strings, or finite numbers turned into their decimal string (JS String(n)).
// undefined/null -> "" (the engine generates a UUID v4) when `optional`.
std::string ToId(const Napi::Value& v, const std::string& what, bool optional);

// Plain object -> Json object; undefined/null -> Json null. Arrays, functions and
// class instances at the top level are TypeErrors. Nested values: null, booleans,
// finite numbers, strings, arrays and plain objects; undefined members are skipped
// (as JSON.stringify does).
ruvector::Json ToJsonObject(Napi::Env env, const Napi::Value& v, const std::string& what);
Napi::Value FromJson(Napi::Env env, const ruvector::Json& j);

// Reads a non-negative integer option; undefined -> nullopt. RangeError when
// negative, fractional or above `max`.
std::optional<std::uint64_t> ToUint(const Napi::Value& v, const std::string& what, std::uint64_t max);
std::optional<bool> ToBool(const Napi::Value& v, const std::string& what);

// `new VectorDb(options)` options -> DatabaseOptions (names per SPEC §4 and the
// reference system: dimensions|dimension, distanceMetric|metric, storagePath|path,
// hnswConfig|hnsw {m, efConstruction, efSearch, maxElements}, index, readOnly, threads).
ruvector::DatabaseOptions ToOptions(Napi::Env env, const Napi::Value& v);

// A parsed search query. The vector is a view unless made owned.
struct QueryArg {
  VectorArg vector;
  ruvector::SearchQuery query;  // vector span filled by Bind()
  void Bind() { query.vector = vector.span(); }
};
QueryArg ToQuery(Napi::Env env, const Napi::Value& v, const std::string& what);

// A parsed entry for insert/insertBatch.
struct EntryArg {
  VectorArg vector;
  ruvector::Entry entry;
  void Bind() { entry.vector = vector.span(); }
};
EntryArg ToEntry(Napi::Env env, const Napi::Value& v, const std::string& what);

// Results -> JS.
Napi::Array HitsToJs(Napi::Env env, const std::vector<ruvector::SearchHit>& hits, bool include_metadata);
// [ids: string[], scores: Float64Array, vectors: Float32Array[] | undefined,
//  metadata: (object|null)[] | undefined]: index.js turns it into result objects, which
// V8 builds much faster from JS than through Node-API property sets.
Napi::Array HitsToRaw(Napi::Env env, const std::vector<ruvector::SearchHit>& hits, bool include_vector,
                      bool include_metadata);
Napi::Object RecordToJs(Napi::Env env, const ruvector::Record& r);
Napi::Float32Array FloatsToJs(Napi::Env env, std::span<const float> v);
Napi::Object InfoToJs(Napi::Env env, const ruvector::DatabaseInfo& info);

}  // namespace rvnode
