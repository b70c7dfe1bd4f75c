#include "core/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "ruvector/types.h"

namespace ruvector::detail {

Status validate_dimensions(std::uint32_t dimensions) {
  if (dimensions == 0 || dimensions > kMaxDimensions)
    return Status::InvalidArgument("dimensions must be between 1 and " + std::to_string(kMaxDimensions) + ", got " +
                                   std::to_string(dimensions));
  return Status::Ok();
}

Status validate_vector(std::span<const float> v, std::uint32_t dimensions) {
  if (v.size() != dimensions)
    return Status::DimensionMismatch("vector has " + std::to_string(v.size()) + " values, database expects " +
                                     std::to_string(dimensions));
  // Every search validates its query: one branch-free pass (the exponent bits of a NaN or
  // an infinity are all ones; a max over them vectorises), the position only on failure.
  std::uint32_t top_exponent = 0;
  for (float x : v) {
    std::uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    top_exponent = std::max(top_exponent, bits & 0x7f800000u);
  }
  if (top_exponent != 0x7f800000u) return Status::Ok();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]))
      return Status::InvalidArgument("vector[" + std::to_string(i) + "] is " +
                                     (std::isnan(v[i]) ? std::string("NaN") : (v[i] > 0 ? "+Infinity" : "-Infinity")) +
                                     "; every value must be a finite number");
  }
  return Status::Ok();
}

Status validate_id(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("id must not be empty");
  if (id.size() > kMaxIdBytes)
    return Status::InvalidArgument("id is " + std::to_string(id.size()) + " bytes long, the limit is " +
                                   std::to_string(kMaxIdBytes));
  return Status::Ok();
}

Status validate_metadata(const Json& metadata) {
  if (metadata.is_null() || metadata.is_object()) return Status::Ok();
  return Status::InvalidArgument(std::string("metadata must be a JSON object, got ") + metadata.type_name());
}

Status validate_hnsw(const HnswParams& p) {
  if (p.m < 2 || p.m > 256) return Status::InvalidArgument("hnsw m must be between 2 and 256, got " + std::to_string(p.m));
  if (p.ef_construction < 1 || p.ef_construction > 65535)
    return Status::InvalidArgument("hnsw efConstruction must be between 1 and 65535, got " +
                                   std::to_string(p.ef_construction));
  if (p.ef_search < 1 || p.ef_search > 65535)
    return Status::InvalidArgument("hnsw efSearch must be between 1 and 65535, got " + std::to_string(p.ef_search));
  return Status::Ok();
}

Status validate_rescore(Quantization q, Metric metric, std::uint32_t rescore) {
  if (q == Quantization::kNone) {
    if (rescore != 1)
      return Status::InvalidArgument("rescore applies only to a quantized database (quantization 'int8' or "
                                     "'binary'); this one has quantization 'none'");
    return Status::Ok();
  }
  if (rescore > kMaxRescore)
    return Status::InvalidArgument("rescore must be between 0 and " + std::to_string(kMaxRescore) + ", got " +
                                   std::to_string(rescore));
  if (rescore == 0 && q == Quantization::kBinary && metric == Metric::kManhattan)
    return Status::InvalidArgument("rescore 0 is not available for binary quantization under manhattan: its codes "
                                   "estimate euclidean distances only, so results are always re-ranked");
  return Status::Ok();
}

}  // namespace ruvector::detail
