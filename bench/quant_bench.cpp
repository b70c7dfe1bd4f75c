// quant_bench: ruvector's quantization modes (none, int8, binary with re-ranking, binary
// without) against faiss IndexHNSWSQ (8-bit scalar quantizer) on the same data, same
// HNSW parameters, one run. For each dataset and mode: build time, heap bytes per vector
// (glibc mallinfo2 delta around open + insert, and info()'s components), and recall@10 /
// single-thread QPS (thread CPU time, median of 3 passes after a warm-up pass; the
// rows' passes interleaved, so load on a shared machine falls on every row alike) over
// an efSearch sweep. Summary: recall at every ef against our f32 rows, QPS at recall 0.95 (linear interpolation between sweep points) as a ratio to f32,
// and heap ratios, checked against the targets of docs/quantization.md.
//
// Usage: quant_bench [--quick] [--datasets fashion,clustered128,clustered768]
//                    [--modes none,int8,binary,faiss] [--queries N] [--write-md FILE]
//                    [--int8-rescores 2,3,0]  (the int8 rows: rescore values, 0 = no re-rank;
//                    2 is the default)
// Binary also runs on the flat (exact) index: brute force on the codes' estimates, so
// the estimator's recall is seen apart from the graph's.
// Cosine datasets (clustered): ruvector gets raw vectors and metric cosine; faiss gets
// unit-normalised copies with L2 (the same ranking).
#include <malloc.h>
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <faiss/IndexHNSW.h>
#include <faiss/IndexScalarQuantizer.h>

#include "datasets.h"
#include "quant_sets.h"
#include "ruvector/ruvector.h"

using ruvector::Metric;
using ruvector::Quantization;
using ruvector::testing::Dataset;

