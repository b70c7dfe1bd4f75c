// Run-time choice of the kernel set, made once per process (thread-safe
// function-local statics): the best set the registry reports, capped by the
// environment variable RUVECTOR_SIMD. Never prints, never fails: an unknown or
// unsupported request falls back as described in kernel_sets.h.
#include <cstdlib>
#include <vector>

#include "ruvector/simd.h"
#include "simd/kernel_sets.h"
#include "simd/kernels.h"

namespace ruvector::detail {
namespace {

enum class Family { kPortable, kX86, kArm, kWasm };

Family family_of(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::kScalar: return Family::kPortable;
    case SimdLevel::kAvx2:
    case SimdLevel::kAvx512: return Family::kX86;
    case SimdLevel::kNeon: return Family::kArm;
    case SimdLevel::kSimd128: return Family::kWasm;
  }
  return Family::kPortable;
}

// Order within a family; scalar is below every family's levels.
int rank_of(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::kScalar: return 0;
    case SimdLevel::kAvx2: return 1;
    case SimdLevel::kAvx512: return 2;
    case SimdLevel::kNeon: return 1;
    case SimdLevel::kSimd128: return 1;
  }
  return 0;
}

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Case-insensitive comparison of [begin, end) with the lower-case `word`.
bool equals_word(const char* begin, const char* end, const char* word) noexcept {
  for (; begin != end; ++begin, ++word) {
    if (*word == '\0' || ascii_lower(*begin) != *word) return false;
  }
  return *word == '\0';
}

const std::vector<const Kernels*>& supported_sets() {
  static const std::vector<const Kernels*> sets = supported_kernel_sets();
  return sets;
}

const Kernels& choose_active() noexcept {
  const Kernels* chosen = select_kernels(supported_sets(), std::getenv("RUVECTOR_SIMD"));
  return chosen != nullptr ? *chosen : scalar_kernels();
}

}  // namespace

bool parse_simd_level(const char* text, SimdLevel* out) noexcept {
  if (text == nullptr) return false;
  const char* begin = text;
  while (is_blank(*begin)) ++begin;
  const char* end = begin;
  while (*end != '\0') ++end;
  while (end != begin && is_blank(end[-1])) --end;
  static constexpr struct {
    const char* name;
    SimdLevel level;
  } kNames[] = {{"scalar", SimdLevel::kScalar}, {"avx2", SimdLevel::kAvx2},       {"avx512", SimdLevel::kAvx512},
                {"neon", SimdLevel::kNeon},     {"simd128", SimdLevel::kSimd128}};
  for (const auto& entry : kNames) {
    if (equals_word(begin, end, entry.name)) {
      *out = entry.level;
      return true;
    }
  }
  return false;
}

const Kernels* select_kernels(const std::vector<const Kernels*>& sets, const char* request) noexcept {
  SimdLevel cap{};
  bool capped = parse_simd_level(request, &cap);
  if (capped && cap != SimdLevel::kScalar) {
    // A level of an architecture this build/CPU has no set for does not cap.
    bool family_present = false;
    for (const Kernels* k : sets) family_present = family_present || family_of(k->level) == family_of(cap);
    capped = family_present;
  }
  const Kernels* best = nullptr;
  for (const Kernels* k : sets) {
    if (capped) {
      if (k->level != SimdLevel::kScalar && family_of(k->level) != family_of(cap)) continue;
      if (rank_of(k->level) > rank_of(cap)) continue;
    }
    if (best == nullptr || rank_of(k->level) > rank_of(best->level)) best = k;
  }
  return best;
}

const Kernels& active_kernels() noexcept {
  static const Kernels& active = choose_active();
  return active;
}

const Kernels* kernels_for(SimdLevel level) noexcept {
  for (const Kernels* k : supported_sets()) {
    if (k->level == level) return k;
  }
  return nullptr;
}

}  // namespace ruvector::detail

namespace ruvector {

SimdLevel active_simd_level() noexcept { return detail::active_kernels().level; }

const char* simd_level_name(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::kScalar: return "scalar";
    case SimdLevel::kAvx2: return "avx2";
    case SimdLevel::kAvx512: return "avx512";
    case SimdLevel::kNeon: return "neon";
    case SimdLevel::kSimd128: return "simd128";
  }
  return "unknown";
}

std::vector<SimdLevel> supported_simd_levels() {
  std::vector<SimdLevel> levels;
  for (const detail::Kernels* k : detail::supported_sets()) levels.push_back(k->level);
  return levels;
}

}  // namespace ruvector
