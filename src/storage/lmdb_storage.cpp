// LmdbStorage: the durable Storage backend (native builds). docs/storage.md has the
// full story; in short:
//
// Layout. A database is a directory holding an LMDB environment (data.mdb, lock.mdb)
// and `writer.lock`. Three named LMDB tables:
//   records  id -> record value (encoding in src/storage/lmdb_storage.h: little-endian
//            u32 dim, dim f32, u32 metadata length, metadata bytes)
//   values   named blobs of put_value() (settings, index image, ...)
//   meta     "format" -> u32 LE storage format (1), "generation" -> u64 LE
// Keys are byte strings of 1..511 bytes (LMDB's key limit); LMDB orders them by
// memcmp with the shorter first on a tie, which is std::string order, so scan() walks
// records in id order.
//
// Durability. Every write (write(), put_value(), delete_value()) is one LMDB write
// transaction committed with the environment flags 0: LMDB fsyncs the data and then
// the meta page before mdb_txn_commit returns. A batch's upserts, then its deletes,
// then the generation bump commit together or not at all.
//
// Processes. One writer process per directory: a writable open takes an exclusive,
// non-blocking flock() on `writer.lock` (and writes its pid there for the error
// message); a second writer gets LOCKED. Read-only opens take no writer lock and open
// the environment MDB_RDONLY (LMDB still registers readers in lock.mdb); every read
// transaction sees the latest commit of the writer. mdb_reader_check() clears reader
// slots of dead processes at every open.
//
// One process. LMDB must not open the same environment twice in a process, so a
// process-wide registry (keyed by the directory's device and inode, i.e. any path
// spelling of it) hands out one shared environment: further read-only opens share it,
// a second writable open is LOCKED while a writable handle is alive (a writable open
// may reuse an environment that is only held by read-only handles of this process if
// that environment was opened writable). Handles are not usable after fork(): the
// child must open the database again (the registry ignores the parent's entries).
//
// Map size. Writers map 1 GiB (64 MiB on 32-bit) to start, or what the file already
// records if larger, or RUVECTOR_LMDB_INITIAL_MAP bytes (a test hook; K/M/G suffixes).
// MDB_MAP_FULL aborts the transaction, doubles the map (mdb_env_set_mapsize while no
// transaction of this process is open, which the map lock guarantees) and retries the
// whole write. A transaction that finds that another process grew the map
// (MDB_MAP_RESIZED) adopts the new size (mdb_env_set_mapsize(env, 0)) and retries.
//
// Threads. The environment is opened MDB_NOTLS, so read transactions are not tied to
// threads; every method opens its own short transaction. Writers are serialised by a
// mutex. Every transaction holds `map_mu` shared; resizing the map takes it exclusive.
// scan() holds one read transaction (and `map_mu` shared) for the whole walk: its
// callback must not call back into the same storage.
//
// Errors. LMDB and errno failures become IO_ERROR (with mdb_strerror text), damaged
// files and records CORRUPTION, full reader table / oversize transactions
// RESOURCE_EXHAUSTED. No exception leaves this file.
#include "storage/lmdb_storage.h"

#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ruvector/storage.h"

