#include "commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cluster_target.h"
#include "command_support.h"
#include "file_lock.h"
#include "index_target.h"
#include "progress.h"
#include "ruvector/record_io.h"
#include "ruvector/ruvector.h"

namespace ruvector::cli {
namespace fs = std::filesystem;

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kDimensionMismatch:
    case StatusCode::kAlreadyExists: return kExitInput;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kLocked: return kExitLocked;
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kUnsupported:
    case StatusCode::kResourceExhausted:
    case StatusCode::kInternal: return kExitDatabase;
  }
  return kExitDatabase;
}

namespace {

// Sum of the sizes of the regular files under `dir`.
std::uint64_t directory_bytes(const std::string& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code e2;
    if (it->is_regular_file(e2)) {
      const auto size = it->file_size(e2);
      if (!e2) total += size;
    }
  }
  return total;
}



// ---- bench helpers ----

Result<std::vector<std::uint32_t>> parse_ef_list(const std::string& text) {
  std::vector<std::uint32_t> out;
  std::string_view s = text;
  while (true) {
    const std::size_t comma = s.find(',');
    std::string_view tok = s.substr(0, comma);
    while (!tok.empty() && tok.front() == ' ') tok.remove_prefix(1);
    while (!tok.empty() && tok.back() == ' ') tok.remove_suffix(1);
    std::uint32_t v = 0;
    auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (tok.empty() || r.ec != std::errc() || r.ptr != tok.data() + tok.size() || v < 1 || v > 65535)
      return Status::InvalidArgument("--ef expects a comma-separated list of integers 1..65535, got '" + text + "'");
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

}  // namespace

// ---------------------------------------------------------------------------
// create

namespace {

// The summary line and --json document of a new database.
Outcome created(const GlobalOptions& g, const CreateOptions& o, const DatabaseInfo& info, const char* storage) {
  const bool from_snapshot = !o.from_snapshot.empty();
  say(g, "created " + o.dir + ": " + std::to_string(info.dimensions) + " dimensions, " + metric_name(info.metric) +
             ", " + hnsw_text(info) +
             (from_snapshot ? ", " + std::to_string(info.count) + " vectors from " + o.from_snapshot : ""));
  Json doc = settings_doc(info);
  doc["path"] = o.dir;
  doc["created"] = true;
  doc["count"] = info.count;
  doc["storage"] = storage;
  return Outcome::Ok(std::move(doc));
}

// A new snapshot file database (the path does not exist): built in memory, written
// atomically under the file's lock.
Outcome create_snapshot_file(const GlobalOptions& g, const CreateOptions& o, const DatabaseOptions& options) {
  Result<std::unique_ptr<Database>> db = Status::InvalidArgument("unreachable");
  {
    Progress progress(o.from_snapshot.empty() ? "creating" : "loading snapshot", 0, show_progress(g));
    progress.start_ticker();
    if (o.from_snapshot.empty()) {
      db = Database::open(options);
      if (!db.ok()) db = db.status().WithContext("cannot create '" + o.dir + "'");
    } else {
      std::error_code ec;
      if (!fs::exists(o.from_snapshot, ec))
        return Outcome::Error(Status::InvalidArgument("cannot read '" + o.from_snapshot + "': no such file"));
      db = Database::deserialize_file(o.from_snapshot, options);
      if (!db.ok()) db = db.status().WithContext(o.from_snapshot);
    }
    if (!db.ok()) return Outcome::Error(db.status());
    auto lock = FileLock::take(o.dir);
    if (!lock.ok()) return Outcome::Error(lock.status());
    std::error_code ec;
    if (fs::exists(o.dir, ec)) return Outcome::Error(Status::AlreadyExists("'" + o.dir + "' already exists"));
    Status st = (*db)->serialize_to_file(o.dir);
    if (!st.ok()) return Outcome::Error(st);
  }
  return created(g, o, (*db)->info(), "snapshot");
}

}  // namespace

Outcome run_create(const GlobalOptions& g, const CreateOptions& o) {
  const bool from_snapshot = !o.from_snapshot.empty();
  if (o.dimensions == 0 && !from_snapshot)
    return Outcome::UsageError("--dimensions is required (or --from-snapshot FILE)");
  if (parse_cluster_address(o.dir)) return run_create_cluster(g, o);
  if (o.shards) return Outcome::UsageError("--shards applies to a redis:// index only");
  DatabaseOptions options;
  options.dimensions = o.dimensions;
  if (o.metric) {
    auto metric = parse_metric(*o.metric);
    if (!metric.ok()) return Outcome::Usage(metric.status().WithContext("--metric"));
    options.metric = *metric;
  }
  if (o.index) {
    auto kind = parse_index_kind(*o.index);
    if (!kind.ok()) return Outcome::Usage(kind.status().WithContext("--index"));
    options.index = *kind;
  }
  if (o.quantization) {
    auto q = parse_quantization(*o.quantization);
    if (!q.ok()) return Outcome::Usage(q.status().WithContext("--quantization"));
    options.quantization = *q;
  }
  options.rescore = o.rescore;
  if (o.m || o.ef_construction || o.ef_search || !from_snapshot) {
    HnswParams hnsw;
    if (o.m) hnsw.m = *o.m;
    if (o.ef_construction) hnsw.ef_construction = *o.ef_construction;
    if (o.ef_search) hnsw.ef_search = *o.ef_search;
    options.hnsw = hnsw;
  }
  if (!from_snapshot) {
    // Validate the settings on an in-memory database before touching the disk.
    auto probe = Database::open(options);
    if (!probe.ok()) return Outcome::Usage(probe.status());
  }
  std::error_code ec;
  const bool existed = fs::exists(o.dir, ec);
  if (is_snapshot_file(o.dir, /*creating=*/true)) {
    if (existed) return Outcome::Error(Status::AlreadyExists("'" + o.dir + "' already exists"));
    return create_snapshot_file(g, o, options);
  }
  if (existed) {
    if (!fs::is_empty(o.dir, ec)) {
      auto existing = open_database(o.dir, /*read_only=*/true);
      if (existing.ok()) {
        const DatabaseInfo info = (*existing)->info();
        return Outcome::Error(Status::AlreadyExists("'" + o.dir + "' already holds a database (" +
                                                    std::to_string(info.count) + " vectors, " +
                                                    std::to_string(info.dimensions) + " dimensions)"));
      }
      return Outcome::Error(Status::AlreadyExists("'" + o.dir +
                                                  "' exists and is not empty; choose a new or empty directory"));
    }
  }
  options.storage_path = o.dir;
  Result<std::unique_ptr<Database>> db = Status::InvalidArgument("unreachable");
  if (from_snapshot) {
    if (!fs::exists(o.from_snapshot, ec))
      return Outcome::Error(Status::InvalidArgument("cannot read '" + o.from_snapshot + "': no such file"));
    Progress progress("loading snapshot", 0, show_progress(g));
    progress.start_ticker();
    db = Database::deserialize_file(o.from_snapshot, options);
    if (!db.ok()) db = db.status().WithContext(o.from_snapshot);
  } else {
    db = Database::open(options);
    if (!db.ok()) db = db.status().WithContext("cannot create '" + o.dir + "'");
  }
  if (!db.ok()) {
    // Leave nothing behind: remove what this call created (a directory that did not
    // exist, or the files in one that was empty).
    if (existed) {
      for (const auto& entry : fs::directory_iterator(o.dir, ec)) fs::remove_all(entry.path(), ec);
    } else {
      fs::remove_all(o.dir, ec);
    }
    return Outcome::Error(db.status());
  }
  if (from_snapshot) {
    Status cp = (*db)->checkpoint();
    if (!cp.ok()) warn("the vectors are stored, but the index image was not saved (" + cp.ToString() + ")");
  }
  return created(g, o, (*db)->info(), "directory");
}

// ---------------------------------------------------------------------------
// insert

Outcome run_insert(const GlobalOptions& g, const InsertOptions& o) {
  auto vec = parse_vector_text(o.vector);
  if (!vec.ok()) return Outcome::Error(vec.status().WithContext("--vector"));
  Json metadata;
  if (!o.metadata.empty()) {
    auto m = parse_json_option(o.metadata, "--metadata");
    if (!m.ok()) return Outcome::Error(m.status());
    metadata = std::move(m).value();
    if (!metadata.is_object() && !metadata.is_null())
      return Outcome::Error(
          Status::InvalidArgument(std::string("--metadata must be a JSON object, got ") + metadata.type_name()));
  }
  auto db = open_target(o.dir, false);
  if (!db.ok()) return Outcome::Error(db.status());
  Entry e;
  e.id = o.id;
  e.vector = *vec;
  e.metadata = std::move(metadata);
  auto id = (*db)->insert(e);
  if (!id.ok()) return Outcome::Error(id.status());
  if (std::strcmp((*db)->kind(), "snapshot") == 0) {
    Status st = (*db)->save();
    if (!st.ok()) return Outcome::Error(st);
  }
  print(g, *id);
  auto count = (*db)->size();
  if (!count.ok()) return Outcome::Error(count.status());
  return Outcome::Ok(Json{{"id", *id}, {"count", *count}});
}

// ---------------------------------------------------------------------------
// import

Outcome run_import(const GlobalOptions& g, const ImportOptionsCli& o) {
  auto format = o.format.empty() ? record_format_from_path(o.file) : parse_record_format(o.format);
  if (!format.ok()) return Outcome::UsageError(format.status().WithContext(o.format.empty() ? o.file : "--format").message());
  auto opened = open_target(o.dir, false);
  if (!opened.ok()) return Outcome::Error(opened.status());
  IndexTarget& db = **opened;
  const std::string kind = db.kind();
  const auto t0 = Clock::now();

  // 1. Read and parse the whole file; nothing is written unless all of it is valid.
  Progress progress("reading " + o.file, 0, show_progress(g), Progress::Unit::kBytes);
  progress.start_ticker();
  auto bytes = read_file(o.file);
  if (!bytes.ok()) return Outcome::Error(bytes.status());
  // The readers report bytes read (rows of a snapshot) with their total.
  const bool snapshot_rows = *format == RecordFormat::kSnapshot;
  progress.restart("parsing", bytes->size(), snapshot_rows ? Progress::Unit::kItems : Progress::Unit::kBytes);
  RecordReadOptions io;
  io.source = o.file;
  io.dimensions = db.dimensions();
  io.id_prefix = o.id_prefix;
  io.progress = [&](std::uint64_t done, std::uint64_t total) { progress.set(done, total); };
  auto parsed = read_records(*bytes, *format, io);
  bytes->clear();
  bytes->shrink_to_fit();
  if (!parsed.ok()) return Outcome::Error(parsed.status());
  const RecordRows& data = *parsed;
  const double parse_seconds = seconds_since(t0);

  // 2. Insert: one all-or-nothing transaction, or --batch sized ones.
  std::vector<Entry> entries(data.rows());
  for (std::size_t i = 0; i < data.rows(); ++i) {
    entries[i].id = data.ids[i];
    entries[i].vector = data.row(i);
    entries[i].metadata = data.metadata[i];
  }
  // A snapshot file is written once at the end, so its chunks are all-or-nothing too.
  const std::size_t batch = o.batch != 0 ? o.batch
                            : kind == "snapshot" ? std::size_t{4096}
                                                 : std::max<std::size_t>(entries.size(), 1);
  const auto t1 = Clock::now();
  std::size_t batches = 0;
  if (batch >= entries.size()) {
    progress.restart("inserting " + std::to_string(entries.size()) + " vectors", 0);
    progress.start_ticker();
  } else {
    progress.restart("inserting", entries.size());
  }
  for (std::size_t base = 0; base < entries.size(); base += batch) {
    const std::size_t n = std::min(batch, entries.size() - base);
    auto ids = db.insert_batch(std::span<const Entry>(entries).subspan(base, n));
    if (!ids.ok()) {
      Status st = locate_batch_error(ids.status(), data, o.file, base);
      if (base > 0 && kind == "directory")
        st = Status(st.code(), st.message() + " (rows before " + data.where(o.file, base) +
                                   " were imported in earlier batches)");
      return Outcome::Error(st);
    }
    ++batches;
    progress.add(n);
  }
  const double insert_seconds = seconds_since(t1);
  // Persist the index image now, so the next open loads it instead of rebuilding.
  progress.restart(kind == "snapshot" ? "writing " + o.dir : std::string("saving index"), 0);
  progress.start_ticker();
  Status cp = db.save();
  progress.finish();
  if (!cp.ok() && kind == "snapshot") return Outcome::Error(cp);
  if (!cp.ok()) warn("the vectors are stored, but the index image was not saved (" + cp.ToString() + ")");

  auto count = db.size();
  if (!count.ok()) return Outcome::Error(count.status());
  const double total = seconds_since(t0);
  const double rate = insert_seconds > 0 ? static_cast<double>(data.rows()) / insert_seconds : 0;
  const bool snapshot = *format == RecordFormat::kSnapshot;
  say(g, "imported " + std::to_string(data.rows()) + " vectors from " + o.file + (snapshot ? " (snapshot)" : "") +
             " in " + fixed(total, 2) + " s (" +
             fixed(rate, 0) + " vectors/s); " + o.dir + " now holds " + std::to_string(*count) + " vectors");
  return Outcome::Ok(Json{{"imported", data.rows()},
                          {"file", o.file},
                          {"format", record_format_name(*format)},
                          {"batches", kind == "snapshot" ? std::size_t{1} : batches},
                          {"parse_seconds", rounded(parse_seconds, 3)},
                          {"insert_seconds", rounded(insert_seconds, 3)},
                          {"seconds", rounded(total, 3)},
                          {"count", *count}});
}

// ---------------------------------------------------------------------------
// search

Outcome run_search(const GlobalOptions& g, const SearchOptions& o) {
  if (o.vector.empty() == o.vector_file.empty())
    return Outcome::UsageError("give exactly one of --vector and --vector-file");
  if (o.k < 1) return Outcome::UsageError("-k must be at least 1");
  // A redis:// index takes the servers' FILTER expression text as it is.
  const bool cluster = parse_cluster_address(o.dir).has_value();
  Json filter;
  if (!o.filter.empty() && cluster) {
    filter = o.filter;
  } else if (!o.filter.empty()) {
    auto f = parse_json_option(o.filter, "--filter");
    if (!f.ok()) return Outcome::Error(f.status());
    filter = std::move(f).value();
  }
  auto db = open_target(o.dir, true);
  if (!db.ok()) return Outcome::Error(db.status());
  auto vec = query_vector(o, (*db)->dimensions());
  if (!vec.ok()) return Outcome::Error(vec.status());

  SearchQuery q;
  q.vector = *vec;
  q.k = o.k;
  if (o.ef) q.ef_search = *o.ef;
  q.filter = std::move(filter);
  q.include_vector = o.include_vector;
  q.include_metadata = !o.no_metadata;
  const auto t0 = Clock::now();
  auto hits = (*db)->search(q);
  const double ms = seconds_since(t0) * 1000;
  if (!hits.ok()) return Outcome::Error(hits.status());

  Json doc{{"k", o.k}, {"took_ms", rounded(ms, 3)}, {"hits", Json::array()}};
  if (o.ef) doc["ef"] = *o.ef;
  for (const SearchHit& h : *hits) {
    Json j{{"id", h.id}, {"score", float_for_json(h.score)}};
    if (!o.no_metadata) j["metadata"] = h.metadata;
    if (o.include_vector) j["vector"] = vector_json(h.vector);
    doc["hits"].push_back(std::move(j));
  }
  if (!g.json) {
    std::size_t w = 2;
    for (const SearchHit& h : *hits) w = std::max(w, std::min<std::size_t>(h.id.size(), 40));
    char line[256];
    std::snprintf(line, sizeof line, "%4s  %-*s  %12s%s", "#", static_cast<int>(w), "id", "score",
                  o.no_metadata ? "" : "  metadata");
    if (!g.quiet) print(g, line);
    std::size_t rank = 0;
    for (const SearchHit& h : *hits) {
      std::snprintf(line, sizeof line, "%4zu  %-*s  %12.6g", ++rank, static_cast<int>(w), h.id.c_str(),
                    static_cast<double>(h.score));
      std::string s = line;
      if (!o.no_metadata) s += "  " + (h.metadata.is_null() ? std::string("-") : dump(h.metadata));
      if (o.include_vector) s += "  " + vector_text(h.vector);
      print(g, s);
    }
    if (hits->empty()) say(g, "(no results)");
  }
  return Outcome::Ok(std::move(doc));
}

// ---------------------------------------------------------------------------
// get / delete

Outcome run_get(const GlobalOptions& g, const GetOptions& o) {
  auto db = open_target(o.dir, true);
  if (!db.ok()) return Outcome::Error(db.status());
  auto rec = (*db)->get(o.id);
  if (!rec.ok() && rec.status().code() == StatusCode::kNotFound)
    return Outcome::Error(Status::NotFound("no entry with id '" + o.id + "' in '" + o.dir + "'"));
  if (!rec.ok()) return Outcome::Error(rec.status());
  print(g, "id        " + rec->id);
  print(g, "vector    " + vector_text(rec->vector));
  print(g, "metadata  " + (rec->metadata.is_null() ? std::string("-") : dump(rec->metadata)));
  return Outcome::Ok(Json{{"id", rec->id}, {"vector", vector_json(rec->vector)}, {"metadata", rec->metadata}});
}

Outcome run_delete(const GlobalOptions& g, const DeleteOptions& o) {
  auto db = open_target(o.dir, false);
  if (!db.ok()) return Outcome::Error(db.status());
  Json deleted = Json::array(), missing = Json::array();
  for (const std::string& id : o.ids) {
    auto r = (*db)->remove(id);
    if (!r.ok()) return Outcome::Error(r.status().WithContext("deleting '" + id + "'"));
    (*r ? deleted : missing).push_back(id);
  }
  if (std::strcmp((*db)->kind(), "snapshot") == 0 && !deleted.empty()) {
    Status st = (*db)->save();
    if (!st.ok()) return Outcome::Error(st);
  }
  std::string line = "deleted " + std::to_string(deleted.size()) + " of " + std::to_string(o.ids.size());
  if (!missing.empty()) {
    line += " (not found:";
    for (const auto& m : missing) line += " " + m.get<std::string>();
    line += ")";
  }
  say(g, line);
  auto count = (*db)->size();
  if (!count.ok()) return Outcome::Error(count.status());
  return Outcome::Ok(Json{{"deleted", deleted}, {"not_found", missing}, {"count", *count}});
}

// ---------------------------------------------------------------------------
// info

Outcome run_info(const GlobalOptions& g, const InfoOptions& o) {
  if (parse_cluster_address(o.dir)) return run_info_cluster(g, o);
  auto db = open_database(o.dir, true);
  if (!db.ok()) return Outcome::Error(db.status());
  const DatabaseInfo info = (*db)->info();
  const bool file = is_snapshot_file(o.dir);
  std::error_code ec;
  const std::uint64_t disk = file ? static_cast<std::uint64_t>(fs::file_size(o.dir, ec)) : directory_bytes(o.dir);
  const std::string storage = file ? "snapshot file " + o.dir + " (loaded into memory)" : info.storage;
  const char* simd = simd_level_name(active_simd_level());
  auto row = [&](const char* k, const std::string& v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-14s", k);
    print(g, buf + v);
  };
  row("path", o.dir);
  row("vectors", std::to_string(info.count));
  row("dimensions", std::to_string(info.dimensions));
  row("metric", metric_name(info.metric));
  row("index", hnsw_text(info));
  row("quantization", info.quantization == Quantization::kNone
                          ? std::string("none")
                          : std::string(quantization_name(info.quantization)) + " (rescore=" +
                                std::to_string(info.rescore) + ", codes trained on " +
                                std::to_string(info.codes_trained_on) + " vectors, floats: " +
                                float_placement_name(info.floats) + ")");
  row("disk size", human_bytes(disk) + " (" + std::to_string(disk) + " bytes)");
  row("memory", human_bytes(info.memory_bytes) + " (codes " + human_bytes(info.memory.codes) + ", floats " +
                    human_bytes(info.memory.floats) + ", graph " + human_bytes(info.memory.graph) + ", ids " +
                    human_bytes(info.memory.ids) + ", metadata " + human_bytes(info.memory.metadata) + ")");
  row("storage", storage);
  row("index source", info.index_source);
  row("simd", simd);
  row("version", version());
  Json doc = settings_doc(info);
  doc["path"] = o.dir;
  doc["count"] = info.count;
  doc["disk_bytes"] = disk;
  doc["memory_bytes"] = info.memory_bytes;
  doc["memory"] = {{"codes", info.memory.codes},
                   {"floats", info.memory.floats},
                   {"graph", info.memory.graph},
                   {"ids", info.memory.ids},
                   {"metadata", info.memory.metadata}};
  if (info.quantization != Quantization::kNone) {
    doc["codes_trained_on"] = info.codes_trained_on;
    doc["floats"] = float_placement_name(info.floats);  // the CLI opens with the default: store
  }
  doc["storage"] = file ? std::string("snapshot") : info.storage;
  doc["index_source"] = info.index_source;
  doc["simd"] = simd;
  doc["version"] = version();
  return Outcome::Ok(std::move(doc));
}

// ---------------------------------------------------------------------------
// bench

Outcome run_bench(const GlobalOptions& g, const BenchOptions& o) {
  auto efs = parse_ef_list(o.ef);
  if (!efs.ok()) return Outcome::UsageError(efs.status().message());
  if (o.k < 1) return Outcome::UsageError("-k must be at least 1");
  if (o.sample < 1) return Outcome::UsageError("--sample must be at least 1");
  if (parse_cluster_address(o.dir))
    return Outcome::Error(Status::Unsupported(
        "bench is not available for a redis:// index: it reads every vector for the exact copy; "
        "measure a cluster with make bench-scale-out (docs/scale-out.md)"));
  auto opened = open_database(o.dir, true);
  if (!opened.ok()) return Outcome::Error(opened.status());
  const Database& db = **opened;
  const DatabaseInfo info = db.info();
  if (info.count == 0) return Outcome::Error(Status::InvalidArgument("'" + o.dir + "' is empty; nothing to benchmark"));

  // Queries: rows of --queries, or vectors sampled from the database itself.
  std::vector<float> queries;
  std::size_t nq = 0;
  std::string query_source;
  Progress progress("loading", 0, show_progress(g));
  if (!o.queries.empty()) {
    auto format = record_format_from_path(o.queries);
    if (!format.ok()) return Outcome::UsageError(format.status().WithContext("--queries").message());
    auto bytes = read_file(o.queries);
    if (!bytes.ok()) return Outcome::Error(bytes.status());
    RecordReadOptions io;
    io.source = o.queries;
    io.dimensions = info.dimensions;
    io.max_rows = o.sample;
    auto data = read_records(*bytes, *format, io);
    if (!data.ok()) return Outcome::Error(data.status());
    if (data->rows() == 0) return Outcome::Error(Status::InvalidArgument(o.queries + " holds no queries"));
    queries = std::move(data->values);
    nq = data->rows();
    query_source = o.queries;
  }

  // Every stored vector, for the exact (flat) copy and for sampling.
  std::vector<float> all;
  std::vector<std::string> all_ids;
  const bool need_copy = info.index != IndexKind::kFlat;
  if (need_copy || o.queries.empty()) {
    progress.restart("reading vectors", info.count);
    std::mt19937_64 rng(o.seed);
    std::vector<float> sample;
    std::size_t seen = 0;
    const std::size_t want = std::min<std::size_t>(o.sample, info.count);
    if (need_copy) {
      all.reserve(static_cast<std::size_t>(info.count) * info.dimensions);
      all_ids.reserve(info.count);
    }
    if (o.queries.empty()) sample.resize(want * info.dimensions);
    Status st = db.for_each([&](const Record& r) -> Status {
      if (need_copy) {
        all.insert(all.end(), r.vector.begin(), r.vector.end());
        all_ids.push_back(r.id);
      }
      if (o.queries.empty()) {
        // Reservoir sampling: a uniform sample of `want` stored vectors.
        std::size_t slot = seen;
        if (seen >= want) slot = std::uniform_int_distribution<std::size_t>(0, seen)(rng);
        if (slot < want) std::copy(r.vector.begin(), r.vector.end(), sample.begin() + slot * info.dimensions);
      }
      ++seen;
      progress.add(1);
      return Status::Ok();
    });
    if (!st.ok()) return Outcome::Error(st);
    if (o.queries.empty()) {
      queries = std::move(sample);
      nq = want;
      query_source = "sampled from the database";
    }
  }
  auto query_span = [&](std::size_t i) { return std::span<const float>(queries).subspan(i * info.dimensions, info.dimensions); };

  // Exact neighbours: a flat in-memory copy (or the database itself when it is flat).
  std::unique_ptr<Database> exact_holder;
  const Database* exact = &db;
  if (need_copy) {
    progress.restart("building exact copy", 0);
    progress.start_ticker();
    DatabaseOptions eo;
    eo.dimensions = info.dimensions;
    eo.metric = info.metric;
    eo.index = IndexKind::kFlat;
    auto e = Database::open(eo);
    if (!e.ok()) return Outcome::Error(e.status());
    std::vector<Entry> entries(all_ids.size());
    for (std::size_t i = 0; i < all_ids.size(); ++i) {
      entries[i].id = all_ids[i];
      entries[i].vector = std::span<const float>(all).subspan(i * info.dimensions, info.dimensions);
    }
    auto ids = (*e)->insert_batch(entries);
    if (!ids.ok()) return Outcome::Error(ids.status().WithContext("building the exact copy"));
    exact_holder = std::move(e).value();
    exact = exact_holder.get();
  }
  progress.restart("exact search", 0);
  progress.start_ticker();
  std::vector<SearchQuery> eq(nq);
  for (std::size_t i = 0; i < nq; ++i) {
    eq[i].vector = query_span(i);
    eq[i].k = o.k;
  }
  auto truth = exact->search_batch(eq);
  if (!truth.ok()) return Outcome::Error(truth.status().WithContext("exact search"));
  all.clear();
  all.shrink_to_fit();

  // Per ef: single-threaded sequential searches, timed one by one.
  Json results = Json::array();
  std::vector<std::string> lines;
  for (const std::uint32_t ef : *efs) {
    progress.restart("ef=" + std::to_string(ef), nq);
    std::vector<double> latencies(nq);
    double found = 0, possible = 0;
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < nq; ++i) {
      SearchQuery q;
      q.vector = query_span(i);
      q.k = o.k;
      q.ef_search = ef;
      const auto ts = Clock::now();
      auto hits = db.search(q);
      latencies[i] = seconds_since(ts) * 1000;
      if (!hits.ok()) return Outcome::Error(hits.status());
      const auto& t = (*truth)[i];
      std::unordered_set<std::string> ids;
      for (const auto& h : t) ids.insert(h.id);
      // A hit counts when it is a true neighbour or ties with the k-th one.
      const float kth = t.empty() ? 0.0f : t.back().score;
      const float tol = 1e-6f * std::max(1.0f, std::abs(kth));
      std::size_t ok = 0;
      for (const auto& h : *hits)
        if (ids.count(h.id) || h.score <= kth + tol) ++ok;
      found += static_cast<double>(std::min(ok, t.size()));
      possible += static_cast<double>(t.size());
      progress.add(1);
    }
    const double secs = seconds_since(t0);
    const double recall = possible > 0 ? found / possible : 1.0;
    const double qps = secs > 0 ? static_cast<double>(nq) / secs : 0;
    double mean = 0;
    for (double l : latencies) mean += l;
    mean /= static_cast<double>(nq);
    const double p50 = percentile(latencies, 0.50), p99 = percentile(latencies, 0.99);
    results.push_back({{"ef", ef},
                       {"recall", rounded(recall, 4)},
                       {"qps", rounded(qps, 1)},
                       {"mean_ms", rounded(mean, 4)},
                       {"p50_ms", rounded(p50, 4)},
                       {"p99_ms", rounded(p99, 4)}});
    char line[160];
    std::snprintf(line, sizeof line, "%6u  %9.4f  %10.0f  %8.3f  %8.3f  %8.3f", ef, recall, qps, mean, p50, p99);
    lines.push_back(line);
  }
  progress.finish();

  say(g, o.dir + ": " + std::to_string(info.count) + " vectors, " + std::to_string(info.dimensions) + " dimensions, " +
             metric_name(info.metric) + ", " + hnsw_text(info) + ", simd " + simd_level_name(active_simd_level()));
  say(g, std::to_string(nq) + " queries (" + query_source + "), k=" + std::to_string(o.k) +
             ", recall against exact brute force, single-threaded QPS");
  char head[160];
  std::snprintf(head, sizeof head, "%6s  %9s  %10s  %8s  %8s  %8s", "ef", ("recall@" + std::to_string(o.k)).c_str(),
                "QPS", "mean ms", "p50 ms", "p99 ms");
  print(g, head);
  for (const auto& l : lines) print(g, l);

  Json doc = settings_doc(info);
  doc["path"] = o.dir;
  doc["count"] = info.count;
  doc["k"] = o.k;
  doc["queries"] = nq;
  doc["query_source"] = query_source;
  doc["simd"] = simd_level_name(active_simd_level());
  doc["results"] = std::move(results);
  return Outcome::Ok(std::move(doc));
}

