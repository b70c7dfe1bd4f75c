#include "core/metadata_column.h"

#include <cstring>
#include <new>

#include "core/memory_estimate.h"

namespace ruvector::detail {

void append_json_array_element(std::string& out, std::string_view text, bool first) {
  if (!first) out.push_back(',');
  if (text.empty())
    out.append("null");
  else
    out.append(text);
}

std::string metadata_text(const Json& metadata) {
  if (metadata.is_null()) return {};
  return metadata.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void MetadataColumn::resize(std::size_t slots) {
  for (std::size_t s = slots; s < cells_.size(); ++s) drop(static_cast<std::uint32_t>(s));
  cells_.resize(slots);
}

std::size_t MetadataColumn::cell_heap_bytes(const Cell& c) {
  return malloc_block(block_bytes(c.size)) + json_heap_bytes(c.value);
}

void MetadataColumn::drop(std::uint32_t slot) {
  if (!cells_[slot]) return;
  cell_bytes_ -= cell_heap_bytes(*cells_[slot]);
  cells_[slot].reset();
}

void MetadataColumn::clear(std::uint32_t slot) { drop(slot); }

void MetadataColumn::CellDeleter::operator()(Cell* c) const noexcept {
  c->~Cell();
  ::operator delete(static_cast<void*>(c));
}

void MetadataColumn::set(std::uint32_t slot, Json value, std::string text) {
  if (value.is_null()) {
    drop(slot);
    return;
  }
  if (text.empty()) text = metadata_text(value);
  // The new cell is complete before the old one goes: a failed allocation leaves the slot as it was.
  void* block = ::operator new(block_bytes(text.size()));
  std::unique_ptr<Cell, CellDeleter> cell(new (block) Cell{std::move(value), text.size()});
  std::memcpy(static_cast<char*>(block) + sizeof(Cell), text.data(), text.size());
  const std::size_t bytes = cell_heap_bytes(*cell);
  drop(slot);
  cells_[slot] = std::move(cell);
  cell_bytes_ += bytes;
}

const Json& MetadataColumn::value(std::uint32_t slot) const noexcept {
  static const Json kNone;
  const Cell* c = slot < cells_.size() ? cells_[slot].get() : nullptr;
  return c ? c->value : kNone;
}

std::string_view MetadataColumn::text(std::uint32_t slot) const noexcept {
  const Cell* c = slot < cells_.size() ? cells_[slot].get() : nullptr;
  return c ? std::string_view(c->text(), c->size) : std::string_view();
}

std::size_t MetadataColumn::recount_heap_bytes() const {
  std::size_t b = cells_.capacity() * sizeof(cells_[0]);
  for (const auto& c : cells_)
    if (c) b += cell_heap_bytes(*c);
  return b;
}

}  // namespace ruvector::detail