namespace ruvector {

// ---------------------------------------------------------------- record encoding

namespace detail {
namespace {

void store_u32(unsigned char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
  p[2] = static_cast<unsigned char>(v >> 16);
  p[3] = static_cast<unsigned char>(v >> 24);
}

std::uint32_t load_u32(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

}  // namespace

std::size_t lmdb_record_size(std::size_t dim, std::size_t metadata_bytes) noexcept {
  return 8 + 4 * dim + metadata_bytes;
}

void encode_lmdb_record(std::span<const float> vector, std::string_view metadata, unsigned char* out) noexcept {
  store_u32(out, static_cast<std::uint32_t>(vector.size()));
  out += 4;
  if constexpr (std::endian::native == std::endian::little) {
    if (!vector.empty()) std::memcpy(out, vector.data(), vector.size() * 4);
    out += vector.size() * 4;
  } else {
    for (float f : vector) {
      std::uint32_t bits;
      std::memcpy(&bits, &f, 4);
      store_u32(out, bits);
      out += 4;
    }
  }
  store_u32(out, static_cast<std::uint32_t>(metadata.size()));
  out += 4;
  if (!metadata.empty()) std::memcpy(out, metadata.data(), metadata.size());
}

std::string encode_lmdb_record(std::span<const float> vector, std::string_view metadata) {
  std::string out(lmdb_record_size(vector.size(), metadata.size()), '\0');
  encode_lmdb_record(vector, metadata, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Status decode_lmdb_record(std::string_view id, std::string_view value, std::vector<float>& vector,
                          std::string_view& metadata) {
  const std::uint64_t size = value.size();
  if (size < 8)
    return Status::Corruption("record '" + std::string(id) + "' is damaged: its stored value has " +
                              std::to_string(size) + " bytes, fewer than the 8 bytes of the smallest record");
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const std::uint64_t dim = load_u32(p);
  const std::uint64_t meta_at = 4 + 4 * dim + 4;  // offset of the metadata bytes
  if (meta_at > size)
    return Status::Corruption("record '" + std::string(id) + "' is damaged: it claims " + std::to_string(dim) +
                              " dimensions (at least " + std::to_string(meta_at) + " bytes) but its stored value has " +
                              std::to_string(size) + " bytes");
  const std::uint64_t meta_len = load_u32(p + meta_at - 4);
  if (meta_at + meta_len != size)
    return Status::Corruption("record '" + std::string(id) + "' is damaged: " + std::to_string(dim) +
                              " dimensions and " + std::to_string(meta_len) + " bytes of metadata need " +
                              std::to_string(meta_at + meta_len) + " bytes, but its stored value has " +
                              std::to_string(size) + " bytes");
  vector.resize(static_cast<std::size_t>(dim));
  if constexpr (std::endian::native == std::endian::little) {
    if (dim != 0) std::memcpy(vector.data(), p + 4, static_cast<std::size_t>(dim) * 4);
  } else {
    for (std::size_t i = 0; i < vector.size(); ++i) {
      const std::uint32_t bits = load_u32(p + 4 + 4 * i);
      std::memcpy(&vector[i], &bits, 4);
    }
  }
  metadata = value.substr(static_cast<std::size_t>(meta_at), static_cast<std::size_t>(meta_len));
  return Status::Ok();
}

}  // namespace detail

// ---------------------------------------------------------------- environment

namespace {

constexpr const char* kRecordsTable = "records";
constexpr const char* kValuesTable = "values";
constexpr const char* kMetaTable = "meta";
constexpr std::string_view kFormatKey = "format";
constexpr std::string_view kGenerationKey = "generation";
constexpr std::uint32_t kFormatVersion = 1;
constexpr const char* kWriterLockName = "writer.lock";
constexpr unsigned kMaxReaders = 510;  // concurrent read transactions over all processes
constexpr int kMaxAttempts = 64;       // map growths / adoptions within one call
constexpr mdb_mode_t kFileMode = 0644;

std::string errno_text(int e) { return std::system_category().message(e); }

MDB_val as_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view as_view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

// An LMDB (or errno) code as a Status with the SPEC code that fits it.
Status mdb_status(int rc, std::string_view what, std::string_view dir) {
  std::string msg = std::string(what) + " in '" + std::string(dir) + "' failed: " + mdb_strerror(rc);
  switch (rc) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_INCOMPATIBLE:
      return Status::Corruption(msg + " (the database files are damaged, or are not a ruvector database)");
    case MDB_VERSION_MISMATCH:
      return Status::Unsupported(msg + " (the files were written by an incompatible LMDB version)");
    case MDB_READERS_FULL:
      return Status::ResourceExhausted(msg + " (more than " + std::to_string(kMaxReaders) +
                                       " concurrent readers over all processes)");
    case MDB_TXN_FULL:
      return Status::ResourceExhausted(msg + " (the write is too large for one transaction; split the batch)");
    case MDB_MAP_FULL:
    case ENOMEM:
      return Status::ResourceExhausted(msg);
    case MDB_PANIC:
      return Status::IoError(msg + " (LMDB hit a fatal error; close and reopen the database)");
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::IoError(msg + " (check the permissions of the directory and its files)");
    case ENOSPC:
      return Status::IoError(msg + " (the disk is full)");
    default:
      return Status::IoError(msg);
  }
}

// Initial map size of a writer: 1 GiB on 64-bit (address space only; data.mdb grows
// with the data), overridable with RUVECTOR_LMDB_INITIAL_MAP (bytes, K/M/G suffix).
Result<std::size_t> initial_map_size() {
  std::size_t size = sizeof(void*) >= 8 ? (std::size_t{1} << 30) : (std::size_t{64} << 20);
  if (const char* env = std::getenv("RUVECTOR_LMDB_INITIAL_MAP"); env != nullptr && *env != '\0') {
    const std::string text(env);
    std::size_t i = 0;
    std::uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < (std::uint64_t{1} << 50))
      n = n * 10 + static_cast<std::uint64_t>(text[i++] - '0');
    std::uint64_t mult = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 'k': case 'K': mult = std::uint64_t{1} << 10; ++i; break;
        case 'm': case 'M': mult = std::uint64_t{1} << 20; ++i; break;
        case 'g': case 'G': mult = std::uint64_t{1} << 30; ++i; break;
        default: break;
      }
    }
    const std::uint64_t bytes = n * mult;
    if (i == 0 || i != text.size() || bytes < (std::uint64_t{64} << 10) || bytes > SIZE_MAX / 4)
      return Status::InvalidArgument("RUVECTOR_LMDB_INITIAL_MAP='" + text +
                                     "' is not a map size; expected bytes (at least 65536) with an optional "
                                     "K, M or G suffix, e.g. 64M");
    size = static_cast<std::size_t>(bytes);
  }
  const long page = ::sysconf(_SC_PAGESIZE);
  const std::size_t p = page > 0 ? static_cast<std::size_t>(page) : 4096;
  return (size + p - 1) / p * p;
}

using EnvKey = std::pair<std::uint64_t, std::uint64_t>;  // (st_dev, st_ino) of the directory

// One LMDB environment, shared by every Storage of this process on the directory.
struct Env {
  MDB_env* env = nullptr;
  MDB_dbi records = 0;
  MDB_dbi values = 0;
  MDB_dbi meta = 0;
  bool writable = false;
  int lock_fd = -1;  // writer.lock, flock()ed; -1 when read-only
  pid_t owner_pid = 0;
  std::string dir;   // canonical path, for messages
  EnvKey key{};
  std::atomic<bool> registered{false};
  std::atomic<int> writers{0};        // writable LmdbStorage objects on this env
  std::atomic<bool> broken{false};    // the map could not be re-established
  std::mutex write_mu;                // serialises write transactions
  std::shared_mutex map_mu;           // shared: any transaction; exclusive: map resize

  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env() {
    // After fork() the child must not touch the parent's environment (lmdb.h); it
    // only drops its copy of the lock descriptor (the parent keeps its flock).
    if (env != nullptr && ::getpid() == owner_pid) mdb_env_close(env);
    if (lock_fd >= 0) ::close(lock_fd);
  }
};

// Process-wide table of open environments. Never destroyed, so handles that outlive
// static destruction still find it.
struct Registry {
  struct Slot {
    std::weak_ptr<Env> env;
    Env* raw = nullptr;
    pid_t pid = 0;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::map<EnvKey, Slot> open;
};

Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

// A fork() while another thread holds the registry lock would leave it locked in the
// child forever; hold it across fork() instead.
void install_fork_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    (void)registry();
    ::pthread_atfork([] { registry().mu.lock(); }, [] { registry().mu.unlock(); },
                     [] { registry().mu.unlock(); });
  });
}