namespace {

constexpr std::size_t kK = 10;
// Built on one thread: a build on two is not deterministic (the f32 graph alone moved
// recall at ef 320 between 0.987 and 0.991 from run to run at 768-d, more than the 0.2 pt
// the int8 target allows), and on one every mode of a dataset gets the same graph (the
// graph is built on exact distances while the floats are in RAM), so the recall gaps
// are the codes' alone.
constexpr unsigned kM = 16, kEfConstruction = 40, kBuildThreads = 1;
const unsigned kEfs[] = {10, 20, 40, 80, 160, 320};

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

struct Point {
  unsigned ef;
  double recall, qps;
};
struct Row {
  std::string system, mode;  // e.g. "ruvector", "binary rescore 5"
  double build_s = 0, heap_per_vector = 0, heap_without_floats = 0;
  std::vector<Point> points;
};
struct Data {
  std::string name;
  Metric metric;
  Dataset base, queries, unit_base, unit_queries;
  std::vector<std::vector<std::uint32_t>> truth;
};

Data load(const std::string& name, bool quick, std::size_t nq) {
  ruvector::bench::QuantSet set = ruvector::bench::load_quant_set(name, quick, nq);
  Data d;
  d.name = std::move(set.title);
  d.metric = set.metric;
  d.base = std::move(set.base);
  d.queries = std::move(set.queries);
  d.unit_base = d.metric == Metric::kCosine ? ruvector::testing::unit_rows(d.base) : d.base;
  d.unit_queries = d.metric == Metric::kCosine ? ruvector::testing::unit_rows(d.queries) : d.queries;
  d.truth = ruvector::testing::brute_force_knn(d.base, d.queries, kK, d.metric);
  return d;
}

// Seconds of CPU time of the calling thread: the searches run one at a time on it, so
// this is what a query costs, without the time the thread waited for a core on a
// shared machine (wall-clock QPS varied 2x between back-to-back runs there).
double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// One row of the table being measured: the row and how it searches one query at one ef.
using SearchOne = std::function<void(std::size_t qi, unsigned ef, std::vector<std::uint32_t>& out)>;
struct Runner {
  Row row;
  SearchOne search_one;
  std::size_t efs = std::size(kEfs);  // how many of kEfs apply (the flat index ignores ef: one point)
  std::shared_ptr<void> keep;         // the database / index the search reads
};

// Measures every runner over the ef sweep with their passes interleaved, so load on a
// shared machine falls on all rows alike: per ef, one untimed pass of each runner (warms
// the caches, gives the recall), then kTimedPasses rounds of one timed pass of each
// runner in turn; QPS is queries / the median pass's thread CPU time.
constexpr int kTimedPasses = 3;
std::vector<std::uint32_t> int8_rescores = {2, 3, 0};
void sweep_interleaved(const Data& d, std::vector<Runner>& runners) {
  std::vector<std::vector<std::uint32_t>> got(d.queries.n);
  for (std::size_t e = 0; e < std::size(kEfs); ++e) {
    const unsigned ef = kEfs[e];
    std::vector<Runner*> active;
    for (Runner& r : runners)
      if (e < r.efs) active.push_back(&r);
    std::vector<std::vector<double>> times(active.size());
    std::vector<double> recall(active.size());
    for (std::size_t a = 0; a < active.size(); ++a) {
      for (std::size_t q = 0; q < d.queries.n; ++q) active[a]->search_one(q, ef, got[q]);
      recall[a] = ruvector::testing::recall_at_k(d.truth, got, kK);
    }
    for (int pass = 0; pass < kTimedPasses; ++pass)
      for (std::size_t a = 0; a < active.size(); ++a) {
        const double t0 = thread_cpu_s();
        for (std::size_t q = 0; q < d.queries.n; ++q) active[a]->search_one(q, ef, got[q]);
        times[a].push_back(thread_cpu_s() - t0);
      }
    for (std::size_t a = 0; a < active.size(); ++a) {
      std::sort(times[a].begin(), times[a].end());
      active[a]->row.points.push_back({ef, recall[a], static_cast<double>(d.queries.n) / times[a][times[a].size() / 2]});
    }
  }
}

std::string fmt(double v, int prec = 3) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

// Internal distance (as ruvector ranks): squared L2, or 1 - cos on the unit copies.
double exact_distance(const Data& d, std::size_t qi, std::size_t bi) {
  const float* a = (d.metric == Metric::kCosine ? d.unit_queries : d.queries).row(qi);
  const float* b = (d.metric == Metric::kCosine ? d.unit_base : d.base).row(bi);
  double s = 0;
  for (std::size_t j = 0; j < d.base.dim; ++j)
    s += d.metric == Metric::kCosine ? static_cast<double>(a[j]) * b[j] : (static_cast<double>(a[j]) - b[j]) * (a[j] - b[j]);
  return d.metric == Metric::kCosine ? 1.0 - s : s;
}

// Why 1-bit codes rank (or not): for the first 100 queries, the gap between the true
// 10th and 50th neighbours against the estimator's error (estimate - exact over the 50
// best by estimate, brute force on the codes at rescore 0), both relative to the 10th
// neighbour's distance; medians over the queries. Markdown line.
std::string estimator_vs_gap(const Data& d, const ruvector::Database& flat) {
  const std::size_t nq = std::min<std::size_t>(d.queries.n, 100);
  std::vector<double> gaps, errors, gaps11;
  std::vector<double> dist(d.base.n);
  for (std::size_t qi = 0; qi < nq; ++qi) {
    for (std::size_t b = 0; b < d.base.n; ++b) dist[b] = exact_distance(d, qi, b);
    std::vector<double> sorted = dist;
    std::nth_element(sorted.begin(), sorted.begin() + 50, sorted.end());
    std::sort(sorted.begin(), sorted.begin() + 51);
    const double d10 = sorted[9];
    gaps.push_back((sorted[49] - d10) / d10);
    gaps11.push_back((sorted[10] - d10) / d10);
    ruvector::SearchQuery sq;
    sq.vector = std::span<const float>(d.queries.row(qi), d.queries.dim);
    sq.k = 50;
    sq.rescore = 0;
    auto hits = flat.search(sq);
    if (!hits.ok()) continue;
    double sum = 0, sum2 = 0;
    for (const auto& h : *hits) {
      const double est = d.metric == Metric::kEuclidean ? static_cast<double>(h.score) * h.score : h.score;
      const double e = est - dist[std::stoul(h.id)];
      sum += e;
      sum2 += e * e;
    }
    const double n = static_cast<double>(hits->size());
    errors.push_back(std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n))) / d10);
  }
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  return "Binary estimator against the neighbour gaps (" + std::to_string(nq) +
         " queries, medians, relative to the true 10th neighbour's distance): 10th → 11th neighbour " +
         fmt(100 * median(gaps11), 2) + "%, 10th → 50th " + fmt(100 * median(gaps), 2) +
         "%; the estimator's error (standard deviation of estimate − exact over the 50 best by estimate) " +
         fmt(100 * median(errors), 2) + "%.\n\n";
}

