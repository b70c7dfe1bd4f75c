#include "quant/rotation.h"

#include <cmath>
#include <cstring>
#include <random>

namespace ruvector::detail {
namespace {

// In-place normalised fast Walsh-Hadamard transform of n = 2^k values.
void walsh_hadamard(float* x, std::size_t n) noexcept {
  for (std::size_t h = 1; h < n; h *= 2) {
    for (std::size_t i = 0; i < n; i += 2 * h) {
      for (std::size_t j = i; j < i + h; ++j) {
        const float a = x[j], b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(n));
  for (std::size_t i = 0; i < n; ++i) x[i] *= scale;
}

}  // namespace

Rotation::Rotation(std::size_t dim, std::uint64_t seed) : dim_(dim), block_(1) {
  while (block_ * 2 <= dim_) block_ *= 2;
  std::mt19937_64 rng(seed ^ (0x9E3779B97F4A7C15ull * (dim + 1)));
  signs_.resize(static_cast<std::size_t>(kRounds) * 2 * dim_);
  for (float& s : signs_) s = (rng() & 1u) ? 1.0f : -1.0f;
}

void Rotation::apply(const float* in, float* out) const noexcept {
  std::memcpy(out, in, dim_ * sizeof(float));
  const float* s = signs_.data();
  for (int r = 0; r < kRounds; ++r) {
    for (std::size_t i = 0; i < dim_; ++i) out[i] *= s[i];
    s += dim_;
    walsh_hadamard(out, block_);
    for (std::size_t i = 0; i < dim_; ++i) out[i] *= s[i];
    s += dim_;
    walsh_hadamard(out + (dim_ - block_), block_);
  }
}

void Rotation::apply_transpose(const float* in, float* out) const noexcept {
  // Each step is its own inverse (sign flips; the normalised Walsh-Hadamard matrix is
  // symmetric and orthogonal).
  std::memcpy(out, in, dim_ * sizeof(float));
  const float* s = signs_.data() + signs_.size();
  for (int r = 0; r < kRounds; ++r) {
    walsh_hadamard(out + (dim_ - block_), block_);
    s -= dim_;
    for (std::size_t i = 0; i < dim_; ++i) out[i] *= s[i];
    walsh_hadamard(out, block_);
    s -= dim_;
    for (std::size_t i = 0; i < dim_; ++i) out[i] *= s[i];
  }
}

}  // namespace ruvector::detail
