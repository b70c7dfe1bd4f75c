// The README's ten-line example, compiled and run by `make test` so it stays true.
#include <ruvector/ruvector.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace ruvector;

int main() {
  const auto dir = std::filesystem::temp_directory_path() / "ruvector-quickstart";
  std::filesystem::remove_all(dir);

  DatabaseOptions options;
  options.dimensions = 3;
  options.metric = Metric::kCosine;          // euclidean, cosine, dot, manhattan
  options.storage_path = dir.string();       // omit for an in-memory database
  auto db = Database::open(options).value();
  std::vector<float> v{1, 2, 3};
  auto id = db->insert({"doc-1", v, Json{{"lang", "en"}}});       // Result<std::string>
  auto hits = db->search({.vector = v, .k = 5, .filter = Json{{"lang", "en"}}});
  if (!hits.ok()) std::cerr << hits.status().ToString() << "\n";   // "DIMENSION_MISMATCH: ..."

  if (!id.ok() || !hits.ok() || hits->size() != 1 || (*hits)[0].id != "doc-1") return 1;
  std::printf("%s score %.3f\n", (*hits)[0].id.c_str(), (*hits)[0].score);
  std::vector<float> wrong{1, 2};
  auto bad = db->search({.vector = wrong, .k = 5});
  std::printf("%s\n", bad.status().ToString().c_str());
  return bad.status().code() == StatusCode::kDimensionMismatch ? 0 : 1;
}
