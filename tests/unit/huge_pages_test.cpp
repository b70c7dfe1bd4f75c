// advise_huge_pages / HugePageAllocator, the VectorSpace rows and the quantized codes
// (CodeStore): the mapping that holds
// a large block carries the kernel's huge-page advice flag ("hg" in /proc/self/smaps
// VmFlags), a small block's does not. Linux with transparent huge pages only.
#include "util/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "index/vector_space.h"
#include "quant/code_store.h"

namespace ruvector::detail {
namespace {

bool thp_available() {
#if defined(__linux__)
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  return static_cast<bool>(f);
#else
  return false;
#endif
}

// The VmFlags of the mapping containing `p`, or "" when not found.
std::string vm_flags_of(const void* p) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx ", &lo, &hi) == 2 && line.find(':') > line.find(' ')) {
      inside = addr >= lo && addr < hi;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line.substr(8);
  }
  return "";
}

bool has_flag(const std::string& flags, const std::string& flag) {
  std::istringstream in(flags);
  std::string f;
  while (in >> f)
    if (f == flag) return true;
  return false;
}

TEST(HugePages, LargeBlocksAreAdvisedSmallOnesAreNot) {
  if (!thp_available()) GTEST_SKIP() << "no transparent huge pages on this system";
  // Small first: nothing freed yet, so it is not placed inside an advised mapping.
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> small(256 * 1024);  // 1 MiB
  const std::string small_flags = vm_flags_of(small.data());
  ASSERT_FALSE(small_flags.empty());
  EXPECT_FALSE(has_flag(small_flags, "hg")) << small_flags;

  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> large(4 * 1024 * 1024);  // 16 MiB
  const std::string large_flags = vm_flags_of(large.data() + large.size() / 2);
  ASSERT_FALSE(large_flags.empty());
  EXPECT_TRUE(has_flag(large_flags, "hg")) << large_flags;
}

TEST(HugePages, VectorSpaceRowsAreAdvised) {
  if (!thp_available()) GTEST_SKIP() << "no transparent huge pages on this system";
  VectorSpace space(784, Metric::kEuclidean);
  space.reserve(10000);  // 31 MB of rows
  std::vector<float> row(784, 1.0f);
  space.set(5000, row.data());
  const std::string flags = vm_flags_of(space.vector(5000));
  ASSERT_FALSE(flags.empty());
  EXPECT_TRUE(has_flag(flags, "hg")) << flags;
}

// The codes a coded walk reads at random: 10,000 int8 codes of 768 dimensions (7.6 MB).
TEST(HugePages, CodeStoreCodesAreAdvised) {
  if (!thp_available()) GTEST_SKIP() << "no transparent huge pages on this system";
  CodeStore store(768, Metric::kCosine, Quantization::kInt8, 1);
  store.reserve(10000);
  const std::string flags = vm_flags_of(store.code(5000));
  ASSERT_FALSE(flags.empty());
  EXPECT_TRUE(has_flag(flags, "hg")) << flags;
}

}  // namespace
}  // namespace ruvector::detail
