// LmdbStorage: the durable Storage backend (native builds). docs/storage.md has the
// full story. This file is the Storage methods and the open path; the pieces:
//   lmdb_env.h       the environment (directory layout, tables) and opening it
//   lmdb_registry.h  one environment per directory per process, fork() rules
//   writer_lock.h    one writer process per directory
//   lmdb_map.h       map size: initial, growth, adoption
//   lmdb_txn.h       read/write transactions with their retry loops
//   lmdb_meta.h      storage format and write generation
//   lmdb_record.h    the record encoding
//   lmdb_errors.h    LMDB codes as Statuses
//   util/io_env.h    the I/O seam (commits, map resizes, file writes) tests fail on purpose
//
// Durability. Every write (write(), put_value(), delete_value()) is one LMDB write
// transaction committed with the environment flags 0: LMDB fsyncs the data and then
// the meta page before mdb_txn_commit returns. A batch's upserts, then its deletes,
// then the generation bump commit together or not at all.
//
// Processes. One writer process per directory (writer_lock.h); a second writer gets
// LOCKED. Read-only opens take no writer lock and open the environment MDB_RDONLY
// (LMDB still registers readers in lock.mdb); every read transaction sees the latest
// commit of the writer. mdb_reader_check() clears reader slots of dead processes at
// every open.
//
// One process. The registry (lmdb_registry.h) hands out one shared environment per
// directory: further read-only opens share it, a second writable open is LOCKED while
// a writable handle is alive (a writable open may reuse an environment that is only
// held by read-only handles of this process if that environment was opened writable).
//
// Threads. Every method opens its own short transaction (lmdb_txn.h). scan() holds one
// read transaction (and the map lock shared) for the whole walk: its callback must not
// call back into the same storage.
//
// Errors. LMDB and errno failures become IO_ERROR (with mdb_strerror text), damaged
// files and records CORRUPTION, full reader table / oversize transactions
// RESOURCE_EXHAUSTED. No exception leaves this file.
#include <lmdb.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <bit>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ruvector/storage.h"
#include "storage/lmdb_env.h"
#include "storage/lmdb_errors.h"
#include "storage/lmdb_map.h"
#include "storage/lmdb_meta.h"
#include "storage/lmdb_record.h"
#include "storage/lmdb_registry.h"
#include "storage/lmdb_txn.h"
#include "storage/writer_lock.h"
#include "util/file_io.h"
#include "util/io_env.h"

namespace ruvector::detail {
namespace {

// Converts exceptions to Status: allocation failure RESOURCE_EXHAUSTED, anything else
// (an exception thrown by a scan callback, a failed RV_ASSERT) INTERNAL.
template <class F>
auto no_throw(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory while " + std::string(what));
  } catch (const std::exception& ex) {
    return Status::Internal("internal error while " + std::string(what) + ": " + ex.what());
  } catch (...) {
    return Status::Internal("internal error while " + std::string(what));
  }
}

// ---------------------------------------------------------------- vectors in place

class VectorView final : public StoredVectorView {
 public:
  VectorView(std::shared_ptr<LmdbEnv> env, std::shared_lock<std::shared_mutex> map_lock, MDB_txn* txn,
             std::string where)
      : env_(std::move(env)), map_lock_(std::move(map_lock)), txn_(txn), where_(std::move(where)) {}
  ~VectorView() override { mdb_txn_abort(txn_); }
  VectorView(const VectorView&) = delete;
  VectorView& operator=(const VectorView&) = delete;

