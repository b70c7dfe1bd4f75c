#include "datasets.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <random>
#include <thread>
#include <unordered_set>

namespace ruvector::testing {
namespace {

Result<std::vector<unsigned char>> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Status::NotFound("cannot open " + path + " (apt-get install dataset-fashion-mnist)");
  std::vector<unsigned char> out;
  unsigned char buf[1 << 16];
  int got = 0;
  while ((got = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + got);
  const bool bad = got < 0;
  gzclose(f);
  if (bad) return Status::Corruption("cannot decompress " + path);
  return out;
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

}  // namespace

std::string fashion_mnist_dir() {
  const char* env = std::getenv("RUVECTOR_FASHION_MNIST_DIR");
  return env != nullptr ? env : "/usr/share/datasets/fashion-mnist";
}

Result<Dataset> load_fashion_mnist(bool train, std::size_t limit) {
  const std::string prefix = fashion_mnist_dir() + (train ? "/train" : "/t10k");
  RUVECTOR_ASSIGN_OR_RETURN(auto images, read_gz(prefix + "-images-idx3-ubyte.gz"));
  RUVECTOR_ASSIGN_OR_RETURN(auto labels, read_gz(prefix + "-labels-idx1-ubyte.gz"));
  if (images.size() < 16 || be32(images.data()) != 0x803 || labels.size() < 8 || be32(labels.data()) != 0x801)
    return Status::Corruption("fashion-mnist: bad idx header");
  const std::size_t n = be32(images.data() + 4), rows = be32(images.data() + 8), cols = be32(images.data() + 12);
  if (images.size() != 16 + n * rows * cols || labels.size() != 8 + n) return Status::Corruption("fashion-mnist: bad size");
  Dataset d;
  d.dim = rows * cols;
  d.n = (limit > 0 && limit < n) ? limit : n;
  d.data.resize(d.n * d.dim);
  d.labels.resize(d.n);
  for (std::size_t i = 0; i < d.n * d.dim; ++i) d.data[i] = static_cast<float>(images[16 + i]);
  for (std::size_t i = 0; i < d.n; ++i) d.labels[i] = labels[8 + i];
  return d;
}

Dataset make_clustered(std::size_t n, std::size_t dim, std::size_t clusters, std::uint64_t seed, float spread) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uni(-1.f, 1.f);
  std::normal_distribution<float> gauss(0.f, spread);
  std::vector<float> centres(clusters * dim);
  for (auto& c : centres) c = uni(rng);
  Dataset d;
  d.dim = dim;
  d.n = n;
  d.data.resize(n * dim);
  d.labels.resize(n);
  std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = pick(rng);
    d.labels[i] = static_cast<std::int32_t>(c);
    for (std::size_t j = 0; j < dim; ++j) d.data[i * dim + j] = centres[c * dim + j] + gauss(rng);
  }
  return d;
}

Dataset unit_rows(const Dataset& d) {
  Dataset r = d;
  for (std::size_t i = 0; i < r.n; ++i) {
    float* row = r.data.data() + i * r.dim;
    double s = 0;
    for (std::size_t j = 0; j < r.dim; ++j) s += static_cast<double>(row[j]) * row[j];
    const float inv = s > 0 ? static_cast<float>(1.0 / std::sqrt(s)) : 0.0f;
    for (std::size_t j = 0; j < r.dim; ++j) row[j] *= inv;
  }
  return r;
}

std::pair<Dataset, Dataset> split(const Dataset& all, std::size_t n_base) {
  Dataset base, rest;
  base.dim = rest.dim = all.dim;
  base.n = std::min(n_base, all.n);
  rest.n = all.n - base.n;
  const auto cut = all.data.begin() + static_cast<std::ptrdiff_t>(base.n * all.dim);
  base.data.assign(all.data.begin(), cut);
  rest.data.assign(cut, all.data.end());
  if (!all.labels.empty()) {
    base.labels.assign(all.labels.begin(), all.labels.begin() + static_cast<std::ptrdiff_t>(base.n));
    rest.labels.assign(all.labels.begin() + static_cast<std::ptrdiff_t>(base.n), all.labels.end());
  }
  return {std::move(base), std::move(rest)};
}

double reference_score(const float* a, const float* b, std::size_t dim, Metric metric) {
  double dot = 0, na = 0, nb = 0, l2 = 0, l1 = 0;
  for (std::size_t i = 0; i < dim; ++i) {
    const double x = a[i], y = b[i];
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) * (x - y);
    l1 += std::fabs(x - y);
  }
  switch (metric) {
    case Metric::kEuclidean: return std::sqrt(l2);
    case Metric::kCosine: return (na == 0 || nb == 0) ? 1.0 : 1.0 - dot / (std::sqrt(na) * std::sqrt(nb));
    case Metric::kDot: return -dot;
    case Metric::kManhattan: return l1;
  }
  return 0;
}

std::vector<std::vector<std::uint32_t>> brute_force_knn(const Dataset& base, const Dataset& queries, std::size_t k,
                                                        Metric metric) {
  std::vector<std::vector<std::uint32_t>> out(queries.n);
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      std::vector<std::pair<double, std::uint32_t>> scored(base.n);
      for (std::size_t q = w; q < queries.n; q += workers) {
        for (std::size_t i = 0; i < base.n; ++i)
          scored[i] = {reference_score(queries.row(q), base.row(i), base.dim, metric), static_cast<std::uint32_t>(i)};
        const std::size_t kk = std::min(k, base.n);
        std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(kk), scored.end());
        for (std::size_t i = 0; i < kk; ++i) out[q].push_back(scored[i].second);
      }
    });
  }
  for (auto& t : pool) t.join();
  return out;
}

double recall_at_k(const std::vector<std::vector<std::uint32_t>>& truth,
                   const std::vector<std::vector<std::uint32_t>>& got, std::size_t k) {
  if (truth.empty()) return 1.0;
  double sum = 0;
  for (std::size_t q = 0; q < truth.size(); ++q) {
    const std::size_t kk = std::min(k, truth[q].size());
    if (kk == 0) { sum += 1; continue; }
    std::unordered_set<std::uint32_t> want(truth[q].begin(), truth[q].begin() + static_cast<std::ptrdiff_t>(kk));
    std::size_t hit = 0;
    for (std::size_t i = 0; i < std::min(kk, got[q].size()); ++i) hit += want.count(got[q][i]);
    sum += static_cast<double>(hit) / static_cast<double>(kk);
  }
  return sum / static_cast<double>(truth.size());
}

SearchQuery query_of(const Dataset& queries, std::size_t q, std::size_t k, std::optional<std::uint32_t> rescore) {
  SearchQuery sq;
  sq.vector = std::span<const float>(queries.row(q), queries.dim);
  sq.k = k;
  sq.rescore = rescore;
  return sq;
}

}  // namespace ruvector::testing
