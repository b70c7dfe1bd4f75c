// Thread-pool work for the Node-API addon.
//
// Every worker that touches an open database holds its own std::shared_ptr to it,
// so the database outlives the JS wrapper if the wrapper is garbage collected (or
// closed) while the work is in flight. The copy is dropped at the end of Execute()
// (on the worker thread), which lets CloseWorker wait for in-flight work without
// needing the JS thread.
#pragma once

#include <napi.h>

#include <chrono>
#include <functional>
#include <memory>
#include <new>
#include <thread>
#include <utility>

#include "convert.h"
#include "ruvector/database.h"

namespace rvnode {

// State shared by a NativeDb wrapper and its in-flight workers.
struct DbHandle {
  std::shared_ptr<ruvector::Database> db;  // null once closed
  bool closed = false;
  bool durable = false;     // backed by storage: writes fsync, so they go to the pool
  bool read_only = false;
  bool flat = false;        // exact index: search cost grows with size * dimensions
  std::uint32_t dimensions = 0;
  int inflight = 0;         // queued async operations not yet settled (JS thread only)
};

inline ruvector::Status GuardStatus(const std::function<ruvector::Status()>& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return ruvector::Status::ResourceExhausted("out of memory");
  } catch (const std::exception& e) {
    return ruvector::Status::Internal(std::string("internal error: ") + e.what());
  } catch (...) {
    return ruvector::Status::Internal("internal error: unknown exception");
  }
}

// Runs `run` on the pool against the database, then `done` on the JS thread to
// build the resolved value. A non-OK Status rejects the promise with its code.
class DbWorker : public Napi::AsyncWorker {
 public:
  using Run = std::function<ruvector::Status(ruvector::Database&)>;
  using Done = std::function<Napi::Value(Napi::Env)>;

  DbWorker(Napi::Env env, std::shared_ptr<DbHandle> handle, const char* name, Run run, Done done)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        handle_(std::move(handle)),
        db_(handle_->db),
        run_(std::move(run)),
        done_(std::move(done)) {
    ++handle_->inflight;
  }

  // Queues the work and returns its promise.
  Napi::Promise Start() {
    Napi::Promise p = deferred_.Promise();
    Queue();
    return p;
  }

 protected:
  void Execute() override {
    status_ = GuardStatus([&] { return run_(*db_); });
    run_ = nullptr;  // drop captured inputs on the worker thread
    db_.reset();     // see the file comment: CloseWorker waits for this
  }
  void OnOK() override {
    --handle_->inflight;
    Napi::Env env = Env();
    if (!status_.ok()) {
      deferred_.Reject(StatusError(env, status_).Value());
      return;
    }
    try {
      deferred_.Resolve(done_(env));
    } catch (...) {
      deferred_.Reject(CurrentExceptionToJs(env));
    }
  }
  void OnError(const Napi::Error& e) override {
    --handle_->inflight;
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<DbHandle> handle_;
  std::shared_ptr<ruvector::Database> db_;
  Run run_;
  Done done_;
  ruvector::Status status_;
};

// Produces a new database on the pool (open of a durable database, deserialize), and
// hands it to `done` on the JS thread to wrap.
class CreateWorker : public Napi::AsyncWorker {
 public:
  using Run = std::function<ruvector::Result<std::unique_ptr<ruvector::Database>>()>;
  using Done = std::function<Napi::Value(Napi::Env, std::shared_ptr<ruvector::Database>)>;

  CreateWorker(Napi::Env env, const char* name, Run run, Done done)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)), run_(std::move(run)),
        done_(std::move(done)) {}

  Napi::Promise Start() {
    Napi::Promise p = deferred_.Promise();
    Queue();
    return p;
  }

 protected:
  void Execute() override {
    status_ = GuardStatus([&]() -> ruvector::Status {
      auto r = run_();
      if (!r.ok()) return r.status();
      db_ = std::shared_ptr<ruvector::Database>(std::move(r).value());
      return ruvector::Status::Ok();
    });
    run_ = nullptr;
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (!status_.ok()) {
      deferred_.Reject(StatusError(env, status_).Value());
      return;
    }
    try {
      deferred_.Resolve(done_(env, std::move(db_)));
    } catch (...) {
      deferred_.Reject(CurrentExceptionToJs(env));
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Run run_;
  Done done_;
  ruvector::Status status_;
  std::shared_ptr<ruvector::Database> db_;
};

// Destroys a closed database on the pool once every in-flight worker has dropped its
// reference: a writable durable database stores its index image and releases the
// LMDB write lock in its destructor. The libuv queue is FIFO, so every worker queued
// before this one has started on another pool thread by the time this one runs, and
// each drops its reference at the end of its own Execute().
class CloseWorker : public Napi::AsyncWorker {
 public:
  CloseWorker(Napi::Env env, std::shared_ptr<ruvector::Database> db)
      : Napi::AsyncWorker(env, "ruvector:close"), deferred_(Napi::Promise::Deferred::New(env)), db_(std::move(db)) {}

  Napi::Promise Start() {
    Napi::Promise p = deferred_.Promise();
    Queue();
    return p;
  }

 protected:
  void Execute() override {
    while (db_ && db_.use_count() > 1) std::this_thread::sleep_for(std::chrono::microseconds(200));
    db_.reset();
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<ruvector::Database> db_;
};

}  // namespace rvnode
