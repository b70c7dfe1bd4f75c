// The VSIM FILTER language: semantics on hand-checked cases, and truncated, corrupted
// and hostile text rejected with a syntax error (never a crash or a hang).
#include "filter_expression.h"

#include <gtest/gtest.h>

#include <random>

namespace ruvector::redis {
namespace {

bool eval(const std::string& expr, const Json& attrs) {
  std::string err;
  auto f = FilterExpression::parse(expr, err);
  EXPECT_TRUE(f != nullptr) << expr << ": " << err;
  return f && f->matches(attrs);
}

bool rejects(const std::string& expr) {
  std::string err;
  auto f = FilterExpression::parse(expr, err);
  if (f) return false;
  EXPECT_EQ(err.rfind("syntax error in FILTER expression near: ", 0), 0u) << err;
  return true;
}

const Json kMovie = Json::parse(R"({"year": 1984, "rating": 7.5, "genre": "scifi", "tags": ["a", "b", 3],
                                    "seen": true, "title": "The Terminator", "zero": 0})");

TEST(FilterExpressionTest, ComparisonsAndLogic) {
  EXPECT_TRUE(eval(".year > 1980", kMovie));
  EXPECT_FALSE(eval(".year > 1984", kMovie));
  EXPECT_TRUE(eval(".year >= 1984 and .rating < 8", kMovie));
  EXPECT_TRUE(eval(".year >= 1984 && .rating <= 7.5", kMovie));
  EXPECT_TRUE(eval(".year < 1900 or .genre == \"scifi\"", kMovie));
  EXPECT_TRUE(eval(".year < 1900 || .genre == 'scifi'", kMovie));
  EXPECT_TRUE(eval("not (.year < 1900)", kMovie));
  EXPECT_TRUE(eval("!(.genre != \"scifi\")", kMovie));
  EXPECT_TRUE(eval(".seen == true", kMovie));
  EXPECT_TRUE(eval(".seen", kMovie));
  EXPECT_FALSE(eval(".zero", kMovie));
  EXPECT_TRUE(eval(".genre > \"abc\"", kMovie));  // strings compare lexicographically
}

TEST(FilterExpressionTest, ArithmeticAndPrecedence) {
  EXPECT_TRUE(eval(".year - 1900 == 84", kMovie));
  EXPECT_TRUE(eval("1 + 2 * 3 == 7", kMovie));
  EXPECT_TRUE(eval("(1 + 2) * 3 == 9", kMovie));
  EXPECT_TRUE(eval("2 ** 3 ** 2 == 512", kMovie));  // right associative
  EXPECT_TRUE(eval("-2 ** 2 == 4", kMovie));        // unary binds tighter than **
  EXPECT_TRUE(eval(".year % 100 == 84", kMovie));
  EXPECT_TRUE(eval(".rating * 2 / 3 == 5", kMovie));
  EXPECT_TRUE(eval("1 < 2 == 1", kMovie));  // comparisons chain left to right
  EXPECT_TRUE(eval("1e3 == 1000 and 2.5e-1 == 0.25", kMovie));
}

TEST(FilterExpressionTest, MembershipAndSubstring) {
  EXPECT_TRUE(eval(".genre in [\"drama\", \"scifi\"]", kMovie));
  EXPECT_FALSE(eval(".genre in [\"drama\"]", kMovie));
  EXPECT_TRUE(eval("3 in .tags and \"a\" in .tags", kMovie));
  EXPECT_TRUE(eval("\"Termin\" in .title", kMovie));
  EXPECT_FALSE(eval("\"termin\" in .title", kMovie));
  EXPECT_TRUE(eval(".year in [1984, 1985] and .rating in [7.5]", kMovie));
}

TEST(FilterExpressionTest, MissingFieldsAndTypeErrorsDoNotMatch) {
  EXPECT_FALSE(eval(".nope == 1", kMovie));
  EXPECT_FALSE(eval("not (.nope == 1)", kMovie));  // an error is not "false": nothing matches
  EXPECT_FALSE(eval(".genre + 1 > 0", kMovie));
  EXPECT_FALSE(eval(".genre > 3", kMovie));
  EXPECT_FALSE(eval(".year / 0 > 1", kMovie));
  EXPECT_FALSE(eval(".year % 0 > 1", kMovie));
  EXPECT_FALSE(eval("10 ** 400 > 1", kMovie));  // overflow to infinity
  EXPECT_FALSE(eval(".year > 1", Json()));       // no attributes
  EXPECT_FALSE(eval(".year > 1", Json::array()));
  EXPECT_FALSE(eval("1 in 2", kMovie));
  EXPECT_TRUE(eval(".year > 1 or .nope", kMovie));  // short circuit
  EXPECT_FALSE(eval(".genre == 1984", kMovie));   // different types are never equal
  EXPECT_TRUE(eval(".genre != 1984", kMovie));
}

TEST(FilterExpressionTest, SyntaxErrorsNameThePlace) {
  std::string err;
  EXPECT_EQ(FilterExpression::parse(".year > > 3", err), nullptr);
  EXPECT_EQ(err, "syntax error in FILTER expression near: > 3");
  for (const char* bad : {"", " ", ".", "(", ")", ".a >", "(.a > 1", ".a > 1)", "[1, 2", "[1,]", "\"abc", "'x",
                          "1 2", ".a and", "or .a", "1 === 1", "@", ".a > 1 extra", "1..2", "1e", "--", "not",
                          "[", ".a in", "**2", "1 ** ", "\"\\"})
    EXPECT_TRUE(rejects(bad)) << bad;
}

TEST(FilterExpressionTest, HostileInputIsBounded) {
  EXPECT_TRUE(rejects(std::string(100000, '(') + "1" + std::string(100000, ')')));  // too long
  EXPECT_TRUE(rejects(std::string(200, '(') + "1" + std::string(200, ')')));        // too deep
  EXPECT_TRUE(rejects(std::string(300, '-') + "1"));
  EXPECT_TRUE(rejects(std::string(300, '!') + "1"));
  std::string chain = "1";
  for (int i = 0; i < 1500; ++i) chain += "+1";  // too many nodes
  EXPECT_TRUE(rejects(chain));
  std::string ok = "1";
  for (int i = 0; i < 200; ++i) ok += "+1";
  EXPECT_TRUE(eval(ok + " == 201", kMovie));
  // Random bytes and random mutations of a valid expression: parse or reject, never crash.
  std::mt19937 rng(7);
  const std::string base = ".year > 1950 and (.genre in [\"a\", 'b'] or not .rating ** 2 < 3.5e1)";
  for (int round = 0; round < 20000; ++round) {
    std::string s = base;
    if (round % 2 == 0) {
      s.resize(rng() % 64);
      for (char& c : s) c = static_cast<char>(rng() % 256);
    } else {
      for (int k = 0; k < 3; ++k) s[rng() % s.size()] = static_cast<char>(rng() % 128);
      s.resize(rng() % (s.size() + 1));
    }
    std::string err;
    auto f = FilterExpression::parse(s, err);
    if (f) (void)f->matches(kMovie);
    else EXPECT_FALSE(err.empty());
  }
}

}  // namespace
}  // namespace ruvector::redis
