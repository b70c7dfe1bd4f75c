// The boundary between ann_bench and a peer library built in its own shared object.
//
// Each peer that is compiled with its own flags (e.g. -march=native) lives in a shared
// library built with hidden visibility, so the inline functions it instantiates (the
// peer's own and the standard library's) stay inside it: nothing compiled for the
// benchmark machine's ISA can be picked by the linker for ruvector or another peer.
// Only the factory below is exported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#define ANN_BENCH_PEER_EXPORT __attribute__((visibility("default")))

namespace ann_bench {

struct PeerBuild {
  const float* base = nullptr;  // n rows of dim floats, row-major; row i gets label i
  std::size_t n = 0, dim = 0;
  bool inner_product = false;   // false: squared L2; true: inner product on unit vectors
  std::uint32_t m = 16, ef_construction = 100;
  unsigned threads = 1;
};

// One index of one peer. Not thread-safe; build() once, then search().
class PeerIndex {
 public:
  virtual ~PeerIndex() = default;
  // Constructs the index and adds every row with b.threads workers. Throws on failure.
  virtual void build(const PeerBuild& b) = 0;
  // The k nearest rows to q (dim floats) with candidate list ef, nearest first.
  virtual void search(const float* q, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) = 0;
  // The distance kernel level the built index uses (e.g. "AVX-512 (compile-time)").
  virtual std::string kernel() const = 0;
};

struct PeerDescription {
  std::string name;     // system name in the report
  std::string package;  // where the code came from, with its version
  std::string build;    // how this object was compiled
};

}  // namespace ann_bench

namespace ann_bench {

// One factory pair per peer shared library (names differ so the libraries can be
// linked into one program). ann_bench declares only those CMake built (ANN_BENCH_HAVE_*).
ANN_BENCH_PEER_EXPORT std::unique_ptr<PeerIndex> make_hnswlib_native();
ANN_BENCH_PEER_EXPORT PeerDescription describe_hnswlib_native();
ANN_BENCH_PEER_EXPORT std::unique_ptr<PeerIndex> make_usearch_native();
ANN_BENCH_PEER_EXPORT PeerDescription describe_usearch_native();

}  // namespace ann_bench
