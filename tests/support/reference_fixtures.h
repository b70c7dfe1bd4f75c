// Test helpers for the reference system's database files in tests/data/reference/
// (made by make-fixtures.cjs there): the decompressed file, and the records the
// generator inserted, with vectors recomputed from the same formula.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ruvector/json.h"

namespace ruvector::testing {

inline std::string reference_data_dir() {
  const char* d = std::getenv("RUVECTOR_TEST_DATA");
  return std::string(d ? d : "tests/data") + "/reference/";
}

// The bytes of <name>.redb (stored gzip-compressed as <name>.redb.gz).
inline std::string reference_file_bytes(const std::string& name) {
  const std::string path = reference_data_dir() + name + ".redb.gz";
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  if (n < 0) throw std::runtime_error("cannot decompress " + path);
  return out;
}

// make-fixtures.cjs's vec(gen, dims): small integers / 8, exact in float32.
inline std::vector<float> reference_vector(std::int64_t gen, std::uint32_t dims) {
  std::vector<float> v(dims);
  for (std::uint32_t j = 0; j < dims; ++j) v[j] = static_cast<float>(((gen * 31 + j * 7 + 3) % 97) - 48) / 8.0f;
  return v;
}

struct ExpectedRecord {
  std::string id;
  std::vector<float> vector;
  Json metadata;  // null when none
};

struct ExpectedReference {
  std::uint32_t dimensions = 0;
  std::optional<std::string> metric;  // "cosine", ...; nullopt when the file stores none
  bool config = false;
  Json hnsw;  // null or {m, ef_construction, ef_search, max_elements}
  std::vector<ExpectedRecord> records;  // in generator order
  bool killed = false;                  // killed writer: records = the acknowledged inserts
};

inline ExpectedReference reference_expected(const std::string& name) {
  std::ifstream in(reference_data_dir() + name + ".expected.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const Json j = Json::parse(ss.str());
  ExpectedReference e;
  e.dimensions = j["dimensions"].get<std::uint32_t>();
  if (!j["metric"].is_null()) e.metric = j["metric"].get<std::string>();
  e.config = j["config"].get<bool>();
  e.hnsw = j["hnsw"];
  e.killed = j.contains("killed");
  for (const Json& r : j["records"])
    e.records.push_back({r[0].get<std::string>(), reference_vector(r[1].get<std::int64_t>(), e.dimensions), r[2]});
  return e;
}

}  // namespace ruvector::testing
