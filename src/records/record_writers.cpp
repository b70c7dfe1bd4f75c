// The JSON Lines writer (include/ruvector/record_io.h).
#include <charconv>
#include <string>
#include <system_error>

#include "ruvector/record_io.h"

namespace ruvector {
namespace {

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// The shortest text that reads back as `v` (as float32).
void append_float(float v, std::string& out) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  char buf[48];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
#else
  // No floating-point std::to_chars (the libc++ of em++ 3.1.6): nlohmann's own
  // shortest round-trip formatting of the shortest double that reads back as v.
  out += dump(Json(float_for_json(v)));
#endif
}

}  // namespace

void append_jsonl_record(const Record& record, std::string& out) {
  out += "{\"id\":";
  out += dump(Json(record.id));
  out += ",\"vector\":[";
  for (std::size_t i = 0; i < record.vector.size(); ++i) {
    if (i) out.push_back(',');
    append_float(record.vector[i], out);
  }
  out.push_back(']');
  if (!record.metadata.is_null()) {
    out += ",\"metadata\":";
    out += dump(record.metadata);
  }
  out += "}\n";
}

Result<std::string> snapshot_to_jsonl(std::string_view snapshot_bytes, const std::string& source) {
  RecordReadOptions options;
  options.source = source;
  RUVECTOR_ASSIGN_OR_RETURN(RecordRows rows, read_snapshot_records(snapshot_bytes, options));
  std::string out;
  Record r;
  for (std::size_t i = 0; i < rows.rows(); ++i) {
    r.id = std::move(rows.ids[i]);
    const auto v = rows.row(i);
    r.vector.assign(v.begin(), v.end());
    r.metadata = std::move(rows.metadata[i]);
    append_jsonl_record(r, out);
  }
  return out;
}

}  // namespace ruvector