// Deleter of the shared Env: unregisters and closes it under the registry lock, so no
// opener can start a second environment on the same files before this one is closed.
void release_env(Env* e) {
  if (!e->registered.load()) {
    delete e;
    return;
  }
  Registry& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.open.find(e->key);
    if (it != r.open.end() && it->second.raw == e) r.open.erase(it);
    delete e;
  }
  r.cv.notify_all();
}

// Aborts a transaction unless released (commit takes it over).
class TxnGuard {
 public:
  explicit TxnGuard(MDB_txn* txn) : txn_(txn) {}
  ~TxnGuard() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  TxnGuard(const TxnGuard&) = delete;
  TxnGuard& operator=(const TxnGuard&) = delete;
  MDB_txn* release() { return std::exchange(txn_, nullptr); }

 private:
  MDB_txn* txn_;
};

class CursorGuard {
 public:
  explicit CursorGuard(MDB_cursor* c) : c_(c) {}
  ~CursorGuard() { mdb_cursor_close(c_); }
  CursorGuard(const CursorGuard&) = delete;
  CursorGuard& operator=(const CursorGuard&) = delete;

 private:
  MDB_cursor* c_;
};

Status broken_status(const Env& e) {
  return Status::IoError("the memory map of '" + e.dir +
                         "' could not be re-established after a resize; close and reopen the database");
}

