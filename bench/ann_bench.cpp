// ann_bench: ruvector against hnswlib, usearch and faiss, same data, same parameters, one run.
//
// Systems (each peer built the way its users build it; see bench/CMakeLists.txt):
//   ruvector        the library as shipped: no -march, distance kernels chosen at run time;
//   hnswlib         Debian's hnswlib header compiled with -march=native (own shared object);
//   hnswlib-debian  the same header with the project's flags (SSE kernels), for reference;
//   usearch         usearch's C++ index from its npm package's headers, -march=native;
//   faiss           Debian's libfaiss as shipped (a generic build).
//
// For every dataset and system:
//   build    wall time of constructing the index and adding every base vector, using
//            --threads workers (hnswlib, usearch: add from std::threads as in hnswlib's
//            ParallelFor; faiss: add() under OpenMP; ruvector: insert_batch with
//            DatabaseOptions::threads);
//   memory   heap in use (glibc mallinfo2: uordblks + hblkhd) after minus before the build,
//            minus the raw floats (n * dim * 4), per vector; and the same for process RSS;
//   search   one query at a time on one thread, k = 10, for every ef in the sweep:
//            recall@10 against brute-force ground truth and queries per second.
// Summary per system: smallest ef of the sweep reaching recall@10 >= 0.95 / >= 0.99 and its
// QPS, plus ratios ours / peer. Headline: ruvector's batch insert of the clustered 128-d set
// at DEFAULT parameters (only dimensions and metric set) and its recall at the default ef.
//
// Cosine: ruvector gets the raw vectors and metric cosine; the peers get unit-normalised
// copies and inner product, which is how they do cosine. Ground truth is exact cosine on
// the raw vectors.
//
// Usage: ann_bench [--quick] [--datasets fashion,clustered128,clustered768]
//                  [--systems ruvector,hnswlib,hnswlib-debian,usearch,faiss] [--m 16] [--ef-construction 100]
//                  [--threads N] [--ef-sweep 10,16,...] [--base N] [--queries N]
//                  [--json FILE] [--write-md FILE] [--cache-dir DIR | --no-cache]
#include <malloc.h>
#include <omp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <faiss/IndexHNSW.h>
#include <faiss/utils/utils.h>
#include <hnswlib/hnswlib.h>
#include <nlohmann/json.hpp>

#include "datasets.h"
#include "peers/hnswlib_kernel.h"
#include "peers/parallel_rows.h"
#include "peers/peer.h"

#ifndef RUVECTOR_BENCH_ENGINE
#define RUVECTOR_BENCH_ENGINE 1
#endif
#if RUVECTOR_BENCH_ENGINE
#include "ruvector/ruvector.h"
#endif

#ifndef RUVECTOR_BENCH_CACHE_DIR
#define RUVECTOR_BENCH_CACHE_DIR ""
#endif
#ifndef RUVECTOR_BENCH_HNSWLIB_PACKAGE
#define RUVECTOR_BENCH_HNSWLIB_PACKAGE "unknown"
#endif
#ifndef RUVECTOR_BENCH_FAISS_PACKAGE
#define RUVECTOR_BENCH_FAISS_PACKAGE "unknown"
#endif
#ifndef RUVECTOR_BENCH_CXX_FLAGS
#define RUVECTOR_BENCH_CXX_FLAGS ""
#endif

namespace {

using ruvector::Metric;
using ruvector::testing::Dataset;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr double kTargets[2] = {0.95, 0.99};

// ---------------------------------------------------------------- configuration

struct Config {
  bool quick = false;
  bool headline_only = false;  // only the default-parameter headline and reopen (clustered128)
  std::vector<std::string> datasets = {"fashion", "clustered128", "clustered768"};
  std::vector<std::string> systems;
  std::uint32_t m = 16;
  std::uint32_t ef_construction = 100;
  unsigned threads = 0;  // build threads; 0 = every core
  std::size_t k = 10;
  std::vector<unsigned> ef_sweep = {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};
  std::size_t base_override = 0;
  std::size_t queries_override = 0;
  std::size_t warmup_queries = 100;  // untimed queries before every timed pass, every system
  double min_seconds = 0.5;          // timed passes repeat until this much time has accumulated
  std::size_t min_passes = 2;        // ... and at least this many passes; QPS of the fastest pass
  std::string json_path;
  std::string md_path;
  std::string cache_dir = RUVECTOR_BENCH_CACHE_DIR;
  std::string command_line;
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "ann_bench: %s\n", msg.c_str());
  std::exit(2);
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

unsigned long long parse_uint(const std::string& s, const char* flag) {
  unsigned long long v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) die(std::string("bad number for ") + flag + ": '" + s + "'");
  return v;
}

void usage() {
  std::printf(
      "usage: ann_bench [options]\n"
      "  --quick                 small subsets (10k base, 200 queries) for a smoke test\n"
      "  --headline-only         only ruvector's default-parameter batch insert and durable reopen\n"
      "                          (clustered128; no peers, no sweep)\n"
      "  --datasets LIST         fashion,clustered128,clustered768 (default: all)\n"
      "  --systems LIST          ruvector,hnswlib,hnswlib-debian,usearch,faiss (default: all built in)\n"
      "  --m N                   HNSW M for every system (default 16)\n"
      "  --ef-construction N     HNSW efConstruction for every system (default 100)\n"
      "  --threads N             build threads for every system (default: every core)\n"
      "  --ef-sweep LIST         search ef values (default 10,16,24,32,48,64,96,128,192,256,384,512)\n"
      "  --base N, --queries N   override the dataset sizes\n"
      "  --min-seconds S         minimum timed seconds per ef (default 0.5, --quick 0.05);\n"
      "                          at least 2 passes, QPS of the fastest pass\n"
      "  --json FILE             write machine-readable results\n"
      "  --write-md FILE         write the Markdown report (e.g. docs/benchmarks.md)\n"
      "  --cache-dir DIR         ground-truth cache (default: <build>/bench/cache)\n"
      "  --no-cache              always recompute ground truth\n");
}

Config parse_args(int argc, char** argv) {
  Config c;
  bool min_seconds_set = false;
  for (int i = 0; i < argc; ++i) c.command_line += (i ? " " : "") + std::string(argv[i]);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage();
      std::exit(0);
    } else if (a == "--headline-only") {
      c.headline_only = true;
      c.datasets = {"clustered128"};
      c.systems = {"ruvector"};
    } else if (a == "--quick") {
      c.quick = true;
    } else if (a == "--datasets") {
      c.datasets = split_list(next());
    } else if (a == "--systems") {
      c.systems = split_list(next());
    } else if (a == "--m") {
      c.m = static_cast<std::uint32_t>(parse_uint(next(), "--m"));
    } else if (a == "--ef-construction") {
      c.ef_construction = static_cast<std::uint32_t>(parse_uint(next(), "--ef-construction"));
    } else if (a == "--threads") {
      c.threads = static_cast<unsigned>(parse_uint(next(), "--threads"));
    } else if (a == "--ef-sweep") {
      c.ef_sweep.clear();
      for (const auto& s : split_list(next())) c.ef_sweep.push_back(static_cast<unsigned>(parse_uint(s, "--ef-sweep")));
    } else if (a == "--base") {
      c.base_override = parse_uint(next(), "--base");
    } else if (a == "--queries") {
      c.queries_override = parse_uint(next(), "--queries");
    } else if (a == "--min-seconds") {
      c.min_seconds = std::atof(next().c_str());
      min_seconds_set = true;
    } else if (a == "--json") {
      c.json_path = next();
    } else if (a == "--write-md") {
      c.md_path = next();
    } else if (a == "--cache-dir") {
      c.cache_dir = next();
    } else if (a == "--no-cache") {
      c.cache_dir.clear();
    } else {
      usage();
      die("unknown argument '" + a + "'");
    }
  }
  if (c.threads == 0) c.threads = std::max(1u, std::thread::hardware_concurrency());
  if (c.quick && !min_seconds_set) c.min_seconds = 0.05;
  if (c.m < 2 || c.ef_construction < 1) die("--m must be >= 2 and --ef-construction >= 1");
  std::sort(c.ef_sweep.begin(), c.ef_sweep.end());
  c.ef_sweep.erase(std::unique(c.ef_sweep.begin(), c.ef_sweep.end()), c.ef_sweep.end());
  if (c.ef_sweep.empty() || c.ef_sweep.front() == 0) die("--ef-sweep needs positive values");
  if (c.systems.empty()) {
#if RUVECTOR_BENCH_ENGINE
    c.systems.push_back("ruvector");
#endif
    c.systems.push_back("hnswlib");
    c.systems.push_back("hnswlib-debian");
#if ANN_BENCH_HAVE_USEARCH
    c.systems.push_back("usearch");
#endif
    c.systems.push_back("faiss");
  }
  for (const auto& s : c.systems) {
    if (s != "ruvector" && s != "hnswlib" && s != "hnswlib-debian" && s != "usearch" && s != "faiss")
      die("unknown system '" + s + "'");
#if !ANN_BENCH_HAVE_USEARCH
    if (s == "usearch") die("this ann_bench was configured with -DANN_BENCH_USEARCH=OFF");
#endif
#if !RUVECTOR_BENCH_ENGINE
    if (s == "ruvector") die("this ann_bench was built with -DRUVECTOR_BENCH_ENGINE=OFF; ruvector is not available");
#endif
  }
  for (const auto& d : c.datasets)
    if (d != "fashion" && d != "clustered128" && d != "clustered768") die("unknown dataset '" + d + "'");
  return c;
}

