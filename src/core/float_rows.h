// PRIVATE header. Float rows of a database whose VectorSpace does not keep them
// resident (FloatPlacement store or drop; docs/quantization.md "Where the floats live").
//
//  - StoreRows lends rows to a VectorSpace row scope (a write: graph building,
//    retraining, conversion) from a StoredVectorView, in place (LMDB's map, no copy).
//  - RowReader reads one row at a time for readers (search re-ranking, include_vector,
//    get, for_each, snapshots): resident, stored or decoded.
//
// Failure: a RowSource must not throw (graph code runs it on worker threads), so
// StoreRows answers a record it cannot read (damaged or missing: the store disagrees
// with memory) with the decoded code and keeps the first error for status().
// Threads: StoreRows::row may run concurrently; a RowReader
// belongs to one thread.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/id_table.h"
#include "index/vector_space.h"
#include "ruvector/storage.h"

namespace ruvector::detail {

class StoreRows final : public RowSource {
 public:
  // `ids` (by slot) and `space` must outlive this object and stay unchanged but for
  // slots added while it lives.
  StoreRows(std::unique_ptr<StoredVectorView> view, const IdTable& ids, const VectorSpace& space)
      : view_(std::move(view)), ids_(ids), space_(space) {}
  const float* row(Slot slot) override;
  // OK, or the first record that could not be read (CORRUPTION naming it).
  Status status() const;

 private:
  std::unique_ptr<StoredVectorView> view_;
  const IdTable& ids_;
  const VectorSpace& space_;
  mutable std::mutex mu_;
  Status first_error_;
  std::deque<std::vector<float>> decoded_;  // fallback rows, stable addresses
};

class RowReader {
 public:
  // `storage` may be null unless the rows are in the store.
  static Result<std::unique_ptr<RowReader>> open(const VectorSpace& space, const Storage* storage,
                                                 const IdTable& ids);
  // The row of slot (valid until the next call or the reader's end).
  Result<const float*> row(Slot slot);
  // True when rows are decoded codes (the floats were dropped).
  bool decoded() const noexcept { return decoded_; }

 private:
  RowReader(const VectorSpace& space, const IdTable& ids) : space_(space), ids_(ids) {}
  const VectorSpace& space_;
  const IdTable& ids_;
  std::unique_ptr<StoredVectorView> view_;
  bool decoded_ = false;
  std::vector<float> scratch_;
};

}  // namespace ruvector::detail