// Doubles the map. Takes map_mu exclusively: no transaction of this process is open.
Status grow_map(Env& e) {
  std::unique_lock<std::shared_mutex> lock(e.map_mu);
  MDB_envinfo info;
  int rc = mdb_env_info(e.env, &info);
  if (rc != 0) return mdb_status(rc, "reading the map size", e.dir);
  const std::size_t current = info.me_mapsize;
  if (current > SIZE_MAX / 2)
    return Status::ResourceExhausted("the database '" + e.dir + "' cannot grow beyond " + std::to_string(current) +
                                     " bytes of address space");
  const std::size_t next = current * 2;
  rc = mdb_env_set_mapsize(e.env, next);
  if (rc != 0) {
    if (rc != EINVAL) e.broken.store(true);
    return Status::ResourceExhausted("cannot grow the memory map of '" + e.dir + "' from " + std::to_string(current) +
                                     " to " + std::to_string(next) + " bytes: " + mdb_strerror(rc) +
                                     (rc != EINVAL ? "; close and reopen the database" : ""));
  }
  return Status::Ok();
}

// Another process grew the map: adopt its size.
Status adopt_map(Env& e) {
  std::unique_lock<std::shared_mutex> lock(e.map_mu);
  const int rc = mdb_env_set_mapsize(e.env, 0);
  if (rc != 0) {
    if (rc != EINVAL) e.broken.store(true);
    return mdb_status(rc, "adopting the map size grown by the writer", e.dir);
  }
  return Status::Ok();
}

// Runs `body(txn, rc)` in a write transaction and commits it. `body` stores the LMDB
// code of a failure in `rc`: MDB_MAP_FULL grows the map and retries from scratch.
template <class Body>
Status run_write(Env& e, std::string_view what, Body&& body) {
  std::lock_guard<std::mutex> writer(e.write_mu);
  for (int attempt = 0;; ++attempt) {
    if (e.broken.load()) return broken_status(e);
    int rc = 0;
    Status st;
    {
      std::shared_lock<std::shared_mutex> map_lock(e.map_mu);
      MDB_txn* txn = nullptr;
      rc = mdb_txn_begin(e.env, nullptr, 0, &txn);
      if (rc != 0) {
        st = mdb_status(rc, std::string(what) + " (begin)", e.dir);
      } else {
        TxnGuard guard(txn);
        st = body(txn, rc);
        if (st.ok()) {
          rc = mdb_txn_commit(guard.release());  // frees the transaction, even on failure
          if (rc != 0) st = mdb_status(rc, std::string(what) + " (commit)", e.dir);
        }
      }
    }
    if (st.ok()) return st;
    if (attempt < kMaxAttempts) {
      if (rc == MDB_MAP_FULL) {
        RUVECTOR_RETURN_IF_ERROR(grow_map(e));
        continue;
      }
      if (rc == MDB_MAP_RESIZED) {
        RUVECTOR_RETURN_IF_ERROR(adopt_map(e));
        continue;
      }
    }
    return st;
  }
}