// ---------------------------------------------------------------- measurement helpers

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU seconds (user + system) used so far by every thread of this process: on a shared
// machine the wall time of a parallel build includes time spent waiting for a core.
double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct MemSnapshot {
  double heap = 0;  // bytes in use by malloc (arenas + mmapped chunks)
  double rss = 0;   // resident set size, bytes
};

MemSnapshot mem_now() {
  malloc_trim(0);  // hand freed pages back so the RSS delta reflects live memory
  MemSnapshot s;
  const struct mallinfo2 mi = mallinfo2();
  s.heap = static_cast<double>(mi.uordblks) + static_cast<double>(mi.hblkhd);
  std::ifstream statm("/proc/self/statm");
  unsigned long long size = 0, resident = 0;
  if (statm >> size >> resident) s.rss = static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
  return s;
}

std::string metric_label(Metric m) {
  switch (m) {
    case Metric::kEuclidean: return "euclidean";
    case Metric::kCosine: return "cosine";
    case Metric::kDot: return "dot";
    case Metric::kManhattan: return "manhattan";
  }
  return "?";
}

// ---------------------------------------------------------------- data

struct BenchData {
  std::string name;         // fashion | clustered128 | clustered768
  std::string title;        // human-readable
  std::string source;       // how it was made
  Metric metric = Metric::kEuclidean;
  Dataset base, queries;
  Dataset peer_base, peer_queries;  // unit-normalised copies for cosine (else empty: use base/queries)
  std::vector<std::vector<std::uint32_t>> truth;
  double truth_seconds = 0;
  bool truth_cached = false;

  const Dataset& pbase() const { return peer_base.n ? peer_base : base; }
  const Dataset& pqueries() const { return peer_queries.n ? peer_queries : queries; }
};

Dataset normalised(const Dataset& d) {
  Dataset out = d;
  for (std::size_t i = 0; i < out.n; ++i) {
    float* r = out.data.data() + i * out.dim;
    double s = 0;
    for (std::size_t j = 0; j < out.dim; ++j) s += double(r[j]) * r[j];
    const float inv = s > 0 ? static_cast<float>(1.0 / std::sqrt(s)) : 0.f;
    for (std::size_t j = 0; j < out.dim; ++j) r[j] *= inv;
  }
  return out;
}

Dataset take_rows(const Dataset& d, std::size_t from, std::size_t count) {
  Dataset out;
  out.dim = d.dim;
  out.n = count;
  out.data.assign(d.data.begin() + static_cast<std::ptrdiff_t>(from * d.dim),
                  d.data.begin() + static_cast<std::ptrdiff_t>((from + count) * d.dim));
  if (!d.labels.empty())
    out.labels.assign(d.labels.begin() + static_cast<std::ptrdiff_t>(from),
                      d.labels.begin() + static_cast<std::ptrdiff_t>(from + count));
  return out;
}

std::uint64_t fnv1a(const void* p, std::size_t bytes, std::uint64_t h = 1469598103934665603ull) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < bytes; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

bool load_truth(const std::string& path, std::size_t nq, std::size_t k, std::vector<std::vector<std::uint32_t>>& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::uint64_t hdr[2] = {0, 0};
  if (!f.read(reinterpret_cast<char*>(hdr), sizeof hdr) || hdr[0] != nq || hdr[1] != k) return false;
  out.assign(nq, {});
  for (auto& row : out) {
    std::uint32_t cnt = 0;
    if (!f.read(reinterpret_cast<char*>(&cnt), sizeof cnt) || cnt > k) return false;
    row.resize(cnt);
    if (!f.read(reinterpret_cast<char*>(row.data()), static_cast<std::streamsize>(cnt * sizeof(std::uint32_t)))) return false;
  }
  return true;
}

void save_truth(const std::string& path, std::size_t k, const std::vector<std::vector<std::uint32_t>>& t) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) return;
    const std::uint64_t hdr[2] = {t.size(), k};
    f.write(reinterpret_cast<const char*>(hdr), sizeof hdr);
    for (const auto& row : t) {
      const auto cnt = static_cast<std::uint32_t>(row.size());
      f.write(reinterpret_cast<const char*>(&cnt), sizeof cnt);
      f.write(reinterpret_cast<const char*>(row.data()), static_cast<std::streamsize>(cnt * sizeof(std::uint32_t)));
    }
    if (!f) return;
  }
  std::filesystem::rename(tmp, path, ec);
}

void compute_truth(BenchData& d, const Config& cfg) {
  std::uint64_t h = fnv1a(d.base.data.data(), d.base.data.size() * sizeof(float));
  h = fnv1a(d.queries.data.data(), d.queries.data.size() * sizeof(float), h);
  char key[64];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(h));
  const std::string path = cfg.cache_dir.empty()
                               ? std::string()
                               : cfg.cache_dir + "/truth-" + d.name + "-" + std::to_string(d.base.n) + "x" +
                                     std::to_string(d.queries.n) + "-k" + std::to_string(cfg.k) + "-" +
                                     metric_label(d.metric) + "-" + key + ".bin";
  const auto t0 = Clock::now();
  if (!path.empty() && load_truth(path, d.queries.n, cfg.k, d.truth)) {
    d.truth_cached = true;
  } else {
    d.truth = ruvector::testing::brute_force_knn(d.base, d.queries, cfg.k, d.metric);
    if (!path.empty()) save_truth(path, cfg.k, d.truth);
  }
  d.truth_seconds = seconds_since(t0);
}

BenchData make_dataset(const std::string& name, const Config& cfg) {
  BenchData d;
  d.name = name;
  const std::size_t def_base = cfg.quick ? 10000 : (name == "fashion" ? 60000 : name == "clustered128" ? 100000 : 50000);
  const std::size_t def_q = cfg.quick ? 200 : 1000;
  const std::size_t nb = cfg.base_override ? cfg.base_override : def_base;
  const std::size_t nq = cfg.queries_override ? cfg.queries_override : def_q;
  if (name == "fashion") {
    d.metric = Metric::kEuclidean;
    auto base = ruvector::testing::load_fashion_mnist(true, nb);
    if (!base.ok()) throw std::runtime_error(base.status().ToString());
    auto q = ruvector::testing::load_fashion_mnist(false, nq);
    if (!q.ok()) throw std::runtime_error(q.status().ToString());
    d.base = std::move(base).value();
    d.queries = std::move(q).value();
    d.title = "fashion-mnist-784";
    d.source = "fashion-mnist train images (first " + std::to_string(d.base.n) + ") as base, first " +
               std::to_string(d.queries.n) + " test images as queries, pixel values 0..255";
  } else {
    const std::size_t dim = name == "clustered128" ? 128 : 768;
    const std::uint64_t seed = name == "clustered128" ? 128128 : 768768;
    const std::size_t clusters = 100;
    d.metric = Metric::kCosine;
    const Dataset all = ruvector::testing::make_clustered(nb + nq, dim, clusters, seed);
    d.base = take_rows(all, 0, nb);
    d.queries = take_rows(all, nb, nq);
    d.title = "clustered-" + std::to_string(dim);
    d.source = "make_clustered(" + std::to_string(nb + nq) + ", " + std::to_string(dim) + ", " +
               std::to_string(clusters) + " clusters, seed " + std::to_string(seed) +
               ", spread 0.15): first " + std::to_string(nb) + " rows base, last " + std::to_string(nq) + " queries";
  }
  if (d.metric == Metric::kCosine) {
    d.peer_base = normalised(d.base);
    d.peer_queries = normalised(d.queries);
  }
  compute_truth(d, cfg);
  return d;
}

// ---------------------------------------------------------------- systems

struct BuildParams {
  std::uint32_t m, ef_construction;
  unsigned threads;
};

