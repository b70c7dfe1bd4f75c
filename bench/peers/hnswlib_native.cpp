// hnswlib (Debian's libhnswlib-dev header) compiled the way its users build it: with
// -march=native, so its compile-time kernel choice reaches AVX-512 on a CPU that has it.
// Built into its own shared library with hidden visibility (see peer.h).
#include <hnswlib/hnswlib.h>

#include <stdexcept>

#include "hnswlib_kernel.h"
#include "parallel_rows.h"
#include "peer.h"

namespace ann_bench {
namespace {

class HnswlibNative final : public PeerIndex {
 public:
  void build(const PeerBuild& b) override {
    if (b.inner_product)
      space_ = std::make_unique<hnswlib::InnerProductSpace>(b.dim);
    else
      space_ = std::make_unique<hnswlib::L2Space>(b.dim);
    index_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), b.n, b.m, b.ef_construction);
    parallel_rows(b.n, b.threads, [&](std::size_t i, unsigned) {
      index_->addPoint(b.base + i * b.dim, static_cast<hnswlib::labeltype>(i));
    });
  }
  void search(const float* q, unsigned ef, std::size_t k, std::vector<std::uint32_t>& out) override {
    index_->setEf(ef);
    auto pq = index_->searchKnn(q, k);
    out.resize(pq.size());
    for (std::size_t i = pq.size(); i-- > 0;) {  // the queue's top is the farthest
      out[i] = static_cast<std::uint32_t>(pq.top().second);
      pq.pop();
    }
  }
  std::string kernel() const override { return hnswlib_kernel_level(); }

 private:
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index_;
};

}  // namespace

std::unique_ptr<PeerIndex> make_hnswlib_native() { return std::make_unique<HnswlibNative>(); }

PeerDescription describe_hnswlib_native() {
  return {"hnswlib", ANN_BENCH_HNSWLIB_PACKAGE, ANN_BENCH_PEER_FLAGS};
}

}  // namespace ann_bench
