#include "ruvector/options_json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace ruvector {
namespace {

// A non-negative integer that fits `max`; `what` names the key in the error.
Status read_uint(const Json& v, const char* what, std::uint64_t max, std::uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<std::uint64_t>();
  } else if (v.is_number_integer()) {
    const std::int64_t i = v.get<std::int64_t>();
    if (i < 0) return Status::InvalidArgument(std::string(what) + " must not be negative, got " + std::to_string(i));
    out = static_cast<std::uint64_t>(i);
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < 0 || std::floor(d) != d || d > 9007199254740991.0)
      return Status::InvalidArgument(std::string(what) + " must be a whole number, got " + v.dump());
    out = static_cast<std::uint64_t>(d);
  } else {
    return Status::InvalidArgument(std::string(what) + " must be a number, got " + v.type_name());
  }
  if (out > max)
    return Status::InvalidArgument(std::string(what) + " must be at most " + std::to_string(max) + ", got " +
                                   std::to_string(out));
  return Status::Ok();
}

Status read_u32(const Json& v, const char* what, std::uint32_t& out) {
  std::uint64_t x = 0;
  RUVECTOR_RETURN_IF_ERROR(read_uint(v, what, std::numeric_limits<std::uint32_t>::max(), x));
  out = static_cast<std::uint32_t>(x);
  return Status::Ok();
}

Status read_string(const Json& v, const char* what, std::string& out) {
  if (!v.is_string()) return Status::InvalidArgument(std::string(what) + " must be a string, got " + v.type_name());
  out = v.get<std::string>();
  return Status::Ok();
}

Status read_hnsw(const Json& h, HnswParams& p) {
  if (!h.is_object()) return Status::InvalidArgument(std::string("hnsw must be an object, got ") + h.type_name());
  for (auto it = h.begin(); it != h.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (v.is_null()) continue;
    if (key == "m") {
      RUVECTOR_RETURN_IF_ERROR(read_u32(v, "hnsw m", p.m));
    } else if (key == "efConstruction") {
      RUVECTOR_RETURN_IF_ERROR(read_u32(v, "hnsw efConstruction", p.ef_construction));
    } else if (key == "efSearch") {
      RUVECTOR_RETURN_IF_ERROR(read_u32(v, "hnsw efSearch", p.ef_search));
    } else if (key == "maxElements") {
      RUVECTOR_RETURN_IF_ERROR(read_uint(v, "hnsw maxElements", 9007199254740991ull, p.max_elements));
    } else if (key == "seed") {
      RUVECTOR_RETURN_IF_ERROR(read_uint(v, "hnsw seed", 9007199254740991ull, p.seed));
    } else {
      return Status::InvalidArgument("unknown hnsw option '" + key + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<DatabaseOptions> database_options_from_json(const Json& options) {
  if (!options.is_object())
    return Status::InvalidArgument(std::string("options must be an object, got ") + options.type_name());
  DatabaseOptions o;
  for (auto it = options.begin(); it != options.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (v.is_null()) continue;
    if (key == "dimensions") {
      RUVECTOR_RETURN_IF_ERROR(read_u32(v, "dimensions", o.dimensions));
    } else if (key == "metric") {
      std::string name;
      RUVECTOR_RETURN_IF_ERROR(read_string(v, "metric", name));
      auto m = parse_metric(name);
      if (!m.ok()) return m.status();
      o.metric = *m;
    } else if (key == "index") {
      std::string name;
      RUVECTOR_RETURN_IF_ERROR(read_string(v, "index", name));
      auto k = parse_index_kind(name);
      if (!k.ok()) return k.status();
      o.index = *k;
    } else if (key == "storagePath") {
      RUVECTOR_RETURN_IF_ERROR(read_string(v, "storagePath", o.storage_path));
    } else if (key == "readOnly") {
      if (!v.is_boolean()) return Status::InvalidArgument(std::string("readOnly must be a boolean, got ") + v.type_name());
      o.read_only = v.get<bool>();
    } else if (key == "threads") {
      RUVECTOR_RETURN_IF_ERROR(read_u32(v, "threads", o.threads));
    } else if (key == "hnsw") {
      HnswParams p;
      RUVECTOR_RETURN_IF_ERROR(read_hnsw(v, p));
      o.hnsw = p;
    } else if (key == "quantization") {
      std::string name;
      RUVECTOR_RETURN_IF_ERROR(read_string(v, "quantization", name));
      auto q = parse_quantization(name);
      if (!q.ok()) return q.status();
      o.quantization = *q;
    } else if (key == "floats") {
      std::string name;
      RUVECTOR_RETURN_IF_ERROR(read_string(v, "floats", name));
      auto f = parse_float_placement(name);
      if (!f.ok()) return f.status();
      o.floats = *f;
    } else if (key == "rescore") {
      std::uint64_t r = 0;
      RUVECTOR_RETURN_IF_ERROR(read_uint(v, "rescore", kMaxRescore, r));
      o.rescore = static_cast<std::uint32_t>(r);
    } else {
      return Status::InvalidArgument("unknown option '" + key + "'");
    }
  }
  return o;
}

Json database_info_to_json(const DatabaseInfo& info) {
  return Json{{"dimensions", info.dimensions},
              {"metric", metric_name(info.metric)},
              {"index", index_kind_name(info.index)},
              {"hnswConfig",
               {{"m", info.hnsw.m},
                {"efConstruction", info.hnsw.ef_construction},
                {"efSearch", info.hnsw.ef_search},
                {"maxElements", info.hnsw.max_elements}}},
              {"quantization", quantization_name(info.quantization)},
              {"rescore", info.rescore},
              {"floats", float_placement_name(info.floats)},
              {"vectorsDecoded", info.vectors_decoded},
              {"codesTrainedOn", info.codes_trained_on},
              {"count", info.count},
              {"storage", info.storage},
              {"indexSource", info.index_source},
              {"memoryBytes", info.memory_bytes},
              {"memory",
               {{"codes", info.memory.codes},
                {"floats", info.memory.floats},
                {"graph", info.memory.graph},
                {"ids", info.memory.ids},
                {"metadata", info.memory.metadata}}}};
}

}  // namespace ruvector
