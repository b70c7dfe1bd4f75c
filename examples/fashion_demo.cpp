// `make demo`: builds a durable database from fashion-mnist (Debian's
// dataset-fashion-mnist), searches it with held-out test images, reports timings and
// how often the neighbours share the query's label, then closes it, reopens it, and
// checks that the answers are the same and how long reopening took.
//
//   ruvector_demo [--train N] [--queries N] [--k K] [--db DIR]   (DIR is replaced)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets.h"
#include "ruvector/ruvector.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const char* kLabels[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

int fail(const ruvector::Status& s) {
  std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t train_n = 60000, query_n = 1000, k = 10;
  std::string dir = (std::filesystem::temp_directory_path() / "ruvector-demo-db").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--train")) train_n = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--queries")) query_n = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--k")) k = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--db")) dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  using namespace ruvector;
  auto train = testing::load_fashion_mnist(true, train_n);
  auto test = testing::load_fashion_mnist(false, query_n);
  if (!train.ok()) return fail(train.status());
  if (!test.ok()) return fail(test.status());
  std::printf("ruvector %s, SIMD level %s\n", version(), simd_level_name(active_simd_level()));
  std::printf("fashion-mnist: %zu training images (784-d), %zu held-out test images as queries\n\n", train->n, test->n);

  DatabaseOptions options;
  options.dimensions = 784;
  options.metric = Metric::kEuclidean;
  options.storage_path = dir;
  auto opened = Database::open(options);
  if (!opened.ok()) return fail(opened.status());
  auto db = std::move(opened).value();
  std::printf("database: %s (durable)\n", dir.c_str());

  std::vector<Entry> entries;
  entries.reserve(train->n);
  for (std::size_t i = 0; i < train->n; ++i)
    entries.push_back(Entry{"train-" + std::to_string(i), std::span<const float>(train->row(i), 784),
                            Json{{"label", train->labels[i]}, {"name", kLabels[train->labels[i]]}}});
  auto t0 = Clock::now();
  auto ids = db->insert_batch(entries);
  if (!ids.ok()) return fail(ids.status());
  const double build_s = seconds_since(t0);
  std::printf("build:  %zu vectors in %.2f s (%.0f vectors/s, HNSW m=%u efConstruction=%u)\n", db->size(), build_s,
              static_cast<double>(db->size()) / build_s, db->info().hnsw.m, db->info().hnsw.ef_construction);

  auto search_all = [&](const Database& d, std::vector<std::vector<SearchHit>>& out) -> Status {
    out.assign(test->n, {});
    for (std::size_t q = 0; q < test->n; ++q) {
      SearchQuery sq;
      sq.vector = std::span<const float>(test->row(q), 784);
      sq.k = k;
      sq.include_metadata = true;
      auto hits = d.search(sq);
      if (!hits.ok()) return hits.status();
      out[q] = std::move(hits).value();
    }
    return Status::Ok();
  };
  std::size_t same = 0, total = 0;
  std::vector<std::vector<SearchHit>> results;
  t0 = Clock::now();
  if (Status st = search_all(*db, results); !st.ok()) return fail(st);
  const double search_s = seconds_since(t0);
  for (std::size_t q = 0; q < test->n; ++q)
    for (const auto& h : results[q]) {
      same += h.metadata["label"].get<int>() == test->labels[q];
      ++total;
    }
  std::printf("search: %zu queries, k=%zu, in %.3f s (%.0f queries/s, %.1f us/query, one thread)\n", test->n, k,
              search_s, static_cast<double>(test->n) / search_s, 1e6 * search_s / static_cast<double>(test->n));
  std::printf("labels: %.1f%% of the neighbours share the query's label\n\n",
              100.0 * static_cast<double>(same) / static_cast<double>(total));

  // Filtered search: only sneakers, whatever the query shows.
  SearchQuery sq;
  sq.vector = std::span<const float>(test->row(0), 784);
  sq.k = 3;
  sq.include_metadata = true;
  sq.filter = Json{{"label", 7}};
  auto sneakers = db->search(sq);
  if (!sneakers.ok()) return fail(sneakers.status());
  std::printf("query 0 (%s): nearest with filter {\"label\": 7} (Sneaker):\n", kLabels[test->labels[0]]);
  for (const auto& h : *sneakers)
    std::printf("  %-12s %-11s distance %.1f\n", h.id.c_str(), h.metadata["name"].get<std::string>().c_str(), h.score);

  // Close (stores the index image), reopen with no options: settings come from the store.
  t0 = Clock::now();
  db.reset();
  const double close_s = seconds_since(t0);
  DatabaseOptions reopen;
  reopen.storage_path = dir;
  t0 = Clock::now();
  auto again = Database::open(reopen);
  const double reopen_s = seconds_since(t0);
  if (!again.ok()) return fail(again.status());
  std::vector<std::vector<SearchHit>> after;
  if (Status st = search_all(**again, after); !st.ok()) return fail(st);
  bool identical = true;
  for (std::size_t q = 0; q < results.size(); ++q) {
    identical &= results[q].size() == after[q].size();
    for (std::size_t i = 0; identical && i < results[q].size(); ++i)
      identical &= results[q][i].id == after[q][i].id && results[q][i].score == after[q][i].score;
  }
  const DatabaseInfo info = (*again)->info();
  std::printf("\nclose:  %.2f s (writes the index image)\n", close_s);
  std::printf("reopen: %zu vectors in %.2f s, index from %s: %.1f%% of the build time (%.0fx faster)\n", info.count,
              reopen_s, info.index_source.c_str(), 100.0 * reopen_s / build_s, build_s / reopen_s);
  std::printf("after reopen the %zu searches return %s results\n", results.size(),
              identical ? "identical" : "DIFFERENT");
  return identical ? 0 : 1;
}