// Runs `body(txn)` in a read transaction (aborted afterwards).
template <class Body>
Status run_read(Env& e, std::string_view what, Body&& body) {
  for (int attempt = 0;; ++attempt) {
    if (e.broken.load()) return broken_status(e);
    std::shared_lock<std::shared_mutex> map_lock(e.map_mu);
    MDB_txn* txn = nullptr;
    const int rc = mdb_txn_begin(e.env, nullptr, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED && attempt < kMaxAttempts) {
      map_lock.unlock();
      RUVECTOR_RETURN_IF_ERROR(adopt_map(e));
      continue;
    }
    if (rc != 0) return mdb_status(rc, what, e.dir);
    TxnGuard guard(txn);
    return body(txn);
  }
}

Result<std::optional<std::uint64_t>> read_u64(MDB_txn* txn, MDB_dbi dbi, std::string_view key, const Env& e) {
  MDB_val k = as_val(key);
  MDB_val v;
  const int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::uint64_t>();
  if (rc != 0) return mdb_status(rc, "reading '" + std::string(key) + "'", e.dir);
  if (v.mv_size != 8)
    return Status::Corruption("the '" + std::string(key) + "' entry of '" + e.dir + "' is damaged: " +
                              std::to_string(v.mv_size) + " bytes instead of 8");
  const auto* p = static_cast<const unsigned char*>(v.mv_data);
  std::uint64_t x = 0;
  for (int i = 7; i >= 0; --i) x = (x << 8) | p[i];
  return std::optional<std::uint64_t>(x);
}

int write_u64(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::uint64_t x) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(x >> (8 * i));
  MDB_val k = as_val(key);
  MDB_val v{sizeof bytes, bytes};
  return mdb_put(txn, dbi, &k, &v, 0);
}

// Checks the "format" entry; `present` says whether there is one (a new store has none
// until its first writable open writes it).
Status check_format(MDB_txn* txn, const Env& e, bool& present) {
  MDB_val k = as_val(kFormatKey);
  MDB_val v;
  const int rc = mdb_get(txn, e.meta, &k, &v);
  present = rc == 0;
  if (rc == MDB_NOTFOUND) return Status::Ok();
  if (rc != 0) return mdb_status(rc, "reading the storage format", e.dir);
  if (v.mv_size != 4)
    return Status::Corruption("the storage format entry of '" + e.dir + "' is damaged (" + std::to_string(v.mv_size) +
                              " bytes instead of 4)");
  const std::uint32_t format = detail::load_u32(static_cast<const unsigned char*>(v.mv_data));
  if (format != kFormatVersion)
    return Status::Unsupported("'" + e.dir + "' uses storage format " + std::to_string(format) +
                               "; this build of ruvector reads format " + std::to_string(kFormatVersion) +
                               " (upgrade ruvector, or export a snapshot with the version that wrote it)");
  return Status::Ok();
}

bool fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Takes the exclusive writer lock of `dir`, or says who holds it.
Status take_writer_lock(Env& e, const std::string& shown) {
  const std::string lock_path = e.dir + "/" + kWriterLockName;
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    return Status::IoError("cannot open the writer lock file '" + lock_path + "': " + errno_text(err) +
                           (err == EACCES || err == EROFS ? " (to only read the database, open it read-only)" : ""));
  }
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      ::close(fd);
      std::string pid;
      for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
      return Status::Locked("database '" + shown + "' is open for writing by another process" +
                            (pid.empty() ? std::string() : " (pid " + pid + ")") +
                            "; open it read-only, or close the other process first");
    }
    ::close(fd);
    return Status::IoError("cannot lock '" + lock_path + "': " + errno_text(err));
  }
  // Best effort: record the holder for the message above.
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd, me.data(), me.size(), 0);
  }
  e.lock_fd = fd;
  return Status::Ok();
}

