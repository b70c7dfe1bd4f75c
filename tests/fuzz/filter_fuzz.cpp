// libFuzzer target for metadata filters (src/filter/filter.cpp).
//
// The input is parsed as JSON with exceptions off. If it parses, it is compiled as
// a filter; a compiled filter is run against fixed metadata objects and against
// the input itself. Input of the form [filter, metadata] also runs that pair, so
// the fuzzer can steer both sides. Checks: no crash, no exception, no sanitizer
// report, errors are INVALID_ARGUMENT naming a place, and matches() is
// deterministic and agrees with $not of the same filter.
//
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DRUVECTOR_BUILD_FUZZ=ON
//        ninja -C build-fuzz filter_fuzz && build-fuzz/tests/filter_fuzz -max_total_time=20
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "filter/filter.h"

namespace {

using ruvector::Json;
using ruvector::StatusCode;
using ruvector::detail::Filter;

const std::vector<Json>& FixedMetadata() {
  static const std::vector<Json> metas = [] {
    std::vector<Json> m;
    m.push_back(Json());  // no metadata
    m.push_back(Json::object());
    const char* texts[] = {
        R"({"a": 1, "b": "x", "c": [1, 2, "x"], "d": {"e": {"f": 2.5}}, "g": null, "h": true})",
        R"({"price": 10, "tags": ["red", "sale"], "n": {"x": [0, {"y": "z"}]}, "s": ""})",
        R"({"a": -9223372036854775808, "b": 18446744073709551615, "c": 1e308, "d": [[1], {"a": 1}]})",
        R"({"0": [0], "a.b": 1, "$a": {"$gt": 1}, "u": "\u00e9", "e": [], "f": {}})",
    };
    for (const char* t : texts) m.push_back(Json::parse(t, nullptr, false));
    return m;
  }();
  return metas;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "filter_fuzz: check failed: %s\n", what);
    std::abort();
  }
}

void Run(const Json& filter_json, const Json* extra_metadata) {
  auto compiled = Filter::compile(filter_json);
  if (!compiled.ok()) {
    Check(compiled.status().code() == StatusCode::kInvalidArgument, "error code is INVALID_ARGUMENT");
    Check(compiled.status().message().rfind("invalid filter at ", 0) == 0, "error message names the place");
    return;
  }
  const Filter& f = compiled.value();
  // {"$not": f} must compile too (unless it exceeds the depth limit) and disagree everywhere.
  Json negated = Json::object();
  negated["$not"] = filter_json;
  auto neg = Filter::compile(negated);
  auto run_one = [&](const Json& meta) {
    const bool m = f.matches(meta);
    Check(m == f.matches(meta), "matches() is deterministic");
    if (f.match_all()) Check(m, "match_all() filters match everything");
    if (neg.ok()) Check(neg.value().matches(meta) != m, "$not negates");
  };
  for (const Json& meta : FixedMetadata()) run_one(meta);
  run_one(filter_json);
  if (extra_metadata != nullptr) run_one(*extra_metadata);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Json input = Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;
  Run(input, nullptr);
  if (input.is_array() && input.size() == 2) Run(input[0], &input[1]);
  return 0;
}