class AnnSystem {
 public:
  virtual ~AnnSystem() = default;
  virtual std::string name() const = 0;
  // Untimed, before the "before" memory snapshot: input conversion owned by the caller side.
  virtual void prepare(const BenchData& d) { data_ = &d; }
  // Timed: construct the index and add every base vector.
  virtual void build(const BuildParams& p) = 0;
  // Called after the "after" snapshot: drop what prepare() made.
  virtual void release_prepared() {}
  virtual void begin_search() {}
  // One query (row qi of the query set), k nearest, candidate list ef; base row indices out.
  virtual void search(std::size_t qi, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) = 0;
  // The distance kernel level the built index uses.
  virtual std::string kernel() const = 0;

 protected:
  const BenchData* data_ = nullptr;
};

// A peer from its own shared object (peers/peer.h). Cosine sets get the unit-normalised
// copies with inner product.
class PeerSystem final : public AnnSystem {
 public:
  PeerSystem(std::string name, std::unique_ptr<ann_bench::PeerIndex> index)
      : name_(std::move(name)), index_(std::move(index)) {}
  std::string name() const override { return name_; }
  void build(const BuildParams& p) override {
    const Dataset& b = data_->pbase();
    ann_bench::PeerBuild pb;
    pb.base = b.data.data();
    pb.n = b.n;
    pb.dim = b.dim;
    pb.inner_product = data_->metric != Metric::kEuclidean;
    pb.m = p.m;
    pb.ef_construction = p.ef_construction;
    pb.threads = p.threads;
    index_->build(pb);
  }
  void search(std::size_t qi, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) override {
    index_->search(data_->pqueries().row(qi), ef, k, out);
  }
  std::string kernel() const override { return index_->kernel(); }

 private:
  std::string name_;
  std::unique_ptr<ann_bench::PeerIndex> index_;
};

// hnswlib compiled into this program with the project's flags (no -march): SSE kernels.
class HnswlibSystem final : public AnnSystem {
 public:
  std::string name() const override { return "hnswlib-debian"; }
  std::string kernel() const override { return ann_bench::hnswlib_kernel_level(); }
  void build(const BuildParams& p) override {
    const Dataset& b = data_->pbase();
    if (data_->metric == Metric::kEuclidean)
      space_ = std::make_unique<hnswlib::L2Space>(b.dim);
    else
      space_ = std::make_unique<hnswlib::InnerProductSpace>(b.dim);
    index_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), b.n, p.m, p.ef_construction);
    ann_bench::parallel_rows(b.n, p.threads, [&](std::size_t i, unsigned) {
      index_->addPoint(b.row(i), static_cast<hnswlib::labeltype>(i));
    });
  }
  void search(std::size_t qi, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) override {
    index_->setEf(ef);
    auto pq = index_->searchKnn(data_->pqueries().row(qi), k);
    out.resize(pq.size());
    for (std::size_t i = pq.size(); i-- > 0;) {  // the queue's top is the farthest
      out[i] = static_cast<std::uint32_t>(pq.top().second);
      pq.pop();
    }
  }

 private:
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index_;
};

class FaissSystem final : public AnnSystem {
 public:
  std::string name() const override { return "faiss"; }
  std::string kernel() const override {
    const std::string opts = faiss::get_compile_options();
    if (opts.find("GENERIC") != std::string::npos) return "generic (no AVX2 kernels; compiler auto-vectorisation only)";
    if (opts.find("AVX512") != std::string::npos) return "AVX-512";
    if (opts.find("AVX2") != std::string::npos) return "AVX2";
    return opts;
  }
  void build(const BuildParams& p) override {
    const Dataset& b = data_->pbase();
    omp_set_num_threads(static_cast<int>(p.threads));
    index_ = std::make_unique<faiss::IndexHNSWFlat>(
        static_cast<int>(b.dim), static_cast<int>(p.m),
        data_->metric == Metric::kEuclidean ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT);
    index_->hnsw.efConstruction = static_cast<int>(p.ef_construction);
    index_->add(static_cast<faiss::Index::idx_t>(b.n), b.data.data());
  }
  void begin_search() override { omp_set_num_threads(1); }
  void search(std::size_t qi, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) override {
    index_->hnsw.efSearch = static_cast<int>(ef);
    float dist[64];
    faiss::Index::idx_t labels[64];
    if (k > 64) throw std::runtime_error("k > 64 not supported by the faiss runner");
    index_->search(1, data_->pqueries().row(qi), static_cast<faiss::Index::idx_t>(k), dist, labels);
    out.clear();
    for (std::size_t i = 0; i < k; ++i)
      if (labels[i] >= 0) out.push_back(static_cast<std::uint32_t>(labels[i]));
  }

 private:
  std::unique_ptr<faiss::IndexHNSWFlat> index_;
};

#if RUVECTOR_BENCH_ENGINE
std::uint32_t parse_row_id(const std::string& id) {
  std::uint32_t v = 0;
  const auto r = std::from_chars(id.data(), id.data() + id.size(), v);
  if (r.ec != std::errc() || r.ptr != id.data() + id.size()) throw std::runtime_error("unexpected id '" + id + "'");
  return v;
}

std::vector<ruvector::Entry> make_entries(const Dataset& b) {
  std::vector<ruvector::Entry> entries(b.n);
  for (std::size_t i = 0; i < b.n; ++i) {
    entries[i].id = std::to_string(i);
    entries[i].vector = std::span<const float>(b.row(i), b.dim);
  }
  return entries;
}

class RuvectorSystem final : public AnnSystem {
 public:
  std::string name() const override { return "ruvector"; }
  std::string kernel() const override {
    return std::string(ruvector::simd_level_name(ruvector::active_simd_level())) + " (chosen at run time)";
  }
  void prepare(const BenchData& d) override {
    AnnSystem::prepare(d);
    entries_ = make_entries(d.base);
  }
  void build(const BuildParams& p) override {
    ruvector::DatabaseOptions opts;
    opts.dimensions = static_cast<std::uint32_t>(data_->base.dim);
    opts.metric = data_->metric;
    opts.index = ruvector::IndexKind::kHnsw;
    ruvector::HnswParams h;
    h.m = p.m;
    h.ef_construction = p.ef_construction;
    opts.hnsw = h;
    opts.threads = p.threads;
    auto db = ruvector::Database::open(opts);
    if (!db.ok()) throw std::runtime_error("open: " + db.status().ToString());
    db_ = std::move(db).value();
    auto ids = db_->insert_batch(entries_);
    if (!ids.ok()) throw std::runtime_error("insert_batch: " + ids.status().ToString());
  }
  void release_prepared() override { std::vector<ruvector::Entry>().swap(entries_); }
  void search(std::size_t qi, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) override {
    ruvector::SearchQuery q;
    q.vector = std::span<const float>(data_->queries.row(qi), data_->queries.dim);
    q.k = k;
    q.ef_search = ef;
    auto hits = db_->search(q);
    if (!hits.ok()) throw std::runtime_error("search: " + hits.status().ToString());
    out.clear();
    for (const auto& hit : *hits) out.push_back(parse_row_id(hit.id));
  }

 private:
  std::vector<ruvector::Entry> entries_;
  std::unique_ptr<ruvector::Database> db_;
};
#endif

std::unique_ptr<AnnSystem> make_system(const std::string& name) {
  if (name == "hnswlib") return std::make_unique<PeerSystem>(name, ann_bench::make_hnswlib_native());
  if (name == "hnswlib-debian") return std::make_unique<HnswlibSystem>();
#if ANN_BENCH_HAVE_USEARCH
  if (name == "usearch") return std::make_unique<PeerSystem>(name, ann_bench::make_usearch_native());
#endif
  if (name == "faiss") return std::make_unique<FaissSystem>();
#if RUVECTOR_BENCH_ENGINE
  if (name == "ruvector") return std::make_unique<RuvectorSystem>();
#endif
  throw std::runtime_error("system not built: " + name);
}

// ---------------------------------------------------------------- running

struct SweepPoint {
  unsigned ef = 0;
  double recall = 0;
  double qps = 0;
};

struct SystemResult {
  std::string name;
  std::string error;  // non-empty: the system failed, numbers are absent
  double build_seconds = 0;
  double build_cpu_seconds = 0;  // process CPU time (all threads) of the build
  double build_vps = 0;
  double heap_per_vec = 0;  // index bytes beyond the raw floats, per vector
  double rss_per_vec = 0;
  // ruvector only: QPS at the ef reaching recall 0.95 with 1 and with 2 search threads
  // sharing the queries (0 = not measured).
  unsigned scaling_ef = 0;
  double qps_1_thread = 0, qps_2_threads = 0;
  // CPU seconds (all search threads) of the cheapest pass over the queries with 1 and 2
  // threads: equal when nothing in the engine is shared between the threads.
  double cpu_1_thread = 0, cpu_2_threads = 0;
  std::string kernel;        // distance kernel level of the built index
  std::vector<SweepPoint> sweep;
  // Per target: index into sweep of the smallest ef reaching it, or nullopt.
  std::optional<std::size_t> at[2];
};

struct DatasetResult {
  const BenchData* data = nullptr;
  std::vector<SystemResult> systems;
};

