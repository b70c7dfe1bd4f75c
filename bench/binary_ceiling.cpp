// binary_ceiling: the recall@10 that brute force on a code's distance estimates reaches
// without re-ranking, for our binary codec and for an ideal code of the same size, on
// the quant_bench datasets (docs/quantization.md, "What a code of this size can reach").
//
// The ideal code is simulated with the Gaussian test channel of rate-distortion theory:
// for a Gaussian source of variance s2 a dimension, no code of R bits a dimension
// reconstructs with a mean squared error below D(R) = s2 2^(-2R) (the Shannon bound),
// and the test channel reaches it: the reconstruction of residual r = x - c is
//   rhat = a r + N(0, a D(R)) per dimension, a = 1 - D(R) / s2,
// with E[r | rhat] = rhat, so <q - c, rhat> is the best estimate of <q - c, r> any
// decoder could form from it. For a query direction independent of the code, the
// error of any estimate of <q - c, r> has a variance of at least |q - c|^2 D(R): the
// simulation is an optimistic stand-in for the best code of R bits a dimension, not a
// code anyone can build (finite D, and practical codes stay above the bound).
// Two rankings are reported for it, brute force over every base vector:
//   test channel:  |q - (c + rhat)|^2
//   + exact norm:  |q - c|^2 - 2 <q - c, rhat> + |r|^2   (|r|^2 stored with the code)
// Centres c: the clusters' own means (the generator's labels: an oracle no codec has)
// and our codec's k-means centres (BinaryCodec::train on every base vector). s2 is the
// residuals' mean square per dimension. Rates: 1 bit a dimension, the whole budget of
// our code (code bytes * 8 / D, i.e. D/8 + 8 bytes at 768-d: 1.083) and 2 bits.
// Cosine sets are ranked on unit vectors (squared L2 there orders as cosine does).
//
// Also: the standard deviation of (estimate - exact) over each query's true 50 nearest,
// relative to its true 10th neighbour's distance (median over the queries), beside the
// gap between the true 10th and 50th neighbours: an estimator ranks the 10 well only
// when its error is well below that gap.
//
// Usage: binary_ceiling [--datasets clustered768,clustered128,fashion] [--queries N] [--ours-only]
// Deterministic (fixed seeds). Single-threaded apart from the ground truth.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "datasets.h"
#include "quant_sets.h"
#include "quant/binary_codec.h"
#include "simd/kernels.h"
#include "simd/quant_kernels.h"

using ruvector::Metric;
using ruvector::testing::Dataset;

namespace {

constexpr std::size_t kK = 10, kGapRank = 50;

struct Set {
  std::string name;
  Metric metric;
  Dataset base, queries;
  std::vector<float> work_base, work_queries;  // unit rows under cosine, else the rows
  std::vector<std::vector<std::uint32_t>> truth;
  std::vector<std::vector<double>> true_dist;  // per query: exact squared L2 (work space) of truth[q][0..kGapRank)
  std::vector<std::vector<std::uint32_t>> near;  // per query: the true kGapRank nearest
};

std::vector<float> work_rows(const Dataset& d, Metric metric) {
  return metric == Metric::kCosine ? ruvector::testing::unit_rows(d).data : d.data;
}

double l2sq(const float* a, const float* b, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
  return s;
}

Set load(const std::string& name, std::size_t nq) {
  ruvector::bench::QuantSet set = ruvector::bench::load_quant_set(name, /*quick=*/false, nq);
  Set s;
  s.name = std::move(set.title);
  s.metric = set.metric;
  s.base = std::move(set.base);
  s.queries = std::move(set.queries);
  s.work_base = work_rows(s.base, s.metric);
  s.work_queries = work_rows(s.queries, s.metric);
  s.near = ruvector::testing::brute_force_knn(s.base, s.queries, kGapRank, s.metric);
  for (const auto& nn : s.near) s.truth.emplace_back(nn.begin(), nn.begin() + kK);
  const std::size_t dim = s.base.dim;
  s.true_dist.resize(s.queries.n);
  for (std::size_t q = 0; q < s.queries.n; ++q)
    for (std::uint32_t b : s.near[q])
      s.true_dist[q].push_back(l2sq(s.work_queries.data() + q * dim, s.work_base.data() + b * dim, dim));
  return s;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

struct Outcome {
  double recall, error;  // recall@10; median relative error (see the header)
};

// Brute force with `estimate(q, scores)` filling one squared-L2 estimate per base row.
template <class Estimate>
Outcome rank_all(const Set& s, Estimate&& estimate) {
  std::vector<double> est(s.base.n);
  std::vector<std::uint32_t> order(s.base.n);
  std::vector<std::vector<std::uint32_t>> got(s.queries.n);
  std::vector<double> errors;
  for (std::size_t q = 0; q < s.queries.n; ++q) {
    estimate(q, est);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::partial_sort(order.begin(), order.begin() + kK, order.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return est[a] < est[b] || (est[a] == est[b] && a < b); });
    got[q].assign(order.begin(), order.begin() + kK);
    double sum = 0, sum2 = 0;
    for (std::size_t i = 0; i < s.near[q].size(); ++i) {
      const double e = est[s.near[q][i]] - s.true_dist[q][i];
      sum += e;
      sum2 += e * e;
    }
    const double n = static_cast<double>(s.near[q].size());
    errors.push_back(std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n))) / s.true_dist[q][kK - 1]);
  }
  return {ruvector::testing::recall_at_k(s.truth, got, kK), median(errors)};
}