// `flat`: the exact index, so a coded search is brute force on the codes' estimates
// (separates the estimator's quality from the graph's); `analysis` then receives
// estimator_vs_gap().
std::vector<Runner> run_ruvector(const Data& d, Quantization q, bool flat = false, std::string* analysis = nullptr) {
  ruvector::DatabaseOptions o;
  if (flat) o.index = ruvector::IndexKind::kFlat;
  o.dimensions = static_cast<std::uint32_t>(d.base.dim);
  o.metric = d.metric;
  o.quantization = q;
  o.threads = kBuildThreads;
  o.hnsw = ruvector::HnswParams{};
  o.hnsw->m = kM;
  o.hnsw->ef_construction = kEfConstruction;
  std::vector<std::string> ids(d.base.n);
  std::vector<ruvector::Entry> entries(d.base.n);
  for (std::size_t i = 0; i < d.base.n; ++i) {
    ids[i] = std::to_string(i);
    entries[i] = ruvector::Entry{ids[i], std::span<const float>(d.base.row(i), d.base.dim), nullptr};
  }
  const std::size_t heap0 = heap_in_use();
  const double t0 = now_s();
  auto opened = ruvector::Database::open(o);
  if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
  std::shared_ptr<ruvector::Database> db(std::move(opened).value());
  auto st = db->insert_batch(entries);
  if (!st.ok()) throw std::runtime_error(st.status().ToString());
  const double build = now_s() - t0;
  const double heap = static_cast<double>(heap_in_use() - heap0) / static_cast<double>(d.base.n);
  const ruvector::DatabaseInfo info = db->info();
  if (analysis) *analysis = estimator_vs_gap(d, *db);
  std::vector<std::optional<std::uint32_t>> rescores = {std::nullopt};
  if (q == Quantization::kBinary) rescores = {5, 3, 0};
  if (q == Quantization::kInt8) rescores.assign(int8_rescores.begin(), int8_rescores.end());
  std::vector<Runner> runners;
  for (auto rescore : rescores) {
    Runner run;
    Row& r = run.row;
    r.system = flat ? "ruvector flat (brute force)" : "ruvector";
    r.mode = ruvector::quantization_name(q);
    if (rescore) r.mode += *rescore == 0 ? " (no re-rank)" : " rescore " + std::to_string(*rescore);
    r.build_s = build;
    r.heap_per_vector = heap;
    r.heap_without_floats = heap - static_cast<double>(info.memory.floats) / static_cast<double>(d.base.n);
    run.search_one = [&d, db, rescore](std::size_t qi, unsigned ef, std::vector<std::uint32_t>& out) {
      ruvector::SearchQuery sq;
      sq.vector = std::span<const float>(d.queries.row(qi), d.queries.dim);
      sq.k = kK;
      sq.ef_search = ef;
      sq.rescore = rescore;
      auto hits = db->search(sq);
      out.clear();
      if (hits.ok())
        for (const auto& h : *hits) out.push_back(static_cast<std::uint32_t>(std::stoul(h.id)));
    };
    run.efs = flat ? 1 : std::size(kEfs);
    run.keep = db;
    runners.push_back(std::move(run));
  }
  return runners;
}