struct Headline {
  bool ran = false;
  std::string error;
  std::size_t n = 0, dim = 0;
  double build_seconds = 0, build_vps = 0;
  double build_cpu_seconds = 0;  // process CPU time (all threads) of the insert_batch
  std::uint32_t m = 0, ef_construction = 0, ef_search = 0;
  unsigned threads_option = 0;
  double recall = 0, qps = 0;
  // The same insert_batch into a durable (LMDB) database, closed, then opened again.
  bool reopen_ran = false;
  std::string reopen_error;
  double durable_build_seconds = 0;  // open + insert_batch + close (which stores the index image)
  double reopen_seconds = 0;         // open until searchable
  std::string reopen_index_source;   // DatabaseInfo::index_source after the reopen
  double reopen_recall = 0;          // recall@10 of the reopened database at default ef_search
};

template <class SearchFn>
SweepPoint timed_pass(const BenchData& d, const Config& cfg, unsigned ef, SearchFn&& search) {
  const std::size_t nq = d.queries.n;
  std::vector<std::vector<std::uint32_t>> got(nq);
  for (auto& g : got) g.reserve(cfg.k);
  std::vector<std::uint32_t> scratch;
  scratch.reserve(cfg.k);
  for (std::size_t i = 0; i < std::min(nq, cfg.warmup_queries); ++i) search(i, ef, scratch);
  // Timed passes over every query: at least min_passes, and until min_seconds accumulated.
  // The rate reported is that of the fastest pass (least disturbed by other processes).
  double best = 0, total = 0;
  for (std::size_t pass = 0; pass < cfg.min_passes || total < cfg.min_seconds; ++pass) {
    const auto t0 = Clock::now();
    if (pass == 0)
      for (std::size_t i = 0; i < nq; ++i) search(i, ef, got[i]);
    else
      for (std::size_t i = 0; i < nq; ++i) search(i, ef, scratch);
    const double dt = seconds_since(t0);
    total += dt;
    if (pass == 0 || dt < best) best = dt;
  }
  SweepPoint p;
  p.ef = ef;
  p.recall = ruvector::testing::recall_at_k(d.truth, got, cfg.k);
  p.qps = static_cast<double>(nq) / best;
  return p;
}

std::optional<std::size_t> first_reaching(const std::vector<SweepPoint>& sweep, double target) {
  for (std::size_t i = 0; i < sweep.size(); ++i)
    if (sweep[i].recall >= target) return i;
  return std::nullopt;
}

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// One pass over every query with `threads` threads taking chunks of 8 queries from a
// shared counter (a thread slowed by another process does not hold up the pass with a
// fixed share). Wall seconds, and the CPU seconds the threads spent, summed.
struct ThreadedPass {
  double wall = 0, cpu = 0;
};
template <class SearchFn>
ThreadedPass threaded_pass(const BenchData& d, unsigned ef, unsigned threads, SearchFn& search) {
  const std::size_t nq = d.queries.n;
  constexpr std::size_t kChunk = 8;
  std::atomic<std::size_t> next{0};
  std::vector<double> cpu(threads, 0.0);
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const double c0 = thread_cpu_seconds();
      std::vector<std::uint32_t> out;
      for (std::size_t b; (b = next.fetch_add(kChunk, std::memory_order_relaxed)) < nq;)
        for (std::size_t i = b; i < std::min(nq, b + kChunk); ++i) search(i, ef, out);
      cpu[t] = thread_cpu_seconds() - c0;
    });
  for (auto& th : pool) th.join();
  ThreadedPass p;
  p.wall = seconds_since(t0);
  for (double c : cpu) p.cpu += c;
  return p;
}

// One search thread against two, passes alternating (1, 2, 1, 2, ...) so that a change
// in machine load hits both alike; at least min_passes of each and min_seconds in all.
// QPS from the fastest pass of each; CPU seconds from the cheapest.
struct ThreadScaling {
  double qps_1 = 0, qps_2 = 0, cpu_1 = 0, cpu_2 = 0;
};
template <class SearchFn>
ThreadScaling measure_thread_scaling(const BenchData& d, const Config& cfg, unsigned ef, SearchFn&& search) {
  ThreadedPass best[2];
  double total = 0;
  for (std::size_t pass = 0; pass < cfg.min_passes || total < cfg.min_seconds; ++pass)
    for (unsigned t = 0; t < 2; ++t) {
      const ThreadedPass p = threaded_pass(d, ef, t + 1, search);
      total += p.wall;
      if (pass == 0 || p.wall < best[t].wall) best[t].wall = p.wall;
      if (pass == 0 || p.cpu < best[t].cpu) best[t].cpu = p.cpu;
    }
  const double nq = static_cast<double>(d.queries.n);
  return ThreadScaling{nq / best[0].wall, nq / best[1].wall, best[0].cpu, best[1].cpu};
}

SystemResult run_system(const std::string& name, const BenchData& d, const Config& cfg) {
  SystemResult r;
  r.name = name;
  std::printf("  %-9s build ...", name.c_str());
  std::fflush(stdout);
  try {
    auto sys = make_system(name);
    sys->prepare(d);
    const MemSnapshot before = mem_now();
    const auto t0 = Clock::now();
    const double cpu0 = process_cpu_seconds();
    sys->build(BuildParams{cfg.m, cfg.ef_construction, cfg.threads});
    r.build_seconds = seconds_since(t0);
    r.build_cpu_seconds = process_cpu_seconds() - cpu0;
    const MemSnapshot after = mem_now();
    sys->release_prepared();
    const double n = static_cast<double>(d.base.n);
    const double raw = n * static_cast<double>(d.base.dim) * sizeof(float);
    r.build_vps = n / r.build_seconds;
    r.heap_per_vec = (after.heap - before.heap - raw) / n;
    r.rss_per_vec = (after.rss - before.rss - raw) / n;
    std::printf(" %.2f s (%.0f vectors/s, %.2f CPU-s); search", r.build_seconds, r.build_vps, r.build_cpu_seconds);
    std::fflush(stdout);
    r.kernel = sys->kernel();
    sys->begin_search();
    for (unsigned ef : cfg.ef_sweep) {
      r.sweep.push_back(timed_pass(d, cfg, ef, [&](std::size_t qi, unsigned e, std::vector<std::uint32_t>& out) {
        sys->search(qi, e, cfg.k, out);
      }));
      std::printf(" %u", ef);
      std::fflush(stdout);
    }
    std::printf(" done\n");
    r.at[0] = first_reaching(r.sweep, kTargets[0]);
    if (name == "ruvector" && r.at[0]) {
      // Two search threads on the same index (Database::search is thread-safe), against
      // one, measured back to back at the same ef.
      r.scaling_ef = r.sweep[*r.at[0]].ef;
      auto one = [&](std::size_t qi, unsigned e, std::vector<std::uint32_t>& out) { sys->search(qi, e, cfg.k, out); };
      const ThreadScaling sc = measure_thread_scaling(d, cfg, r.scaling_ef, one);
      r.qps_1_thread = sc.qps_1;
      r.qps_2_threads = sc.qps_2;
      r.cpu_1_thread = sc.cpu_1;
      r.cpu_2_threads = sc.cpu_2;
      std::printf("  %-9s search threads: 1 -> %.0f QPS, 2 -> %.0f QPS (%.2fx) at ef %u; CPU per pass %.3f s vs %.3f s "
                  "(%.2fx)\n",
                  name.c_str(), r.qps_1_thread, r.qps_2_threads, r.qps_2_threads / r.qps_1_thread, r.scaling_ef,
                  r.cpu_1_thread, r.cpu_2_threads, r.cpu_2_threads / r.cpu_1_thread);
    }
  } catch (const std::exception& e) {
    r.error = e.what();
    r.sweep.clear();
    std::printf(" FAILED: %s\n", e.what());
  }
  omp_set_num_threads(static_cast<int>(cfg.threads));
  for (int t = 0; t < 2; ++t) r.at[t] = first_reaching(r.sweep, kTargets[t]);
  return r;
}

#if RUVECTOR_BENCH_ENGINE
// One timed pass over the queries at the database's default ef_search.
SweepPoint default_ef_pass(const BenchData& d, const Config& cfg, const ruvector::Database& database) {
  return timed_pass(d, cfg, 0, [&](std::size_t qi, unsigned, std::vector<std::uint32_t>& out) {
    ruvector::SearchQuery q;  // ef_search unset: the database default
    q.vector = std::span<const float>(d.queries.row(qi), d.queries.dim);
    q.k = cfg.k;
    auto hits = database.search(q);
    if (!hits.ok()) throw std::runtime_error("search: " + hits.status().ToString());
    out.clear();
    for (const auto& hit : *hits) out.push_back(parse_row_id(hit.id));
  });
}

