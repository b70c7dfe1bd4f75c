#include "quant/int8_codec.h"

#include <algorithm>
#include <cmath>

#include "format/coding.h"

namespace ruvector::detail {

void Int8Codec::train(const std::vector<const float*>& sample) {
  std::vector<float> lo(dim_, 0.0f), hi(dim_, 0.0f);
  if (!sample.empty()) {
    std::copy(sample[0], sample[0] + dim_, lo.begin());
    std::copy(sample[0], sample[0] + dim_, hi.begin());
  }
  for (const float* v : sample)
    for (std::size_t i = 0; i < dim_; ++i) {
      lo[i] = std::min(lo[i], v[i]);
      hi[i] = std::max(hi[i], v[i]);
    }
  for (std::size_t i = 0; i < dim_; ++i) {
    offset_[i] = lo[i];
    scale_[i] = (hi[i] - lo[i]) / 255.0f;
  }
}

float Int8Codec::encode(const float* v, std::uint8_t* code) const noexcept {
  double norm_sq = 0.0, extra_sq = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    float c = scale_[i] > 0.0f ? std::nearbyint((v[i] - offset_[i]) / scale_[i]) : 0.0f;
    c = std::clamp(c, 0.0f, 255.0f);
    code[i] = static_cast<std::uint8_t>(c);
    const double sc = static_cast<double>(scale_[i]) * c;
    extra_sq += sc * sc;
    norm_sq += static_cast<double>(v[i]) * v[i];
  }
  float extra = 0.0f;
  if (metric_ == Metric::kEuclidean) extra = static_cast<float>(extra_sq);
  if (metric_ == Metric::kCosine) extra = norm_sq > 0.0 ? static_cast<float>(1.0 / std::sqrt(norm_sq)) : 0.0f;
  return extra;
}

void Int8Codec::decode(const std::uint8_t* code, float* out) const noexcept {
  for (std::size_t i = 0; i < dim_; ++i) out[i] = offset_[i] + scale_[i] * static_cast<float>(code[i]);
}

void Int8Codec::prepare(const float* q, QueryCodes& out) const {
  std::vector<double> w(dim_);
  double c0 = 0.0, norm_sq = 0.0, w_max = 0.0;
  for (std::size_t i = 0; i < dim_; ++i) {
    const double centred = static_cast<double>(q[i]) - offset_[i];
    norm_sq += static_cast<double>(q[i]) * q[i];
    switch (metric_) {
      case Metric::kEuclidean:
        w[i] = 2.0 * centred * scale_[i];
        c0 += centred * centred;
        break;
      case Metric::kManhattan: w[i] = centred; break;
      default:
        w[i] = static_cast<double>(q[i]) * scale_[i];
        c0 += static_cast<double>(q[i]) * offset_[i];
    }
    w_max = std::max(w_max, std::fabs(w[i]));
  }
  out.c0 = static_cast<float>(c0);
  out.c1 = norm_sq > 0.0 ? static_cast<float>(1.0 / std::sqrt(norm_sq)) : 0.0f;
  if (metric_ == Metric::kManhattan) {
    out.w.assign(w.begin(), w.end());
    return;
  }
  // 16-bit fixed point: w_i ~ unit * w16_i, |w16_i| <= 32767 (all zero when w is).
  const double unit = w_max > 0.0 && std::isfinite(w_max) ? w_max / 32767.0 : 1.0;
  out.w.clear();
  out.w16.resize(dim_);
  for (std::size_t i = 0; i < dim_; ++i)
    out.w16[i] = static_cast<std::int16_t>(std::clamp(std::nearbyint(w[i] / unit), -32767.0, 32767.0));
  out.w16_scale = static_cast<float>(unit);
}

void Int8Codec::save_parameters(std::string& out) const {
  ByteWriter w(out);
  w.f32s(offset_.data(), dim_);
  w.f32s(scale_.data(), dim_);
}

Status Int8Codec::load_parameters(std::string_view in) {
  ByteReader r(in);
  std::vector<float> offset(dim_), scale(dim_);
  if (!r.f32s(offset.data(), dim_) || !r.f32s(scale.data(), dim_) || r.remaining() != 0)
    return Status::Corruption("int8 codec parameters: length does not match the dimension");
  for (std::size_t i = 0; i < dim_; ++i)
    if (!std::isfinite(offset[i]) || !std::isfinite(scale[i]) || scale[i] < 0.0f)
      return Status::Corruption("int8 codec parameters: a range is not finite");
  offset_ = std::move(offset);
  scale_ = std::move(scale);
  return Status::Ok();
}

}  // namespace ruvector::detail
