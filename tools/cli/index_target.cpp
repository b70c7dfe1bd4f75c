#include "index_target.h"

#include <cctype>
#include <filesystem>
#include <utility>

#include "cluster_target.h"
#include "file_lock.h"

namespace ruvector::cli {
namespace fs = std::filesystem;

namespace {

Status missing_database(const std::string& dir, const std::string& why) {
  return Status::NotFound(why + "; create a database with: ruvector create " + dir + " --dimensions N");
}

class DatabaseTarget final : public IndexTarget {
 public:
  // lock: held by a writer of a snapshot file (path: where save() writes it back); null
  // for a directory.
  DatabaseTarget(std::unique_ptr<Database> db, std::string path, std::unique_ptr<FileLock> lock, bool file)
      : db_(std::move(db)), path_(std::move(path)), lock_(std::move(lock)), file_(file),
        dimensions_(db_->info().dimensions) {}
  const char* kind() const override { return file_ ? "snapshot" : "directory"; }
  std::uint32_t dimensions() const override { return dimensions_; }
  Result<std::string> insert(const Entry& entry) override { return db_->insert(entry); }
  Result<std::vector<std::string>> insert_batch(std::span<const Entry> entries) override {
    return db_->insert_batch(entries);
  }
  Result<std::vector<SearchHit>> search(const SearchQuery& query) override { return db_->search(query); }
  Result<Record> get(const std::string& id) override { return db_->get(id); }
  Result<bool> remove(const std::string& id) override { return db_->remove(id); }
  Result<std::uint64_t> size() override { return static_cast<std::uint64_t>(db_->size()); }
  Status save() override { return file_ ? db_->serialize_to_file(path_) : db_->checkpoint(); }

 private:
  std::unique_ptr<Database> db_;
  std::string path_;
  std::unique_ptr<FileLock> lock_;
  bool file_;
  std::uint32_t dimensions_;
};

bool ends_with_rvs(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".rvs";
}

// A snapshot file's database, in memory.
Result<std::unique_ptr<Database>> load_snapshot_file(const std::string& path) {
  auto db = Database::deserialize_file(path);
  if (!db.ok()) return db.status().WithContext(path);
  return db;
}

}  // namespace

bool is_snapshot_file(const std::string& path, bool creating) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (!ec && fs::exists(st)) return !fs::is_directory(st);
  return creating && ends_with_rvs(path);
}

Result<std::unique_ptr<Database>> open_database(const std::string& dir, bool read_only) {
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return missing_database(dir, "no database at '" + dir + "'");
  if (!fs::is_directory(st)) return load_snapshot_file(dir);
  if (fs::is_empty(dir, ec)) return missing_database(dir, "'" + dir + "' is an empty directory, not a database");
  DurableStorageOptions so;
  so.read_only = read_only;
  so.create_if_missing = false;
  auto storage = open_durable_storage(dir, so);
  if (!storage.ok()) return storage.status().WithContext("cannot open '" + dir + "'");
  DatabaseOptions options;
  options.storage = std::move(storage).value();
  options.read_only = read_only;
  // dimensions = 0: the stored settings decide. A store without settings is not a
  // database (Database::open says dimensions are needed to create one).
  auto db = Database::open(options);
  if (!db.ok() && db.status().code() == StatusCode::kInvalidArgument)
    return missing_database(dir, "'" + dir + "' is not a ruvector database (" + db.status().message() + ")");
  if (!db.ok()) return db.status().WithContext("cannot open '" + dir + "'");
  return db;
}

Result<std::unique_ptr<IndexTarget>> open_target(const std::string& path, bool read_only) {
  if (parse_cluster_address(path)) return open_cluster_target(path);
  if (is_snapshot_file(path)) {
    std::unique_ptr<FileLock> lock;
    if (!read_only) {
      RUVECTOR_ASSIGN_OR_RETURN(lock, FileLock::take(path));
    }
    RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, load_snapshot_file(path));
    return std::unique_ptr<IndexTarget>(new DatabaseTarget(std::move(db), path, std::move(lock), true));
  }
  RUVECTOR_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, open_database(path, read_only));
  return std::unique_ptr<IndexTarget>(new DatabaseTarget(std::move(db), path, nullptr, false));
}

}  // namespace ruvector::cli