// Durable build (open + insert_batch + close) against reopen (open until searchable) of
// the headline's data at default parameters, in a fresh directory under the temp dir.
void measure_reopen(const BenchData& d, const Config& cfg, Headline& h) {
  std::printf("  reopen: durable insert_batch, close, open again ...");
  std::fflush(stdout);
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ann_bench_reopen_" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(dir, ec);
  try {
    auto entries = make_entries(d.base);
    ruvector::DatabaseOptions opts;
    opts.dimensions = static_cast<std::uint32_t>(d.base.dim);
    opts.metric = d.metric;
    opts.storage_path = dir.string();
    auto t0 = Clock::now();
    {
      auto db = ruvector::Database::open(opts);
      if (!db.ok()) throw std::runtime_error("open: " + db.status().ToString());
      auto ids = (*db)->insert_batch(entries);
      if (!ids.ok()) throw std::runtime_error("insert_batch: " + ids.status().ToString());
    }  // the last handle closes: the index image is stored
    h.durable_build_seconds = seconds_since(t0);
    ruvector::DatabaseOptions again;  // an existing store: its settings come from it
    again.storage_path = dir.string();
    t0 = Clock::now();
    auto db = ruvector::Database::open(again);
    if (!db.ok()) throw std::runtime_error("reopen: " + db.status().ToString());
    h.reopen_seconds = seconds_since(t0);
    h.reopen_index_source = (*db)->info().index_source;
    const SweepPoint p = default_ef_pass(d, cfg, **db);
    h.reopen_recall = p.recall;
    h.reopen_ran = true;
    std::printf(" build %.2f s, reopen %.3f s (%.1fx, index %s), recall@10 %.4f\n", h.durable_build_seconds,
                h.reopen_seconds, h.durable_build_seconds / h.reopen_seconds, h.reopen_index_source.c_str(),
                h.reopen_recall);
  } catch (const std::exception& e) {
    h.reopen_error = e.what();
    std::printf(" FAILED: %s\n", e.what());
  }
  fs::remove_all(dir, ec);
}

Headline run_headline(const BenchData& d, const Config& cfg) {
  Headline h;
  h.n = d.base.n;
  h.dim = d.base.dim;
  std::printf("  headline: ruvector insert_batch at default parameters ...");
  std::fflush(stdout);
  try {
    auto entries = make_entries(d.base);
    ruvector::DatabaseOptions opts;  // only dimensions and metric: everything else default
    opts.dimensions = static_cast<std::uint32_t>(d.base.dim);
    opts.metric = d.metric;
    const auto t0 = Clock::now();
    const double cpu0 = process_cpu_seconds();
    auto db = ruvector::Database::open(opts);
    if (!db.ok()) throw std::runtime_error("open: " + db.status().ToString());
    {
      auto ids = (*db)->insert_batch(entries);
      if (!ids.ok()) throw std::runtime_error("insert_batch: " + ids.status().ToString());
    }
    h.build_seconds = seconds_since(t0);
    h.build_cpu_seconds = process_cpu_seconds() - cpu0;
    h.build_vps = static_cast<double>(d.base.n) / h.build_seconds;
    const ruvector::DatabaseInfo info = (*db)->info();
    h.m = info.hnsw.m;
    h.ef_construction = info.hnsw.ef_construction;
    h.ef_search = info.hnsw.ef_search;
    h.threads_option = opts.threads;
    const SweepPoint p = default_ef_pass(d, cfg, **db);
    h.recall = p.recall;
    h.qps = p.qps;
    h.ran = true;
    std::printf(" %.0f vectors/s (%.2f CPU-s in %.2f s), recall@10 %.4f\n", h.build_vps, h.build_cpu_seconds,
                h.build_seconds, h.recall);
  } catch (const std::exception& e) {
    h.error = e.what();
    std::printf(" FAILED: %s\n", e.what());
  }
  if (h.ran) measure_reopen(d, cfg, h);
  return h;
}
#endif

// ---------------------------------------------------------------- environment

struct Machine {
  std::string cpu, date_utc, compiler, os, flags, build_type;
  // /sys/kernel/mm/transparent_hugepage/enabled, e.g. "always [madvise] never": under
  // madvise only ruvector's row and link arrays (which ask for them) get huge pages;
  // under always every system's large allocations may.
  std::string transparent_huge_pages = "unknown";
  unsigned logical_cpus = 0;
  bool engine_used = false;
  std::string load_start, load_end;  // /proc/loadavg 1/5/15-minute averages: the machine may be shared
  std::string ruvector_version = "-", ruvector_simd = "-";
  std::string hnswlib_package = RUVECTOR_BENCH_HNSWLIB_PACKAGE;
  std::string faiss_package = RUVECTOR_BENCH_FAISS_PACKAGE, faiss_version, faiss_compile_options;
  struct SystemBuild {
    std::string name, code, build;
  };
  std::vector<SystemBuild> systems;  // in --systems order
};

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  if (f >> a >> b >> c) return a + " " + b + " " + c;
  return "unknown";
}

Machine describe_machine(const Config& cfg, bool engine_used) {
  Machine m;
  m.engine_used = engine_used;
  m.load_start = load_average();
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) m.cpu = trim(line.substr(colon + 1));
      break;
    }
  }
  if (m.cpu.empty()) m.cpu = "unknown";
  m.logical_cpus = std::thread::hardware_concurrency();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  m.date_utc = buf;
#if defined(__clang__)
  m.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  m.compiler = std::string("g++ ") + __VERSION__;
#else
  m.compiler = "unknown";
#endif
  m.compiler = trim(m.compiler);
  struct utsname u {};
  if (uname(&u) == 0) m.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
  {
    std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string mode;
    if (std::getline(thp, mode) && !trim(mode).empty()) m.transparent_huge_pages = trim(mode);
  }
  m.flags = trim(RUVECTOR_BENCH_CXX_FLAGS);
#ifdef RUVECTOR_BENCH_BUILD_TYPE
  m.build_type = RUVECTOR_BENCH_BUILD_TYPE;
#endif
  m.faiss_version = std::to_string(FAISS_VERSION_MAJOR) + "." + std::to_string(FAISS_VERSION_MINOR) + "." +
                    std::to_string(FAISS_VERSION_PATCH);
  m.faiss_compile_options = trim(faiss::get_compile_options());
#if RUVECTOR_BENCH_ENGINE
  if (engine_used) {
    m.ruvector_version = ruvector::version();
    m.ruvector_simd = ruvector::simd_level_name(ruvector::active_simd_level());
  }
#else
  (void)engine_used;
#endif
  const std::string own_flags = m.build_type + (m.flags.empty() ? "" : ", " + m.flags);
  for (const auto& name : cfg.systems) {
    if (name == "ruvector") {
      m.systems.push_back({name, "ruvector " + m.ruvector_version + " (this repository), static library",
                           "as shipped: " + own_flags + ", no -march; kernels chosen at run time"});
    } else if (name == "hnswlib") {
      const ann_bench::PeerDescription d = ann_bench::describe_hnswlib_native();
      m.systems.push_back({name, d.package + ", header-only", d.build + ", own shared object"});
    } else if (name == "hnswlib-debian") {
      m.systems.push_back({name, m.hnswlib_package + ", header-only", own_flags + " (Debian's default: no -march)"});
    } else if (name == "usearch") {
#if ANN_BENCH_HAVE_USEARCH
      const ann_bench::PeerDescription d = ann_bench::describe_usearch_native();
      m.systems.push_back({name, d.package, d.build + ", own shared object"});
#endif
    } else if (name == "faiss") {
      m.systems.push_back({name, "faiss " + m.faiss_version + " [" + m.faiss_package + "], IndexHNSWFlat",
                           "as Debian ships it; get_compile_options() = \"" + m.faiss_compile_options + "\""});
    }
  }
  return m;
}

// The distance kernel(s) a system reported after its builds ("a; b" when datasets differ).
std::string kernel_of(const std::vector<DatasetResult>& results, const std::string& name) {
  std::vector<std::string> seen;
  for (const auto& dr : results)
    for (const auto& s : dr.systems)
      if (s.name == name && !s.kernel.empty() && std::find(seen.begin(), seen.end(), s.kernel) == seen.end())
        seen.push_back(s.kernel);
  std::string out;
  for (const auto& k : seen) out += (out.empty() ? "" : "; ") + k;
  return out.empty() ? "-" : out;
}

// ---------------------------------------------------------------- reporting

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string ratio(double ours, double peer) {
  if (!(peer > 0) || !(ours > 0) || !std::isfinite(ours) || !std::isfinite(peer)) return "n/a";
  return fmt("%.2fx", ours / peer);
}

// Memory ratios: the per-vector overheads can be tiny or negative (noise); only ratio positives.
std::string mem_ratio(double ours, double peer) { return ratio(ours, peer); }

