#include "ruvector/metric.h"

#include <string>

namespace ruvector {
namespace {

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

Result<Metric> parse_metric(std::string_view name) {
  const std::string n = normalize_name(name);
  if (n == "euclidean" || n == "l2") return Metric::kEuclidean;
  if (n == "cosine") return Metric::kCosine;
  if (n == "dot" || n == "dotproduct" || n == "innerproduct" || n == "ip") return Metric::kDot;
  if (n == "manhattan" || n == "l1") return Metric::kManhattan;
  return Status::InvalidArgument("unknown metric '" + std::string(name) +
                                 "', expected one of euclidean (l2), cosine, dot (dotproduct, innerproduct, ip), "
                                 "manhattan (l1)");
}

const char* metric_name(Metric metric) noexcept {
  switch (metric) {
    case Metric::kEuclidean: return "euclidean";
    case Metric::kCosine: return "cosine";
    case Metric::kDot: return "dot";
    case Metric::kManhattan: return "manhattan";
  }
  return "unknown";
}

}  // namespace ruvector
