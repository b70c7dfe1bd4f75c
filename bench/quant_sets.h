// The quantization benchmark's data sets, one definition for the tools that must
// measure the same vectors: quant_bench (docs/bench-quant.md) and binary_ceiling
// (docs/quantization.md, "What a code of this size can reach").
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include "datasets.h"

namespace ruvector::bench {

struct QuantSet {
  std::string title;  // e.g. "fashion-mnist-784", "clustered-768"
  Metric metric;
  testing::Dataset base, queries;
};

// name: fashion | clustered128 | clustered768. Full size: fashion 60,000 train images
// (euclidean), clustered-128 100,000 and clustered-768 50,000 vectors (cosine, 100
// clusters, seeds 128128 / 768768); `quick`: 10,000 base vectors. `nq` queries (fashion:
// the first test images; clustered: drawn with the base). Throws when fashion-mnist is
// not installed.
inline QuantSet load_quant_set(const std::string& name, bool quick, std::size_t nq) {
  QuantSet s;
  if (name == "fashion") {
    auto base = testing::load_fashion_mnist(true, quick ? 10000 : 60000);
    auto q = testing::load_fashion_mnist(false, nq);
    if (!base.ok() || !q.ok()) throw std::runtime_error("fashion-mnist is missing (make setup-bench)");
    s.base = std::move(base).value();
    s.queries = std::move(q).value();
    s.metric = Metric::kEuclidean;
    s.title = "fashion-mnist-784";
  } else {
    const std::size_t dim = name == "clustered128" ? 128 : 768;
    const std::size_t nb = quick ? 10000 : (dim == 128 ? 100000 : 50000);
    std::tie(s.base, s.queries) =
        testing::split(testing::make_clustered(nb + nq, dim, 100, dim == 128 ? 128128 : 768768), nb);
    s.metric = Metric::kCosine;
    s.title = "clustered-" + std::to_string(dim);
  }
  return s;
}

}  // namespace ruvector::bench
