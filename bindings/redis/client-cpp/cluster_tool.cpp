// ruvector-redis-cluster: the C++ cluster client from the command line.
//   ruvector-redis-cluster --nodes H:P[,H:P..] --index NAME size
//   ruvector-redis-cluster --nodes ... --index NAME search [--k 10] [--ef 100] [--truth]
//                          [--filter EXPR] [--timeout-ms 2000] < queries.f32
//       queries: little-endian float32, `dimensions` per query; one output line per
//       query: "id score id score ..."; failed shards go to stderr as "partial: ..."
//   ruvector-redis-cluster keyslot KEY...   (the slot of each key, as CLUSTER KEYSLOT)
// Exit status: 0 ok, 1 error, 2 usage.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cluster_index.h"

using namespace ruvector::redis_cluster;

namespace {

int usage() {
  std::cerr << "usage: ruvector-redis-cluster --nodes H:P[,H:P..] --index NAME (size | search [--k N] [--ef N] "
               "[--truth] [--filter EXPR] [--timeout-ms N] < queries.f32)\n"
               "       ruvector-redis-cluster keyslot KEY...\n";
  return 2;
}

std::vector<Endpoint> parse_nodes(const std::string& text) {
  std::vector<Endpoint> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t colon = item.rfind(':');
    if (colon != std::string::npos) out.push_back(Endpoint{item.substr(0, colon), std::atoi(item.c_str() + colon + 1)});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "keyslot") {
    for (std::size_t i = 1; i < args.size(); ++i) std::cout << key_slot(args[i]) << "\n";
    return 0;
  }
  std::string nodes, index, command, filter;
  SearchParams params;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--nodes" && has_value) nodes = args[++i];
    else if (a == "--index" && has_value) index = args[++i];
    else if (a == "--k" && has_value) params.k = std::strtoul(args[++i].c_str(), nullptr, 10);
    else if (a == "--ef" && has_value) params.ef = static_cast<std::uint32_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
    else if (a == "--timeout-ms" && has_value) params.timeout_ms = std::atoi(args[++i].c_str());
    else if (a == "--filter" && has_value) params.filter = args[++i];
    else if (a == "--truth") params.truth = true;
    else if ((a == "size" || a == "search") && command.empty()) command = a;
    else return usage();
  }
  if (nodes.empty() || index.empty() || command.empty()) return usage();
  auto opened = ClusterIndex::open(parse_nodes(nodes), index);
  if (!opened.ok()) {
    std::cerr << "error: " << opened.status().ToString() << "\n";
    return 1;
  }
  ClusterIndex& db = **opened;
  if (command == "size") {
    auto n = db.size();
    if (!n.ok()) {
      std::cerr << "error: " << n.status().ToString() << "\n";
      return 1;
    }
    std::cout << *n << "\n";
    return 0;
  }
  std::vector<float> q(db.dimensions());
  while (std::fread(q.data(), sizeof(float), q.size(), stdin) == q.size()) {
    auto r = db.search(q, params);
    if (!r.ok()) {
      std::cerr << "error: " << r.status().ToString() << "\n";
      return 1;
    }
    for (const auto& f : r->failed_shards) std::cerr << "partial: " << f << "\n";
    std::string line;
    char score[64];
    for (const Hit& h : r->hits) {
      std::snprintf(score, sizeof score, "%.17g", h.score);
      line += (line.empty() ? "" : " ") + h.id + " " + score;
    }
    std::cout << line << "\n";
  }
  return 0;
}