Status open_env(Env& e, bool read_only, std::size_t initial_map, const std::string& shown) {
  int rc = mdb_env_create(&e.env);
  if (rc != 0) {
    e.env = nullptr;
    return mdb_status(rc, "creating an LMDB environment", e.dir);
  }
  (void)mdb_env_set_maxdbs(e.env, 4);
  (void)mdb_env_set_maxreaders(e.env, kMaxReaders);
  (void)mdb_env_set_mapsize(e.env, 0);  // 0: adopt the size recorded in the file (new file: 10 MiB)
  const unsigned flags = MDB_NOTLS | (read_only ? MDB_RDONLY : 0u);
  rc = mdb_env_open(e.env, e.dir.c_str(), flags, kFileMode);
  if (rc != 0) {
    mdb_env_close(e.env);  // required after a failed open
    e.env = nullptr;
    if (rc == ENOENT && read_only) return Status::NotFound("'" + shown + "' holds no ruvector database (no data.mdb)");
    if (rc == EAGAIN) return Status::Locked("database '" + shown + "' is locked by another process (" + mdb_strerror(rc) + ")");
    return mdb_status(rc, "opening the database", shown);
  }
  // LMDB 0.9.24 sets FD_CLOEXEC on lock.mdb but not on its main data.mdb descriptor;
  // keep it from leaking into programs this process exec()s.
  mdb_filehandle_t data_fd;
  if (mdb_env_get_fd(e.env, &data_fd) == 0 && data_fd >= 0) {
    const int fd_flags = ::fcntl(data_fd, F_GETFD);
    if (fd_flags >= 0) (void)::fcntl(data_fd, F_SETFD, fd_flags | FD_CLOEXEC);
  }
  int dead = 0;
  (void)mdb_reader_check(e.env, &dead);  // frees reader slots of crashed processes
  if (!read_only) {
    MDB_envinfo info;
    rc = mdb_env_info(e.env, &info);
    if (rc != 0) return mdb_status(rc, "reading the map size", shown);
    if (info.me_mapsize < initial_map) {
      rc = mdb_env_set_mapsize(e.env, initial_map);
      if (rc != 0) {
        const Status st = mdb_status(rc, "reserving " + std::to_string(initial_map) + " bytes of address space", shown);
        return Status(st.code(), st.message() + " (if address space is limited, set RUVECTOR_LMDB_INITIAL_MAP "
                                                "to a smaller size, e.g. 64M)");
      }
    }
  }
  return Status::Ok();
}

// Writable: creates the tables and the format entry. Read-only: opens the tables.
Status open_tables(Env& e, bool read_only, const std::string& shown) {
  if (!read_only) {
    return run_write(e, "creating the tables", [&](MDB_txn* txn, int& rc) -> Status {
      const std::pair<const char*, MDB_dbi*> tables[] = {
          {kRecordsTable, &e.records}, {kValuesTable, &e.values}, {kMetaTable, &e.meta}};
      for (const auto& [name, dbi] : tables) {
        rc = mdb_dbi_open(txn, name, MDB_CREATE, dbi);
        if (rc != 0) return mdb_status(rc, std::string("opening table '") + name + "'", shown);
      }
      bool present = false;
      RUVECTOR_RETURN_IF_ERROR(check_format(txn, e, present));
      if (!present) {
        unsigned char bytes[4];
        detail::store_u32(bytes, kFormatVersion);
        MDB_val k = as_val(kFormatKey);
        MDB_val v{sizeof bytes, bytes};
        rc = mdb_put(txn, e.meta, &k, &v, 0);
        if (rc != 0) return mdb_status(rc, "writing the storage format", shown);
      }
      return Status::Ok();
    });
  }
  for (int attempt = 0;; ++attempt) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(e.env, nullptr, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED && attempt < kMaxAttempts) {
      rc = mdb_env_set_mapsize(e.env, 0);  // not shared yet: no other transaction exists
      if (rc != 0) return mdb_status(rc, "adopting the map size", shown);
      continue;
    }
    if (rc != 0) return mdb_status(rc, "reading the database", shown);
    TxnGuard guard(txn);
    const std::pair<const char*, MDB_dbi*> tables[] = {
        {kRecordsTable, &e.records}, {kValuesTable, &e.values}, {kMetaTable, &e.meta}};
    for (const auto& [name, dbi] : tables) {
      rc = mdb_dbi_open(txn, name, 0, dbi);
      if (rc == MDB_NOTFOUND)
        return Status::NotFound("'" + shown + "' holds no ruvector database (no '" + name +
                                "' table); open it for writing once to create one");
      if (rc != 0) return mdb_status(rc, std::string("opening table '") + name + "'", shown);
    }
    bool present = false;
    RUVECTOR_RETURN_IF_ERROR(check_format(txn, e, present));
    rc = mdb_txn_commit(guard.release());  // keeps the table handles for later transactions
    if (rc != 0) return mdb_status(rc, "opening the tables", shown);
    return Status::Ok();
  }
}

