// NativeDb: the JS object wrapping one open ruvector::Database.
//
// Methods take the positional, contract-checked arguments npm/core/index.js passes
// (see convert.h) and return their value, or a Promise of it for pool work; errors
// are thrown synchronously (index.js turns them into rejections). Small calls (single insert into an in-memory
// database, search with small k, get, len) run synchronously on the JS thread and
// return an already-settled Promise: no thread-pool hop, so an awaited loop is as
// fast as a synchronous API. Heavy calls (large batches, searchBatch, large k,
// exact search over many vectors, serialize, durable writes) run on the libuv
// thread pool. While any pool operation of this database is in flight, every call
// goes to the pool too, so the JS thread never waits on the engine's lock behind a
// long write.
#pragma once

#include <napi.h>

#include <memory>

#include "workers.h"

namespace rvnode {

// Sync/async thresholds (docs in npm/core/README.md, "Threading").
inline constexpr std::size_t kSyncSearchMaxK = 256;           // k above this -> pool
inline constexpr std::uint32_t kSyncSearchMaxEf = 2048;       // efSearch above this -> pool
inline constexpr std::uint64_t kSyncFlatMaxFloats = 1u << 21; // exact or filtered search over more floats -> pool
inline constexpr std::size_t kSyncBatchMaxEntries = 64;       // insertBatch above this -> pool
inline constexpr std::uint64_t kSyncBatchMaxFloats = 16384;   // ... or above this many floats

class NativeDb : public Napi::ObjectWrap<NativeDb> {
 public:
  static Napi::Function Init(Napi::Env env);
  // Wraps an open database in a new JS NativeDb object.
  static Napi::Object Create(Napi::Env env, std::shared_ptr<ruvector::Database> db);

  explicit NativeDb(const Napi::CallbackInfo& info);

 private:
  Napi::Value Insert(const Napi::CallbackInfo& info);
  Napi::Value InsertBatch(const Napi::CallbackInfo& info);
  Napi::Value Search(const Napi::CallbackInfo& info);
  Napi::Value SearchBatch(const Napi::CallbackInfo& info);
  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value VectorOf(const Napi::CallbackInfo& info);
  Napi::Value Delete(const Napi::CallbackInfo& info);
  Napi::Value Len(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Serialize(const Napi::CallbackInfo& info);
  Napi::Value Checkpoint(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  // The handle, or throws the "database is closed" error.
  DbHandle& Live(Napi::Env env);
  void Attach(std::shared_ptr<ruvector::Database> db);

  std::shared_ptr<DbHandle> h_;
};

// Module functions. Options are the canonical JSON text (include/ruvector/options_json.h).
Napi::Value Open(const Napi::CallbackInfo& info);         // optionsJson -> NativeDb | Promise<NativeDb>
Napi::Value Deserialize(const Napi::CallbackInfo& info);  // (bytes, optionsJson?) -> Promise<NativeDb>

}  // namespace rvnode
