#include "quant/binary_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "simd/kernels.h"

namespace ruvector::detail {
namespace {

constexpr std::size_t kMaxTrainSample = 8192;
constexpr int kKmeansIterations = 8;

double norm_of(const float* v, std::size_t n) noexcept {
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(v[i]) * v[i];
  return std::sqrt(s);
}

}  // namespace

void BinaryCodec::input(const float* v, float* out) const noexcept {
  const double scale = metric_ == Metric::kCosine ? 1.0 / std::max(norm_of(v, dim_), 1e-30) : 1.0;
  for (std::size_t i = 0; i < dim_; ++i) out[i] = static_cast<float>(v[i] * scale);
}

std::size_t BinaryCodec::nearest_centroid(const float* x) const noexcept {
  const Kernels& k = active_kernels();
  std::size_t best = 0;
  float best_d = std::numeric_limits<float>::infinity();
  for (std::size_t j = 0; j < centroid_count_; ++j) {
    const float d = k.l2sq(x, centroids_.data() + j * dim_, dim_);
    if (d < best_d) {
      best_d = d;
      best = j;
    }
  }
  return best;
}

void BinaryCodec::train(const std::vector<const float*>& sample) {
  // An evenly spaced subsample (deterministic), normalised under cosine.
  const std::size_t n = std::min(sample.size(), kMaxTrainSample);
  std::vector<float> xs(n * dim_);
  for (std::size_t i = 0; i < n; ++i) input(sample[i * sample.size() / n], xs.data() + i * dim_);
  centroid_count_ = std::clamp<std::size_t>(sample.size() / 400, 1, kMaxCentroids);
  centroid_count_ = std::min(centroid_count_, n);
  centroids_.assign(centroid_count_ * dim_, 0.0f);
  for (std::size_t j = 0; j < centroid_count_; ++j)
    std::copy(xs.data() + (j * n / centroid_count_) * dim_, xs.data() + (j * n / centroid_count_ + 1) * dim_,
              centroids_.data() + j * dim_);
  std::vector<double> sums(centroid_count_ * dim_);
  std::vector<std::size_t> counts(centroid_count_);
  for (int it = 0; it < kKmeansIterations && centroid_count_ > 1; ++it) {
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(counts.begin(), counts.end(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      const float* x = xs.data() + i * dim_;
      const std::size_t j = nearest_centroid(x);
      ++counts[j];
      for (std::size_t d = 0; d < dim_; ++d) sums[j * dim_ + d] += x[d];
    }
    for (std::size_t j = 0; j < centroid_count_; ++j) {
      if (counts[j] == 0) continue;  // an empty cluster keeps its centre
      for (std::size_t d = 0; d < dim_; ++d)
        centroids_[j * dim_ + d] = static_cast<float>(sums[j * dim_ + d] / static_cast<double>(counts[j]));
    }
  }
  if (centroid_count_ == 1) {
    // One centre: the mean of every training vector.
    std::vector<double> sum(dim_, 0.0);
    std::vector<float> x(dim_);
    for (const float* v : sample) {
      input(v, x.data());
      for (std::size_t d = 0; d < dim_; ++d) sum[d] += x[d];
    }
    for (std::size_t d = 0; d < dim_; ++d) centroids_[d] = static_cast<float>(sum[d] / static_cast<double>(sample.size()));
  }
  rotated_centroids_.resize(centroid_count_ * dim_);
  for (std::size_t j = 0; j < centroid_count_; ++j)
    rotation_.apply(centroids_.data() + j * dim_, rotated_centroids_.data() + j * dim_);
}

void BinaryCodec::encode(const float* v, std::uint8_t* code) const noexcept {
  std::vector<float> x(dim_), y(dim_);
  input(v, x.data());
  const std::size_t j = nearest_centroid(x.data());
  const float* c = centroids_.data() + j * dim_;
  double norm_sq = 0.0, dot_c = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    const float r = x[i] - c[i];
    norm_sq += static_cast<double>(r) * r;
    dot_c += static_cast<double>(r) * c[i];
    x[i] = r;
  }
  rotation_.apply(x.data(), y.data());
  std::vector<std::uint64_t> bits(words_, 0);
  double sum_abs = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    if (y[i] > 0.0f) bits[i / 64] |= std::uint64_t{1} << (i % 64);
    sum_abs += std::fabs(y[i]);
  }
  std::memcpy(code, bits.data(), words_ * 8);
  float f[2] = {sum_abs > 0.0 ? static_cast<float>(norm_sq / sum_abs) : 0.0f,
                static_cast<float>(metric_ == Metric::kDot ? dot_c : norm_sq)};
  std::uint32_t f2_bits;
  std::memcpy(&f2_bits, &f[1], sizeof f2_bits);
  f2_bits = (f2_bits & ~0xffu) | static_cast<std::uint32_t>(j);
  std::memcpy(&f[1], &f2_bits, sizeof f2_bits);
  std::memcpy(code + words_ * 8, f, sizeof f);
}

void BinaryCodec::prepare(const float* q, QueryCodes& out) const {
  std::vector<float> x(dim_);
  input(q, x.data());
  out.w.resize(dim_);
  rotation_.apply(x.data(), out.w.data());
  out.planes.resize(centroid_count_ * kQueryPlanes * words_);
  out.consts.resize(centroid_count_ * 4);
  out.ready.assign(centroid_count_, 0);
}

void BinaryCodec::fill_centroid(const QueryCodes& q, std::size_t j) const noexcept {
  const float* rq = q.w.data();
  const float* rc = rotated_centroids_.data() + j * dim_;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < dim_; ++i) {
    lo = std::min(lo, rq[i] - rc[i]);
    hi = std::max(hi, rq[i] - rc[i]);
  }
  const float delta = hi > lo ? (hi - lo) / 15.0f : 1.0f;
  const float inv_delta = 1.0f / delta;
  std::uint64_t* planes = q.planes.data() + j * kQueryPlanes * words_;
  std::fill(planes, planes + kQueryPlanes * words_, 0);
  double sum = 0.0, norm_sq = 0.0, dot_cq = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    const float y = rq[i] - rc[i];
    // (y - lo) / delta is in [0, 15] up to rounding: + 0.5 and truncation round it.
    const auto u = std::min(static_cast<unsigned>((y - lo) * inv_delta + 0.5f), 15u);
    for (std::size_t b = 0; b < kQueryPlanes; ++b)
      if ((u >> b) & 1u) planes[b * words_ + i / 64] |= std::uint64_t{1} << (i % 64);
    sum += y;
    norm_sq += static_cast<double>(y) * y;
    dot_cq += static_cast<double>(rc[i]) * rq[i];  // <c_j, q> = <R c_j, R q>
  }
  float* c = q.consts.data() + 4 * j;
  c[0] = delta;
  c[1] = lo;
  c[2] = static_cast<float>(sum);
  c[3] = static_cast<float>(metric_ == Metric::kDot ? dot_cq : norm_sq);
  q.ready[j] = 1;
}

}  // namespace ruvector::detail
