// ruvector-redis-cluster: the C++ cluster client from the command line.
//   ruvector-redis-cluster --nodes H:P[,H:P..] --index NAME size
//   ruvector-redis-cluster --nodes ... --index NAME search [--k 10] [--ef 100] [--truth]
//                          [--filter EXPR] [--timeout-ms 2000] < queries.f32
//       queries: little-endian float32, `dimensions` per query; one output line per
//       query: "id score id score ..."; failed shards go to stderr as "partial: ..."
//   ruvector-redis-cluster --nodes ... --index NAME insert ID --vector 1,2,3 [--attributes JSON] [--wait N]
//   ruvector-redis-cluster --nodes ... --index NAME get ID     -> "ID<TAB>v1,v2,...<TAB>attributes"
//   ruvector-redis-cluster --nodes ... --index NAME delete ID... [--wait N]  -> "ID 1|0" per id
//       --wait N: after the writes, WAIT for N replicas (--timeout-ms, default 2000) on every
//       master and print "acknowledged by R replicas"; exit 1 when R < N
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
               "       ruvector-redis-cluster --nodes ... --index NAME insert ID --vector V1,V2,.. [--attributes JSON] "
               "[--wait N]\n"
               "       ruvector-redis-cluster --nodes ... --index NAME get ID | delete ID... [--wait N]\n"
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
  std::string nodes, index, command, filter, vector_text, attributes;
  std::vector<std::string> ids;
  int wait_for = -1;
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
    else if (a == "--vector" && has_value) vector_text = args[++i];
    else if (a == "--attributes" && has_value) attributes = args[++i];
    else if (a == "--wait" && has_value) wait_for = std::atoi(args[++i].c_str());
    else if ((a == "size" || a == "search" || a == "insert" || a == "get" || a == "delete") && command.empty()) command = a;
    else if (!command.empty() && command != "size" && command != "search" && a.rfind("--", 0) != 0) ids.push_back(a);
    else return usage();
  }
  if (nodes.empty() || index.empty() || command.empty()) return usage();
  if ((command == "insert" || command == "get") && ids.size() != 1) return usage();
  if (command == "delete" && ids.empty()) return usage();
  if (command == "insert" && vector_text.empty()) return usage();
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
  const auto fail = [](const ruvector::Status& st) {
    std::cerr << "error: " << st.ToString() << "\n";
    return 1;
  };
  const auto wait = [&]() {
    if (wait_for < 0) return 0;
    auto acks = db.wait_replicas(wait_for, params.timeout_ms);
    if (!acks.ok()) return fail(acks.status());
    std::cout << "acknowledged by " << *acks << " replicas\n";
    return *acks >= wait_for ? 0 : 1;
  };
  if (command == "insert") {
    std::vector<float> v;
    for (std::size_t start = 0; start < vector_text.size();) {
      std::size_t end = vector_text.find(',', start);
      if (end == std::string::npos) end = vector_text.size();
      char* stop = nullptr;
      const std::string item = vector_text.substr(start, end - start);
      v.push_back(std::strtof(item.c_str(), &stop));
      if (item.empty() || *stop != '\0') return fail(ruvector::Status::InvalidArgument("bad number '" + item + "' in --vector"));
      start = end + 1;
    }
    const ruvector::Status st = db.insert(ids[0], v, attributes);
    if (!st.ok()) return fail(st);
    std::cout << ids[0] << "\n";
    return wait();
  }
  if (command == "get") {
    auto e = db.get(ids[0]);
    if (!e.ok()) return fail(e.status());
    if (!*e) return fail(ruvector::Status::NotFound("no element '" + ids[0] + "'"));
    std::string line = (*e)->id + "\t";
    char num[64];
    for (std::size_t i = 0; i < (*e)->vector.size(); ++i) {
      std::snprintf(num, sizeof num, "%.9g", static_cast<double>((*e)->vector[i]));
      if (i) line += ',';
      line += num;
    }
    std::cout << line << "\t" << (*e)->attributes_json << "\n";
    return 0;
  }
  if (command == "delete") {
    for (const std::string& id : ids) {
      auto removed = db.remove(id);
      if (!removed.ok()) return fail(removed.status());
      std::cout << id << " " << (*removed ? 1 : 0) << "\n";
    }
    return wait();
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