// Converts exceptions (allocation failure, or one thrown by a scan callback) to Status.
template <class F>
auto no_throw(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory while " + std::string(what));
  } catch (const std::exception& ex) {
    return Status::IoError("internal error while " + std::string(what) + ": " + ex.what());
  } catch (...) {
    return Status::IoError("internal error while " + std::string(what));
  }
}

// ---------------------------------------------------------------- the Storage

class LmdbStorage final : public Storage {
 public:
  LmdbStorage(std::shared_ptr<Env> env, bool read_only, std::string path)
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
      Env& e = *env_;
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
          MDB_val v{detail::lmdb_record_size(r.vector.size(), r.metadata_json.size()), nullptr};
          rc = mdb_put(txn, e.records, &k, &v, MDB_RESERVE);
          if (rc != 0) return mdb_status(rc, "storing record '" + r.id + "'", path_);
          detail::encode_lmdb_record(r.vector, r.metadata_json, static_cast<unsigned char*>(v.mv_data));
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
      Env& e = *env_;
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
          Status st = detail::decode_lmdb_record(id, as_view(v), vector, metadata);
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

  std::shared_ptr<Env> env_;
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
    if (err != ENOENT) return Status::IoError("cannot access database directory '" + path + "': " + errno_text(err));
    if (read_only)
      return Status::NotFound("database directory '" + path + "' does not exist (a read-only open never creates it)");
    if (!options.create_if_missing)
      return Status::NotFound("database directory '" + path + "' does not exist (create_if_missing is off)");
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::IoError("cannot create database directory '" + path + "': " + ec.message());
    created_dir = true;
    if (::stat(path.c_str(), &st) != 0)
      return Status::IoError("cannot access database directory '" + path + "': " + errno_text(errno));
  }
  if (!S_ISDIR(st.st_mode))
    return Status::InvalidArgument("'" + path + "' is not a directory; a durable ruvector database is a directory");

  std::string dir = path;
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    dir = real;
    std::free(real);
  }
  const EnvKey key{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};

  install_fork_handlers();
  Registry& r = registry();
  std::shared_ptr<Env> existing;  // declared before the lock: released after it
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
  const bool new_data = ::stat((dir + "/data.mdb").c_str(), &data_st) != 0;
  auto env = std::make_unique<Env>();
  env->writable = !read_only;
  env->owner_pid = ::getpid();
  env->dir = dir;
  env->key = key;
  if (!read_only) RUVECTOR_RETURN_IF_ERROR(take_writer_lock(*env, path));
  RUVECTOR_RETURN_IF_ERROR(open_env(*env, read_only, initial_map, path));
  RUVECTOR_RETURN_IF_ERROR(open_tables(*env, read_only, path));
  if (!read_only && new_data) {
    // Make the new files' directory entries durable too.
    (void)fsync_dir(dir);
    if (created_dir) (void)fsync_dir(std::filesystem::path(dir).parent_path().string());
  }

  // Until registered, the deleter closes the Env without the registry lock (held here).
  std::shared_ptr<Env> shared(env.release(), release_env);
  auto storage = std::make_shared<LmdbStorage>(shared, read_only, path);
  r.open.insert_or_assign(key, Registry::Slot{shared, shared.get(), ::getpid()});
  shared->registered.store(true);
  return std::shared_ptr<Storage>(std::move(storage));
}

}  // namespace

Result<std::shared_ptr<Storage>> open_durable_storage(const std::string& path, const DurableStorageOptions& options) {
  try {
    return open_impl(path, options);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory while opening '" + path + "'");
  } catch (const std::exception& ex) {
    return Status::IoError("cannot open '" + path + "': " + ex.what());
  } catch (...) {
    return Status::IoError("cannot open '" + path + "'");
  }
}

}  // namespace ruvector
