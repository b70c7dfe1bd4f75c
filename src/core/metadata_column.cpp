#include "core/metadata_column.h"

#include <cstring>
#include <new>

#include "core/memory_estimate.h"

namespace ruvector::detail {

std::string metadata_text(const Json& metadata) {
  if (metadata.is_null()) return {};
  return metadata.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void MetadataColumn::resize(std::size_t slots) { cells_.resize(slots); }

void MetadataColumn::CellDeleter::operator()(Cell* c) const noexcept {
  c->~Cell();
  ::operator delete(static_cast<void*>(c));
}

void MetadataColumn::set(std::uint32_t slot, Json value, std::string text) {
  if (value.is_null()) {
    cells_[slot].reset();
    return;
  }
  if (text.empty()) text = metadata_text(value);
  void* block = ::operator new(block_bytes(text.size()));
  Cell* c = new (block) Cell{std::move(value), text.size()};
  std::memcpy(static_cast<char*>(block) + sizeof(Cell), text.data(), text.size());
  cells_[slot].reset(c);
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

std::size_t MetadataColumn::heap_bytes() const {
  std::size_t b = cells_.capacity() * sizeof(cells_[0]);
  for (const auto& c : cells_)
    if (c) b += malloc_block(block_bytes(c->size)) + json_heap_bytes(c->value);
  return b;
}

}  // namespace ruvector::detail
