#include "core/float_rows.h"

namespace ruvector::detail {

namespace {

Status unreadable(const std::string& id, const Status& why, std::size_t dim, std::size_t got) {
  if (!why.ok()) return why.WithContext("reading the stored vector of '" + id + "'");
  return Status::Corruption("the store holds " + (got == 0 ? std::string("no vector") : std::to_string(got) + " values") +
                            " for '" + id + "', the database has it with " + std::to_string(dim) + " dimensions");
}

}  // namespace

const float* StoreRows::row(Slot slot) {
  const std::string& id = ids_[slot];
  Result<std::span<const float>> v = view_->vector(id);
  if (v.ok() && v->size() == space_.dim()) return v->data();
  std::lock_guard<std::mutex> lock(mu_);
  if (first_error_.ok()) first_error_ = unreadable(id, v.status(), space_.dim(), v.ok() ? v->size() : 0);
  decoded_.emplace_back(space_.dim());
  space_.decode(slot, decoded_.back().data());
  return decoded_.back().data();
}

Status StoreRows::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return first_error_;
}

Result<std::unique_ptr<RowReader>> RowReader::open(const VectorSpace& space, const Storage* storage,
                                                   const IdTable& ids) {
  std::unique_ptr<RowReader> r(new RowReader(space, ids));
  if (space.rows_resident()) return r;
  if (space.float_placement() == FloatPlacement::kStore) {
    if (storage == nullptr) return Status::Internal("float rows in the store, but the database has no storage");
    RUVECTOR_ASSIGN_OR_RETURN(r->view_, storage->open_vector_view());
  } else {
    r->decoded_ = true;
    r->scratch_.resize(space.dim());
  }
  return r;
}

Result<const float*> RowReader::row(Slot slot) {
  if (space_.rows_resident()) return space_.vector(slot);
  if (decoded_) {
    space_.decode(slot, scratch_.data());
    return static_cast<const float*>(scratch_.data());
  }
  Result<std::span<const float>> v = view_->vector(ids_[slot]);
  if (!v.ok() || v->size() != space_.dim())
    return unreadable(ids_[slot], v.status(), space_.dim(), v.ok() ? v->size() : 0);
  return v->data();
}

}  // namespace ruvector::detail
