// Helpers of the storage tests (memory and LMDB): a record to write, and a store's whole
// content in scan order, to compare with a model. Header-only (GoogleTest assertions).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ruvector/storage.h"

namespace ruvector::testing {

inline StoredRecord Rec(std::string id, std::vector<float> v, std::string meta = "") {
  return StoredRecord{std::move(id), std::move(v), std::move(meta)};
}

struct Row {
  std::vector<float> vector;
  std::string metadata;
  bool operator==(const Row&) const = default;
};

// The whole content, in scan order; a failing scan fails the test.
inline std::vector<std::pair<std::string, Row>> Dump(const Storage& s) {
  std::vector<std::pair<std::string, Row>> out;
  Status st = s.scan([&](const StoredRecordView& r) {
    out.emplace_back(std::string(r.id),
                     Row{std::vector<float>(r.vector.begin(), r.vector.end()), std::string(r.metadata_json)});
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

}  // namespace ruvector::testing