const SystemResult* find(const DatasetResult& dr, const std::string& name) {
  for (const auto& s : dr.systems)
    if (s.name == name && s.error.empty()) return &s;
  return nullptr;
}

// The peer with the highest QPS at recall target t (index into kTargets), or nullptr.
const SystemResult* best_peer(const DatasetResult& dr, int t) {
  const SystemResult* best = nullptr;
  for (const auto& s : dr.systems) {
    if (s.name == "ruvector" || !s.error.empty() || !s.at[t]) continue;
    if (best == nullptr || s.sweep[*s.at[t]].qps > best->sweep[*best->at[t]].qps) best = &s;
  }
  return best;
}

void print_dataset(const DatasetResult& dr, const Config& cfg) {
  const BenchData& d = *dr.data;
  std::printf("\n=== %s: %zu base x %zu-d, %zu queries, %s, k=%zu, M=%u, efConstruction=%u, build threads=%u ===\n",
              d.title.c_str(), d.base.n, d.base.dim, d.queries.n, metric_label(d.metric).c_str(), cfg.k, cfg.m,
              cfg.ef_construction, cfg.threads);
  std::printf("%s\n", d.source.c_str());
  if (d.metric == Metric::kCosine) std::printf("cosine: ruvector gets raw vectors; peers get unit-normalised vectors + inner product\n");
  std::printf("ground truth: brute force, %s %.1f s\n\n", d.truth_cached ? "loaded from cache in" : "computed in",
              d.truth_seconds);

  std::printf("%-14s %8s %11s %11s %11s   %5s %7s %9s   %5s %7s %9s\n", "", "build", "build", "heap B/vec", "RSS B/vec",
              "ef", "recall", "QPS", "ef", "recall", "QPS");
  std::printf("%-14s %8s %11s %11s %11s   %-23s   %-23s\n", "system", "s", "vectors/s", "beyond raw", "beyond raw",
              "  -- recall@10>=0.95 --", "  -- recall@10>=0.99 --");
  for (const auto& s : dr.systems) {
    if (!s.error.empty()) {
      std::printf("%-14s FAILED: %s\n", s.name.c_str(), s.error.c_str());
      continue;
    }
    std::printf("%-14s %8.2f %11.0f %11.1f %11.1f", s.name.c_str(), s.build_seconds, s.build_vps, s.heap_per_vec,
                s.rss_per_vec);
    for (int t = 0; t < 2; ++t) {
      if (s.at[t]) {
        const auto& p = s.sweep[*s.at[t]];
        std::printf("   %5u %7.4f %9.0f", p.ef, p.recall, p.qps);
      } else {
        std::printf("   %5s %7s %9s", "-", "not", "reached");
      }
    }
    std::printf("\n");
  }
  if (const SystemResult* ours = find(dr, "ruvector")) {
    for (const auto& s : dr.systems) {
      if (s.name == "ruvector" || !s.error.empty()) continue;
      std::printf("%-14s %8s %11s %11s %11s", ("ours/" + s.name).c_str(), "", ratio(ours->build_vps, s.build_vps).c_str(),
                  mem_ratio(ours->heap_per_vec, s.heap_per_vec).c_str(), mem_ratio(ours->rss_per_vec, s.rss_per_vec).c_str());
      for (int t = 0; t < 2; ++t) {
        if (ours->at[t] && s.at[t])
          std::printf("   %5s %7s %9s", ratio(ours->sweep[*ours->at[t]].ef, s.sweep[*s.at[t]].ef).c_str(), "",
                      ratio(ours->sweep[*ours->at[t]].qps, s.sweep[*s.at[t]].qps).c_str());
        else
          std::printf("   %5s %7s %9s", "n/a", "", "n/a");
      }
      std::printf("\n");
    }
  }

  std::printf("\nrecall@10 / single-thread QPS by ef\n%6s", "ef");
  for (const auto& s : dr.systems)
    if (s.error.empty()) std::printf("   %-18s", s.name.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < cfg.ef_sweep.size(); ++i) {
    std::printf("%6u", cfg.ef_sweep[i]);
    for (const auto& s : dr.systems)
      if (s.error.empty()) std::printf("   %6.4f %11.0f", s.sweep[i].recall, s.sweep[i].qps);
    std::printf("\n");
  }
}

