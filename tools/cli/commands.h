// The commands of the `ruvector` command line tool. main.cpp parses arguments
// (CLI11) into these option structs; each run_* function does the work and returns
// an Outcome. Text output goes to stdout as it is produced; with --json the
// command fills Outcome::doc instead and main prints it as the one JSON document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ruvector/json.h"
#include "ruvector/status.h"

namespace ruvector::cli {

// Exit codes (docs/cli.md "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;     // bad flags or flag values
inline constexpr int kExitInput = 2;     // bad input: file, vector, filter, metadata (INVALID_ARGUMENT,
                                         // DIMENSION_MISMATCH, ALREADY_EXISTS)
inline constexpr int kExitNotFound = 3;  // NOT_FOUND: missing database, missing id
inline constexpr int kExitDatabase = 4;  // CORRUPTION, IO_ERROR, UNSUPPORTED, RESOURCE_EXHAUSTED
inline constexpr int kExitLocked = 5;    // LOCKED: another process holds the write lock

// The exit code for an error Status (kExitOk for OK).
int exit_code_for(const Status& status);

struct GlobalOptions {
  bool json = false;
  bool quiet = false;
  bool progress = false;  // --progress: show progress on stderr even when it is not a terminal
};

struct Outcome {
  Status status;
  int exit_code = kExitOk;
  Json doc;  // the --json document on success
  std::string code;  // the error code printed; empty = status.code_name()

  static Outcome Ok(Json doc = nullptr) { return {Status::Ok(), kExitOk, std::move(doc), {}}; }
  static Outcome Error(Status s) {
    const int exit = exit_code_for(s);
    return {std::move(s), exit, nullptr, {}};
  }
  // A bad setting the engine refused (its code, exit 1).
  static Outcome Usage(Status s) { return {std::move(s), kExitUsage, nullptr, {}}; }
  // A bad flag or flag value: code USAGE, exit 1 (as the JS command's UsageError).
  static Outcome UsageError(std::string message) {
    return {Status::InvalidArgument(std::move(message)), kExitUsage, nullptr, "USAGE"};
  }
  std::string code_name() const { return code.empty() ? std::string(status.code_name()) : code; }
};

struct CreateOptions {
  std::string dir;
  std::uint32_t dimensions = 0;        // 0 = not given (required unless from_snapshot)
  std::optional<std::string> metric;   // unset = cosine, or the snapshot's
  std::optional<std::string> index;    // unset = hnsw, or the snapshot's
  std::optional<std::uint32_t> m, ef_construction, ef_search;
  std::optional<std::string> quantization;  // unset = none, or the snapshot's
  std::optional<std::uint32_t> rescore;     // unset = the mode's default
  std::string from_snapshot;           // load this snapshot file into the new database
  std::optional<std::uint32_t> shards;  // redis:// index only; unset = kDefaultShards
};

// Shard keys of a new redis:// index when --shards is not given (docs/scale-out.md).
inline constexpr std::uint32_t kDefaultShards = 6;
inline constexpr std::uint32_t kMaxShards = 4096;

struct InsertOptions {
  std::string dir;
  std::string vector;
  std::string id;
  std::string metadata;
};

struct ImportOptionsCli {
  std::string dir;
  std::string file;
  std::string format;  // "" = from the extension; also "snapshot" (.rvs)
  std::size_t batch = 0;  // 0 = the whole file in one transaction
  std::optional<std::string> id_prefix;
};

struct SearchOptions {
  std::string dir;
  std::string vector;
  std::string vector_file;
  std::size_t row = 0;
  std::size_t k = 10;
  std::optional<std::uint32_t> ef;
  std::string filter;
  bool include_vector = false;
  bool no_metadata = false;
};

struct GetOptions {
  std::string dir;
  std::string id;
};

struct DeleteOptions {
  std::string dir;
  std::vector<std::string> ids;
};

struct InfoOptions {
  std::string dir;
};

struct BenchOptions {
  std::string dir;
  std::string queries;
  std::size_t k = 10;
  std::string ef = "16,32,64,128";
  std::size_t sample = 1000;
  std::uint64_t seed = 42;
};

struct ExportOptions {
  std::string dir;
  std::string snapshot;
  std::string jsonl;
};

Outcome run_create(const GlobalOptions& g, const CreateOptions& o);
Outcome run_insert(const GlobalOptions& g, const InsertOptions& o);
Outcome run_import(const GlobalOptions& g, const ImportOptionsCli& o);
Outcome run_search(const GlobalOptions& g, const SearchOptions& o);
Outcome run_get(const GlobalOptions& g, const GetOptions& o);
Outcome run_delete(const GlobalOptions& g, const DeleteOptions& o);
Outcome run_info(const GlobalOptions& g, const InfoOptions& o);
Outcome run_bench(const GlobalOptions& g, const BenchOptions& o);
Outcome run_export(const GlobalOptions& g, const ExportOptions& o);

}  // namespace ruvector::cli
