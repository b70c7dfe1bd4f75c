#include "ruvector/options.h"

#include <string>

namespace ruvector {

Result<IndexKind> parse_index_kind(std::string_view name) {
  std::string n;
  for (char c : name) n += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (n == "hnsw") return IndexKind::kHnsw;
  if (n == "flat" || n == "exact" || n == "bruteforce") return IndexKind::kFlat;
  return Status::InvalidArgument("unknown index kind '" + std::string(name) + "', expected hnsw or flat");
}

Result<Quantization> parse_quantization(std::string_view name) {
  std::string n;
  for (char c : name) n += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (n == "none") return Quantization::kNone;
  if (n == "int8" || n == "scalar") return Quantization::kInt8;
  if (n == "binary") return Quantization::kBinary;
  if (n == "product")
    return Status::Unsupported("quantization 'product' is not supported; use 'none', 'int8' (alias 'scalar') or "
                               "'binary'");
  return Status::InvalidArgument("unknown quantization '" + std::string(name) +
                                 "', expected none, int8 (alias scalar) or binary");
}

const char* quantization_name(Quantization q) noexcept {
  switch (q) {
    case Quantization::kInt8: return "int8";
    case Quantization::kBinary: return "binary";
    default: return "none";
  }
}

std::uint32_t default_rescore(Quantization q) noexcept {
  switch (q) {
    case Quantization::kInt8: return 2;
    case Quantization::kBinary: return 5;
    default: return 1;
  }
}

Result<FloatPlacement> parse_float_placement(std::string_view name) {
  std::string n;
  for (char c : name) n += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (n == "memory") return FloatPlacement::kMemory;
  if (n == "store") return FloatPlacement::kStore;
  if (n == "drop") return FloatPlacement::kDrop;
  return Status::InvalidArgument("unknown floats placement '" + std::string(name) + "', expected memory, store or drop");
}

const char* float_placement_name(FloatPlacement p) noexcept {
  switch (p) {
    case FloatPlacement::kStore: return "store";
    case FloatPlacement::kDrop: return "drop";
    default: return "memory";
  }
}

const char* index_kind_name(IndexKind kind) noexcept { return kind == IndexKind::kFlat ? "flat" : "hnsw"; }

}  // namespace ruvector