// Our codec, as the database uses it: trained on every base vector in id order, each
// vector encoded, each query prepared once.
Outcome ours(const Set& s, ruvector::detail::BinaryCodec& codec) {
  std::vector<const float*> sample(s.base.n);
  for (std::size_t i = 0; i < s.base.n; ++i) sample[i] = s.base.row(i);
  codec.train(sample);
  const std::size_t words = codec.code_bytes() / 8;
  std::vector<std::uint64_t> codes(s.base.n * words);
  for (std::size_t i = 0; i < s.base.n; ++i)
    codec.encode(s.base.row(i), reinterpret_cast<std::uint8_t*>(codes.data() + i * words));
  const auto& kernels = ruvector::detail::active_quant_kernels();
  const double to_l2sq = s.metric == Metric::kCosine ? 2.0 : 1.0;  // cosine's internal distance is |q' - x'|^2 / 2
  ruvector::detail::QueryCodes qc;
  return rank_all(s, [&](std::size_t q, std::vector<double>& est) {
    codec.prepare(s.queries.row(q), qc);
    for (std::size_t i = 0; i < s.base.n; ++i)
      est[i] = to_l2sq * codec.distance(qc, reinterpret_cast<const std::uint8_t*>(codes.data() + i * words), kernels);
  });
}

// The ideal code of `rate` bits a dimension around centres `centres` (row j = centre j;
// `centre_of[i]` = base row i's), both rankings (see the header).
std::pair<Outcome, Outcome> ideal(const Set& s, const std::vector<float>& centres, const std::vector<std::uint32_t>& centre_of,
                                  double rate) {
  const std::size_t dim = s.base.dim, n = s.base.n, kc = centres.size() / dim;
  std::vector<float> r(n * dim);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dim; ++d) {
      r[i * dim + d] = s.work_base[i * dim + d] - centres[centre_of[i] * dim + d];
      total += static_cast<double>(r[i * dim + d]) * r[i * dim + d];
    }
  const double s2 = total / static_cast<double>(n * dim), dist = s2 * std::pow(2.0, -2.0 * rate), a = 1.0 - dist / s2;
  std::mt19937_64 rng(0x1dea1c0deull);
  std::normal_distribution<double> noise(0.0, std::sqrt(a * dist));
  std::vector<float> rhat(n * dim);
  std::vector<double> c_dot_rhat(n), rhat_sq(n), r_sq(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float* c = centres.data() + centre_of[i] * dim;
    for (std::size_t d = 0; d < dim; ++d) {
      const double v = a * r[i * dim + d] + noise(rng);
      rhat[i * dim + d] = static_cast<float>(v);
      c_dot_rhat[i] += c[d] * v;
      rhat_sq[i] += v * v;
      r_sq[i] += static_cast<double>(r[i * dim + d]) * r[i * dim + d];
    }
  }
  const auto& k = ruvector::detail::active_kernels();
  std::vector<double> q_minus_c_sq(kc);
  std::vector<double> cross;  // <q - c, rhat> per base row, for the query being ranked
  std::size_t cross_query = s.queries.n;
  auto prepare = [&](std::size_t q) {
    if (cross_query == q) return;
    const float* x = s.work_queries.data() + q * dim;
    for (std::size_t j = 0; j < kc; ++j) q_minus_c_sq[j] = l2sq(x, centres.data() + j * dim, dim);
    cross.resize(n);
    for (std::size_t i = 0; i < n; ++i) cross[i] = static_cast<double>(k.dot(x, rhat.data() + i * dim, dim)) - c_dot_rhat[i];
    cross_query = q;
  };
  const Outcome channel = rank_all(s, [&](std::size_t q, std::vector<double>& est) {
    prepare(q);
    for (std::size_t i = 0; i < n; ++i) est[i] = q_minus_c_sq[centre_of[i]] - 2.0 * cross[i] + rhat_sq[i];
  });
  const Outcome exact_norm = rank_all(s, [&](std::size_t q, std::vector<double>& est) {
    prepare(q);
    for (std::size_t i = 0; i < n; ++i) est[i] = q_minus_c_sq[centre_of[i]] - 2.0 * cross[i] + r_sq[i];
  });
  return {channel, exact_norm};
}

