// Helpers shared by the commands of the `ruvector` tool (commands.cpp for databases
// in a directory, cluster_commands.cpp for redis:// indexes): output in the one shape
// both share, input files, option values. Not thread-safe (they write to stdout).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "commands.h"
#include "progress.h"
#include "ruvector/record_io.h"
#include "ruvector/ruvector.h"

namespace ruvector::cli {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t);
// Rounds for JSON output, so documents show 0.022 rather than 0.021882000000000002.
double rounded(double v, int decimals);

// How progress is shown: a bar on a terminal unless --json or --quiet; lines with
// --progress when stderr is not a terminal (progress.h).
Progress::Mode show_progress(const GlobalOptions& g);
// Informational line on stdout (not in --json or --quiet mode).
void say(const GlobalOptions& g, const std::string& line);
// Result line on stdout (not in --json mode; --quiet keeps it: it is the output).
void print(const GlobalOptions& g, const std::string& line);
// "ruvector: warning: <line>" on stderr.
void warn(const std::string& line);

std::string dump(const Json& j);
std::string float_text(float v);
std::string fixed(double v, int decimals);
Json vector_json(std::span<const float> v);
std::string vector_text(std::span<const float> v);
std::string human_bytes(std::uint64_t b);
// "hnsw (m=16, ef_construction=40, ef_search=100)" or the index kind.
std::string hnsw_text(const DatabaseInfo& info);
// {dimensions, metric, index, hnsw?, quantization, rescore?} of the --json documents.
Json settings_doc(const DatabaseInfo& info);

// A whole input file. INVALID_ARGUMENT when it is missing or a directory.
Result<std::string> read_file(const std::string& path);
// Maps "entry N: ..." from insert_batch back to the source row.
Status locate_batch_error(const Status& s, const RecordRows& data, const std::string& source, std::size_t base);
// A JSON option value (--metadata, --filter); INVALID_ARGUMENT naming the flag.
Result<Json> parse_json_option(const std::string& text, const std::string& flag);
// The query vector of `search`: --vector text, or row --row of --vector-file.
Result<std::vector<float>> query_vector(const SearchOptions& o, std::uint32_t dimensions);

}  // namespace ruvector::cli
