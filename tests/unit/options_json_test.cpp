// database_options_from_json / database_info_to_json: the canonical JSON mapping the JS
// faces share. Oracle: the typed DatabaseOptions fields set by hand.
#include <gtest/gtest.h>

#include "ruvector/ruvector.h"

using namespace ruvector;

TEST(OptionsJson, EveryCanonicalKey) {
  Json j = Json::parse(R"({"dimensions": 8, "metric": "L2", "index": "flat", "storagePath": "/tmp/x",
                          "readOnly": true, "threads": 3,
                          "hnsw": {"m": 12, "efConstruction": 50, "efSearch": 70, "maxElements": 1000, "seed": 9}})");
  auto r = database_options_from_json(j);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dimensions, 8u);
  EXPECT_EQ(*r->metric, Metric::kEuclidean);
  EXPECT_EQ(*r->index, IndexKind::kFlat);
  EXPECT_EQ(r->storage_path, "/tmp/x");
  EXPECT_TRUE(r->read_only);
  EXPECT_EQ(r->threads, 3u);
  ASSERT_TRUE(r->hnsw.has_value());
  EXPECT_EQ(r->hnsw->m, 12u);
  EXPECT_EQ(r->hnsw->ef_construction, 50u);
  EXPECT_EQ(r->hnsw->ef_search, 70u);
  EXPECT_EQ(r->hnsw->max_elements, 1000u);
  EXPECT_EQ(r->hnsw->seed, 9u);
}

TEST(OptionsJson, AbsentAndNullKeepDefaults) {
  auto r = database_options_from_json(Json::parse(R"({"dimensions": 4, "metric": null, "hnsw": {"m": 8}})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->metric.has_value());
  EXPECT_FALSE(r->index.has_value());
  ASSERT_TRUE(r->hnsw.has_value());
  EXPECT_EQ(r->hnsw->m, 8u);
  EXPECT_EQ(r->hnsw->ef_construction, HnswParams{}.ef_construction);
  EXPECT_EQ(r->hnsw->ef_search, HnswParams{}.ef_search);
}

TEST(OptionsJson, BadInputNamesTheKey) {
  struct Case {
    const char* json;
    const char* needle;
  };
  const Case cases[] = {
      {R"([])", "options must be an object"},
      {R"({"dimensions": "8"})", "dimensions must be a number"},
      {R"({"dimensions": 2.5})", "dimensions must be a whole number"},
      {R"({"dimensions": -1})", "dimensions must not be negative"},
      {R"({"dimensions": 1e12})", "dimensions must be at most 4294967295"},
      {R"({"metric": "hamming"})", "unknown metric"},
      {R"({"metric": 3})", "metric must be a string"},
      {R"({"index": "ivf"})", "unknown index kind"},
      {R"({"readOnly": 1})", "readOnly must be a boolean"},
      {R"({"hnsw": 5})", "hnsw must be an object"},
      {R"({"hnsw": {"efConstuction": 5}})", "unknown hnsw option 'efConstuction'"},
      {R"({"dimension": 5})", "unknown option 'dimension'"},
  };
  for (const Case& c : cases) {
    auto r = database_options_from_json(Json::parse(c.json));
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << c.json << " -> " << r.status().ToString();
  }
}

TEST(OptionsJson, QuantizationAndRescore) {
  for (const char* name : {"none", "int8", "scalar", "binary"})
    EXPECT_TRUE(database_options_from_json(Json{{"quantization", name}}).ok()) << name;
  EXPECT_EQ(*database_options_from_json(Json::parse(R"({"quantization": "scalar"})"))->quantization,
            Quantization::kInt8);
  EXPECT_EQ(database_options_from_json(Json::parse(R"({"quantization": "product"})")).status().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(database_options_from_json(Json::parse(R"({"quantization": "bogus"})")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(database_options_from_json(Json::parse(R"({"quantization": {"type": "int8"}})")).status().code(),
            StatusCode::kInvalidArgument);  // the contract layer flattens the reference's object form
  EXPECT_EQ(*database_options_from_json(Json::parse(R"({"rescore": 4})"))->rescore, 4u);
  EXPECT_EQ(database_options_from_json(Json::parse(R"({"rescore": 101})")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(database_options_from_json(Json::parse(R"({"rescore": "3"})")).status().code(),
            StatusCode::kInvalidArgument);
  auto o = database_options_from_json(Json::parse(R"({"dimensions": 4, "quantization": "binary", "rescore": 6})"));
  ASSERT_TRUE(o.ok());
  auto db = std::move(Database::open(*o)).value();
  const Json info = database_info_to_json(db->info());
  EXPECT_EQ(info["quantization"], "binary");
  EXPECT_EQ(info["rescore"], 6);
  EXPECT_EQ(info["codesTrainedOn"], 0);
  EXPECT_TRUE(info["memory"]["codes"].is_number_unsigned());
}

TEST(OptionsJson, InfoRoundTripsThroughOpen) {
  auto o = database_options_from_json(Json::parse(R"({"dimensions": 3, "metric": "dot", "hnsw": {"m": 10}})"));
  ASSERT_TRUE(o.ok());
  auto db = std::move(Database::open(*o)).value();
  std::vector<float> v{1, 2, 3};
  ASSERT_TRUE(db->insert(Entry{"a", v, nullptr}).ok());
  Json info = database_info_to_json(db->info());
  EXPECT_EQ(info["dimensions"], 3);
  EXPECT_EQ(info["metric"], "dot");
  EXPECT_EQ(info["index"], "hnsw");
  EXPECT_EQ(info["hnswConfig"]["m"], 10);
  EXPECT_EQ(info["count"], 1);
  EXPECT_EQ(info["storage"], "memory");
  EXPECT_TRUE(info["memoryBytes"].is_number_unsigned());
}
