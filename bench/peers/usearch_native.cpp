// usearch's C++ index (index_dense_gt) from the headers its npm package ships
// (include/usearch/*.hpp, with its SIMD library NumKong in numkong/include), fetched by
// the bench setup with `npm pack usearch` into the build tree, never committed.
// Compiled the way its C++ users build it: header-only, USEARCH_USE_NUMKONG=1 with
// NumKong's compile-time kernel choice (NK_DYNAMIC_DISPATCH=0) and -march=native.
// Built into its own shared library with hidden visibility (see peer.h).
#include <usearch/index_dense.hpp>

#include <stdexcept>

#include "parallel_rows.h"
#include "peer.h"

namespace ann_bench {
namespace {

using unum::usearch::index_dense_config_t;
using unum::usearch::index_dense_t;
using unum::usearch::index_limits_t;
using unum::usearch::metric_kind_t;
using unum::usearch::metric_punned_t;
using unum::usearch::scalar_kind_t;

class UsearchNative final : public PeerIndex {
 public:
  void build(const PeerBuild& b) override {
    dim_ = b.dim;
    metric_punned_t metric(b.dim, b.inner_product ? metric_kind_t::ip_k : metric_kind_t::l2sq_k, scalar_kind_t::f32_k);
    index_dense_config_t config(b.m, b.ef_construction, 64);
    auto made = index_dense_t::make(metric, config);
    if (!made) throw std::runtime_error(std::string("usearch make: ") + made.error.release());
    index_ = std::move(made.index);
    if (!index_.try_reserve(index_limits_t(b.n, b.threads))) throw std::runtime_error("usearch reserve failed");
    parallel_rows(b.n, b.threads, [&](std::size_t i, unsigned t) {
      auto r = index_.add(static_cast<index_dense_t::vector_key_t>(i), b.base + i * b.dim, t);
      if (!r) throw std::runtime_error(std::string("usearch add: ") + r.error.release());
    });
  }
  void search(const float* q, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) override {
    index_.change_expansion_search(ef);
    auto r = index_.search(q, k, 0);
    if (!r) throw std::runtime_error(std::string("usearch search: ") + r.error.release());
    out.resize(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) out[i] = static_cast<std::uint32_t>(r[i].member.key);
  }
  std::string kernel() const override {
    return std::string(index_.metric().isa_name()) + " (NumKong, chosen at run time; compiled in: " +
           unum::usearch::hardware_acceleration_compiled() + ")";
  }

 private:
  std::size_t dim_ = 0;
  index_dense_t index_;
};

}  // namespace

std::unique_ptr<PeerIndex> make_usearch_native() { return std::make_unique<UsearchNative>(); }

PeerDescription describe_usearch_native() {
  return {"usearch", ANN_BENCH_USEARCH_PACKAGE, ANN_BENCH_PEER_FLAGS};
}

}  // namespace ann_bench
