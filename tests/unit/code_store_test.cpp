// CodeStore::save/load (the quantized codes saved with an index image): a round trip
// restores the codes and the codec bit for bit (the same distances, the same bytes
// when saved again), and damaged, truncated or foreign bytes are CORRUPTION with the
// store left as it was.
#include "quant/code_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "format/index_image.h"

namespace ruvector::detail {
namespace {

constexpr std::size_t kDim = 70;  // not a multiple of 64: codes have padding bits
constexpr std::size_t kCount = 1100;

std::vector<float> random_rows(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(n * kDim);
  for (float& x : v) x = g(rng);
  return v;
}

std::vector<std::uint32_t> slots(std::size_t n) {
  std::vector<std::uint32_t> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::uint32_t>(i);
  return s;
}

// A trained store over kCount rows, and its saved bytes.
struct Saved {
  std::vector<float> rows = random_rows(kCount, 5);
  CodeStore store;
  std::string bytes;
  explicit Saved(Quantization q, Metric metric) : store(kDim, metric, q, 42) {
    store.reserve(kCount);
    std::vector<const float*> sample;
    for (std::size_t i = 0; i < kCount; ++i) sample.push_back(rows.data() + i * kDim);
    store.train(std::vector<const float*>(sample.begin(), sample.begin() + 1000));
    for (std::size_t i = 0; i < kCount; ++i) store.encode(static_cast<std::uint32_t>(i), sample[i]);
    store.save(slots(kCount), bytes);
  }
};

TEST(CodeStore, RoundTripRestoresCodesAndCodecExactly) {
  for (Quantization q : {Quantization::kBinary, Quantization::kInt8}) {
    for (Metric metric : {Metric::kEuclidean, Metric::kCosine, Metric::kDot}) {
      Saved s(q, metric);
      CodeStore back(kDim, metric, q, 42);
      ASSERT_TRUE(back.load(s.bytes, kCount).ok());
      EXPECT_EQ(back.trained_on(), 1000u);
      std::string again;
      back.save(slots(kCount), again);
      EXPECT_EQ(again, s.bytes);
      const std::vector<float> queries = random_rows(5, 9);
      for (std::size_t qi = 0; qi < 5; ++qi) {
        QueryCodes a, b;
        s.store.prepare(queries.data() + qi * kDim, a);
        back.prepare(queries.data() + qi * kDim, b);
        for (std::uint32_t i = 0; i < kCount; ++i) ASSERT_EQ(back.distance(b, i), s.store.distance(a, i));
      }
      // A vector encoded after the reload gets the code the original store gives it.
      const std::vector<float> extra = random_rows(1, 11);
      s.store.reserve(kCount + 1);
      back.reserve(kCount + 1);
      s.store.encode(kCount, extra.data());
      back.encode(kCount, extra.data());
      EXPECT_EQ(std::memcmp(back.code(kCount), s.store.code(kCount), back.code_bytes()), 0);
      EXPECT_EQ(back.extra(kCount), s.store.extra(kCount));
    }
  }
}

void expect_refused(Quantization q, const std::string& bytes, std::size_t count, const char* what) {
  CodeStore fresh(kDim, Metric::kEuclidean, q, 42);
  const Status st = fresh.load(bytes, count);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << what;
  EXPECT_FALSE(fresh.trained()) << what;
}

TEST(CodeStore, RefusesDamagedTruncatedAndForeignBytes) {
  Saved s(Quantization::kBinary, Metric::kEuclidean);
  for (std::size_t len = 0; len < s.bytes.size(); len += (len < 64 ? 1 : 97))
    expect_refused(Quantization::kBinary, s.bytes.substr(0, len), kCount, "truncated");
  expect_refused(Quantization::kBinary, s.bytes + "x", kCount, "trailing byte");
  expect_refused(Quantization::kBinary, s.bytes, kCount - 1, "count mismatch");
  expect_refused(Quantization::kInt8, s.bytes, kCount, "another mode");
  {
    CodeStore other(kDim + 1, Metric::kEuclidean, Quantization::kBinary, 42);
    EXPECT_EQ(other.load(s.bytes, kCount).code(), StatusCode::kCorruption);
  }
  // Layout: u8 mode, u32 dim, u32 stride, u64 trained_on, u64 P, P bytes (u32 K, K*D
  // centroids, D mean), u64 count, codes.
  const std::size_t params_at = 1 + 4 + 4 + 8 + 8;
  std::uint32_t centroids = 0;
  std::memcpy(&centroids, s.bytes.data() + params_at, 4);
  ASSERT_GE(centroids, 1u);
  {
    std::string bad = s.bytes;
    const float nan = std::nanf("");
    std::memcpy(bad.data() + params_at + 4, &nan, 4);
    expect_refused(Quantization::kBinary, bad, kCount, "NaN centroid");
  }
  {
    std::string bad = s.bytes;
    const std::uint32_t too_many = 129;
    std::memcpy(bad.data() + params_at, &too_many, 4);
    expect_refused(Quantization::kBinary, bad, kCount, "centroid count");
  }
  const std::size_t codes_at = params_at + 4 + (centroids + 1) * kDim * 4 + 8;
  const std::size_t stride = s.store.code_bytes();
  ASSERT_EQ(s.bytes.size(), codes_at + kCount * stride);
  {
    std::string bad = s.bytes;  // centroid number of code 3 out of range
    bad[codes_at + 3 * stride + 2 * 8 + 4] = static_cast<char>(0xff);
    expect_refused(Quantization::kBinary, bad, kCount, "centroid number");
  }
  {
    std::string bad = s.bytes;  // a padding bit (dimension 70: bits 6..63 of word 1)
    bad[codes_at + 5 * stride + 15] = static_cast<char>(0x80);
    expect_refused(Quantization::kBinary, bad, kCount, "padding bit");
  }
}

// The binary estimate against exact distances (the oracle): unbiased (mean error well
// under its spread) and below the error bound's reach for all but a few percent, per
// metric, on data with an offset (so the centring matters) at an odd dimension.
TEST(CodeStore, BinaryEstimateIsUnbiasedAndMostlyWithinItsBound) {
  constexpr std::size_t kQueries = 20;
  for (Metric metric : {Metric::kEuclidean, Metric::kCosine, Metric::kDot}) {
    SCOPED_TRACE(metric_name(metric));
    Saved s(Quantization::kBinary, metric);
    std::vector<float> queries = random_rows(kQueries, 13);
    for (float& x : queries) x += 0.5f;
    for (float& x : s.rows) x += 0.5f;  // re-encode the shifted rows with fresh training
    CodeStore store(kDim, metric, Quantization::kBinary, 42);
    store.reserve(kCount);
    std::vector<const float*> sample;
    for (std::size_t i = 0; i < kCount; ++i) sample.push_back(s.rows.data() + i * kDim);
    store.train(sample);
    for (std::size_t i = 0; i < kCount; ++i) store.encode(static_cast<std::uint32_t>(i), sample[i]);
    double sum = 0, sum2 = 0;
    std::size_t outside = 0, n = 0;
    for (std::size_t qi = 0; qi < kQueries; ++qi) {
      const float* q = queries.data() + qi * kDim;
      QueryCodes qc;
      store.prepare(q, qc);
      double qn = 0;
      for (std::size_t j = 0; j < kDim; ++j) qn += static_cast<double>(q[j]) * q[j];
      for (std::uint32_t i = 0; i < kCount; ++i) {
        const float* x = sample[i];
        double dot = 0, l2 = 0, xn = 0;
        for (std::size_t j = 0; j < kDim; ++j) {
          dot += static_cast<double>(q[j]) * x[j];
          l2 += (static_cast<double>(q[j]) - x[j]) * (q[j] - x[j]);
          xn += static_cast<double>(x[j]) * x[j];
        }
        const double exact = metric == Metric::kEuclidean ? l2 : metric == Metric::kDot ? -dot : 1.0 - dot / std::sqrt(qn * xn);
        const double est = store.distance(qc, i);
        const double err = est - exact;
        sum += err;
        sum2 += err * err;
        ++n;
        if (exact < est - store.error_bound(qc, i)) ++outside;
      }
    }
    const double mean = sum / static_cast<double>(n);
    const double sd = std::sqrt(sum2 / static_cast<double>(n) - mean * mean);
    EXPECT_LT(std::fabs(mean), 0.1 * sd);
    EXPECT_LT(static_cast<double>(outside) / static_cast<double>(n), 0.05);
  }
}

// int8 codes saved before a code's extra moved out of its bytes in memory (the saved
// layout is unchanged: D code bytes, the f32 extra, zero padding to 8): files written by
// CodeStore::save of main at 439fb95 (70 dims, trained on 1,000 uniform rows in
// [-1, 1), codes of slots 0..7) load, answer like the codes they hold, and save back to
// the same bytes. The oracle for the distances is the decoded vector itself
// (offset + scale * c, parsed from the file here): euclidean |q - x̂|^2; cosine uses the
// extra (1/|x| of the original row) as the file holds it.
std::string read_golden(const char* name) {
  const char* dir = std::getenv("RUVECTOR_TEST_DATA");
  if (dir == nullptr) return {};
  std::ifstream in(std::string(dir) + "/golden/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(CodeStore, Int8CodesSavedInTheEarlierLayoutLoadBitForBit) {
  constexpr std::size_t kGoldenDim = 70, kGoldenCount = 8, kSavedStride = 80;
  for (Metric metric : {Metric::kEuclidean, Metric::kCosine}) {
    SCOPED_TRACE(metric_name(metric));
    const std::string bytes =
        read_golden(metric == Metric::kEuclidean ? "int8-codes-euclidean.bin" : "int8-codes-cosine.bin");
    ASSERT_EQ(bytes.size(), 1 + 4 + 4 + 8 + 8 + 2 * kGoldenDim * 4 + 8 + kGoldenCount * kSavedStride)
        << "golden file missing (RUVECTOR_TEST_DATA) or damaged";
    CodeStore store(kGoldenDim, metric, Quantization::kInt8, 42);
    ASSERT_TRUE(store.load(bytes, kGoldenCount).ok());
    std::string again;
    store.save(slots(kGoldenCount), again);
    EXPECT_EQ(again, bytes);
    // Parse the file by its documented layout.
    const std::size_t params_at = 1 + 4 + 4 + 8 + 8, codes_at = params_at + 2 * kGoldenDim * 4 + 8;
    std::vector<float> offset(kGoldenDim), scale(kGoldenDim);
    std::memcpy(offset.data(), bytes.data() + params_at, kGoldenDim * 4);
    std::memcpy(scale.data(), bytes.data() + params_at + kGoldenDim * 4, kGoldenDim * 4);
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> q(kGoldenDim);
    for (float& x : q) x = u(rng);
    QueryCodes qc;
    store.prepare(q.data(), qc);
    double qn = 0;
    for (float x : q) qn += static_cast<double>(x) * x;
    for (std::uint32_t i = 0; i < kGoldenCount; ++i) {
      const char* saved = bytes.data() + codes_at + i * kSavedStride;
      float extra;
      std::memcpy(&extra, saved + kGoldenDim, 4);
      EXPECT_EQ(store.extra(i), extra);
      EXPECT_EQ(std::memcmp(store.code(i), saved, kGoldenDim), 0);
      double l2 = 0, dot = 0;
      for (std::size_t j = 0; j < kGoldenDim; ++j) {
        const double x = static_cast<double>(offset[j]) + static_cast<double>(scale[j]) * static_cast<std::uint8_t>(saved[j]);
        l2 += (q[j] - x) * (q[j] - x);
        dot += q[j] * x;
      }
      const double expect = metric == Metric::kEuclidean ? l2 : 1.0 - dot / std::sqrt(qn) * extra;
      EXPECT_NEAR(store.distance(qc, i), expect, 1e-4 * std::max(1.0, std::fabs(expect))) << "slot " << i;
    }
    // A damaged extra (not finite) or padding byte is CORRUPTION.
    std::string bad = bytes;
    const float inf = std::numeric_limits<float>::infinity();
    std::memcpy(bad.data() + codes_at + 2 * kSavedStride + kGoldenDim, &inf, 4);
    CodeStore fresh(kGoldenDim, metric, Quantization::kInt8, 42);
    EXPECT_EQ(fresh.load(bad, kGoldenCount).code(), StatusCode::kCorruption);
    bad = bytes;
    bad[codes_at + 3 * kSavedStride + kGoldenDim + 4] = 1;
    EXPECT_EQ(fresh.load(bad, kGoldenCount).code(), StatusCode::kCorruption);
    EXPECT_FALSE(fresh.trained());
  }
}

TEST(IndexImage, CarriesCodesAsVersionTwoAndStillReadsVersionOne) {
  IndexImage img;
  img.count = 3;
  img.ids_crc = 7;
  img.body = "graph";
  const std::string plain = encode_index_image(img);
  auto p = decode_index_image(plain);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->codes.empty());
  EXPECT_EQ(plain[4], 1);
  img.codes = "codes!";
  const std::string coded = encode_index_image(img);
  EXPECT_EQ(coded[4], 2);
  auto c = decode_index_image(coded);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->body, "graph");
  EXPECT_EQ(c->codes, "codes!");
  for (std::size_t len = 0; len < coded.size(); ++len)
    EXPECT_EQ(decode_index_image(coded.substr(0, len)).status().code(), StatusCode::kCorruption) << len;
  std::string flipped = coded;
  flipped[coded.size() - 6] ^= 1;
  EXPECT_EQ(decode_index_image(flipped).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ruvector::detail
