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

const char* index_kind_name(IndexKind kind) noexcept { return kind == IndexKind::kFlat ? "flat" : "hnsw"; }

}  // namespace ruvector