  Result<std::span<const float>> vector(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (id.empty() || id.size() > static_cast<std::size_t>(mdb_env_get_maxkeysize(env_->env)))
      return std::span<const float>();
    MDB_val k = as_val(id);
    MDB_val v;
    const int rc = mdb_get(txn_, env_->records, &k, &v);
    if (rc == MDB_NOTFOUND) return std::span<const float>();
    if (rc != 0) return mdb_status(rc, "reading record '" + std::string(id) + "'", where_);
    const std::string_view value = as_view(v);
    const auto* p = reinterpret_cast<const unsigned char*>(value.data());
    const bool in_place = std::endian::native == std::endian::little &&
                          reinterpret_cast<std::uintptr_t>(p + 4) % alignof(float) == 0;
    if (in_place) {
      RUVECTOR_ASSIGN_OR_RETURN(const std::size_t dim, lmdb_record_dimensions(id, value));
      return std::span<const float>(reinterpret_cast<const float*>(p + 4), dim);
    }
    std::string_view metadata;
    copies_.emplace_back();
    Status st = decode_lmdb_record(id, value, copies_.back(), metadata);
    if (!st.ok()) return st.WithContext(where_);
    return std::span<const float>(copies_.back());
  }

 private:
  std::shared_ptr<LmdbEnv> env_;
  std::shared_lock<std::shared_mutex> map_lock_;  // the map is not resized under the pointers
  MDB_txn* txn_;  // aborted (before map_lock_ is released) by the destructor
  std::string where_;
  std::mutex mu_;
  std::deque<std::vector<float>> copies_;  // stable addresses
};

// ---------------------------------------------------------------- the Storage

class LmdbStorage final : public Storage {
 public:
  LmdbStorage(std::shared_ptr<LmdbEnv> env, bool read_only, std::string path)
      : env_(std::move(env)), read_only_(read_only), path_(std::move(path)) {
    if (!read_only_) env_->writers.fetch_add(1);
  }
  ~LmdbStorage() override {
    if (!read_only_) env_->writers.fetch_sub(1);
  }
  LmdbStorage(const LmdbStorage&) = delete;
  LmdbStorage& operator=(const LmdbStorage&) = delete;

  Status write(const WriteBatch& batch) override {
    return no_throw("writing to '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_writable());
      if (batch.empty()) return Status::Ok();
      LmdbEnv& e = *env_;
      const std::size_t max_key = static_cast<std::size_t>(mdb_env_get_maxkeysize(e.env));
      return run_write(e, "writing a batch", [&](MDB_txn* txn, int& rc) -> Status {
        for (std::size_t i = 0; i < batch.upserts.size(); ++i) {
          const StoredRecord& r = batch.upserts[i];
          if (r.id.empty() || r.id.size() > max_key)
            return Status::InvalidArgument("upsert " + std::to_string(i) + ": an id has 1.." + std::to_string(max_key) +
                                           " bytes, this one has " + std::to_string(r.id.size()));
          if (r.vector.size() > UINT32_MAX / 4 || r.metadata_json.size() > UINT32_MAX)
            return Status::InvalidArgument("upsert " + std::to_string(i) + " ('" + r.id +
                                           "'): the record is too large to store");
          MDB_val k = as_val(r.id);
          MDB_val v{lmdb_record_size(r.vector.size(), r.metadata_json.size()), nullptr};
          rc = mdb_put(txn, e.records, &k, &v, MDB_RESERVE);
          if (rc != 0) return mdb_status(rc, "storing record '" + r.id + "'", path_);
          encode_lmdb_record(r.vector, r.metadata_json, static_cast<unsigned char*>(v.mv_data));
        }
        for (const std::string& id : batch.deletes) {
          if (id.empty() || id.size() > max_key) continue;  // cannot be stored, so absent
          MDB_val k = as_val(id);
          rc = mdb_del(txn, e.records, &k, nullptr);
          if (rc == MDB_NOTFOUND) {
            rc = 0;
            continue;
          }
          if (rc != 0) return mdb_status(rc, "deleting record '" + id + "'", path_);
        }
        return bump_generation(txn, rc);
      });
    });
  }

