// MemoryStorage: the in-process Storage backend (tests, the wasm build, and the
// model the durable backend is checked against). Nothing survives the process.
//
// Semantics (see include/ruvector/storage.h for the contract):
//  - Threads: one std::shared_mutex. write(), put_value() and delete_value() take it
//    exclusively; scan(), count(), get_value() and generation() take it shared, so
//    a reader sees the state before or after each write() as a whole.
//  - write() is atomic. Within one batch the upserts are applied first, in order
//    (a later upsert of the same id wins), then the deletes; so an id that is both
//    upserted and deleted in one batch ends up deleted. Deleting an absent id is
//    not an error. Everything that allocates (copying the batch's records) happens
//    before the lock is taken; applying the prepared records under the lock cannot
//    fail, so a batch is applied entirely or (out of memory: RESOURCE_EXHAUSTED)
//    not at all.
//  - generation() starts at 0 and is incremented by every successful write() of a
//    non-empty batch (even one whose deletes name only absent ids). An empty batch
//    and the named values (put_value / delete_value) leave it unchanged, so storing
//    an index image does not invalidate it.
//  - scan() visits records in id order (byte-wise std::string order) while holding
//    the shared lock: its callback must not call any method of the same storage
//    (a writer would deadlock; a second shared lock on one thread is undefined).
//  - open_vector_view() holds the shared lock for the view's life: the vectors it
//    lends stay put, and writes wait until it is destroyed.
//  - No validation: ids, vectors and metadata are stored as given (the Database
//    validates before it writes).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ruvector/storage.h"

namespace ruvector {
namespace {

struct Record {
  std::vector<float> vector;
  std::string metadata_json;
};

class MemoryStorage final : public Storage {
 public:
  Status write(const WriteBatch& batch) override {
    if (batch.empty()) return Status::Ok();
    try {
      // Prepare outside the lock: every allocation of this write happens here.
      RecordMap staged;
      for (const StoredRecord& r : batch.upserts)
        staged.insert_or_assign(r.id, Record{r.vector, r.metadata_json});

      std::unique_lock lock(mu_);
      // From here on nothing allocates or throws: map nodes are moved in whole,
      // replaced values are move-assigned, erase() does not throw.
      while (!staged.empty()) {
        auto node = staged.extract(staged.begin());
        auto it = records_.find(node.key());
        if (it != records_.end()) {
          it->second = std::move(node.mapped());
        } else {
          records_.insert(std::move(node));
        }
      }
      for (const std::string& id : batch.deletes) {
        auto it = records_.find(id);
        if (it != records_.end()) records_.erase(it);
      }
      ++generation_;
      return Status::Ok();
    } catch (const std::bad_alloc&) {
      return Status::ResourceExhausted("out of memory while preparing a write of " +
                                       std::to_string(batch.upserts.size()) + " records");
    }
  }

  Status scan(const std::function<Status(const StoredRecordView&)>& visit) const override {
    std::shared_lock lock(mu_);
    for (const auto& [id, rec] : records_) {
      const StoredRecordView view{id, rec.vector, rec.metadata_json};
      RUVECTOR_RETURN_IF_ERROR(visit(view));
    }
    return Status::Ok();
  }

  Result<std::uint64_t> count() const override {
    std::shared_lock lock(mu_);
    return static_cast<std::uint64_t>(records_.size());
  }

  Result<std::optional<std::string>> get_value(std::string_view key) const override {
    try {
      std::shared_lock lock(mu_);
      auto it = values_.find(key);
      if (it == values_.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    } catch (const std::bad_alloc&) {
      return Status::ResourceExhausted("out of memory while reading value '" + std::string(key) + "'");
    }
  }

  Status put_value(std::string_view key, std::string_view bytes) override {
    try {
      std::string copy(bytes);
      std::unique_lock lock(mu_);
      auto it = values_.find(key);
      if (it != values_.end()) {
        it->second = std::move(copy);  // move-assign: no allocation under the lock
      } else {
        values_.emplace(std::string(key), std::move(copy));
      }
      return Status::Ok();
    } catch (const std::bad_alloc&) {
      return Status::ResourceExhausted("out of memory while storing value '" + std::string(key) + "'");
    }
  }

  Status delete_value(std::string_view key) override {
    std::unique_lock lock(mu_);
    auto it = values_.find(key);
    if (it != values_.end()) values_.erase(it);
    return Status::Ok();
  }

  Result<std::uint64_t> generation() const override {
    std::shared_lock lock(mu_);
    return generation_;
  }

  // The view holds the shared lock: vectors stay where they are until it is destroyed.
  Result<std::unique_ptr<StoredVectorView>> open_vector_view() const override {
    class View final : public StoredVectorView {
     public:
      explicit View(const MemoryStorage& s) : lock_(s.mu_), records_(s.records_) {}
      Result<std::span<const float>> vector(std::string_view id) override {
        auto it = records_.find(id);
        if (it == records_.end()) return std::span<const float>();
        return std::span<const float>(it->second.vector);
      }

     private:
      std::shared_lock<std::shared_mutex> lock_;
      const RecordMap& records_;
    };
    return std::unique_ptr<StoredVectorView>(std::make_unique<View>(*this));
  }

  bool read_only() const override { return false; }
  std::string describe() const override { return "memory"; }

 private:
  using RecordMap = std::map<std::string, Record, std::less<>>;

  mutable std::shared_mutex mu_;
  RecordMap records_;
  std::map<std::string, std::string, std::less<>> values_;
  std::uint64_t generation_ = 0;
};

}  // namespace

std::shared_ptr<Storage> make_memory_storage() { return std::make_shared<MemoryStorage>(); }

}  // namespace ruvector
