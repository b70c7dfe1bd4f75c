// PRIVATE header. A random orthogonal transform of R^D that costs O(D log D) per
// vector: `kRounds` rounds of (random sign flips, normalised Walsh-Hadamard transform
// on the first B coordinates, random sign flips, Walsh-Hadamard on the last B
// coordinates), B = the largest power of two <= D. Each step is orthogonal, so the
// product is; the two overlapping blocks cover every coordinate and mix them, as a
// dense random rotation would for the purpose of RaBitQ-style sign codes (every
// coordinate of a rotated unit vector is small and of random sign). Deterministic
// for a given (D, seed): nothing about it needs to be stored.
//
// Threads: apply() is const and may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ruvector::detail {

class Rotation {
 public:
  static constexpr int kRounds = 2;

  Rotation(std::size_t dim, std::uint64_t seed);

  std::size_t dim() const noexcept { return dim_; }
  // out = R * in (both length dim; may not alias).
  void apply(const float* in, float* out) const noexcept;
  // out = R^T * in = R^-1 * in (the steps of apply() undone in reverse order).
  void apply_transpose(const float* in, float* out) const noexcept;

 private:
  std::size_t dim_;
  std::size_t block_;
  std::vector<float> signs_;  // kRounds * 2 * dim_ values of +1 / -1
};

}  // namespace ruvector::detail