Runner run_faiss_sq8(const Data& d) {
  Runner run;
  Row& r = run.row;
  r.system = "faiss";
  r.mode = "IndexHNSWSQ 8-bit";
  omp_set_num_threads(static_cast<int>(kBuildThreads));
  const std::size_t heap0 = heap_in_use();
  const double t0 = now_s();
  auto owned = std::make_shared<faiss::IndexHNSWSQ>(static_cast<int>(d.base.dim), faiss::ScalarQuantizer::QT_8bit,
                                                   static_cast<int>(kM), faiss::METRIC_L2);
  faiss::IndexHNSWSQ& index = *owned;
  index.hnsw.efConstruction = static_cast<int>(kEfConstruction);
  index.train(static_cast<faiss::Index::idx_t>(d.unit_base.n), d.unit_base.data.data());
  index.add(static_cast<faiss::Index::idx_t>(d.unit_base.n), d.unit_base.data.data());
  r.build_s = now_s() - t0;
  r.heap_per_vector = static_cast<double>(heap_in_use() - heap0) / static_cast<double>(d.base.n);
  r.heap_without_floats = r.heap_per_vector;  // faiss keeps only the codes
  omp_set_num_threads(1);
  run.search_one = [&d, owned](std::size_t qi, unsigned ef, std::vector<std::uint32_t>& out) {
    owned->hnsw.efSearch = static_cast<int>(ef);
    float dist[kK];
    faiss::Index::idx_t labels[kK];
    owned->search(1, d.unit_queries.row(qi), static_cast<faiss::Index::idx_t>(kK), dist, labels);
    out.clear();
    for (std::size_t i = 0; i < kK; ++i)
      if (labels[i] >= 0) out.push_back(static_cast<std::uint32_t>(labels[i]));
  };
  run.keep = owned;
  return run;
}