// Gap between the true 10th and 50th neighbours relative to the 10th (median).
double gap(const Set& s) {
  std::vector<double> g;
  for (const auto& d : s.true_dist) g.push_back((d[kGapRank - 1] - d[kK - 1]) / d[kK - 1]);
  return median(g);
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f%%", 100 * v);
  return b;
}
std::string fix(double v, int prec = 3) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

void run(const std::string& name, std::size_t nq, bool with_ideal) {
  const Set s = load(name, nq);
  const std::size_t dim = s.base.dim, n = s.base.n;
  ruvector::detail::BinaryCodec codec(dim, s.metric, 42);
  const double budget_rate = static_cast<double>(codec.code_bytes() * 8) / static_cast<double>(dim);
  std::printf("\n### %s (%zu base, %zu queries; %zu-byte binary codes)\n\n", s.name.c_str(), n, s.queries.n,
              codec.code_bytes());
  std::printf("True 10th -> 50th neighbour gap: %s of the 10th's distance (median).\n\n", pct(gap(s)).c_str());
  std::printf("| code | centres | recall@10 | estimate error |\n|---|---|---|---|\n");
  const Outcome o = ours(s, codec);
  std::printf("| ours: 1-bit RaBitQ-style, %zu B | k-means (%zu) | %s | %s |\n", codec.code_bytes(), codec.centroids(),
              fix(o.recall).c_str(), pct(o.error).c_str());
  std::fflush(stdout);
  if (!with_ideal) return;

  // Centre sets: k-means (the codec's), and the clusters' means (clustered sets only).
  std::vector<std::pair<std::string, std::pair<std::vector<float>, std::vector<std::uint32_t>>>> centre_sets;
  {
    std::vector<float> c(codec.centroids() * dim);
    std::vector<std::uint32_t> of(n);
    for (std::size_t j = 0; j < codec.centroids(); ++j) std::copy_n(codec.centroid(j), dim, c.begin() + static_cast<std::ptrdiff_t>(j * dim));
    for (std::size_t i = 0; i < n; ++i) of[i] = static_cast<std::uint32_t>(codec.nearest_centroid_of(s.base.row(i)));
    centre_sets.push_back({"k-means (" + std::to_string(codec.centroids()) + ")", {std::move(c), std::move(of)}});
  }
  if (s.name != "fashion-mnist-784") {
    std::size_t kc = 0;
    for (std::int32_t l : s.base.labels) kc = std::max<std::size_t>(kc, static_cast<std::size_t>(l) + 1);
    std::vector<double> sum(kc * dim);
    std::vector<std::size_t> count(kc);
    for (std::size_t i = 0; i < n; ++i) {
      const auto l = static_cast<std::size_t>(s.base.labels[i]);
      ++count[l];
      for (std::size_t d = 0; d < dim; ++d) sum[l * dim + d] += s.work_base[i * dim + d];
    }
    std::vector<float> c(kc * dim);
    for (std::size_t j = 0; j < kc * dim; ++j) c[j] = count[j / dim] ? static_cast<float>(sum[j] / static_cast<double>(count[j / dim])) : 0.0f;
    std::vector<std::uint32_t> of(s.base.labels.begin(), s.base.labels.end());
    centre_sets.push_back({"true cluster means (" + std::to_string(kc) + ")", {std::move(c), std::move(of)}});
  }
  for (const auto& [label, cs] : centre_sets)
    for (double rate : {1.0, budget_rate, 2.0}) {
      const auto [channel, exact_norm] = ideal(s, cs.first, cs.second, rate);
      const std::string bytes = std::to_string(static_cast<std::size_t>(std::lround(rate * static_cast<double>(dim) / 8)));
      std::printf("| ideal %s bit/dim (%s B), test channel | %s | %s | %s |\n", fix(rate, 3).c_str(), bytes.c_str(),
                  label.c_str(), fix(channel.recall).c_str(), pct(channel.error).c_str());
      std::printf("| ideal %s bit/dim (%s B), + exact norm | %s | %s | %s |\n", fix(rate, 3).c_str(), bytes.c_str(),
                  label.c_str(), fix(exact_norm.recall).c_str(), pct(exact_norm.error).c_str());
      std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t nq = 1000;
  bool with_ideal = true;
  std::vector<std::string> datasets = {"clustered768", "clustered128", "fashion"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--queries" && i + 1 < argc) {
      nq = std::stoul(argv[++i]);
    } else if (a == "--ours-only") {
      with_ideal = false;
    } else if (a == "--datasets" && i + 1 < argc) {
      datasets.clear();
      std::stringstream ss(argv[++i]);
      for (std::string d; std::getline(ss, d, ',');) datasets.push_back(d);
    } else {
      std::fprintf(stderr, "usage: binary_ceiling [--datasets clustered768,clustered128,fashion] [--queries N] [--ours-only]\n");
      return 2;
    }
  }
  try {
    for (const auto& d : datasets) run(d, nq, with_ideal);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "binary_ceiling: %s\n", e.what());
    return 1;
  }
  return 0;
}