Json to_json(const Machine& m, const Config& cfg, const std::vector<DatasetResult>& results, const Headline* headline) {
  Json j;
  j["machine"] = {{"cpu", m.cpu},
                  {"logical_cpus", m.logical_cpus},
                  {"load_average_start", m.load_start},
                  {"load_average_end", m.load_end},
                  {"date_utc", m.date_utc},
                  {"os", m.os},
                  {"transparent_huge_pages", m.transparent_huge_pages},
                  {"compiler", m.compiler},
                  {"build_type", m.build_type},
                  {"cxx_flags", m.flags},
                  {"ruvector_version", m.ruvector_version},
                  {"ruvector_simd", m.ruvector_simd},
                  {"hnswlib_package", m.hnswlib_package},
                  {"faiss_version", m.faiss_version},
                  {"faiss_package", m.faiss_package},
                  {"faiss_compile_options", m.faiss_compile_options}};
  Json builds = Json::array();
  for (const auto& sb : m.systems)
    builds.push_back({{"name", sb.name}, {"code", sb.code}, {"build", sb.build}, {"kernel", kernel_of(results, sb.name)}});
  j["systems"] = builds;
  j["params"] = {{"m", cfg.m},
                 {"ef_construction", cfg.ef_construction},
                 {"k", cfg.k},
                 {"build_threads", cfg.threads},
                 {"search_threads", 1},
                 {"ef_sweep", cfg.ef_sweep},
                 {"warmup_queries", cfg.warmup_queries},
                 {"min_seconds_per_ef", cfg.min_seconds},
                 {"min_passes_per_ef", cfg.min_passes},
                 {"qps_from", "fastest pass"},
                 {"quick", cfg.quick},
                 {"command_line", cfg.command_line}};
  Json ds = Json::array();
  for (const auto& dr : results) {
    const BenchData& d = *dr.data;
    Json jd = {{"name", d.name},  {"title", d.title},       {"source", d.source},
               {"metric", metric_label(d.metric)}, {"base", d.base.n}, {"queries", d.queries.n},
               {"dim", d.base.dim}, {"truth_seconds", d.truth_seconds}, {"truth_cached", d.truth_cached}};
    Json sys = Json::array();
    for (const auto& s : dr.systems) {
      Json js = {{"name", s.name}};
      if (!s.error.empty()) {
        js["error"] = s.error;
      } else {
        js["build_seconds"] = s.build_seconds;
        js["build_cpu_seconds"] = s.build_cpu_seconds;
        js["build_vectors_per_s"] = s.build_vps;
        js["heap_bytes_per_vector_beyond_raw"] = s.heap_per_vec;
        js["rss_bytes_per_vector_beyond_raw"] = s.rss_per_vec;
        Json sw = Json::array();
        for (const auto& p : s.sweep) sw.push_back({{"ef", p.ef}, {"recall", p.recall}, {"qps", p.qps}});
        js["sweep"] = sw;
        js["kernel"] = s.kernel;
        if (s.scaling_ef != 0)
          js["search_threads"] = {{"ef", s.scaling_ef}, {"qps_1_thread", s.qps_1_thread},
                                  {"qps_2_threads", s.qps_2_threads}, {"speedup", s.qps_2_threads / s.qps_1_thread},
                                  {"cpu_seconds_1_thread", s.cpu_1_thread}, {"cpu_seconds_2_threads", s.cpu_2_threads}};
        for (int t = 0; t < 2; ++t) {
          const std::string key = t == 0 ? "recall_0.95" : "recall_0.99";
          if (s.at[t])
            js[key] = {{"ef", s.sweep[*s.at[t]].ef}, {"recall", s.sweep[*s.at[t]].recall}, {"qps", s.sweep[*s.at[t]].qps}};
          else
            js[key] = nullptr;
        }
      }
      sys.push_back(js);
    }
    jd["systems"] = sys;
    if (const SystemResult* ours = find(dr, "ruvector")) {
      Json ratios = Json::object();
      auto num = [](double a, double b) -> Json { return (a > 0 && b > 0) ? Json(a / b) : Json(nullptr); };
      for (const auto& s : dr.systems) {
        if (s.name == "ruvector" || !s.error.empty()) continue;
        Json r = {{"build_vectors_per_s", num(ours->build_vps, s.build_vps)},
                  {"heap_bytes_per_vector", num(ours->heap_per_vec, s.heap_per_vec)},
                  {"rss_bytes_per_vector", num(ours->rss_per_vec, s.rss_per_vec)}};
        for (int t = 0; t < 2; ++t) {
          const std::string sfx = t == 0 ? "_0.95" : "_0.99";
          const bool both = ours->at[t] && s.at[t];
          r["ef" + sfx] = both ? num(ours->sweep[*ours->at[t]].ef, s.sweep[*s.at[t]].ef) : Json(nullptr);
          r["qps" + sfx] = both ? num(ours->sweep[*ours->at[t]].qps, s.sweep[*s.at[t]].qps) : Json(nullptr);
        }
        ratios[s.name] = r;
      }
      jd["ratios_ours_over_peer"] = ratios;
      Json best = Json::object();
      for (int t = 0; t < 2; ++t) {
        const SystemResult* b = best_peer(dr, t);
        const std::string key = t == 0 ? "recall_0.95" : "recall_0.99";
        if (b != nullptr && ours->at[t])
          best[key] = {{"peer", b->name}, {"qps", b->sweep[*b->at[t]].qps},
                       {"ours_over_peer", ours->sweep[*ours->at[t]].qps / b->sweep[*b->at[t]].qps}};
        else
          best[key] = nullptr;
      }
      const SystemResult* bb = nullptr;
      for (const auto& sr : dr.systems)
        if (sr.name != "ruvector" && sr.error.empty() && (bb == nullptr || sr.build_vps > bb->build_vps)) bb = &sr;
      if (bb != nullptr) best["build"] = {{"peer", bb->name}, {"vectors_per_s", bb->build_vps},
                                          {"ours_over_peer", ours->build_vps / bb->build_vps}};
      jd["best_peer"] = best;
    }
    ds.push_back(jd);
  }
  j["datasets"] = ds;
  if (headline != nullptr) {
    if (headline->ran)
      j["headline"] = {{"dataset", "clustered128"},
                       {"vectors", headline->n},
                       {"dim", headline->dim},
                       {"insert_batch_seconds", headline->build_seconds},
                       {"insert_batch_cpu_seconds", headline->build_cpu_seconds},
                       {"insert_batch_vectors_per_s", headline->build_vps},
                       {"m", headline->m},
                       {"ef_construction", headline->ef_construction},
                       {"default_ef_search", headline->ef_search},
                       {"threads_option", headline->threads_option},
                       {"recall_at_10", headline->recall},
                       {"single_thread_qps", headline->qps}};
    if (headline->reopen_ran)
      j["headline"]["reopen"] = {{"durable_build_seconds", headline->durable_build_seconds},
                                 {"reopen_seconds", headline->reopen_seconds},
                                 {"build_over_reopen", headline->durable_build_seconds / headline->reopen_seconds},
                                 {"index_source", headline->reopen_index_source},
                                 {"recall_at_10", headline->reopen_recall}};
    else if (headline->ran)
      j["headline"]["reopen"] = {{"error", headline->reopen_error}};
    else
      j["headline"] = {{"error", headline->error}};
  }
  return j;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

std::string md_report(const Machine& m, const Config& cfg, const std::vector<DatasetResult>& results,
                      const Headline* headline) {
  std::ostringstream o;
  o << "# Benchmarks: ruvector vs hnswlib, usearch and faiss (C++)\n\n";
  o << "Generated by `bench/ann_bench` on " << m.date_utc << "; every number below was measured in that run.\n";
  o << "Command: `" << cfg.command_line << "`" << (cfg.quick ? " (quick mode: small subsets, smoke test only)" : "")
    << "\n\n";
  o << "## Machine and builds\n\n";
  o << "| | |\n|---|---|\n";
  o << "| CPU | " << md_escape(m.cpu) << " |\n";
  o << "| Logical CPUs | " << m.logical_cpus << " |\n";
  o << "| OS | " << md_escape(m.os) << " |\n";
  o << "| Transparent huge pages (`/sys/kernel/mm/transparent_hugepage/enabled`) | " << md_escape(m.transparent_huge_pages)
    << " |\n";
  o << "| Load average (1/5/15 min) at start, end | " << m.load_start << "; " << m.load_end << " |\n";
  o << "| Compiler | " << md_escape(m.compiler) << " |\n";
  o << "| Project build | " << md_escape(m.build_type) << (m.flags.empty() ? "" : ", `" + m.flags + "`") << " |\n\n";
  o << "Ours as users get it against each peer at its best: ruvector is the shipped library (no `-march`, "
       "kernels chosen at run time); hnswlib and usearch are compiled with `-march=native`, each in its own "
       "shared object; `hnswlib-debian` is the same hnswlib header with Debian's default flags (a second, "
       "labelled row); faiss is Debian's generic build.\n\n";
  o << "| system | code | build | distance kernel in use |\n|---|---|---|---|\n";
  for (const auto& sb : m.systems)
    o << "| " << sb.name << " | " << md_escape(sb.code) << " | " << md_escape(sb.build) << " | "
      << md_escape(kernel_of(results, sb.name)) << " |\n";
  o << "\n";
  o << "## Method\n\n";
  o << "- Same data and parameters for every system: M = " << cfg.m << ", efConstruction = " << cfg.ef_construction
    << ", k = " << cfg.k << ".\n";
  o << "- Build: wall time to construct the index and add all base vectors with " << cfg.threads
    << " threads (hnswlib: `addPoint`, usearch: `add`, from std::threads; faiss: `add` under OpenMP; ruvector: `insert_batch`).\n";
  o << "- Memory: heap in use (glibc `mallinfo2`, uordblks + hblkhd) and RSS (`/proc/self/statm`) after minus before "
       "the build, minus the raw float32 vectors (n x dim x 4), divided by n.\n";
  o << "- Search: one query at a time on one thread, " << cfg.warmup_queries
    << " untimed warm-up queries before the timed passes of every ef; at least " << cfg.min_passes
    << " timed passes over all queries and until " << cfg.min_seconds
    << " s accumulate; QPS is that of the fastest pass, recall that of the first. ef is the smallest value of the "
       "sweep reaching the recall target.\n";
  o << "- Cosine: ruvector receives the raw vectors with metric cosine; the peers receive unit-normalised "
       "vectors with inner product. Ground truth: exact brute force on the raw vectors.\n";
  o << "- Ratios are ours / peer: above 1 is better for vectors/s and QPS, below 1 is better for bytes and ef.\n\n";

  if (headline != nullptr) {
    o << "## Headline: batch insert at default parameters\n\n";
    if (headline->ran) {
      o << "ruvector `insert_batch` of the " << headline->n << " clustered " << headline->dim
        << "-d vectors (cosine), options: dimensions and metric only (defaults in effect: M = " << headline->m
        << ", efConstruction = " << headline->ef_construction << ", ef_search = " << headline->ef_search
        << ", threads = every core: " << m.logical_cpus << " here).\n\n";
      o << "| vectors/s | build s | build CPU s (all threads) | recall@10 at default ef_search | single-thread QPS "
           "|\n|---:|---:|---:|---:|---:|\n";
      o << "| " << fmt("%.0f", headline->build_vps) << " | " << fmt("%.2f", headline->build_seconds) << " | "
        << fmt("%.2f", headline->build_cpu_seconds) << " | "
        << fmt("%.4f", headline->recall) << " | " << fmt("%.0f", headline->qps) << " |\n\n";
      if (headline->reopen_ran) {
        o << "Reopen: the same batch into a durable (LMDB) database, closed (which stores the index image), "
             "then opened again (until searchable), same run:\n\n";
        o << "| durable build s (open + insert_batch + close) | reopen s | build / reopen | index after reopen | "
             "recall@10 after reopen |\n|---:|---:|---:|---|---:|\n";
        o << "| " << fmt("%.2f", headline->durable_build_seconds) << " | " << fmt("%.3f", headline->reopen_seconds)
          << " | " << fmt("%.1f", headline->durable_build_seconds / headline->reopen_seconds) << "x | "
          << md_escape(headline->reopen_index_source) << " | " << fmt("%.4f", headline->reopen_recall) << " |\n\n";
      } else {
        o << "Reopen not measured: " << md_escape(headline->reopen_error) << "\n\n";
      }
    } else {
      o << "Not measured: " << md_escape(headline->error) << "\n\n";
    }
  }

  for (const auto& dr : results) {
    const BenchData& d = *dr.data;
    o << "## " << d.title << "\n\n";
    o << d.base.n << " base vectors x " << d.base.dim << " dimensions, " << d.queries.n << " queries, "
      << metric_label(d.metric) << ". " << d.source << ".\n\n";
    o << "| system | build s | build vectors/s | heap B/vector beyond raw | RSS B/vector beyond raw | ef @0.95 | recall | QPS "
         "@0.95 | ef @0.99 | recall | QPS @0.99 |\n";
    o << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& s : dr.systems) {
      if (!s.error.empty()) {
        o << "| " << s.name << " | failed: " << md_escape(s.error) << " | | | | | | | | | |\n";
        continue;
      }
      o << "| " << s.name << " | " << fmt("%.2f", s.build_seconds) << " | " << fmt("%.0f", s.build_vps) << " | "
        << fmt("%.1f", s.heap_per_vec) << " | " << fmt("%.1f", s.rss_per_vec);
      for (int t = 0; t < 2; ++t) {
        if (s.at[t]) {
          const auto& p = s.sweep[*s.at[t]];
          o << " | " << p.ef << " | " << fmt("%.4f", p.recall) << " | " << fmt("%.0f", p.qps);
        } else {
          o << " | not reached | | ";
        }
      }
      o << " |\n";
    }
    if (const SystemResult* ours = find(dr, "ruvector")) {
      for (const auto& s : dr.systems) {
        if (s.name == "ruvector" || !s.error.empty()) continue;
        o << "| ours / " << s.name << " | | " << ratio(ours->build_vps, s.build_vps) << " | "
          << mem_ratio(ours->heap_per_vec, s.heap_per_vec) << " | " << mem_ratio(ours->rss_per_vec, s.rss_per_vec);
        for (int t = 0; t < 2; ++t) {
          const bool both = ours->at[t] && s.at[t];
          o << " | " << (both ? ratio(ours->sweep[*ours->at[t]].ef, s.sweep[*s.at[t]].ef) : "n/a") << " | | "
            << (both ? ratio(ours->sweep[*ours->at[t]].qps, s.sweep[*s.at[t]].qps) : "n/a");
        }
        o << " |\n";
      }
    }
    if (const SystemResult* ours = find(dr, "ruvector")) {
      // Wall-clock build rates suffer whenever another process takes a core; the CPU
      // seconds of each build (all its threads) do much less.
      o << "\nBuild CPU seconds (all threads; less sensitive to machine load than the wall time):";
      for (const auto& s : dr.systems)
        if (s.error.empty())
          o << " " << s.name << " " << fmt("%.2f", s.build_cpu_seconds)
            << (&s == ours ? "" : " (" + s.name + " / ours " + ratio(s.build_cpu_seconds, ours->build_cpu_seconds) + ")")
            << ";";
      o << "\n";
      o << "\nBest peer by QPS:";
      for (int t = 0; t < 2; ++t) {
        const SystemResult* bp = best_peer(dr, t);
        o << (t ? ";" : "") << " at recall@10 >= " << fmt("%.2f", kTargets[t]) << ": ";
        if (bp == nullptr || !ours->at[t])
          o << "n/a";
        else
          o << bp->name << ", ours / " << bp->name << " = "
            << ratio(ours->sweep[*ours->at[t]].qps, bp->sweep[*bp->at[t]].qps);
      }
      o << ".\n";
      if (ours->scaling_ef != 0)
        o << "\nruvector with 2 search threads sharing the queries at ef " << ours->scaling_ef << ": "
          << fmt("%.0f", ours->qps_2_threads) << " QPS against " << fmt("%.0f", ours->qps_1_thread)
          << " with 1 thread, passes alternating (" << fmt("%.2f", ours->qps_2_threads / ours->qps_1_thread)
          << "x; on a shared machine the second core is not guaranteed). CPU time of a pass over the queries: "
          << fmt("%.3f", ours->cpu_2_threads) << " s with 2 threads, " << fmt("%.3f", ours->cpu_1_thread)
          << " s with 1 (" << fmt("%.2f", ours->cpu_2_threads / ours->cpu_1_thread)
          << "x; 1.00x = the threads share nothing that slows a query).\n";
    }
    o << "\nRecall@10 and single-thread QPS by ef:\n\n| ef |";
    for (const auto& s : dr.systems)
      if (s.error.empty()) o << " " << s.name << " recall | " << s.name << " QPS |";
    o << "\n|---:|";
    for (const auto& s : dr.systems)
      if (s.error.empty()) o << "---:|---:|";
    o << "\n";
    for (std::size_t i = 0; i < cfg.ef_sweep.size(); ++i) {
      o << "| " << cfg.ef_sweep[i] << " |";
      for (const auto& s : dr.systems)
        if (s.error.empty()) o << " " << fmt("%.4f", s.sweep[i].recall) << " | " << fmt("%.0f", s.sweep[i].qps) << " |";
      o << "\n";
    }
    o << "\n";
  }
  return o.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  const Config cfg = parse_args(argc, argv);
  const bool engine_used = std::find(cfg.systems.begin(), cfg.systems.end(), "ruvector") != cfg.systems.end();
  Machine machine = describe_machine(cfg, engine_used);

  std::printf("ann_bench: %s, %u logical CPUs, %s, load average %s\n", machine.cpu.c_str(), machine.logical_cpus,
              machine.date_utc.c_str(), machine.load_start.c_str());
  std::printf("transparent huge pages: %s\n", machine.transparent_huge_pages.c_str());
  std::printf("compiler: %s; project flags: %s\n", machine.compiler.c_str(),
              machine.flags.empty() ? "-" : machine.flags.c_str());
  if (engine_used)
    std::printf("ruvector %s, SIMD at run time: %s\n", machine.ruvector_version.c_str(), machine.ruvector_simd.c_str());
  for (const auto& sb : machine.systems) std::printf("%s: %s; %s\n", sb.name.c_str(), sb.code.c_str(), sb.build.c_str());
  std::printf("systems: ");
  for (const auto& s : cfg.systems) std::printf("%s ", s.c_str());
  std::printf("| M=%u efConstruction=%u k=%zu build threads=%u search threads=1%s\n", cfg.m, cfg.ef_construction, cfg.k,
              cfg.threads, cfg.quick ? " | QUICK (subsets)" : "");

  std::vector<std::unique_ptr<BenchData>> data;
  std::vector<DatasetResult> results;
  std::optional<Headline> headline;
  for (const auto& name : cfg.datasets) {
    std::printf("\n[%s] preparing data and ground truth ...\n", name.c_str());
    std::fflush(stdout);
    try {
      data.push_back(std::make_unique<BenchData>(make_dataset(name, cfg)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ann_bench: dataset %s unavailable: %s\n", name.c_str(), e.what());
      return 1;
    }
    const BenchData& d = *data.back();
    DatasetResult dr;
    dr.data = &d;
    if (!cfg.headline_only)
      for (const auto& s : cfg.systems) dr.systems.push_back(run_system(s, d, cfg));
#if RUVECTOR_BENCH_ENGINE
    if (engine_used && name == "clustered128") headline = run_headline(d, cfg);
#endif
    if (cfg.headline_only) continue;
    print_dataset(dr, cfg);
    results.push_back(std::move(dr));
  }

  if (headline) {
    std::printf("\n=== headline: ruvector insert_batch, clustered 128-d, DEFAULT parameters ===\n");
    if (headline->ran)
      std::printf("%zu vectors in %.2f s = %.0f vectors/s (M=%u efConstruction=%u, threads=every core); "
                  "recall@10 at default ef_search=%u: %.4f, single-thread QPS %.0f\n",
                  headline->n, headline->build_seconds, headline->build_vps, headline->m, headline->ef_construction,
                  headline->ef_search, headline->recall, headline->qps);
    else
      std::printf("FAILED: %s\n", headline->error.c_str());
    if (headline->reopen_ran)
      std::printf("durable: build (open + insert_batch + close) %.2f s, reopen %.3f s = %.1fx faster than the build "
                  "(index %s), recall@10 after reopen %.4f\n",
                  headline->durable_build_seconds, headline->reopen_seconds,
                  headline->durable_build_seconds / headline->reopen_seconds, headline->reopen_index_source.c_str(),
                  headline->reopen_recall);
    else if (headline->ran)
      std::printf("durable reopen FAILED: %s\n", headline->reopen_error.c_str());
  }

  machine.load_end = load_average();
  std::printf("\nload average (1/5/15 min) at start: %s; at end: %s\n", machine.load_start.c_str(),
              machine.load_end.c_str());
  int rc = 0;
  if (!cfg.json_path.empty()) {
    if (write_file(cfg.json_path, to_json(machine, cfg, results, headline ? &*headline : nullptr).dump(2) + "\n"))
      std::printf("\nwrote %s\n", cfg.json_path.c_str());
    else {
      std::fprintf(stderr, "ann_bench: cannot write %s\n", cfg.json_path.c_str());
      rc = 1;
    }
  }
  if (!cfg.md_path.empty()) {
    if (write_file(cfg.md_path, md_report(machine, cfg, results, headline ? &*headline : nullptr)))
      std::printf("wrote %s\n", cfg.md_path.c_str());
    else {
      std::fprintf(stderr, "ann_bench: cannot write %s\n", cfg.md_path.c_str());
      rc = 1;
    }
  }
  for (const auto& dr : results)
    for (const auto& s : dr.systems)
      if (!s.error.empty()) rc = 1;
  if (headline && !headline->ran) rc = 1;
  return rc;
}
