// PRIVATE header. The database's id table: the id of every slot, and the slot of every
// id, with each id stored once.
//
// Layout: `ids_` holds the id string of each slot ("" = a free slot; valid ids are never
// empty). The reverse direction is an open-addressing hash table of 4-byte slot numbers
// (linear probing, at most half full, tombstones for erased entries) that compares
// against `ids_` on a hash hit, so an id costs one std::string plus 8–16 bytes of table
// instead of a second copy of the string in a node-based map (docs/architecture.md,
// "Who owns what").
//
// Threads: const methods may run concurrently with each other; any mutation needs
// exclusive access (the Database's write lock). Failure: only std::bad_alloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/status.h"

namespace ruvector::detail {

class IdTable {
 public:
  using Slot = std::uint32_t;

  // Live ids.
  std::size_t size() const noexcept { return live_; }
  // Slots addressable by operator[]: [0, slot_count()).
  std::size_t slot_count() const noexcept { return ids_.size(); }
  // The id at slot `s` < slot_count(); empty when the slot is free.
  const std::string& operator[](Slot s) const noexcept { return ids_[s]; }

  // The slot holding `id`, or nullopt.
  std::optional<Slot> find(std::string_view id) const noexcept;

  // Makes slots [0, n) addressable (never shrinks).
  void grow_slots(std::size_t n);
  // Sizes the hash table for `n` live ids, so that many inserts do not rehash.
  void reserve(std::size_t n);
  // Gives the free slot `s` < slot_count() the id `id`, which no slot holds.
  void insert(Slot s, std::string id);
  // Frees slot `s`, which holds an id.
  void erase(Slot s);

  // Heap bytes held (strings, slot vector, hash table), by glibc's block sizes.
  std::size_t memory_bytes() const noexcept;
  // Every live slot is found under its id, and the table holds nothing else. INTERNAL
  // naming the first violation otherwise.
  Status check() const;

  // Hash-table entries needed for `n` ids inserted into an empty table (for estimates).
  static std::size_t table_entries_for(std::size_t n) noexcept;

 private:
  static constexpr Slot kEmpty = 0xFFFFFFFFu;
  static constexpr Slot kErased = 0xFFFFFFFEu;

  static std::size_t hash(std::string_view id) noexcept;
  // Rebuilds the hash table with `entries` (a power of two > 2 * live_) positions.
  void rehash(std::size_t entries);
  // The table position of slot `s` (which holds an id).
  std::size_t position_of(Slot s) const noexcept;

  std::vector<std::string> ids_;  // by slot
  std::vector<Slot> table_;       // power-of-two size, or empty
  std::size_t live_ = 0;
  std::size_t erased_ = 0;  // tombstones in table_
};

}  // namespace ruvector::detail
