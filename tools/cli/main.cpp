// `ruvector`: the command line face of the engine (docs/cli.md).
//
// Argument parsing is CLI11 (Debian libcli11-dev, header-only, BSD-3); every
// command has --help. The commands themselves live in commands.cpp.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "ruvector/ruvector.h"

namespace {

using namespace ruvector;
using namespace ruvector::cli;

constexpr const char* kFooter =
    "Exit codes: 0 ok, 1 usage error, 2 bad input (INVALID_ARGUMENT, DIMENSION_MISMATCH, ALREADY_EXISTS),\n"
    "3 not found (NOT_FOUND: missing database or id), 4 database error (CORRUPTION, IO_ERROR, UNSUPPORTED,\n"
    "RESOURCE_EXHAUSTED), 5 LOCKED. Errors go to stderr as \"ruvector: CODE: message\".\n"
    "A database is a directory (durable LMDB storage), a snapshot file named *.rvs (held in memory, written back\n"
    "by a writing command), or redis://HOST:PORT[,HOST:PORT...]/INDEX: an index over a Redis Cluster running\n"
    "ruvector-redis.so (--filter then takes a vector-sets FILTER expression).\n"
    "Documentation: docs/cli.md";

void print_json(const Json& doc) {
  const std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
}

int report_error(bool json, const std::string& code, const std::string& message, int exit_code) {
  std::fprintf(stderr, "ruvector: %s: %s\n", code.c_str(), message.c_str());
  if (json) print_json(Json{{"error", {{"code", code}, {"message", message}, {"exit_code", exit_code}}}});
  return exit_code;
}

// Uint options with a range check CLI11 reports as a usage error.
template <class T>
CLI::Option* add_uint(CLI::App* app, const std::string& name, T& value, const std::string& help, T lo, T hi) {
  return app->add_option(name, value, help)->check(CLI::Range(lo, hi));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ruvector: an embeddable vector database, from the shell.\n"
               "A database is a directory, a snapshot file or a redis:// index; create one, import vectors, search."};
  app.name("ruvector");
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("ruvector ") + version() + " (simd " +
                                        simd_level_name(active_simd_level()) + ")");
  app.require_subcommand(1, 1);
  app.fallthrough();  // global flags may also follow the command
  GlobalOptions g;
  app.add_flag("--json", g.json, "Print one machine-readable JSON document on stdout (no progress bar)");
  app.add_flag("-q,--quiet", g.quiet, "Print only results and errors (no progress bar, no summaries)");
  app.add_flag("--progress", g.progress,
               "Show progress on stderr even when it is not a terminal: lines \"<step>: <P>%\" every 10%");

  // create
  CreateOptions create;
  std::uint32_t m = 0, efc = 0, efs = 0;
  auto* c = app.add_subcommand("create", "Create a new, empty database in a directory");
  c->add_option("dir", create.dir, "Database directory (must not exist, or be empty), snapshot file (*.rvs), or redis://HOST:PORT/INDEX")->required();
  add_uint<std::uint32_t>(c, "-d,--dimensions", create.dimensions,
                          "Vector length, 1..65536 (required unless --from-snapshot)", 1, kMaxDimensions);
  std::string metric, index;
  auto* metric_opt = c->add_option("--metric", metric,
                                   "cosine (default), euclidean|l2, dot|dotproduct|innerproduct|ip, manhattan|l1");
  auto* index_opt = c->add_option("--index", index, "hnsw (approximate, default) or flat (exact)");
  std::string quantization;
  std::uint32_t rescore = 0;
  auto* quant_opt = c->add_option("--quantization", quantization,
                                  "none (default), int8 (alias scalar) or binary: codes for the graph walk, "
                                  "re-ranked with the exact floats (docs/quantization.md)");
  auto* rescore_opt = add_uint<std::uint32_t>(c, "--rescore", rescore,
                                              "Re-rank the best rescore x k candidates exactly, 0..100 (default int8 " +
                                                  std::to_string(default_rescore(Quantization::kInt8)) + ", binary " +
                                                  std::to_string(default_rescore(Quantization::kBinary)) +
                                                  "; quantized databases only)",
                                              0, kMaxRescore);
  c->add_option("--from-snapshot", create.from_snapshot,
                "Fill the new database from a snapshot file (`export --snapshot`, or serialize() of any face); "
                "settings come from the snapshot");
  // Every default shown comes from where the code takes it: the engine's (HnswParams,
  // default_rescore) or the option structs' initial values (commands.h).
  const HnswParams defaults;
  auto* m_opt = add_uint<std::uint32_t>(
      c, "--m", m, "HNSW links per node, 2..256 (default " + std::to_string(defaults.m) + ")", 2, 256);
  auto* efc_opt = add_uint<std::uint32_t>(
      c, "--ef-construction", efc,
      "HNSW build candidate list, 1..65535 (default " + std::to_string(defaults.ef_construction) + ")", 1, 65535);
  auto* efs_opt = add_uint<std::uint32_t>(
      c, "--ef-search", efs,
      "HNSW default search candidate list, 1..65535 (default " + std::to_string(defaults.ef_search) + ")", 1, 65535);
  std::uint32_t shards = 0;
  auto* shards_opt = add_uint<std::uint32_t>(
      c, "--shards", shards,
      "redis:// index only: the number of shard keys, fixed at creation; " + std::to_string(kDefaultShards) +
          " when omitted (docs/scale-out.md)",
      1, kMaxShards);

  // insert
  InsertOptions insert;
  auto* in = app.add_subcommand("insert", "Insert (or replace) one vector");
  in->add_option("dir", insert.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  in->add_option("-v,--vector", insert.vector, "The vector: \"[1, 2, 3]\" or \"1,2,3\"")->required();
  in->add_option("--id", insert.id, "Id (default: a generated UUID); an existing id is replaced");
  in->add_option("--metadata", insert.metadata, "Metadata, a JSON object, e.g. '{\"a\": 1}'");

  // import
  ImportOptionsCli import;
  std::string id_prefix;
  auto* im = app.add_subcommand("import", "Import vectors from a JSON, JSON Lines, CSV, .npy, .fvecs or snapshot file");
  im->add_option("dir", import.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  im->add_option("file", import.file, "Input file")->required();
  im->add_option("-f,--format", import.format,
                 "json | jsonl | csv | npy | fvecs | snapshot (default: from the extension; .rvs = snapshot)");
  im->add_option("--batch", import.batch,
                 "Rows per transaction; 0 (default) = the whole file in one all-or-nothing transaction");
  auto* prefix_opt = im->add_option("--id-prefix", id_prefix,
                                    "Ids of rows without one: <prefix><row> (npy/fvecs rows always get these; "
                                    "default prefix \"\")");

  // search
  SearchOptions search;
  std::uint32_t ef = 0;
  auto* s = app.add_subcommand("search", "Find the k nearest vectors");
  s->add_option("dir", search.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  auto* sv = s->add_option("-v,--vector", search.vector, "The query vector: \"[1, 2, 3]\" or \"1,2,3\"");
  auto* sf = s->add_option("--vector-file", search.vector_file,
                           "Read the query from a file: .json/.jsonl/.csv/.npy/.fvecs (row --row), or text");
  sv->excludes(sf);
  s->add_option("--row", search.row, "Row of --vector-file to use (0-based, default " + std::to_string(search.row) + ")");
  add_uint<std::size_t>(s, "-k", search.k, "Number of results (default " + std::to_string(search.k) + ")", 1, 1u << 30);
  auto* ef_opt = add_uint<std::uint32_t>(s, "--ef", ef, "HNSW candidate list for this query (default: the database's)",
                                         1, 65535);
  s->add_option("--filter", search.filter, "Metadata filter, e.g. '{\"a\": {\"$gt\": 1}}'");
  s->add_flag("--include-vector", search.include_vector, "Include the stored vectors in the results");
  s->add_flag("--no-metadata", search.no_metadata, "Leave metadata out of the results");

  // get
  GetOptions get;
  auto* ge = app.add_subcommand("get", "Print one entry by id");
  ge->add_option("dir", get.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  ge->add_option("id", get.id, "Id")->required();

  // delete
  DeleteOptions del;
  auto* de = app.add_subcommand("delete", "Delete entries by id (absent ids are reported, not an error)");
  de->add_option("dir", del.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  de->add_option("ids", del.ids, "Ids")->required();

  // info
  InfoOptions info;
  auto* inf = app.add_subcommand("info", "Show a database's settings, size and runtime details");
  inf->add_option("dir", info.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();

  // bench
  BenchOptions bench;
  auto* be = app.add_subcommand("bench", "Measure recall@k against brute force and single-thread QPS per ef");
  be->add_option("dir", bench.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  be->add_option("--queries", bench.queries,
                 "Query file (.npy/.fvecs/.jsonl/.json/.csv); default: --sample vectors sampled from the database");
  add_uint<std::size_t>(be, "-k", bench.k, "k (default " + std::to_string(bench.k) + ")", 1, 1u << 20);
  be->add_option("--ef", bench.ef, "Comma-separated ef values (default " + bench.ef + ")");
  add_uint<std::size_t>(be, "--sample", bench.sample, "Number of queries (default " + std::to_string(bench.sample) + ")",
                        1, 1u << 24);
  be->add_option("--seed", bench.seed, "Seed for sampling queries (default " + std::to_string(bench.seed) + ")");

  // export
  ExportOptions exp;
  auto* ex = app.add_subcommand("export", "Write the database to a portable snapshot or to JSON Lines");
  ex->add_option("dir", exp.dir, "Database directory, snapshot file, or redis://HOST:PORT[,HOST:PORT...]/INDEX")->required();
  auto* snap = ex->add_option("--snapshot", exp.snapshot, "Snapshot file (docs/file-format.md)");
  auto* jl = ex->add_option("--jsonl", exp.jsonl, "JSON Lines file ('-' = stdout), one entry per line");
  snap->excludes(jl);

  for (CLI::App* sub : app.get_subcommands({})) sub->footer(kFooter);

  bool json_requested = false;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--json") == 0) json_requested = true;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string where;
    for (CLI::App* sub : app.get_subcommands()) where = std::string(" ") + sub->get_name();
    std::string message = e.what();
    if (where.empty()) {
      // No command recognised: name the word that was meant to be one.
      for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-') continue;
        message = std::string("unknown command '") + argv[i] +
                  "'; commands: create, insert, import, search, get, delete, info, bench, export";
        break;
      }
    }
    return report_error(json_requested, "USAGE", message + " (see: ruvector" + where + " --help)", kExitUsage);
  }

  if (metric_opt->count()) create.metric = metric;
  if (index_opt->count()) create.index = index;
  if (quant_opt->count()) create.quantization = quantization;
  if (rescore_opt->count()) create.rescore = rescore;
  if (m_opt->count()) create.m = m;
  if (efc_opt->count()) create.ef_construction = efc;
  if (efs_opt->count()) create.ef_search = efs;
  if (shards_opt->count()) create.shards = shards;
  if (prefix_opt->count()) import.id_prefix = id_prefix;
  if (ef_opt->count()) search.ef = ef;

  Outcome out;
  try {
    if (c->parsed()) out = run_create(g, create);
    else if (in->parsed()) out = run_insert(g, insert);
    else if (im->parsed()) out = run_import(g, import);
    else if (s->parsed()) out = run_search(g, search);
    else if (ge->parsed()) out = run_get(g, get);
    else if (de->parsed()) out = run_delete(g, del);
    else if (inf->parsed()) out = run_info(g, info);
    else if (be->parsed()) out = run_bench(g, bench);
    else if (ex->parsed()) out = run_export(g, exp);
  } catch (const std::bad_alloc&) {
    out = Outcome::Error(Status::ResourceExhausted("out of memory"));
  } catch (const std::exception& e) {
    out = Outcome::Error(Status::IoError(std::string("internal error: ") + e.what()));
  }
  if (!out.status.ok()) return report_error(g.json, out.code_name(), out.status.message(), out.exit_code);
  if (g.json && !out.doc.is_null()) print_json(out.doc);
  if (std::fflush(stdout) != 0) return report_error(g.json, "IO_ERROR", "cannot write to stdout", kExitDatabase);
  return kExitOk;
}
