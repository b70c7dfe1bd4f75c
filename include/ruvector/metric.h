// Metric: how two vectors are compared. Every score is a distance: lower is better.
//
//   kEuclidean  L2 distance (not squared)           aliases: euclidean, l2
//   kCosine     1 - cos(a, b), in [0, 2] (default)   aliases: cosine
//   kDot        -(a . b)                            aliases: dot, dotproduct, innerproduct, ip
//   kManhattan  L1 distance                         aliases: manhattan, l1
#pragma once

#include <string_view>

#include "ruvector/result.h"

namespace ruvector {

enum class Metric : int { kEuclidean = 0, kCosine = 1, kDot = 2, kManhattan = 3 };

// Case-insensitive; '_', '-' and ' ' are ignored ("Dot_Product" == "dotproduct").
// Unknown names are INVALID_ARGUMENT naming the accepted ones.
Result<Metric> parse_metric(std::string_view name);

// Canonical lowercase name: "euclidean", "cosine", "dot", "manhattan".
const char* metric_name(Metric metric) noexcept;

}  // namespace ruvector
