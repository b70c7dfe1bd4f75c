// redis://HOST:PORT[,HOST:PORT...]/INDEX: one logical index spread over the shard keys of
// a Redis Cluster running ruvector-redis.so (docs/scale-out.md), through the C++ cluster
// client (bindings/redis/client-cpp, hiredis). The same layout, defaults and answers as
// the JS `ruvector` command's redis:// indexes (npm/ruvector/lib/redis-cluster.js).
//
// Built when Debian's libhiredis-dev is present (RUVECTOR_CLI_REDIS); otherwise a
// redis:// argument is UNSUPPORTED, naming the missing package.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "index_target.h"

namespace ruvector::cli {

struct ClusterAddress {
  std::vector<std::string> nodes;  // "host:port" seeds, as given
  std::string index;
};

// The address in a redis:// database argument; nullopt when `path` is not one.
std::optional<ClusterAddress> parse_cluster_address(const std::string& path);

// Opens an existing cluster index: NOT_FOUND when it does not exist, INVALID_ARGUMENT for
// a malformed node or index name, IO_ERROR ("cluster unavailable") when no seed answers.
Result<std::unique_ptr<IndexTarget>> open_cluster_target(const std::string& url);

// `create` and `info` of a redis:// index (what they print differs from a directory's).
Outcome run_create_cluster(const GlobalOptions& g, const CreateOptions& o);
Outcome run_info_cluster(const GlobalOptions& g, const InfoOptions& o);

}  // namespace ruvector::cli
