#include "core/memory_estimate.h"

#include <algorithm>
#include <mutex>

#include "core/id_table.h"
#include "quant/code_store.h"

#include "ruvector/database.h"

namespace ruvector::detail {

std::size_t json_heap_bytes(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      std::size_t b = malloc_block(sizeof(Json::object_t));
      for (const auto& [key, value] : j.items()) {
        // One red-black tree node: header (32) + key string + value.
        b += malloc_block(32 + sizeof(std::string) + sizeof(Json)) + json_heap_bytes(value);
        if (key.size() > 15) b += malloc_block(key.size() + 1);
      }
      return b;
    }
    case Json::value_t::array: {
      std::size_t b = malloc_block(sizeof(Json::array_t));
      const auto& arr = j.get_ref<const Json::array_t&>();
      if (arr.capacity() > 0) b += malloc_block(arr.capacity() * sizeof(Json));
      for (const Json& v : arr) b += json_heap_bytes(v);
      return b;
    }
    case Json::value_t::string: return malloc_block(sizeof(std::string)) + string_heap(j.get_ref<const std::string&>());
    default: return 0;
  }
}

}  // namespace ruvector::detail

namespace ruvector {

std::size_t estimate_memory_bytes(const DatabaseOptions& options, std::uint64_t count, std::size_t id_bytes) {
  using detail::malloc_block;
  const std::size_t n = static_cast<std::size_t>(count);
  const std::size_t d = options.dimensions;
  const Metric metric = options.metric.value_or(Metric::kCosine);
  const Quantization q = options.quantization.value_or(Quantization::kNone);
  const std::size_t m = options.hnsw ? options.hnsw->m : HnswParams{}.m;
  // floats: the vectors, unless they are out of RAM (a quantized database with storage
  // by default, or floats store/drop) once the codes are trained; and 1/|x| per vector
  // under cosine.
  const bool has_storage = options.storage != nullptr || !options.storage_path.empty();
  const FloatPlacement placement = options.floats.value_or(
      q != Quantization::kNone && has_storage ? FloatPlacement::kStore : FloatPlacement::kMemory);
  const bool floats_in_ram = placement == FloatPlacement::kMemory || n < 1000;
  std::size_t bytes = (floats_in_ram ? n * 4 * d : 0) + (metric == Metric::kCosine ? 4 * n : 0);
  // codes: one fixed-size code per vector, the codec's offset/scale (int8) or centres.
  // int8: D code bytes padded to whole cache lines when that adds at most D/8 bytes
  // (else to 8), and the f32 extra in an array of its own.
  if (q == Quantization::kInt8) bytes += n * (detail::CodeStore::stride_for(q, d) + 4) + 8 * d;
  if (q == Quantization::kBinary) {
    const std::size_t centres = n < 1000 ? 0 : std::min<std::size_t>(std::max<std::size_t>(n / 400, 1), 128);
    bytes += n * detail::CodeStore::stride_for(q, d) + 8 * d + (centres > 0 ? 4 * d : 0) + 8 * centres * d;
  }
  // graph: layer-0 blocks (count + 2M links), level and deleted flags, upper-layer
  // pointer, plus the upper layers: a node reaches layer l with probability M^-l, each
  // layer a block of M + 1 links; 2048 striped mutexes.
  if (options.index.value_or(IndexKind::kHnsw) == IndexKind::kHnsw) {
    bytes += n * (4 * (2 * m + 1) + 2 + 8) + n * 4 * (m + 1) / (m - 1) + 2048 * sizeof(std::mutex);
  } else {
    bytes += n;
  }
  // ids (detail::IdTable): the slot table's string, the id's heap buffer when it
  // outgrows the small-string buffer, and the hash table of 4-byte slots (at most half full).
  const std::size_t id_heap = id_bytes > 15 ? malloc_block(id_bytes + 1) : 0;
  bytes += n * (sizeof(std::string) + id_heap) + 4 * detail::IdTable::table_entries_for(n);
  // metadata: one (null) cell pointer per slot.
  bytes += n * sizeof(void*);
  return bytes;
}

}  // namespace ruvector
