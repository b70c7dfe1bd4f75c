// Metadata filters (docs/filters.md): every operator, the combiners, dotted
// paths, arrays, type mismatches, every malformed-filter error, and a randomized
// comparison against a deliberately naive interpreter of the same semantics.
#include "filter/filter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ruvector::detail {
namespace {

Json J(const std::string& text) { return Json::parse(text); }

Filter F(const std::string& filter) {
  auto r = Filter::compile(J(filter));
  EXPECT_TRUE(r.ok()) << filter << " -> " << r.status().ToString();
  if (!r.ok()) return Filter::compile(Json::object()).value();
  return std::move(r).value();
}

bool M(const std::string& filter, const std::string& metadata) { return F(filter).matches(J(metadata)); }

// Compiles `filter`, expects INVALID_ARGUMENT whose message is exactly `message`.
void ExpectJsonError(const Json& filter, const std::string& message) {
  auto r = Filter::compile(filter);
  ASSERT_FALSE(r.ok()) << filter.dump();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << filter.dump();
  EXPECT_EQ(r.status().message(), message) << filter.dump();
}
void ExpectError(const std::string& filter, const std::string& message) { ExpectJsonError(J(filter), message); }

// ------------------------------------------------------------------ basics

TEST(FilterTest, EmptyFilterMatchesEverything) {
  Filter f = F("{}");
  EXPECT_TRUE(f.match_all());
  EXPECT_TRUE(f.matches(J("{}")));
  EXPECT_TRUE(f.matches(J(R"({"a": 1})")));
  EXPECT_TRUE(f.matches(Json()));  // entry without metadata
  EXPECT_FALSE(F(R"({"a": 1})").match_all());
  // Constant folding: these are also "everything".
  EXPECT_TRUE(F(R"({"$and": [{}]})").match_all());
  EXPECT_TRUE(F(R"({"$or": [{}, {"a": 1}]})").match_all());
  EXPECT_TRUE(F(R"({"$not": {"$not": {}}})").match_all());
}

TEST(FilterTest, NotOfEmptyMatchesNothing) {
  Filter f = F(R"({"$not": {}})");
  EXPECT_FALSE(f.match_all());
  EXPECT_FALSE(f.matches(J("{}")));
  EXPECT_FALSE(f.matches(Json()));
}

TEST(FilterTest, NullMetadataIsAnEmptyObject) {
  const Json none;  // null
  EXPECT_FALSE(F(R"({"a": 1})").matches(none));
  EXPECT_FALSE(F(R"({"a": null})").matches(none));
  EXPECT_TRUE(F(R"({"a": {"$exists": false}})").matches(none));
  EXPECT_FALSE(F(R"({"a": {"$exists": true}})").matches(none));
  EXPECT_TRUE(F(R"({"a": {"$ne": 1}})").matches(none));
  EXPECT_TRUE(F(R"({"a": {"$nin": [1]}})").matches(none));
  EXPECT_TRUE(F(R"({"a": {"$not": {"$gt": 1}}})").matches(none));
  EXPECT_FALSE(F(R"({"a": {"$gt": 1}})").matches(none));
  // Any other non-object metadata has no fields either.
  EXPECT_FALSE(F(R"({"0": 1})").matches(J("[1]")));
  EXPECT_TRUE(F(R"({"0": {"$exists": false}})").matches(J("[1]")));
}

// ------------------------------------------------------------------ equality

TEST(FilterTest, EqualityOfScalars) {
  EXPECT_TRUE(M(R"({"c": "red"})", R"({"c": "red"})"));
  EXPECT_FALSE(M(R"({"c": "red"})", R"({"c": "blue"})"));
  EXPECT_FALSE(M(R"({"c": "red"})", R"({"d": "red"})"));
  EXPECT_TRUE(M(R"({"n": 1})", R"({"n": 1})"));
  EXPECT_TRUE(M(R"({"n": 1})", R"({"n": 1.0})"));
  EXPECT_TRUE(M(R"({"n": 1.0})", R"({"n": 1})"));
  EXPECT_TRUE(M(R"({"n": -3})", R"({"n": -3.0})"));
  EXPECT_TRUE(M(R"({"n": 0})", R"({"n": -0.0})"));
  EXPECT_FALSE(M(R"({"n": 1})", R"({"n": 1.5})"));
  EXPECT_FALSE(M(R"({"n": 1})", R"({"n": "1"})"));
  EXPECT_FALSE(M(R"({"n": 1})", R"({"n": true})"));
  EXPECT_FALSE(M(R"({"n": true})", R"({"n": 1})"));
  EXPECT_TRUE(M(R"({"b": true})", R"({"b": true})"));
  EXPECT_FALSE(M(R"({"b": true})", R"({"b": false})"));
  EXPECT_TRUE(M(R"({"z": null})", R"({"z": null})"));
  EXPECT_FALSE(M(R"({"z": null})", R"({})"));  // null does not match a missing field
  EXPECT_FALSE(M(R"({"z": null})", R"({"z": 0})"));
  EXPECT_TRUE(M(R"({"s": ""})", R"({"s": ""})"));
}

TEST(FilterTest, EqualityAcrossNumberRepresentations) {
  // nlohmann keeps int64, uint64 and double apart; equality is by exact value.
  Json meta = Json::object();
  meta["i"] = std::int64_t{5};
  meta["u"] = std::uint64_t{5};
  meta["d"] = 5.0;
  for (const char* field : {"i", "u", "d"}) {
    for (const Json& v : {Json(std::int64_t{5}), Json(std::uint64_t{5}), Json(5.0)}) {
      Json f = {{field, v}};
      EXPECT_TRUE(Filter::compile(f).value().matches(meta)) << f.dump();
    }
  }
  // 2^53 + 1 is not equal to the double 2^53 (a cast to double would say it is).
  EXPECT_FALSE(M(R"({"n": 9007199254740992.0})", R"({"n": 9007199254740993})"));
  EXPECT_TRUE(M(R"({"n": 9007199254740992.0})", R"({"n": 9007199254740992})"));
  EXPECT_TRUE(M(R"({"n": {"$gt": 9007199254740992.0}})", R"({"n": 9007199254740993})"));
  // uint64 beyond int64; negative int64 against uint64.
  EXPECT_TRUE(M(R"({"n": 18446744073709551615})", R"({"n": 18446744073709551615})"));
  EXPECT_FALSE(M(R"({"n": 18446744073709551615})", R"({"n": -1})"));
  EXPECT_TRUE(M(R"({"n": {"$lt": 0}})", R"({"n": -9223372036854775808})"));
  EXPECT_TRUE(M(R"({"n": {"$gt": -1}})", R"({"n": 18446744073709551615})"));
  EXPECT_TRUE(M(R"({"n": {"$lt": 1e300}})", R"({"n": 18446744073709551615})"));
  EXPECT_TRUE(M(R"({"n": {"$gt": -1e300}})", R"({"n": -9223372036854775808})"));
  EXPECT_TRUE(M(R"({"n": {"$gt": 18446744073709551615}})", R"({"n": 1e20})"));
  EXPECT_TRUE(M(R"({"n": {"$lt": 0.5}})", R"({"n": 0})"));
  EXPECT_TRUE(M(R"({"n": {"$gt": -0.5}})", R"({"n": 0})"));
  EXPECT_TRUE(M(R"({"n": {"$lt": -0.5}})", R"({"n": -1})"));
  EXPECT_TRUE(M(R"({"n": {"$gt": 2.5}})", R"({"n": 3})"));
  EXPECT_FALSE(M(R"({"n": {"$gt": 2.5}})", R"({"n": 2})"));
}

TEST(FilterTest, NaNNeverMatches) {
  Json meta = {{"n", std::numeric_limits<double>::quiet_NaN()}};
  EXPECT_FALSE(F(R"({"n": 1})").matches(meta));
  EXPECT_FALSE(F(R"({"n": {"$gt": 1}})").matches(meta));
  EXPECT_FALSE(F(R"({"n": {"$lte": 1}})").matches(meta));
  EXPECT_TRUE(F(R"({"n": {"$ne": 1}})").matches(meta));
  ExpectJsonError(Json{{"n", {{"$gt", std::numeric_limits<double>::quiet_NaN()}}}},
              "invalid filter at 'n': $gt expects a number or a string, got NaN");
}

TEST(FilterTest, EqualityWithArrays) {
  // Stored array, scalar value: contains.
  EXPECT_TRUE(M(R"({"tags": "a"})", R"({"tags": ["a", "b"]})"));
  EXPECT_TRUE(M(R"({"tags": 2})", R"({"tags": [1, 2.0]})"));
  EXPECT_FALSE(M(R"({"tags": "c"})", R"({"tags": ["a", "b"]})"));
  EXPECT_FALSE(M(R"({"tags": "a"})", R"({"tags": []})"));
  // Array value: whole-array equality (order matters), never element-wise.
  EXPECT_TRUE(M(R"({"tags": ["a", "b"]})", R"({"tags": ["a", "b"]})"));
  EXPECT_FALSE(M(R"({"tags": ["b", "a"]})", R"({"tags": ["a", "b"]})"));
  EXPECT_FALSE(M(R"({"tags": ["a"]})", R"({"tags": ["a", "b"]})"));
  EXPECT_FALSE(M(R"({"tags": ["a"]})", R"({"tags": [["a"], "b"]})"));
  EXPECT_TRUE(M(R"({"tags": []})", R"({"tags": []})"));
  EXPECT_TRUE(M(R"({"tags": [1, 2]})", R"({"tags": [1.0, 2.0]})"));
  // Scalar stored, array value: no match.
  EXPECT_FALSE(M(R"({"tags": ["a"]})", R"({"tags": "a"})"));
  // An object inside an array is found by an object value.
  EXPECT_TRUE(M(R"({"xs": {"k": 1}})", R"({"xs": [{"k": 1}, 2]})"));
}

TEST(FilterTest, EqualityWithObjects) {
  EXPECT_TRUE(M(R"({"o": {"x": 1, "y": "a"}})", R"({"o": {"y": "a", "x": 1.0}})"));
  EXPECT_FALSE(M(R"({"o": {"x": 1}})", R"({"o": {"x": 1, "y": 2}})"));
  EXPECT_FALSE(M(R"({"o": {"x": 1, "y": 2}})", R"({"o": {"x": 1}})"));
  EXPECT_FALSE(M(R"({"o": {"x": 1}})", R"({"o": {"z": 1}})"));
  EXPECT_TRUE(M(R"({"o": {}})", R"({"o": {}})"));
  EXPECT_FALSE(M(R"({"o": {}})", R"({"o": []})"));
  // Keys that look like operators one level down are literal.
  EXPECT_TRUE(M(R"({"o": {"p": {"$gt": 1}}})", R"({"o": {"p": {"$gt": 1}}})"));
  EXPECT_FALSE(M(R"({"o": {"p": {"$gt": 1}}})", R"({"o": {"p": 5}})"));
  // $eq matches an object with operator-like keys literally.
  EXPECT_TRUE(M(R"({"o": {"$eq": {"$gt": 1}}})", R"({"o": {"$gt": 1}})"));
  EXPECT_FALSE(M(R"({"o": {"$eq": {"$gt": 1}}})", R"({"o": 5})"));
}

TEST(FilterTest, EqOperatorIsPlainEquality) {
  const char* metas[] = {R"({"a": 1})", R"({"a": [1, 2]})", R"({"a": "1"})", R"({})", R"({"a": null})",
                         R"({"a": [[1]]})"};
  const char* values[] = {"1", "\"1\"", "null", "[1, 2]", "[1]", "{\"x\": 1}"};
  for (const char* v : values) {
    Filter plain = F(std::string(R"({"a": )") + v + "}");
    Filter eq = F(std::string(R"({"a": {"$eq": )") + v + "}}");
    for (const char* m : metas) EXPECT_EQ(plain.matches(J(m)), eq.matches(J(m))) << v << " on " << m;
  }
}

TEST(FilterTest, NotEqual) {
  EXPECT_TRUE(M(R"({"a": {"$ne": 1}})", R"({"a": 2})"));
  EXPECT_FALSE(M(R"({"a": {"$ne": 1}})", R"({"a": 1.0})"));
  EXPECT_TRUE(M(R"({"a": {"$ne": 1}})", R"({})"));         // missing matches
  EXPECT_TRUE(M(R"({"a": {"$ne": 1}})", R"({"a": "1"})"));
  EXPECT_FALSE(M(R"({"a": {"$ne": 1}})", R"({"a": [0, 1]})"));  // contains 1
  EXPECT_TRUE(M(R"({"a": {"$ne": 1}})", R"({"a": [0, 2]})"));
  EXPECT_TRUE(M(R"({"a": {"$ne": null}})", R"({})"));
  EXPECT_FALSE(M(R"({"a": {"$ne": null}})", R"({"a": null})"));
}

// ------------------------------------------------------------------ comparisons

TEST(FilterTest, ComparisonsOnNumbers) {
  const std::string meta = R"({"p": 10})";
  EXPECT_TRUE(M(R"({"p": {"$gt": 9}})", meta));
  EXPECT_FALSE(M(R"({"p": {"$gt": 10}})", meta));
  EXPECT_TRUE(M(R"({"p": {"$gte": 10}})", meta));
  EXPECT_TRUE(M(R"({"p": {"$gte": 10.0}})", meta));
  EXPECT_FALSE(M(R"({"p": {"$gte": 10.5}})", meta));
  EXPECT_TRUE(M(R"({"p": {"$lt": 10.5}})", meta));
  EXPECT_FALSE(M(R"({"p": {"$lt": 10}})", meta));
  EXPECT_TRUE(M(R"({"p": {"$lte": 10}})", meta));
  EXPECT_FALSE(M(R"({"p": {"$lte": 9.99}})", meta));
  EXPECT_TRUE(M(R"({"p": {"$gt": -5}})", meta));
  EXPECT_TRUE(M(R"({"p": {"$lt": 1e10}})", meta));
}

TEST(FilterTest, ComparisonsOnStringsAreBytewise) {
  EXPECT_TRUE(M(R"({"s": {"$gt": "apple"}})", R"({"s": "banana"})"));
  EXPECT_FALSE(M(R"({"s": {"$gt": "banana"}})", R"({"s": "banana"})"));
  EXPECT_TRUE(M(R"({"s": {"$gte": "banana"}})", R"({"s": "banana"})"));
  EXPECT_TRUE(M(R"({"s": {"$lt": "b"}})", R"({"s": "abc"})"));
  EXPECT_TRUE(M(R"({"s": {"$lt": "abcd"}})", R"({"s": "abc"})"));  // prefix is smaller
  EXPECT_TRUE(M(R"({"s": {"$lte": "abc"}})", R"({"s": "abc"})"));
  EXPECT_TRUE(M(R"({"s": {"$lt": "a"}})", R"({"s": "Z"})"));        // 'Z' (0x5A) < 'a' (0x61)
  EXPECT_TRUE(M(R"({"s": {"$gt": "z"}})", R"({"s": "\u00e9"})"));  // UTF-8 0xC3.. > 'z'
  EXPECT_TRUE(M(R"({"s": {"$gt": ""}})", R"({"s": "a"})"));
  EXPECT_FALSE(M(R"({"s": {"$lt": ""}})", R"({"s": ""})"));
  EXPECT_TRUE(M(R"({"s": {"$lt": "10"}})", R"({"s": "9"})") == false);  // "9" > "10" bytewise
}

TEST(FilterTest, ComparisonTypeMismatchesDoNotMatch) {
  for (const char* op : {"$gt", "$gte", "$lt", "$lte"}) {
    const std::string num = std::string(R"({"a": {")") + op + R"(": 5}})";
    const std::string str = std::string(R"({"a": {")") + op + R"(": "m"}})";
    for (const char* meta : {R"({"a": "5"})", R"({"a": true})", R"({"a": null})", R"({"a": [5]})",
                             R"({"a": {"x": 5}})", R"({})"})
      EXPECT_FALSE(M(num, meta)) << num << " on " << meta;
    for (const char* meta : {R"({"a": 5})", R"({"a": false})", R"({"a": null})", R"({"a": ["m"]})",
                             R"({"a": {}})", R"({})"})
      EXPECT_FALSE(M(str, meta)) << str << " on " << meta;
  }
}

TEST(FilterTest, SeveralOperatorsAreAnded) {
  const std::string range = R"({"p": {"$gte": 10, "$lt": 20}})";
  EXPECT_FALSE(M(range, R"({"p": 9})"));
  EXPECT_TRUE(M(range, R"({"p": 10})"));
  EXPECT_TRUE(M(range, R"({"p": 19.5})"));
  EXPECT_FALSE(M(range, R"({"p": 20})"));
  EXPECT_FALSE(M(range, R"({})"));
  const std::string mixed = R"({"p": {"$exists": true, "$ne": 3, "$nin": [4, 5]}})";
  EXPECT_TRUE(M(mixed, R"({"p": 1})"));
  EXPECT_FALSE(M(mixed, R"({"p": 3})"));
  EXPECT_FALSE(M(mixed, R"({"p": 5})"));
  EXPECT_FALSE(M(mixed, R"({})"));
}

// ------------------------------------------------------------------ $in / $nin / $exists / $not

TEST(FilterTest, In) {
  const std::string f = R"({"c": {"$in": ["red", "green", 3]}})";
  EXPECT_TRUE(M(f, R"({"c": "red"})"));
  EXPECT_TRUE(M(f, R"({"c": 3.0})"));
  EXPECT_FALSE(M(f, R"({"c": "blue"})"));
  EXPECT_FALSE(M(f, R"({})"));
  EXPECT_FALSE(M(f, R"({"c": null})"));
  EXPECT_TRUE(M(f, R"({"c": ["blue", "green"]})"));  // any element of the field
  EXPECT_FALSE(M(f, R"({"c": ["blue"]})"));
  EXPECT_FALSE(M(f, R"({"c": []})"));
  EXPECT_FALSE(M(R"({"c": {"$in": []}})", R"({"c": 1})"));
  EXPECT_TRUE(M(R"({"c": {"$in": [null]}})", R"({"c": null})"));
  EXPECT_FALSE(M(R"({"c": {"$in": [null]}})", R"({})"));
  // An array element of $in is compared with the whole field.
  EXPECT_TRUE(M(R"({"c": {"$in": [[1, 2], 7]}})", R"({"c": [1, 2]})"));
  EXPECT_FALSE(M(R"({"c": {"$in": [[1, 2]]}})", R"({"c": [1, 2, 3]})"));
  EXPECT_TRUE(M(R"({"c": {"$in": [{"x": 1}]}})", R"({"c": {"x": 1.0}})"));
}

TEST(FilterTest, NotIn) {
  const std::string f = R"({"c": {"$nin": ["red", 3]}})";
  EXPECT_FALSE(M(f, R"({"c": "red"})"));
  EXPECT_FALSE(M(f, R"({"c": 3})"));
  EXPECT_TRUE(M(f, R"({"c": "blue"})"));
  EXPECT_TRUE(M(f, R"({})"));  // missing matches
  EXPECT_FALSE(M(f, R"({"c": ["blue", "red"]})"));
  EXPECT_TRUE(M(f, R"({"c": ["blue"]})"));
  EXPECT_TRUE(M(R"({"c": {"$nin": []}})", R"({"c": 1})"));
  EXPECT_TRUE(M(R"({"c": {"$nin": []}})", R"({})"));
}

TEST(FilterTest, Exists) {
  EXPECT_TRUE(M(R"({"a": {"$exists": true}})", R"({"a": 0})"));
  EXPECT_TRUE(M(R"({"a": {"$exists": true}})", R"({"a": null})"));  // present even if null
  EXPECT_TRUE(M(R"({"a": {"$exists": true}})", R"({"a": []})"));
  EXPECT_FALSE(M(R"({"a": {"$exists": true}})", R"({"b": 0})"));
  EXPECT_TRUE(M(R"({"a": {"$exists": false}})", R"({"b": 0})"));
  EXPECT_FALSE(M(R"({"a": {"$exists": false}})", R"({"a": null})"));
  EXPECT_TRUE(M(R"({"a.b": {"$exists": true}})", R"({"a": {"b": false}})"));
  EXPECT_TRUE(M(R"({"a.b": {"$exists": false}})", R"({"a": 1})"));
}

TEST(FilterTest, FieldNot) {
  const std::string f = R"({"p": {"$not": {"$gt": 5}}})";
  EXPECT_TRUE(M(f, R"({"p": 5})"));
  EXPECT_FALSE(M(f, R"({"p": 6})"));
  EXPECT_TRUE(M(f, R"({})"));          // missing matches
  EXPECT_TRUE(M(f, R"({"p": "x"})"));  // mismatched type matches
  // $not of several operators negates their conjunction.
  const std::string g = R"({"p": {"$not": {"$gte": 1, "$lte": 3}}})";
  EXPECT_TRUE(M(g, R"({"p": 0})"));
  EXPECT_FALSE(M(g, R"({"p": 2})"));
  EXPECT_TRUE(M(g, R"({"p": 4})"));
  EXPECT_TRUE(M(R"({"p": {"$not": {"$exists": true}}})", R"({})"));
  EXPECT_FALSE(M(R"({"p": {"$not": {"$in": [1, 2]}}})", R"({"p": 2})"));
  EXPECT_TRUE(M(R"({"p": {"$not": {"$not": {"$eq": 1}}}})", R"({"p": 1})"));
  EXPECT_FALSE(M(R"({"p": {"$not": {"$not": {"$eq": 1}}}})", R"({})"));
  EXPECT_TRUE(M(R"({"p": {"$not": {"$eq": 1}, "$exists": true}})", R"({"p": 2})"));
}

// ------------------------------------------------------------------ combiners

TEST(FilterTest, ImplicitAnd) {
  const std::string f = R"({"a": 1, "b": "x"})";
  EXPECT_TRUE(M(f, R"({"a": 1, "b": "x", "c": 0})"));
  EXPECT_FALSE(M(f, R"({"a": 1, "b": "y"})"));
  EXPECT_FALSE(M(f, R"({"a": 1})"));
}

TEST(FilterTest, AndOrNot) {
  const std::string a = R"({"$and": [{"a": 1}, {"b": {"$gt": 2}}]})";
  EXPECT_TRUE(M(a, R"({"a": 1, "b": 3})"));
  EXPECT_FALSE(M(a, R"({"a": 1, "b": 2})"));
  EXPECT_FALSE(M(a, R"({"a": 2, "b": 3})"));
  const std::string o = R"({"$or": [{"a": 1}, {"b": {"$gt": 2}}]})";
  EXPECT_TRUE(M(o, R"({"a": 1})"));
  EXPECT_TRUE(M(o, R"({"b": 3})"));
  EXPECT_FALSE(M(o, R"({"a": 2, "b": 2})"));
  EXPECT_FALSE(M(o, R"({})"));
  const std::string n = R"({"$not": {"a": 1, "b": 2}})";
  EXPECT_TRUE(M(n, R"({"a": 1})"));
  EXPECT_FALSE(M(n, R"({"a": 1, "b": 2})"));
  EXPECT_TRUE(M(n, R"({})"));
  // Nesting, and combiners beside plain fields (implicit $and).
  const std::string deep =
      R"({"kind": "shoe", "$or": [{"$and": [{"p": {"$lt": 50}}, {"sale": true}]}, {"$not": {"p": {"$exists": true}}}]})";
  EXPECT_TRUE(M(deep, R"({"kind": "shoe", "p": 40, "sale": true})"));
  EXPECT_FALSE(M(deep, R"({"kind": "shoe", "p": 40, "sale": false})"));
  EXPECT_TRUE(M(deep, R"({"kind": "shoe"})"));
  EXPECT_FALSE(M(deep, R"({"kind": "hat"})"));
  EXPECT_FALSE(M(deep, R"({"kind": "shoe", "p": 60, "sale": true})"));
  // Single-element and same-kind nested junctions.
  EXPECT_TRUE(M(R"({"$and": [{"$and": [{"a": 1}]}, {"$and": [{"b": 2}, {"c": 3}]}]})", R"({"a": 1, "b": 2, "c": 3})"));
  EXPECT_FALSE(M(R"({"$and": [{"$and": [{"a": 1}]}, {"$and": [{"b": 2}, {"c": 3}]}]})", R"({"a": 1, "b": 2})"));
  EXPECT_TRUE(M(R"({"$or": [{"$or": [{"a": 1}]}, {"$or": [{"b": 2}, {"c": 3}]}]})", R"({"c": 3})"));
  EXPECT_FALSE(M(R"({"$or": [{"$not": {}}, {"a": 1}]})", R"({"a": 2})"));
  EXPECT_TRUE(M(R"({"$or": [{"$not": {}}, {"a": 1}]})", R"({"a": 1})"));
  EXPECT_FALSE(M(R"({"$and": [{"$not": {}}, {"a": 1}]})", R"({"a": 1})"));
}

// ------------------------------------------------------------------ paths

TEST(FilterTest, DottedPaths) {
  const std::string meta = R"({"a": {"b": {"c": 7}, "arr": [10, {"x": "y"}], "1": "one"}, "top": [1, 2]})";
  EXPECT_TRUE(M(R"({"a.b.c": 7})", meta));
  EXPECT_TRUE(M(R"({"a.b.c": {"$gte": 7}})", meta));
  EXPECT_TRUE(M(R"({"a.b": {"c": 7}})", meta));
  EXPECT_FALSE(M(R"({"a.b.d": 7})", meta));
  EXPECT_FALSE(M(R"({"a.b.c.d": 7})", meta));  // descends past a scalar
  EXPECT_TRUE(M(R"({"a.b.c.d": {"$exists": false}})", meta));
  EXPECT_FALSE(M(R"({"x.y": 1})", meta));
  // Numeric segments index arrays; on objects they are ordinary keys.
  EXPECT_TRUE(M(R"({"a.arr.0": 10})", meta));
  EXPECT_TRUE(M(R"({"a.arr.1.x": "y"})", meta));
  EXPECT_FALSE(M(R"({"a.arr.2": {"$exists": true}})", meta));
  EXPECT_TRUE(M(R"({"a.1": "one"})", meta));
  EXPECT_TRUE(M(R"({"top.1": 2})", meta));
  EXPECT_FALSE(M(R"({"top.01": 2})", meta));   // not canonical: not an index
  EXPECT_FALSE(M(R"({"top.-1": 2})", meta));
  EXPECT_FALSE(M(R"({"top.99999999999999999999": 2})", meta));
  // No implicit fan-out over arrays: "a.arr.x" does not look inside the elements.
  EXPECT_FALSE(M(R"({"a.arr.x": "y"})", meta));
  // The array reached by a path still gets contains-equality.
  EXPECT_TRUE(M(R"({"top": 2})", meta));
  // A key containing a dot cannot be addressed with a path.
  EXPECT_FALSE(M(R"({"k.v": 1})", R"({"k.v": 1})"));
  // Keys with '$' after the first path segment are ordinary keys.
  EXPECT_TRUE(M(R"({"a.$b": 1})", R"({"a": {"$b": 1}})"));
  // Unicode keys.
  EXPECT_TRUE(M(R"({"\u00fc.\u00df": 1})", R"({"\u00fc": {"\u00df": 1}})"));
}

// ------------------------------------------------------------------ errors

TEST(FilterTest, NonObjectFilterIsRejected) {
  ExpectError("null", "invalid filter at top level: filter must be a JSON object, got null");
  ExpectError("1", "invalid filter at top level: filter must be a JSON object, got number");
  ExpectError("\"a\"", "invalid filter at top level: filter must be a JSON object, got string");
  ExpectError("[]", "invalid filter at top level: filter must be a JSON object, got empty array");
  ExpectError("[{}]", "invalid filter at top level: filter must be a JSON object, got array");
  ExpectError("true", "invalid filter at top level: filter must be a JSON object, got boolean");
}

TEST(FilterTest, OperatorArgumentErrors) {
  ExpectError(R"({"price": {"$in": 5}})", "invalid filter at 'price': $in expects an array, got number");
  ExpectError(R"({"price": {"$nin": "x"}})", "invalid filter at 'price': $nin expects an array, got string");
  ExpectError(R"({"price": {"$in": {"a": 1}}})", "invalid filter at 'price': $in expects an array, got object");
  for (const char* op : {"$gt", "$gte", "$lt", "$lte"}) {
    for (const auto& [arg, type] : std::vector<std::pair<std::string, std::string>>{
             {"true", "boolean"}, {"null", "null"}, {"[1]", "array"}, {"{}", "object"}}) {
      ExpectError(std::string(R"({"p": {")") + op + "\": " + arg + "}}",
                  std::string("invalid filter at 'p': ") + op + " expects a number or a string, got " + type);
    }
  }
  ExpectError(R"({"a": {"$exists": 1}})", "invalid filter at 'a': $exists expects a boolean, got number");
  ExpectError(R"({"a": {"$exists": "yes"}})", "invalid filter at 'a': $exists expects a boolean, got string");
  ExpectError(R"({"a": {"$not": 5}})",
              "invalid filter at 'a': $not expects an operator object such as {\"$gt\": 5}, got number");
  ExpectError(R"({"a": {"$not": {}}})",
              "invalid filter at 'a': $not expects an operator object such as {\"$gt\": 5}, got an empty object");
  ExpectError(R"({"a": {"$not": {"$gt": 1, "b": 2}}})",
              "invalid filter at 'a': $not expects an operator object such as {\"$gt\": 5}, got an object with "
              "the plain key 'b'");
  ExpectError(R"({"a": {"$not": {"b": 2}}})",
              "invalid filter at 'a': $not expects an operator object such as {\"$gt\": 5}, got an object with "
              "the plain key 'b'");
  ExpectError(R"({"a": {"$not": {"$in": 1}}})", "invalid filter at 'a.$not': $in expects an array, got number");
  ExpectError(R"({"a": {"$not": {"$foo": 1}}})", "invalid filter at 'a.$not': unknown operator '$foo'");
}

TEST(FilterTest, UnknownOperators) {
  ExpectError(R"({"price": {"$gtx": 1}})", "invalid filter at 'price': unknown operator '$gtx'");
  ExpectError(R"({"price": {"$": 1}})", "invalid filter at 'price': unknown operator '$'");
  ExpectError(R"({"$xyz": 1})", "invalid filter at '$xyz': unknown operator '$xyz'");
  ExpectError(R"({"$nor": [{}]})", "invalid filter at '$nor': unknown operator '$nor'");
  ExpectError(R"({"$gt": 5})", "invalid filter at '$gt': '$gt' is a field operator; write {\"<field>\": {\"$gt\": ...}}");
  ExpectError(R"({"$not": {"$gt": 5}})",
              "invalid filter at '$not.$gt': '$gt' is a field operator; write {\"<field>\": {\"$gt\": ...}}");
  ExpectError(R"({"a": {"$and": [{}]}})",
              "invalid filter at 'a': operator '$and' cannot be applied to a field; use {\"$and\": [...]} at the "
              "level of the filter");
  ExpectError(R"({"a": {"$or": []}})",
              "invalid filter at 'a': operator '$or' cannot be applied to a field; use {\"$or\": [...]} at the "
              "level of the filter");
}

TEST(FilterTest, CombinerErrors) {
  ExpectError(R"({"$and": []})",
              "invalid filter at '$and': $and expects a non-empty array of filter objects, got empty array");
  ExpectError(R"({"$or": {}})",
              "invalid filter at '$or': $or expects a non-empty array of filter objects, got object");
  ExpectError(R"({"$or": 1})",
              "invalid filter at '$or': $or expects a non-empty array of filter objects, got number");
  ExpectError(R"({"$and": [{"a": 1}, 2]})",
              "invalid filter at '$and[1]': filter must be a JSON object, got number");
  ExpectError(R"({"$or": [[]]})", "invalid filter at '$or[0]': filter must be a JSON object, got empty array");
  ExpectError(R"({"$not": 1})", "invalid filter at '$not': $not expects a filter object, got number");
  ExpectError(R"({"$not": [{}]})", "invalid filter at '$not': $not expects a filter object, got array");
  // Places compose through nesting.
  ExpectError(R"({"$or": [{"a": 1}, {"b": {"$in": 3}}]})",
              "invalid filter at '$or[1].b': $in expects an array, got number");
  ExpectError(R"({"$and": [{"$not": {"x": {"$exists": 0}}}]})",
              "invalid filter at '$and[0].$not.x': $exists expects a boolean, got number");
}

TEST(FilterTest, MixedObjectsAndBadPaths) {
  ExpectError(R"({"a": {"$gt": 1, "b": 2}})",
              "invalid filter at 'a': an object mixes operators ('$gt') and plain keys ('b'); to match an "
              "object literally use {\"$eq\": {...}}");
  ExpectError(R"({"": 1})", "invalid filter at top level: empty field name");
  ExpectError(R"({"$or": [{"": {"$gt": 1}}]})", "invalid filter at '$or[0]': empty field name");
  ExpectError(R"({"a..b": 1})", "invalid filter at 'a..b': empty path segment in field name 'a..b'");
  ExpectError(R"({".a": 1})", "invalid filter at '.a': empty path segment in field name '.a'");
  ExpectError(R"({"a.": {"$gt": 1}})", "invalid filter at 'a.': empty path segment in field name 'a.'");
  ExpectError(R"({"$or": [{"ok": 1}, {"x..y": 1}]})",
              "invalid filter at '$or[1].x..y': empty path segment in field name 'x..y'");
}

std::string Nest(const std::string& open, const std::string& core, const std::string& close, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += open;
  s += core;
  for (int i = 0; i < n; ++i) s += close;
  return s;
}

TEST(FilterTest, DepthLimit) {
  // Each {"$not": ...} adds one level; the top-level object is level 1, so 31 of
  // them around {} reach level 32 exactly.
  EXPECT_TRUE(Filter::compile(J(Nest(R"({"$not": )", "{}", "}", 31))).ok());
  auto r = Filter::compile(J(Nest(R"({"$not": )", "{}", "}", 32)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("nesting deeper than 32 levels"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("invalid filter at '$not.$not."), std::string::npos) << r.status().message();

  // $and: array + object = 2 levels each.
  EXPECT_TRUE(Filter::compile(J(Nest(R"({"$and": [)", R"({"a": 1})", "]}", 15))).ok());
  EXPECT_TRUE(Filter::compile(J(Nest(R"({"$and": [)", R"({"a": {"$gt": 1}})", "]}", 15))).ok());
  EXPECT_FALSE(Filter::compile(J(Nest(R"({"$and": [)", R"({"a": {"$in": [1]}})", "]}", 15))).ok());
  EXPECT_FALSE(Filter::compile(J(Nest(R"({"$and": [)", R"({"a": 1})", "]}", 16))).ok());

  // Literal values count too: {"a": [[...]]} with 31 arrays reaches level 32.
  EXPECT_TRUE(Filter::compile(J(R"({"a": )" + Nest("[", "1", "]", 31) + "}")).ok());
  ExpectError(R"({"a": )" + Nest("[", "1", "]", 32) + "}", "invalid filter at 'a': nesting deeper than 32 levels");
  ExpectError(R"({"a": {"$eq": )" + Nest("[", "", "]", 32) + "}}",
              "invalid filter at 'a': nesting deeper than 32 levels");
  ExpectError(R"({"a": {"$in": )" + Nest("[", "", "]", 32) + "}}",
              "invalid filter at 'a': nesting deeper than 32 levels");
  ExpectError(R"({"a": )" + Nest(R"({"b": )", "1", "}", 32) + "}",
              "invalid filter at 'a': nesting deeper than 32 levels");
  ExpectError(R"({"a": )" + Nest(R"({"$not": )", R"({"$gt": 1})", "}", 31) + "}",
              "invalid filter at 'a" + [] {
                std::string s;
                for (int i = 0; i < 31; ++i) s += ".$not";
                return s;
              }() + "': nesting deeper than 32 levels");

  // Hostile input: far beyond the limit, rejected without exhausting the stack.
  for (const auto& [open, close] : std::vector<std::pair<std::string, std::string>>{
           {R"({"$not": )", "}"}, {R"({"$or": [)", "]}"}, {R"({"a": {"$not": )", "}}"}, {"[", "]"}}) {
    const std::string text = R"({"x": )" + Nest(open, "{}", close, 20000) + "}";
    Json deep = Json::parse(text, nullptr, false);
    ASSERT_FALSE(deep.is_discarded());
    auto res = Filter::compile(deep);
    EXPECT_FALSE(res.ok());
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
    auto res2 = Filter::compile(deep["x"]);
    if (deep["x"].is_object()) {
      EXPECT_FALSE(res2.ok());
    }
  }
}

TEST(FilterTest, DeepMetadataIsFine) {
  // matches() recursion is bounded by the filter, not by the metadata.
  Json meta = Json::parse(R"({"a": )" + Nest("[", "1", "]", 10000) + "}");
  EXPECT_FALSE(F(R"({"a": [[1]]})").matches(meta));
  EXPECT_FALSE(F(R"({"a": 1})").matches(meta));
  EXPECT_TRUE(F(R"({"a": {"$exists": true}})").matches(meta));
  EXPECT_TRUE(F(R"({"a.0.0.0": {"$exists": true}})").matches(meta));
}

TEST(FilterTest, SharedAcrossThreads) {
  const Filter f = F(R"({"$or": [{"a": {"$in": [1, 2, 3]}}, {"b.c": {"$gte": "m"}}]})");
  const Json yes = J(R"({"a": 2})");
  const Json no = J(R"({"a": 5, "b": {"c": "a"}})");
  std::vector<std::thread> ts;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      Filter copy = f;  // copies share the compiled tree
      for (int i = 0; i < 20000; ++i) ok[t] += (copy.matches(yes) && !f.matches(no)) ? 1 : 0;
    });
  }
  for (auto& t : ts) t.join();
  for (int v : ok) EXPECT_EQ(v, 20000);
}

// ------------------------------------------------------------------ randomized oracle

// A deliberately naive interpreter of docs/filters.md: it walks the filter JSON on
// every call, copies values, splits paths each time, and leans on nlohmann's own
// operators (exact for the small numbers generated below).
class Oracle {
 public:
  static bool Match(const Json& filter, const Json& metadata) {
    const Json meta = metadata.is_object() ? metadata : Json::object();
    for (auto it = filter.begin(); it != filter.end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      bool ok;
      if (key == "$and") {
        ok = true;
        for (const Json& sub : v) ok = ok && Match(sub, meta);
      } else if (key == "$or") {
        ok = false;
        for (const Json& sub : v) ok = ok || Match(sub, meta);
      } else if (key == "$not") {
        ok = !Match(v, meta);
      } else {
        std::optional<Json> field = Get(meta, key);
        if (v.is_object() && !v.empty() && v.begin().key()[0] == '$') {
          ok = Ops(v, field);
        } else {
          ok = field.has_value() && Eq(*field, v);
        }
      }
      if (!ok) return false;
    }
    return true;
  }

 private:
  static std::optional<Json> Get(const Json& meta, const std::string& path) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : path) {
      if (c == '.') {
        parts.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    parts.push_back(cur);
    Json v = meta;
    for (const std::string& p : parts) {
      if (v.is_object()) {
        if (!v.contains(p)) return std::nullopt;
        Json next = v[p];
        v = next;
      } else if (v.is_array()) {
        bool digits = !p.empty() && p.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || (p.size() > 1 && p[0] == '0') || p.size() > 9) return std::nullopt;
        std::size_t i = std::stoul(p);
        if (i >= v.size()) return std::nullopt;
        Json next = v[i];
        v = next;
      } else {
        return std::nullopt;
      }
    }
    return v;
  }

  static bool Eq(const Json& field, const Json& v) {
    if (field == v) return true;
    if (field.is_array() && !v.is_array())
      for (const Json& e : field)
        if (e == v) return true;
    return false;
  }

  static bool Cmp(const std::optional<Json>& field, const Json& bound, const std::string& op) {
    if (!field) return false;
    int c;
    if (field->is_number() && bound.is_number()) {
      const double a = field->get<double>();
      const double b = bound.get<double>();
      c = a < b ? -1 : (a > b ? 1 : 0);
    } else if (field->is_string() && bound.is_string()) {
      const std::string a = field->get<std::string>();
      const std::string b = bound.get<std::string>();
      c = a < b ? -1 : (a > b ? 1 : 0);
    } else {
      return false;
    }
    if (op == "$gt") return c > 0;
    if (op == "$gte") return c >= 0;
    if (op == "$lt") return c < 0;
    return c <= 0;
  }

  static bool Ops(const Json& ops, const std::optional<Json>& field) {
    for (auto it = ops.begin(); it != ops.end(); ++it) {
      const std::string& op = it.key();
      const Json& arg = it.value();
      bool ok = false;
      if (op == "$eq") ok = field && Eq(*field, arg);
      if (op == "$ne") ok = !(field && Eq(*field, arg));
      if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") ok = Cmp(field, arg, op);
      if (op == "$in" || op == "$nin") {
        bool in = false;
        if (field)
          for (const Json& e : arg) in = in || Eq(*field, e);
        ok = op == "$in" ? in : !in;
      }
      if (op == "$exists") ok = field.has_value() == arg.get<bool>();
      if (op == "$not") ok = !Ops(arg, field);
      if (!ok) return false;
    }
    return true;
  }
};

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}

  int Int(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool Coin(int percent) { return Int(100) < percent; }

  Json Scalar() {
    switch (Int(24)) {
      case 0: return nullptr;
      case 1: return true;
      case 2: return false;
      case 3: return std::int64_t{0};
      case 4: return std::uint64_t{0};
      case 5: return 0.0;
      case 6: return std::int64_t{1};
      case 7: return std::uint64_t{1};
      case 8: return 1.0;
      case 9: return std::int64_t{-1};
      case 10: return std::uint64_t{2};
      case 11: return 2.5;
      case 12: return -0.5;
      case 13: return "";
      case 14: return "a";
      case 15: return "b";
      case 16: return "ab";
      case 17: return "B";
      case 18: return "\xc3\xa9";  // é
      case 19: return std::int64_t{2};
      case 20: return 0.5;
      case 21: return std::uint64_t{3};
      case 22: return -1.0;
      default: return std::int64_t{3};
    }
  }

  // Small containers drawn from a fixed pool, so that generated filters and
  // metadata often hold equal arrays and objects.
  Json Common() {
    static const char* pool[] = {"[1]",    "[\"a\"]",       "[1, 2]",          "[[1]]",    "[]",
                                 "{}",     "{\"x\": 1}",    "[{\"x\": 1}]",    "[1, [1]]", "[[1, 2], 1]",
                                 "{\"y\": 1}", "[{\"y\": 1.0}]", "[[1.0], \"a\"]"};
    return Json::parse(pool[Int(13)]);
  }

  Json Value(int depth) {
    if (Coin(25)) return Common();
    const int k = Int(10);
    if (depth > 0 && k == 0) {
      Json a = Json::array();
      for (int i = Int(4); i > 0; --i) a.push_back(Value(depth - 1));
      return a;
    }
    if (depth > 0 && k == 1) {
      Json o = Json::object();
      for (int i = Int(3); i > 0; --i) o[Key()] = Value(depth - 1);
      return o;
    }
    return Scalar();
  }

  std::string Key() {
    static const char* keys[] = {"a", "b", "x", "y"};
    return keys[Int(4)];
  }

  std::string Path() {
    static const char* paths[] = {"a",     "b",     "x",     "y",   "a",   "b",    "a.x", "a.y", "b.x",
                                  "a.0",   "a.1",   "b.0.x", "b.1", "b.0", "0",    "1.x", "zz",  "a.01",
                                  "a.x.y", "a.0.a"};
    return paths[Int(20)];
  }

  Json Metadata() {
    if (Coin(4)) return nullptr;
    if (Coin(3)) return Value(2);  // not an object: has no fields
    Json m = Json::object();
    for (int i = Int(5); i > 0; --i) m[Key()] = Value(3);
    if (Coin(30)) return Json::parse(m.dump());  // parsed numbers: unsigned/integer/float
    return m;
  }

  Json OpObject(int depth) {
    Json ops = Json::object();
    for (int i = 1 + Int(3); i > 0; --i) {
      switch (Int(depth > 0 ? 11 : 10)) {
        case 0: ops["$eq"] = Value(2); break;
        case 1: ops["$ne"] = Value(2); break;
        case 2: ops["$gt"] = Bound(); break;
        case 3: ops["$gte"] = Bound(); break;
        case 4: ops["$lt"] = Bound(); break;
        case 5: ops["$lte"] = Bound(); break;
        case 6: ops["$in"] = List(); break;
        case 7: ops["$nin"] = List(); break;
        case 8:
        case 9: ops["$exists"] = Coin(50); break;
        default: ops["$not"] = OpObject(depth - 1); break;
      }
    }
    return ops;
  }

  Json MakeFilter(int depth) {
    Json f = Json::object();
    const int n = Int(3);  // 0 fields: {} is allowed
    for (int i = 0; i < n; ++i) {
      const int k = Int(depth > 0 ? 10 : 6);
      if (k < 3) {
        Json v = Value(2);
        if (v.is_object() && !v.empty() && Coin(50)) v = Json::object();  // {} literal
        f[Path()] = v;
      } else if (k < 6) {
        f[Path()] = OpObject(2);
      } else if (k < 8) {
        Json arr = Json::array();
        for (int j = 1 + Int(3); j > 0; --j) arr.push_back(MakeFilter(depth - 1));
        f[Coin(50) ? "$and" : "$or"] = arr;
      } else {
        f["$not"] = MakeFilter(depth - 1);
      }
    }
    return f;
  }

 private:
  Json Bound() {
    for (;;) {
      Json s = Scalar();
      if (s.is_number() || s.is_string()) return s;
    }
  }
  Json List() {
    Json a = Json::array();
    for (int i = Int(4); i > 0; --i) a.push_back(Value(1));
    return a;
  }

  std::mt19937_64 rng_;
};

TEST(FilterTest, RandomizedAgainstNaiveOracle) {
  Gen gen(0x5eed5eedULL);
  std::vector<Json> metas;
  for (int i = 0; i < 64; ++i) metas.push_back(gen.Metadata());
  int cases = 0, matched = 0;
  for (int i = 0; i < 20000; ++i) {
    const Json filter = gen.MakeFilter(3);
    auto compiled = Filter::compile(filter);
    ASSERT_TRUE(compiled.ok()) << filter.dump() << " -> " << compiled.status().ToString();
    for (int j = 0; j < 8; ++j) {
      const Json& meta = (j < 4) ? metas[static_cast<std::size_t>(gen.Int(64))] : gen.Metadata();
      const bool want = Oracle::Match(filter, meta);
      const bool got = compiled->matches(meta);
      ASSERT_EQ(got, want) << "filter " << filter.dump() << "\nmetadata " << meta.dump();
      ++cases;
      matched += got ? 1 : 0;
    }
  }
  EXPECT_EQ(cases, 160000);
  // The generator must exercise both outcomes substantially.
  EXPECT_GT(matched, cases / 10);
  EXPECT_LT(matched, cases - cases / 10);
}

}  // namespace
}  // namespace ruvector::detail
