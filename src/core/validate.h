// PRIVATE header. Input checks shared by every write and read path. Each returns
// its stable code (ruvector/status.h) and a message that says what was wrong and what was expected.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ruvector/json.h"
#include "ruvector/metric.h"
#include "ruvector/options.h"
#include "ruvector/status.h"

namespace ruvector::detail {

// Length and finiteness (zero vectors are valid under every metric: cosine scores them 1).
Status validate_vector(std::span<const float> v, std::uint32_t dimensions);

// 1..kMaxIdBytes bytes.
Status validate_id(std::string_view id);

// null or a JSON object.
Status validate_metadata(const Json& metadata);

// 1..kMaxDimensions.
Status validate_dimensions(std::uint32_t dimensions);

// Ranges of HnswParams fields.
Status validate_hnsw(const HnswParams& p);

// A re-ranking factor for `q` under `metric`: 1 for none, 0..kMaxRescore otherwise;
// 0 is refused for binary + manhattan (its codes only estimate euclidean distance).
Status validate_rescore(Quantization q, Metric metric, std::uint32_t rescore);

}  // namespace ruvector::detail