// ---------------------------------------------------------------------------
// export

Outcome run_export(const GlobalOptions& g, const ExportOptions& o) {
  if (o.snapshot.empty() == o.jsonl.empty())
    return Outcome::UsageError("give exactly one of --snapshot FILE and --jsonl FILE");
  if (g.json && o.jsonl == "-")
    return Outcome::UsageError("--json cannot be used with --jsonl - (stdout carries the data)");
  if (parse_cluster_address(o.dir))
    return Outcome::Error(Status::Unsupported(
        "export is not available for a redis:// index: the servers persist each shard key (RDB/AOF), and "
        "DUMP/RESTORE moves one shard key"));
  auto opened = open_database(o.dir, true);
  if (!opened.ok()) return Outcome::Error(opened.status());
  const Database& db = **opened;
  const auto t0 = Clock::now();
  const std::size_t count = db.size();

  if (!o.snapshot.empty()) {
    Progress progress("writing snapshot", 0, show_progress(g));
    progress.start_ticker();
    Status st = db.serialize_to_file(o.snapshot);
    progress.finish();
    if (!st.ok()) return Outcome::Error(st);
    std::error_code ec;
    const auto size = fs::file_size(o.snapshot, ec);
    say(g, "exported " + std::to_string(count) + " vectors to " + o.snapshot + " (snapshot, " +
               human_bytes(ec ? 0 : size) + ")");
    return Outcome::Ok(Json{{"exported", count},
                            {"format", "snapshot"},
                            {"path", o.snapshot},
                            {"bytes", ec ? 0 : size},
                            {"seconds", rounded(seconds_since(t0), 3)}});
  }

  // JSON Lines, written to a temporary file renamed into place at the end.
  const bool to_stdout = o.jsonl == "-";
  const std::string tmp = to_stdout ? std::string() : o.jsonl + ".tmp" + std::to_string(getpid());
  std::FILE* f = to_stdout ? stdout : std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Outcome::Error(Status::IoError("cannot write '" + tmp + "': " + std::strerror(errno)));
  Progress progress("exporting", count, to_stdout ? Progress::Mode::kOff : show_progress(g));
  std::string line;
  std::size_t written = 0;
  Status st = db.for_each([&](const Record& r) -> Status {
    line.clear();
    append_jsonl_record(r, line);
    if (std::fwrite(line.data(), 1, line.size(), f) != line.size())
      return Status::IoError("error writing '" + (to_stdout ? std::string("stdout") : tmp) + "': " +
                             std::strerror(errno));
    ++written;
    progress.add(1);
    return Status::Ok();
  });
  progress.finish();
  if (to_stdout) {
    if (std::fflush(stdout) != 0 && st.ok()) st = Status::IoError(std::string("error writing stdout: ") + std::strerror(errno));
    if (!st.ok()) return Outcome::Error(st);
    if (!g.quiet) std::fprintf(stderr, "exported %zu vectors\n", written);
    return Outcome::Ok();
  }
  if (st.ok() && (std::fflush(f) != 0 || fsync(fileno(f)) != 0))
    st = Status::IoError("error writing '" + tmp + "': " + std::strerror(errno));
  if (std::fclose(f) != 0 && st.ok()) st = Status::IoError("error writing '" + tmp + "': " + std::strerror(errno));
  if (st.ok() && std::rename(tmp.c_str(), o.jsonl.c_str()) != 0)
    st = Status::IoError("cannot rename '" + tmp + "' to '" + o.jsonl + "': " + std::strerror(errno));
  if (!st.ok()) {
    std::remove(tmp.c_str());
    return Outcome::Error(st);
  }
  say(g, "exported " + std::to_string(written) + " vectors to " + o.jsonl + " (JSON Lines)");
  return Outcome::Ok(Json{{"exported", written}, {"format", "jsonl"}, {"path", o.jsonl}, {"seconds", rounded(seconds_since(t0), 3)}});
}

}  // namespace ruvector::cli
