#include "core/id_table.h"

#include <functional>
#include <utility>

#include "core/memory_estimate.h"
#include "util/invariant.h"

namespace ruvector::detail {

std::size_t IdTable::table_entries_for(std::size_t n) noexcept {
  std::size_t entries = 16;
  while (entries < 2 * n) entries *= 2;
  return entries;
}

std::size_t IdTable::hash(std::string_view id) noexcept { return std::hash<std::string_view>{}(id); }

std::optional<IdTable::Slot> IdTable::find(std::string_view id) const noexcept {
  if (table_.empty()) return std::nullopt;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = hash(id) & mask;; i = (i + 1) & mask) {
    const Slot e = table_[i];
    if (e == kEmpty) return std::nullopt;
    if (e != kErased && ids_[e] == id) return e;
  }
}

std::size_t IdTable::position_of(Slot s) const noexcept {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = hash(ids_[s]) & mask;
  while (table_[i] != s) i = (i + 1) & mask;
  return i;
}

void IdTable::grow_slots(std::size_t n) {
  if (n > ids_.size()) ids_.resize(n);
}

void IdTable::reserve(std::size_t n) {
  const std::size_t entries = table_entries_for(n);
  if (entries > table_.size()) rehash(entries);
}

void IdTable::rehash(std::size_t entries) {
  std::vector<Slot> fresh(entries, kEmpty);
  const std::size_t mask = entries - 1;
  for (Slot e : table_) {
    if (e == kEmpty || e == kErased) continue;
    std::size_t i = hash(ids_[e]) & mask;
    while (fresh[i] != kEmpty) i = (i + 1) & mask;
    fresh[i] = e;
  }
  table_.swap(fresh);
  erased_ = 0;
}

void IdTable::insert(Slot s, std::string id) {
  RV_ASSERT(s < ids_.size() && s < kErased && ids_[s].empty() && !id.empty(),
            "id table: inserting into slot " + std::to_string(s) + ", which is not a free slot");
  if (2 * (live_ + erased_ + 1) > table_.size()) rehash(table_entries_for(live_ + 1));
  ids_[s] = std::move(id);
  const std::size_t mask = table_.size() - 1;
  std::size_t i = hash(ids_[s]) & mask;
  while (table_[i] != kEmpty && table_[i] != kErased) i = (i + 1) & mask;
  if (table_[i] == kErased) --erased_;
  table_[i] = s;
  ++live_;
}

void IdTable::erase(Slot s) {
  RV_ASSERT(s < ids_.size() && !ids_[s].empty(), "id table: erasing slot " + std::to_string(s) + ", which holds no id");
  const std::size_t i = position_of(s);
  // An entry followed by an empty position ends no probe chain: it can become empty.
  if (table_[(i + 1) & (table_.size() - 1)] == kEmpty) {
    table_[i] = kEmpty;
  } else {
    table_[i] = kErased;
    ++erased_;
  }
  std::string().swap(ids_[s]);
  --live_;
}

std::size_t IdTable::memory_bytes() const noexcept {
  std::size_t b = ids_.capacity() * sizeof(std::string) + table_.capacity() * sizeof(Slot);
  for (const std::string& id : ids_) b += string_heap(id);
  return b;
}

Status IdTable::check() const {
  std::size_t named = 0;
  for (std::size_t s = 0; s < ids_.size(); ++s) {
    if (ids_[s].empty()) continue;
    ++named;
    const std::optional<Slot> found = find(ids_[s]);
    if (!found || *found != s)
      return Status::Internal("invariant violated: slot " + std::to_string(s) + " holds id '" + ids_[s] +
                              "', which the id table does not send back to it");
  }
  std::size_t entries = 0, erased = 0;
  for (Slot e : table_) {
    if (e == kErased) ++erased;
    if (e == kEmpty || e == kErased) continue;
    ++entries;
    if (e >= ids_.size() || ids_[e].empty())
      return Status::Internal("invariant violated: the id table points at slot " + std::to_string(e) +
                              ", which holds no id");
  }
  if (named != live_ || entries != live_ || erased != erased_)
    return Status::Internal("invariant violated: " + std::to_string(named) + " slots hold an id, the id table has " +
                            std::to_string(entries) + " entries and counts " + std::to_string(live_));
  if (!table_.empty() && 2 * (live_ + erased_) > table_.size())
    return Status::Internal("invariant violated: the id table is more than half full");
  return Status::Ok();
}

}  // namespace ruvector::detail
