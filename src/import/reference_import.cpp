#include "import/reference_import.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/store_location.h"
#include "import/redb_reader.h"
#include "ruvector/database.h"
#include "ruvector/json.h"

namespace ruvector::detail {
namespace {

// Value name of the import record in the ruvector store: which commit of which file it
// holds, and the store's generation right after the import.
constexpr const char* kImportKey = "reference_import";

struct SourceState {
  std::uint64_t transaction_id = 0;
  std::uint64_t size = 0;
};

// The reference file's state, under a shared flock() held by `fd_out` (the reference
// process keeps an exclusive one for its lifetime).
Result<SourceState> source_state(const std::string& path, int& fd_out) {
  RUVECTOR_ASSIGN_OR_RETURN(fd_out, open_reference_file_shared(path));
  struct stat st {};
  if (::fstat(fd_out, &st) != 0) return Status::IoError("cannot stat '" + path + "': " + std::strerror(errno));
  char head[320];
  const ssize_t n = ::pread(fd_out, head, sizeof head, 0);
  if (n < 0) return Status::IoError("cannot read '" + path + "': " + std::strerror(errno));
  auto txn = newest_commit_id(std::string_view(head, static_cast<std::size_t>(n)));
  if (!txn.ok()) return txn.status().WithContext(path);
  return SourceState{*txn, static_cast<std::uint64_t>(st.st_size)};
}

// ruvector ids are 1..kMaxIdBytes bytes; the reference accepts "" and any length.
Status check_importable_ids(const ReferenceDatabase& ref, const std::string& path) {
  for (const StoredRecord& r : ref.records)
    if (r.id.empty() || r.id.size() > kMaxIdBytes)
      return Status::Unsupported("reference database file '" + path + "' holds an id of " +
                                 std::to_string(r.id.size()) + " bytes; ruvector ids are 1.." +
                                 std::to_string(kMaxIdBytes) + " bytes, so it cannot be imported");
  return Status::Ok();
}

struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

struct ImportRecord {
  SourceState source;
  std::uint64_t generation = 0;
};

std::optional<ImportRecord> parse_import_record(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const Json j = Json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  for (const char* f : {"transaction_id", "size", "generation"})
    if (!j.contains(f) || !j[f].is_number_unsigned()) return std::nullopt;
  return ImportRecord{{j["transaction_id"].get<std::uint64_t>(), j["size"].get<std::uint64_t>()},
                      j["generation"].get<std::uint64_t>()};
}

Status changed_after_writes(const std::string& path) {
  return Status::AlreadyExists("reference database file '" + path + "' changed after it was imported into '" +
                               reference_import_path(path) +
                               "', which has writes of its own since; move one of them away to choose");
}

// The import's state: nullopt = no complete import; else whether it is current.
enum class ImportState { kNone, kCurrent, kStaleUntouched, kStaleWritten };

Result<ImportState> import_state(Storage& store, const SourceState& src) {
  RUVECTOR_ASSIGN_OR_RETURN(std::optional<std::string> text, store.get_value(kImportKey));
  const std::optional<ImportRecord> rec = parse_import_record(text);
  if (!rec) return ImportState::kNone;
  if (rec->source.transaction_id == src.transaction_id && rec->source.size == src.size) return ImportState::kCurrent;
  RUVECTOR_ASSIGN_OR_RETURN(std::uint64_t generation, store.generation());
  return generation == rec->generation ? ImportState::kStaleUntouched : ImportState::kStaleWritten;
}

}  // namespace

Result<DatabaseOptions> reference_import_options(const ReferenceDatabase& ref, const std::string& path,
                                                 const DatabaseOptions& options) {
  DatabaseOptions io;
  io.threads = options.threads;
  io.index = options.index;
  io.dimensions = ref.dimensions != 0 ? ref.dimensions : options.dimensions;
  if (io.dimensions == 0)
    return Status::InvalidArgument("reference database file '" + path +
                                   "' stores no dimensions (no config, no vectors); pass dimensions");
  if (ref.config) {
    io.metric = ref.config->metric;
    if (ref.config->hnsw) {
      HnswParams h = options.hnsw.value_or(HnswParams{});
      h.m = ref.config->hnsw->m;
      h.ef_construction = ref.config->hnsw->ef_construction;
      h.ef_search = ref.config->hnsw->ef_search;
      h.max_elements = ref.config->hnsw->max_elements;
      io.hnsw = h;
    } else {
      io.hnsw = options.hnsw;
    }
  } else {
    io.metric = options.metric.value_or(Metric::kCosine);
    io.hnsw = options.hnsw;
  }
  return io;
}

namespace {

Status import_records(const std::string& path, const SourceState& src, const DatabaseOptions& options,
                      const std::shared_ptr<Storage>& store) {
  RUVECTOR_ASSIGN_OR_RETURN(ReferenceDatabase ref, read_reference_database(path));
  RUVECTOR_ASSIGN_OR_RETURN(DatabaseOptions io, reference_import_options(ref, path, options));
  io.storage = store;
  RUVECTOR_RETURN_IF_ERROR(check_importable_ids(ref, path));
  std::vector<Entry> entries;
  entries.reserve(ref.records.size());
  for (const StoredRecord& r : ref.records) {
    entries.push_back(Entry{r.id, r.vector, r.metadata_json.empty() ? Json() : Json::parse(r.metadata_json)});
  }
  {
    auto db = Database::open(io);
    if (!db.ok()) return db.status().WithContext("importing '" + path + "'");
    if (!entries.empty()) {
      auto written = (*db)->insert_batch(entries);
      if (!written.ok()) {
        const Status& s = written.status();
        return Status(s.code() == StatusCode::kInvalidArgument ? StatusCode::kUnsupported : s.code(),
                      "reference database file '" + path + "' cannot be imported: " + s.message());
      }
    }
  }  // closing the database stores its index image
  RUVECTOR_ASSIGN_OR_RETURN(std::uint64_t generation, store->generation());
  const Json rec{{"source", path}, {"transaction_id", src.transaction_id}, {"size", src.size},
                 {"generation", generation}, {"used_previous_commit", ref.used_previous_commit}};
  return store->put_value(kImportKey, rec.dump());
}

}  // namespace

Result<std::shared_ptr<Storage>> open_reference_import(const std::string& path, const DatabaseOptions& options) {
  const std::string sibling = reference_import_path(path);
  FdCloser source_lock;  // held for the whole import: the reference cannot open the file meanwhile
  RUVECTOR_ASSIGN_OR_RETURN(SourceState src, source_state(path, source_lock.fd));
  DurableStorageOptions so;
  so.single_file = true;
  so.read_only = options.read_only;
  if (options.read_only) {
    struct stat st {};
    if (::stat(sibling.c_str(), &st) != 0)
      return Status::NotFound("reference database file '" + path +
                              "' has not been imported yet; open it once for writing to import it into '" + sibling +
                              "'");
    return open_durable_storage(sibling, so);  // reads the last import, current or not
  }
  RUVECTOR_ASSIGN_OR_RETURN(std::shared_ptr<Storage> store, open_durable_storage(sibling, so));
  RUVECTOR_ASSIGN_OR_RETURN(ImportState state, import_state(*store, src));
  if (state == ImportState::kCurrent) return store;
  if (state == ImportState::kStaleWritten) return changed_after_writes(path);
  // No import, an interrupted one, or a stale one without writes of its own: start over
  // from an empty store.
  store.reset();  // the last handle: closes the environment and releases its lock
  if (::unlink(sibling.c_str()) != 0 && errno != ENOENT)
    return Status::IoError("cannot replace '" + sibling + "': " + std::strerror(errno));
  (void)::unlink((sibling + "-lock").c_str());
  RUVECTOR_ASSIGN_OR_RETURN(store, open_durable_storage(sibling, so));
  RUVECTOR_RETURN_IF_ERROR(import_records(path, src, options, store));
  return store;
}

Result<std::optional<DatabaseOptions>> check_reference_import(const std::string& path, const DatabaseOptions& options) {
  FdCloser source_lock;
  RUVECTOR_ASSIGN_OR_RETURN(SourceState src, source_state(path, source_lock.fd));
  const std::string sibling = reference_import_path(path);
  struct stat st {};
  const bool have_store = ::stat(sibling.c_str(), &st) == 0;
  if (!have_store && options.read_only)
    return Status::NotFound("reference database file '" + path +
                            "' has not been imported yet; open it once for writing to import it into '" + sibling +
                            "'");
  ImportState state = ImportState::kNone;
  if (have_store) {
    if (!options.read_only) RUVECTOR_RETURN_IF_ERROR(probe_writer_lock(sibling, StoreKind::kFile));
    DurableStorageOptions so;
    so.single_file = true;
    so.read_only = true;
    auto store = open_durable_storage(sibling, so);
    if (store.ok()) {
      RUVECTOR_ASSIGN_OR_RETURN(state, import_state(**store, src));
    } else if (store.status().code() != StatusCode::kNotFound) {
      return store.status();
    }
  }
  if (options.read_only || state == ImportState::kCurrent) return std::optional<DatabaseOptions>();
  if (state == ImportState::kStaleWritten) return changed_after_writes(path);
  // The open will import: read (and so verify) the whole file now.
  RUVECTOR_ASSIGN_OR_RETURN(ReferenceDatabase ref, read_reference_database(path));
  RUVECTOR_RETURN_IF_ERROR(check_importable_ids(ref, path));
  RUVECTOR_ASSIGN_OR_RETURN(DatabaseOptions io, reference_import_options(ref, path, options));
  return std::optional<DatabaseOptions>(std::move(io));
}

}  // namespace ruvector::detail
