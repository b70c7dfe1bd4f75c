// PRIVATE header. MetadataColumn: the metadata of every slot, held twice — parsed (filters,
// get(), for_each()) and as its JSON text (handed to search results and snapshots as is,
// so neither a search nor a snapshot copies a JSON tree or serialises one).
//
// A slot without metadata costs one null pointer. The text of a slot is the JSON object
// its value was parsed from or serialised to (metadata_text()); it is never empty for a
// slot that has metadata.
// Threads: none of its own; the database guards it with its lock (readers shared, the
// writer exclusive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/json.h"

namespace ruvector::detail {

// The JSON text stored for a metadata value: compact, invalid UTF-8 replaced; empty for
// null (no metadata).
std::string metadata_text(const Json& metadata);

// Appends one element of a JSON array text to `out`: a comma unless `first`, then `text`,
// or `null` when it is empty (a slot without metadata).
void append_json_array_element(std::string& out, std::string_view text, bool first);

class MetadataColumn {
 public:
  // Grows (or shrinks) to `slots` slots; new slots have no metadata.
  void resize(std::size_t slots);
  // Sets a slot's metadata: `value` an object and `text` its JSON text, or a null value
  // (then `text` is ignored) to clear it. The slot must exist.
  void set(std::uint32_t slot, Json value, std::string text);
  void clear(std::uint32_t slot);

  // The slot's parsed metadata; a null value when it has none.
  const Json& value(std::uint32_t slot) const noexcept;
  // The slot's metadata as JSON text; empty when it has none.
  std::string_view text(std::uint32_t slot) const noexcept;

  // Heap bytes held (the slot table, the cells, their parsed trees and texts). O(1): a
  // running total kept by set/clear/resize (info() is called at every open from JS).
  std::size_t heap_bytes() const noexcept { return cells_.capacity() * sizeof(cells_[0]) + cell_bytes_; }
  // The same figure counted cell by cell, O(n): what check_invariants() compares the
  // running total with.
  std::size_t recount_heap_bytes() const;

 private:
  // One heap block per slot with metadata: the parsed value, then the text's bytes right
  // after it (a search reads the text with one cache miss less than a separate string).
  struct Cell {
    Json value;
    std::size_t size = 0;  // text bytes, stored after the Cell
    const char* text() const noexcept { return reinterpret_cast<const char*>(this + 1); }
  };
  struct CellDeleter {
    void operator()(Cell* c) const noexcept;
  };
  static std::size_t block_bytes(std::size_t text_size) noexcept { return sizeof(Cell) + text_size; }
  // Heap bytes one cell holds: its block and its parsed tree.
  static std::size_t cell_heap_bytes(const Cell& c);
  void drop(std::uint32_t slot);

  std::vector<std::unique_ptr<Cell, CellDeleter>> cells_;
  std::size_t cell_bytes_ = 0;  // sum of cell_heap_bytes over the cells
};

}  // namespace ruvector::detail
