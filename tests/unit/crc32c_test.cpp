// CRC-32C: the standard check value, and the run-time chosen code (SSE4.2 on x86-64)
// against the portable table on random buffers of every length and alignment up to 300
// bytes, extended in pieces.
#include "format/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ruvector::detail {
namespace {

TEST(Crc32cTest, CheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the CRC-32C catalogue's check value
  EXPECT_EQ(crc32c_table(0, "123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(Crc32cTest, MatchesTheTableOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<unsigned char> buf(320);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset)
    for (std::size_t n = 0; n + offset <= 308; ++n) {
      const std::uint32_t expected = crc32c_table(0, buf.data() + offset, n);
      ASSERT_EQ(crc32c_extend(0, buf.data() + offset, n), expected) << offset << " " << n;
      const std::size_t cut = n / 3;
      ASSERT_EQ(crc32c_extend(crc32c_extend(0, buf.data() + offset, cut), buf.data() + offset + cut, n - cut),
                expected);
    }
}

}  // namespace
}  // namespace ruvector::detail