// QPS at `target` recall, interpolated between the sweep points that bracket it; 0 when
// the sweep never reaches it.
double qps_at(const Row& r, double target) {
  for (std::size_t i = 0; i < r.points.size(); ++i) {
    if (r.points[i].recall < target) continue;
    if (i == 0) return r.points[0].qps;
    const Point& a = r.points[i - 1];
    const Point& b = r.points[i];
    const double t = (target - a.recall) / std::max(b.recall - a.recall, 1e-12);
    return a.qps + t * (b.qps - a.qps);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::size_t nq = 1000;
  std::vector<std::string> datasets = {"fashion", "clustered128", "clustered768"};
  std::string write_md;
  std::string modes;  // empty: all; else a list such as "none,binary,faiss" (none is the baseline: keep it first)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--queries" && i + 1 < argc) {
      nq = std::stoul(argv[++i]);
    } else if (a == "--datasets" && i + 1 < argc) {
      datasets.clear();
      std::stringstream ss(argv[++i]);
      for (std::string s; std::getline(ss, s, ',');) datasets.push_back(s);
    } else if (a == "--modes" && i + 1 < argc) {
      modes = argv[++i];
    } else if (a == "--int8-rescores" && i + 1 < argc) {
      int8_rescores.clear();
      std::stringstream ss(argv[++i]);
      for (std::string v; std::getline(ss, v, ',');) int8_rescores.push_back(static_cast<std::uint32_t>(std::stoul(v)));
    } else if (a == "--write-md" && i + 1 < argc) {
      write_md = argv[++i];
    } else {
      std::fprintf(stderr, "usage: quant_bench [--quick] [--queries N] [--datasets LIST] [--modes none,int8,binary,faiss] [--int8-rescores LIST] [--write-md FILE]\n");
      return 2;
    }
  }
  std::ostringstream md;
  md << "# Quantization benchmark (C++)\n\n"
     << "Generated by `bench/quant_bench.cpp` (`make bench`). HNSW M=" << kM << ", efConstruction="
     << kEfConstruction << ", build on one thread (deterministic: every mode of a dataset gets the same graph, so the "
     << "recall gaps are the codes' alone), searches single-threaded one query at a "
     << "time (QPS = queries / thread CPU seconds, median of " << kTimedPasses << " passes after an untimed one, the rows' passes "
     << "interleaved: robust to other work on a shared machine), k=" << kK << ", SIMD level " << ruvector::simd_level_name(ruvector::active_simd_level())
     << ". Heap = glibc `mallinfo2` in-use bytes after open + insert minus before, per vector. "
     << "\"heap w/o floats\" subtracts the float vectors ruvector keeps in RAM (info().memory.floats): what the heap "
     << "holds besides them (codes, graph, ids); it is derived from the measured heap of these in-memory "
     << "databases (durable databases keep the floats in the store by default: measured in docs/quantization.md, "
     << "\"Heap by float placement\").\n\n";
  for (const std::string& name : datasets) {
    std::fprintf(stderr, "quant_bench: %s: loading and computing the truth\n", name.c_str());
    const Data d = load(name, quick, nq);
    std::vector<Runner> runners;
    std::string analysis;
    for (Quantization q : {Quantization::kNone, Quantization::kInt8, Quantization::kBinary}) {
      if (!modes.empty() && modes.find(ruvector::quantization_name(q)) == std::string::npos) continue;
      std::fprintf(stderr, "quant_bench: %s: ruvector %s\n", d.name.c_str(), ruvector::quantization_name(q));
      for (Runner& r : run_ruvector(d, q)) runners.push_back(std::move(r));
    }
    if (modes.empty() || modes.find("binary") != std::string::npos) {
      std::fprintf(stderr, "quant_bench: %s: ruvector flat binary\n", d.name.c_str());
      for (Runner& r : run_ruvector(d, Quantization::kBinary, true, &analysis)) runners.push_back(std::move(r));
    }
    if (modes.empty() || modes.find("faiss") != std::string::npos) {
      std::fprintf(stderr, "quant_bench: %s: faiss IndexHNSWSQ\n", d.name.c_str());
      runners.push_back(run_faiss_sq8(d));
    }
    std::fprintf(stderr, "quant_bench: %s: searching (%zu rows, passes interleaved)\n", d.name.c_str(), runners.size());
    sweep_interleaved(d, runners);
    std::vector<Row> rows;
    for (Runner& r : runners) rows.push_back(std::move(r.row));
    runners.clear();
    md << "## " << d.name << " (" << d.base.n << " base, " << d.queries.n << " queries, "
       << ruvector::metric_name(d.metric) << ")\n\n| system | mode | build s | heap B/vector | heap w/o floats |";
    for (unsigned ef : kEfs) md << " ef " << ef << " recall / QPS |";
    md << "\n|---|---|---|---|---|";
    for (std::size_t i = 0; i < std::size(kEfs); ++i) md << "---|";
    md << "\n";
    for (const Row& r : rows) {
      md << "| " << r.system << " | " << r.mode << " | " << fmt(r.build_s, 1) << " | " << fmt(r.heap_per_vector, 0)
         << " | " << fmt(r.heap_without_floats, 0) << " |";
      for (const Point& p : r.points) md << " " << fmt(p.recall) << " / " << fmt(p.qps, 0) << " |";
      for (std::size_t i = r.points.size(); i < std::size(kEfs); ++i) md << " (any ef: flat) |";
      md << "\n";
    }
    const Row& f32 = rows[0];
    md << "\n| mode | worst recall gap to f32 over the sweep (pt) | QPS at recall 0.95 / f32 | heap / f32 | "
          "heap w/o floats / f32 |\n|---|---|---|---|---|\n";
    const double f32_qps = qps_at(f32, 0.95);
    for (const Row& r : rows) {
      double gap = 0;
      for (std::size_t i = 0; i < r.points.size() && i < f32.points.size(); ++i)
        gap = std::max(gap, (f32.points[i].recall - r.points[i].recall) * 100.0);
      const double q = qps_at(r, 0.95);
      md << "| " << r.system << " " << r.mode << " | " << fmt(gap, 2) << " | "
         << (q > 0 && f32_qps > 0 ? fmt(q / f32_qps, 2) : std::string("not reached")) << " | "
         << fmt(r.heap_per_vector / f32.heap_per_vector, 3) << " | "
         << fmt(r.heap_without_floats / f32.heap_per_vector, 3) << " |\n";
    }
    md << "\n" << analysis;
    std::fputs(md.str().c_str(), stderr);
  }
  if (!write_md.empty()) {
    std::ofstream(write_md) << md.str();
  } else {
    std::fputs(md.str().c_str(), stdout);
  }
  return 0;
}