  Status scan(const std::function<Status(const StoredRecordView&)>& visit) const override {
    return no_throw("scanning '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_usable());
      LmdbEnv& e = *env_;
      return run_read(e, "scanning the records", [&](MDB_txn* txn) -> Status {
        MDB_cursor* cursor = nullptr;
        int rc = mdb_cursor_open(txn, e.records, &cursor);
        if (rc != 0) return mdb_status(rc, "scanning the records", path_);
        CursorGuard guard(cursor);
        std::vector<float> vector;
        MDB_val k;
        MDB_val v;
        for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
          const std::string_view id = as_view(k);
          std::string_view metadata;
          Status st = decode_lmdb_record(id, as_view(v), vector, metadata);
          if (!st.ok()) return st.WithContext(describe());
          RUVECTOR_RETURN_IF_ERROR(visit(StoredRecordView{id, vector, metadata}));
        }
        if (rc != MDB_NOTFOUND) return mdb_status(rc, "scanning the records", path_);
        return Status::Ok();
      });
    });
  }

  Result<std::uint64_t> count() const override {
    std::uint64_t n = 0;
    Status st = no_throw("counting the records of '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_usable());
      return run_read(*env_, "counting the records", [&](MDB_txn* txn) -> Status {
        MDB_stat stat;
        const int rc = mdb_stat(txn, env_->records, &stat);
        if (rc != 0) return mdb_status(rc, "counting the records", path_);
        n = stat.ms_entries;
        return Status::Ok();
      });
    });
    if (!st.ok()) return st;
    return n;
  }

  Result<std::optional<std::string>> get_value(std::string_view key) const override {
    std::optional<std::string> out;
    Status st = no_throw("reading value '" + std::string(key) + "' of '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_usable());
      if (!valid_key(key)) return Status::Ok();  // cannot be stored, so absent
      return run_read(*env_, "reading a value", [&](MDB_txn* txn) -> Status {
        MDB_val k = as_val(key);
        MDB_val v;
        const int rc = mdb_get(txn, env_->values, &k, &v);
        if (rc == MDB_NOTFOUND) return Status::Ok();
        if (rc != 0) return mdb_status(rc, "reading value '" + std::string(key) + "'", path_);
        out.emplace(as_view(v));
        return Status::Ok();
      });
    });
    if (!st.ok()) return st;
    return out;
  }

  Status put_value(std::string_view key, std::string_view bytes) override {
    return no_throw("storing value '" + std::string(key) + "' in '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_writable());
      if (!valid_key(key))
        return Status::InvalidArgument("a value name has 1.." + std::to_string(mdb_env_get_maxkeysize(env_->env)) +
                                       " bytes, this one has " + std::to_string(key.size()));
      return run_write(*env_, "storing a value", [&](MDB_txn* txn, int& rc) -> Status {
        MDB_val k = as_val(key);
        MDB_val v{bytes.size(), nullptr};
        rc = mdb_put(txn, env_->values, &k, &v, MDB_RESERVE);
        if (rc != 0) return mdb_status(rc, "storing value '" + std::string(key) + "'", path_);
        if (!bytes.empty()) std::memcpy(v.mv_data, bytes.data(), bytes.size());
        return Status::Ok();
      });
    });
  }

  Status delete_value(std::string_view key) override {
    return no_throw("deleting value '" + std::string(key) + "' of '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_writable());
      if (!valid_key(key)) return Status::Ok();
      return run_write(*env_, "deleting a value", [&](MDB_txn* txn, int& rc) -> Status {
        MDB_val k = as_val(key);
        rc = mdb_del(txn, env_->values, &k, nullptr);
        if (rc == MDB_NOTFOUND) {
          rc = 0;
          return Status::Ok();
        }
        if (rc != 0) return mdb_status(rc, "deleting value '" + std::string(key) + "'", path_);
        return Status::Ok();
      });
    });
  }

  Result<std::uint64_t> generation() const override {
    std::uint64_t g = 0;
    Status st = no_throw("reading the generation of '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_usable());
      return run_read(*env_, "reading the generation", [&](MDB_txn* txn) -> Status {
        RUVECTOR_ASSIGN_OR_RETURN(std::optional<std::uint64_t> stored, read_u64(txn, env_->meta, kGenerationKey, *env_));
        g = stored.value_or(0);
        return Status::Ok();
      });
    });
    if (!st.ok()) return st;
    return g;
  }

  // One read transaction (and the map lock, shared) for the view's life; vectors are
  // read in place from the map (zero copy) unless they are not 4-byte aligned there
  // (records stored inside a page start anywhere) or the host is big-endian, in which
  // case they are copied once into the view. LMDB does not allow one transaction in
  // two threads at once: vector() takes a mutex around mdb_get.
  Result<std::unique_ptr<StoredVectorView>> open_vector_view() const override {
    std::unique_ptr<StoredVectorView> out;
    Status st = no_throw("reading the vectors of '" + path_ + "'", [&]() -> Status {
      RUVECTOR_RETURN_IF_ERROR(check_usable());
      std::shared_lock<std::shared_mutex> map_lock;
      MDB_txn* txn = nullptr;
      RUVECTOR_RETURN_IF_ERROR(begin_read(*env_, "reading the vectors", map_lock, txn));
      out = std::make_unique<VectorView>(env_, std::move(map_lock), txn, describe());
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return out;
  }

  bool read_only() const override { return read_only_; }
  std::string describe() const override { return "lmdb:" + path_; }

 private:
  Status check_usable() const {
    if (::getpid() != env_->owner_pid)
      return Status::IoError("database '" + path_ + "' was opened by process " + std::to_string(env_->owner_pid) +
                             " and cannot be used by process " + std::to_string(::getpid()) +
                             " after fork(); open it again in this process");
    return Status::Ok();
  }
  Status check_writable() const {
    RUVECTOR_RETURN_IF_ERROR(check_usable());
    if (read_only_)
      return Status::Unsupported("database '" + path_ + "' was opened read-only; writes are refused "
                                 "(open it without read_only to write)");
    return Status::Ok();
  }
  bool valid_key(std::string_view key) const {
    return !key.empty() && key.size() <= static_cast<std::size_t>(mdb_env_get_maxkeysize(env_->env));
  }

  // Called inside a write transaction: generation += 1.
  Status bump_generation(MDB_txn* txn, int& rc) {
    RUVECTOR_ASSIGN_OR_RETURN(std::optional<std::uint64_t> g, read_u64(txn, env_->meta, kGenerationKey, *env_));
    rc = write_u64(txn, env_->meta, kGenerationKey, g.value_or(0) + 1);
    if (rc != 0) return mdb_status(rc, "writing the generation", path_);
    return Status::Ok();
  }

  std::shared_ptr<LmdbEnv> env_;
  bool read_only_;
  std::string path_;
};

Result<std::shared_ptr<Storage>> open_impl(const std::string& path, const DurableStorageOptions& options) {
  if (path.empty()) return Status::InvalidArgument("the storage path is empty; give the directory of the database");
  RUVECTOR_ASSIGN_OR_RETURN(const std::size_t initial_map, initial_map_size());
  const bool read_only = options.read_only;

  struct stat st;
  bool created_dir = false;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err != ENOENT) return Status::IoError("cannot access database '" + path + "': " + errno_text(err));
    if (read_only) return Status::NotFound("database '" + path + "' does not exist (a read-only open never creates it)");
    if (!options.create_if_missing)
      return Status::NotFound("database '" + path + "' does not exist (create_if_missing is off)");
    std::error_code ec;
    if (options.single_file) {
      const std::filesystem::path parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      const int fd = ec ? -1 : ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kLmdbFileMode);
      if (fd < 0 && !ec) ec = std::error_code(errno, std::system_category());
      if (fd >= 0) ::close(fd);
    } else {
      std::filesystem::create_directories(path, ec);
    }
    if (ec) return Status::IoError("cannot create database '" + path + "': " + ec.message());
    created_dir = true;
    if (::stat(path.c_str(), &st) != 0)
      return Status::IoError("cannot access database '" + path + "': " + errno_text(errno));
  }
  // An existing directory is a directory store whatever `single_file` says; a regular
  // file is opened only when `single_file` asks for one (LMDB rejects a file that is not
  // its own as CORRUPTION).
  const bool single_file = S_ISREG(st.st_mode);
  if (single_file && !options.single_file)
    return Status::InvalidArgument("'" + path + "' is a file, not a database directory (a single-file store is "
                                   "opened with single_file)");
  if (!single_file && !S_ISDIR(st.st_mode))
    return Status::InvalidArgument("'" + path + "' is neither a directory nor a regular file");

  std::string dir = path;
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    dir = real;
    std::free(real);
  }
  const EnvKey key{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};

  install_fork_handlers();
  Registry& r = registry();
  std::shared_ptr<LmdbEnv> existing;  // declared before the lock: released after it
  std::unique_lock<std::mutex> lock(r.mu);
  for (;;) {
    auto it = r.open.find(key);
    if (it == r.open.end() || it->second.pid != ::getpid()) break;  // none, or the parent's before fork()
    existing = it->second.env.lock();
    if (existing) break;
    r.cv.wait(lock);  // its last handle is closing it right now
  }
  if (existing) {
    if (read_only) return std::shared_ptr<Storage>(std::make_shared<LmdbStorage>(existing, true, path));
    if (!existing->writable)
      return Status::Locked("database '" + path +
                            "' is already open read-only in this process; close those handles before opening it "
                            "for writing, or open it read-only");
    if (existing->writers.load() != 0)
      return Status::Locked("database '" + path +
                            "' is already open for writing in this process; use that handle, open it read-only, "
                            "or close it first");
    return std::shared_ptr<Storage>(std::make_shared<LmdbStorage>(existing, false, path));
  }

  struct stat data_st;
  const bool new_data = single_file ? st.st_size == 0 : ::stat((dir + "/data.mdb").c_str(), &data_st) != 0;
  auto env = std::make_unique<LmdbEnv>();
  env->single_file = single_file;
  env->writable = !read_only;
  env->owner_pid = ::getpid();
  env->dir = dir;
  env->key = key;
  env->io = &current_io_env();
  if (!read_only) {
    RUVECTOR_ASSIGN_OR_RETURN(env->lock_fd, take_writer_lock(dir, path, single_file));
  }
  RUVECTOR_RETURN_IF_ERROR(open_environment(*env, read_only, initial_map, path));
  RUVECTOR_RETURN_IF_ERROR(open_tables(*env, read_only, path));
  if (!read_only && new_data) {
    // Make the new files' directory entries durable too.
    const std::string parent = std::filesystem::path(dir).parent_path().string();
    (void)fsync_directory(single_file ? parent : dir);
    if (created_dir && !single_file) (void)fsync_directory(parent);
  }

  // Until registered, the deleter closes the LmdbEnv without the registry lock (held here).
  std::shared_ptr<LmdbEnv> shared(env.release(), release_env);
  auto storage = std::make_shared<LmdbStorage>(shared, read_only, path);
  r.open.insert_or_assign(key, Registry::Slot{shared, shared.get(), ::getpid()});
  shared->registered.store(true);
  return std::shared_ptr<Storage>(std::move(storage));
}

}  // namespace
}  // namespace ruvector::detail

namespace ruvector {

Result<std::shared_ptr<Storage>> open_durable_storage(const std::string& path, const DurableStorageOptions& options) {
  try {
    return detail::open_impl(path, options);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory while opening '" + path + "'");
  } catch (const std::exception& ex) {
    return Status::Internal("internal error while opening '" + path + "': " + ex.what());
  } catch (...) {
    return Status::Internal("internal error while opening '" + path + "'");
  }
}

}  // namespace ruvector
