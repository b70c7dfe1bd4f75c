#include "command_support.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace ruvector::cli {
namespace fs = std::filesystem;


double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Rounds for JSON output, so documents show 0.022 rather than 0.021882000000000002.
double rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// ---- output helpers ----

Progress::Mode show_progress(const GlobalOptions& g) { return Progress::mode_for(!g.json && !g.quiet, g.progress); }

// Informational line on stdout (not in --json or --quiet mode).
void say(const GlobalOptions& g, const std::string& line) {
  if (g.json || g.quiet) return;
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
}

// Result line on stdout (not in --json mode; --quiet keeps it: it is the output).
void print(const GlobalOptions& g, const std::string& line) {
  if (g.json) return;
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
}

void warn(const std::string& line) { std::fprintf(stderr, "ruvector: warning: %s\n", line.c_str()); }

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string float_text(float v) {
  char buf[48];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

Json vector_json(std::span<const float> v) {
  Json a = Json::array();
  a.get_ref<Json::array_t&>().reserve(v.size());
  for (float x : v) a.push_back(float_for_json(x));
  return a;
}

std::string vector_text(std::span<const float> v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += float_text(v[i]);
  }
  return s + "]";
}

std::string human_bytes(std::uint64_t b) {
  const double v = static_cast<double>(b);
  if (b >= (1ull << 30)) return fixed(v / (1024.0 * 1024 * 1024), 1) + " GiB";
  if (b >= (1ull << 20)) return fixed(v / (1024.0 * 1024), 1) + " MiB";
  if (b >= (1ull << 10)) return fixed(v / 1024.0, 1) + " KiB";
  return std::to_string(b) + " B";
}

std::string hnsw_text(const DatabaseInfo& info) {
  if (info.index != IndexKind::kHnsw) return index_kind_name(info.index);
  return std::string(index_kind_name(info.index)) + " (m=" + std::to_string(info.hnsw.m) +
         ", ef_construction=" + std::to_string(info.hnsw.ef_construction) +
         ", ef_search=" + std::to_string(info.hnsw.ef_search) + ")";
}

Json settings_doc(const DatabaseInfo& info) {
  Json j{{"dimensions", info.dimensions}, {"metric", metric_name(info.metric)}, {"index", index_kind_name(info.index)}};
  if (info.index == IndexKind::kHnsw)
    j["hnsw"] = {{"m", info.hnsw.m}, {"ef_construction", info.hnsw.ef_construction}, {"ef_search", info.hnsw.ef_search}};
  j["quantization"] = quantization_name(info.quantization);
  if (info.quantization != Quantization::kNone) j["rescore"] = info.rescore;
  return j;
}

// ---- files ----

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status::InvalidArgument("cannot read '" + path + "': it is a directory");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::InvalidArgument("cannot read '" + path + "': " + std::strerror(errno));
  std::string data;
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && st.st_size > 0) data.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) return Status::IoError("error reading '" + path + "': " + std::strerror(err));
  return data;
}


// Maps "entry N: ..." from insert_batch back to the source row.
Status locate_batch_error(const Status& s, const RecordRows& data, const std::string& source, std::size_t base) {
  const std::string& m = s.message();
  if (m.rfind("entry ", 0) == 0) {
    std::size_t i = 0;
    auto r = std::from_chars(m.data() + 6, m.data() + m.size(), i);
    if (r.ec == std::errc() && r.ptr + 1 < m.data() + m.size() && *r.ptr == ':' && base + i < data.rows())
      return Status(s.code(), data.where(source, base + i) + m.substr(static_cast<std::size_t>(r.ptr - m.data())));
  }
  return s.WithContext(source);
}

Result<Json> parse_json_option(const std::string& text, const std::string& flag) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string detail = e.what();
    const std::size_t bracket = detail.find("] ");
    if (bracket != std::string::npos) detail = detail.substr(bracket + 2);
    return Status::InvalidArgument(flag + " is not valid JSON: " + detail);
  }
}

// The query vector of `search`: --vector text, or row `row` of --vector-file.
Result<std::vector<float>> query_vector(const SearchOptions& o, std::uint32_t dimensions) {
  if (!o.vector.empty()) {
    auto v = parse_vector_text(o.vector);
    if (!v.ok()) return v.status().WithContext("--vector");
    return v;
  }
  RUVECTOR_ASSIGN_OR_RETURN(std::string bytes, read_file(o.vector_file));
  auto format = record_format_from_path(o.vector_file);
  if (!format.ok()) {
    // No known extension: the file holds the vector as text ("[1, 2, 3]" or "1,2,3").
    auto v = parse_vector_text(bytes);
    if (!v.ok()) return v.status().WithContext(o.vector_file);
    return v;
  }
  RecordReadOptions io;
  io.source = o.vector_file;
  io.dimensions = dimensions;
  io.max_rows = o.row + 1;
  RUVECTOR_ASSIGN_OR_RETURN(RecordRows data, read_records(bytes, *format, io));
  if (o.row >= data.rows())
    return Status::InvalidArgument(o.vector_file + " has " + std::to_string(data.rows()) + " rows, --row " +
                                   std::to_string(o.row) + " does not exist");
  const auto r = data.row(o.row);
  return std::vector<float>(r.begin(), r.end());
}

}  // namespace ruvector::cli
