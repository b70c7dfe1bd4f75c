// Compiled metadata filters. Semantics are specified in docs/filters.md; keep the
// two in step (tests/unit/filter_test.cpp checks them against a naive oracle).
//
// compile() turns the filter JSON into a small tree: combiner nodes (and/or/not)
// whose leaves are "field" nodes holding a pre-split path and a list of predicates
// applied to the value found there. matches() runs on the hot path of a filtered
// search (once per visited graph node), so it never allocates, never throws and
// never looks anything up by a key it has to build: path segments, array indexes
// and operator arguments are all prepared at compile time.
#include "filter/filter.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ruvector::detail {

namespace filter_impl {

// Maximum nesting of objects and arrays in a filter document, the top-level
// object counting as level 1 (literal values included). Bounds the recursion of
// both compile() and matches().
constexpr int kMaxDepth = 32;

constexpr std::size_t kNoIndex = std::numeric_limits<std::size_t>::max();

// One dotted-path segment. `index` is the segment read as an array index when it
// is a canonical non-negative decimal ("0", "17", not "01" or "-1"), else kNoIndex.
struct Segment {
  std::string key;
  std::size_t index = kNoIndex;
};

// A predicate on the value at a field's path (nullptr when the path is missing).
struct Pred {
  enum class Op : std::uint8_t { kEq, kIn, kGt, kGte, kLt, kLte, kExists, kAll };
  Op op = Op::kEq;
  bool negate = false;  // $ne, $nin, $not
  bool flag = false;    // $exists argument
  Json arg;             // $eq value, $in array, comparison bound
  std::vector<Pred> sub;  // kAll: every one must hold ($not's operand)
};

}  // namespace filter_impl

struct Filter::Node {
  enum class Kind : std::uint8_t { kTrue, kFalse, kAnd, kOr, kNot, kField };
  Kind kind = Kind::kTrue;
  std::vector<filter_impl::Segment> path;  // kField
  std::vector<filter_impl::Pred> preds;    // kField: all must hold
  std::vector<Node> children;              // kAnd, kOr, kNot (one child)
};

namespace filter_impl {
namespace {

using Node = Filter::Node;

// ---------------------------------------------------------------- evaluation

constexpr int kUnordered = 2;

int cmp3(auto a, auto b) noexcept { return a < b ? -1 : (b < a ? 1 : 0); }

int cmp_int_double(std::int64_t i, double d) noexcept {
  if (std::isnan(d)) return kUnordered;
  if (d >= 9223372036854775808.0) return -1;   // 2^63
  if (d < -9223372036854775808.0) return 1;    // below -2^63
  const double t = std::trunc(d);
  const auto ti = static_cast<std::int64_t>(t);  // exact: t is integral and in range
  if (i != ti) return i < ti ? -1 : 1;
  if (d > t) return -1;
  if (d < t) return 1;
  return 0;
}

int cmp_uint_double(std::uint64_t u, double d) noexcept {
  if (std::isnan(d)) return kUnordered;
  if (d < 0.0) return 1;
  if (d >= 18446744073709551616.0) return -1;  // 2^64
  const double t = std::trunc(d);
  const auto tu = static_cast<std::uint64_t>(t);
  if (u != tu) return u < tu ? -1 : 1;
  return d > t ? -1 : 0;
}

int cmp_int_uint(std::int64_t i, std::uint64_t u) noexcept {
  if (i < 0) return -1;
  return cmp3(static_cast<std::uint64_t>(i), u);
}

// Exact numeric comparison across nlohmann's three number representations:
// -1, 0, 1, or kUnordered when a NaN is involved. Both must be numbers.
int num_cmp(const Json& a, const Json& b) noexcept {
  // Dispatch on type(): get_ptr<number_integer_t*> also answers for unsigned values.
  using V = Json::value_t;
  const V ta = a.type();
  const V tb = b.type();
  const auto i64 = [](const Json& j) { return *j.get_ptr<const Json::number_integer_t*>(); };
  const auto u64 = [](const Json& j) { return *j.get_ptr<const Json::number_unsigned_t*>(); };
  const auto f64 = [](const Json& j) { return *j.get_ptr<const Json::number_float_t*>(); };
  if (ta == V::number_integer) {
    if (tb == V::number_integer) return cmp3(i64(a), i64(b));
    if (tb == V::number_unsigned) return cmp_int_uint(i64(a), u64(b));
    if (tb == V::number_float) return cmp_int_double(i64(a), f64(b));
  } else if (ta == V::number_unsigned) {
    if (tb == V::number_integer) return -cmp_int_uint(i64(b), u64(a));
    if (tb == V::number_unsigned) return cmp3(u64(a), u64(b));
    if (tb == V::number_float) return cmp_uint_double(u64(a), f64(b));
  } else if (ta == V::number_float) {
    if (tb == V::number_float) {
      const double x = f64(a);
      const double y = f64(b);
      if (std::isnan(x) || std::isnan(y)) return kUnordered;
      return cmp3(x, y);
    }
    int c = kUnordered;
    if (tb == V::number_integer) c = cmp_int_double(i64(b), f64(a));
    if (tb == V::number_unsigned) c = cmp_uint_double(u64(b), f64(a));
    return c == kUnordered ? c : -c;
  }
  return kUnordered;
}

// JSON value equality, numbers by exact value (1 == 1.0, 1 != 1.0000001). Recurses
// only while both sides are containers, so its depth is bounded by the literal's,
// which compile() limits.
bool json_equal(const Json& a, const Json& b) noexcept {
  if (a.is_number() && b.is_number()) return num_cmp(a, b) == 0;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::null:
      return true;
    case Json::value_t::boolean:
      return *a.get_ptr<const Json::boolean_t*>() == *b.get_ptr<const Json::boolean_t*>();
    case Json::value_t::string:
      return *a.get_ptr<const Json::string_t*>() == *b.get_ptr<const Json::string_t*>();
    case Json::value_t::array: {
      const auto& x = *a.get_ptr<const Json::array_t*>();
      const auto& y = *b.get_ptr<const Json::array_t*>();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!json_equal(x[i], y[i])) return false;
      return true;
    }
    case Json::value_t::object: {
      // object_t is an ordered map: equal objects list equal keys in the same order.
      const auto& x = *a.get_ptr<const Json::object_t*>();
      const auto& y = *b.get_ptr<const Json::object_t*>();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j)
        if (i->first != j->first || !json_equal(i->second, j->second)) return false;
      return true;
    }
    default:
      return false;  // binary / discarded: never produced by a JSON parse
  }
}

// $eq: equal, or (stored array, non-array value) some element is equal.
bool eq_match(const Json& field, const Json& value) noexcept {
  if (json_equal(field, value)) return true;
  if (value.is_array()) return false;
  if (const auto* arr = field.get_ptr<const Json::array_t*>()) {
    for (const Json& e : *arr)
      if (json_equal(e, value)) return true;
  }
  return false;
}

bool cmp_match(const Json& field, const Json& bound, Pred::Op op) noexcept {
  int c;
  if (field.is_number() && bound.is_number()) {
    c = num_cmp(field, bound);
    if (c == kUnordered) return false;
  } else if (field.is_string() && bound.is_string()) {
    // std::string::compare orders by unsigned byte values: lexicographic bytes.
    const int r = field.get_ptr<const Json::string_t*>()->compare(*bound.get_ptr<const Json::string_t*>());
    c = r < 0 ? -1 : (r > 0 ? 1 : 0);
  } else {
    return false;  // type mismatch (including arrays and objects)
  }
  switch (op) {
    case Pred::Op::kGt: return c > 0;
    case Pred::Op::kGte: return c >= 0;
    case Pred::Op::kLt: return c < 0;
    case Pred::Op::kLte: return c <= 0;
    default: return false;
  }
}

bool eval_pred(const Pred& p, const Json* v) noexcept {
  bool r = false;
  switch (p.op) {
    case Pred::Op::kEq:
      r = v != nullptr && eq_match(*v, p.arg);
      break;
    case Pred::Op::kIn:
      if (v != nullptr) {
        for (const Json& e : *p.arg.get_ptr<const Json::array_t*>()) {
          if (eq_match(*v, e)) {
            r = true;
            break;
          }
        }
      }
      break;
    case Pred::Op::kGt:
    case Pred::Op::kGte:
    case Pred::Op::kLt:
    case Pred::Op::kLte:
      r = v != nullptr && cmp_match(*v, p.arg, p.op);
      break;
    case Pred::Op::kExists:
      r = (v != nullptr) == p.flag;
      break;
    case Pred::Op::kAll:
      r = true;
      for (const Pred& s : p.sub) {
        if (!eval_pred(s, v)) {
          r = false;
          break;
        }
      }
      break;
  }
  return r != p.negate;
}

// The value at `path`, or nullptr when any step is missing. Object steps look up
// the segment as a key; array steps use the segment's index (if numeric).
const Json* resolve(const Json& metadata, const std::vector<Segment>& path) noexcept {
  if (!metadata.is_object()) return nullptr;  // null (no metadata) = {}
  const Json* cur = &metadata;
  for (const Segment& seg : path) {
    if (const auto* obj = cur->get_ptr<const Json::object_t*>()) {
      const auto it = obj->find(seg.key);
      if (it == obj->end()) return nullptr;
      cur = &it->second;
    } else if (const auto* arr = cur->get_ptr<const Json::array_t*>()) {
      if (seg.index >= arr->size()) return nullptr;  // also kNoIndex
      cur = &(*arr)[seg.index];
    } else {
      return nullptr;
    }
  }
  return cur;
}

bool eval(const Node& n, const Json& metadata) noexcept {
  switch (n.kind) {
    case Node::Kind::kTrue:
      return true;
    case Node::Kind::kFalse:
      return false;
    case Node::Kind::kAnd:
      for (const Node& c : n.children)
        if (!eval(c, metadata)) return false;
      return true;
    case Node::Kind::kOr:
      for (const Node& c : n.children)
        if (eval(c, metadata)) return true;
      return false;
    case Node::Kind::kNot:
      return !eval(n.children.front(), metadata);
    case Node::Kind::kField: {
      const Json* v = resolve(metadata, n.path);
      for (const Pred& p : n.preds)
        if (!eval_pred(p, v)) return false;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- compilation

const char* type_name(const Json& j) noexcept {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "number";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return j.empty() ? "empty array" : "array";
    case Json::value_t::object: return "object";
    default: return "unsupported value";
  }
}

Status error_at(const std::string& place, const std::string& what) {
  if (place.empty()) return Status::InvalidArgument("invalid filter at top level: " + what);
  return Status::InvalidArgument("invalid filter at '" + place + "': " + what);
}

std::string depth_message() { return "nesting deeper than " + std::to_string(kMaxDepth) + " levels"; }

bool is_operator(std::string_view key) { return !key.empty() && key.front() == '$'; }

bool is_field_operator(std::string_view k) {
  return k == "$eq" || k == "$ne" || k == "$gt" || k == "$gte" || k == "$lt" || k == "$lte" || k == "$in" ||
         k == "$nin" || k == "$exists" || k == "$not";
}

// True when `j`, found at nesting level `depth` (a scalar does not add a level),
// nests deeper than kMaxDepth. Recursion stops at the limit.
bool too_deep(const Json& j, int depth) {
  if (!j.is_structured()) return false;
  if (depth > kMaxDepth) return true;
  if (const auto* arr = j.get_ptr<const Json::array_t*>()) {
    for (const Json& e : *arr)
      if (too_deep(e, depth + 1)) return true;
  } else if (const auto* obj = j.get_ptr<const Json::object_t*>()) {
    for (const auto& kv : *obj)
      if (too_deep(kv.second, depth + 1)) return true;
  }
  return false;
}

Status split_path(const std::string& field, const std::string& place, std::vector<Segment>& out) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = field.find('.', start);
    const std::size_t end = dot == std::string::npos ? field.size() : dot;
    if (end == start) return error_at(place, "empty path segment in field name '" + field + "'");
    Segment seg;
    seg.key = field.substr(start, end - start);
    const std::string& k = seg.key;
    const bool canonical = k.size() <= 18 && (k == "0" || k.front() != '0') &&
                           k.find_first_not_of("0123456789") == std::string::npos;
    if (canonical) {
      std::size_t v = 0;
      for (char ch : k) v = v * 10 + static_cast<std::size_t>(ch - '0');
      seg.index = v;
    }
    out.push_back(std::move(seg));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return Status::Ok();
}

// Joins a filter location and a key for error messages: "$and[0]" + "price".
std::string join_place(const std::string& place, const std::string& key) {
  return place.empty() ? key : place + "." + key;
}

Status compile_filter(const Json& f, const std::string& place, int depth, Node& out);

// Compiles an operator object {"$gt": 1, "$lt": 5} (found at level `depth`) on the
// field at `place` into `out` (ANDed predicates).
Status compile_ops(const Json::object_t& ops, const std::string& place, int depth, std::vector<Pred>& out) {
  if (depth > kMaxDepth) return error_at(place, depth_message());
  for (const auto& [op, arg] : ops) {
    Pred p;
    if (op == "$eq" || op == "$ne") {
      if (too_deep(arg, depth + 1)) return error_at(place, depth_message());
      p.op = Pred::Op::kEq;
      p.negate = op == "$ne";
      p.arg = arg;
    } else if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
      if (!arg.is_number() && !arg.is_string())
        return error_at(place, op + " expects a number or a string, got " + type_name(arg));
      if (arg.is_number_float() && std::isnan(arg.get<double>()))
        return error_at(place, op + " expects a number or a string, got NaN");
      p.op = op == "$gt" ? Pred::Op::kGt : op == "$gte" ? Pred::Op::kGte : op == "$lt" ? Pred::Op::kLt : Pred::Op::kLte;
      p.arg = arg;
    } else if (op == "$in" || op == "$nin") {
      if (!arg.is_array()) return error_at(place, op + " expects an array, got " + type_name(arg));
      if (too_deep(arg, depth + 1)) return error_at(place, depth_message());
      p.op = Pred::Op::kIn;
      p.negate = op == "$nin";
      p.arg = arg;
    } else if (op == "$exists") {
      if (!arg.is_boolean()) return error_at(place, std::string("$exists expects a boolean, got ") + type_name(arg));
      p.op = Pred::Op::kExists;
      p.flag = arg.get<bool>();
    } else if (op == "$not") {
      const auto* inner = arg.get_ptr<const Json::object_t*>();
      std::string got;
      if (inner == nullptr) {
        got = type_name(arg);
      } else if (inner->empty()) {
        got = "an empty object";
      } else {
        for (const auto& kv : *inner) {
          if (!is_operator(kv.first)) {
            got = "an object with the plain key '" + kv.first + "'";
            break;
          }
        }
      }
      if (!got.empty())
        return error_at(place, "$not expects an operator object such as {\"$gt\": 5}, got " + got);
      p.op = Pred::Op::kAll;
      p.negate = true;
      RUVECTOR_RETURN_IF_ERROR(compile_ops(*inner, join_place(place, "$not"), depth + 1, p.sub));
    } else if (op == "$and" || op == "$or") {
      return error_at(place, "operator '" + op + "' cannot be applied to a field; use {\"" + op +
                                 "\": [...]} at the level of the filter");
    } else {
      return error_at(place, "unknown operator '" + op + "'");
    }
    out.push_back(std::move(p));
  }
  return Status::Ok();
}

// {"field": value} where `value` sits at level `depth` (scalars add no level).
Status compile_field(const std::string& field, const Json& value, const std::string& place, int depth,
                     Node& out) {
  out.kind = Node::Kind::kField;
  RUVECTOR_RETURN_IF_ERROR(split_path(field, place, out.path));
  if (const auto* obj = value.get_ptr<const Json::object_t*>()) {
    const std::string* first_op = nullptr;
    const std::string* first_plain = nullptr;
    for (const auto& kv : *obj) {
      if (is_operator(kv.first)) {
        if (first_op == nullptr) first_op = &kv.first;
      } else if (first_plain == nullptr) {
        first_plain = &kv.first;
      }
    }
    if (first_op != nullptr && first_plain != nullptr)
      return error_at(place, "an object mixes operators ('" + *first_op + "') and plain keys ('" + *first_plain +
                                 "'); to match an object literally use {\"$eq\": {...}}");
    if (first_op != nullptr) return compile_ops(*obj, place, depth, out.preds);
  }
  if (too_deep(value, depth)) return error_at(place, depth_message());
  Pred p;
  p.op = Pred::Op::kEq;
  p.arg = value;
  out.preds.push_back(std::move(p));
  return Status::Ok();
}

// Builds an AND/OR node from compiled children, folding constants.
void make_junction(Node::Kind kind, std::vector<Node> children, Node& out) {
  const bool is_and = kind == Node::Kind::kAnd;
  const Node::Kind identity = is_and ? Node::Kind::kTrue : Node::Kind::kFalse;
  const Node::Kind absorbing = is_and ? Node::Kind::kFalse : Node::Kind::kTrue;
  std::vector<Node> kept;
  kept.reserve(children.size());
  for (Node& c : children) {
    if (c.kind == absorbing) {
      out = Node{};
      out.kind = absorbing;
      return;
    }
    if (c.kind == identity) continue;
    if (c.kind == kind) {  // flatten nested junctions of the same kind
      for (Node& g : c.children) kept.push_back(std::move(g));
    } else {
      kept.push_back(std::move(c));
    }
  }
  if (kept.empty()) {
    out = Node{};
    out.kind = identity;
  } else if (kept.size() == 1) {
    Node only = std::move(kept.front());
    out = std::move(only);
  } else {
    out = Node{};
    out.kind = kind;
    out.children = std::move(kept);
  }
}

// A filter object found at level `depth`.
Status compile_filter(const Json& f, const std::string& place, int depth, Node& out) {
  const auto* obj = f.get_ptr<const Json::object_t*>();
  if (obj == nullptr) return error_at(place, std::string("filter must be a JSON object, got ") + type_name(f));
  if (depth > kMaxDepth) return error_at(place, depth_message());
  std::vector<Node> parts;
  parts.reserve(obj->size());
  for (const auto& [key, value] : *obj) {
    if (key.empty()) return error_at(place, "empty field name");
    const std::string here = join_place(place, key);
    Node part;
    if (key == "$and" || key == "$or") {
      const auto* arr = value.get_ptr<const Json::array_t*>();
      if (arr == nullptr || arr->empty())
        return error_at(here, key + " expects a non-empty array of filter objects, got " + type_name(value));
      if (depth + 1 > kMaxDepth) return error_at(here, depth_message());
      std::vector<Node> subs(arr->size());
      for (std::size_t i = 0; i < arr->size(); ++i) {
        RUVECTOR_RETURN_IF_ERROR(
            compile_filter((*arr)[i], here + "[" + std::to_string(i) + "]", depth + 2, subs[i]));
      }
      make_junction(key == "$and" ? Node::Kind::kAnd : Node::Kind::kOr, std::move(subs), part);
    } else if (key == "$not") {
      if (!value.is_object())
        return error_at(here, std::string("$not expects a filter object, got ") + type_name(value));
      Node sub;
      RUVECTOR_RETURN_IF_ERROR(compile_filter(value, here, depth + 1, sub));
      if (sub.kind == Node::Kind::kTrue || sub.kind == Node::Kind::kFalse) {
        part.kind = sub.kind == Node::Kind::kTrue ? Node::Kind::kFalse : Node::Kind::kTrue;
      } else if (sub.kind == Node::Kind::kNot) {
        Node inner = std::move(sub.children.front());
        part = std::move(inner);
      } else {
        part.kind = Node::Kind::kNot;
        part.children.push_back(std::move(sub));
      }
    } else if (is_field_operator(key)) {
      return error_at(here, "'" + key + "' is a field operator; write {\"<field>\": {\"" + key + "\": ...}}");
    } else if (is_operator(key)) {
      return error_at(here, "unknown operator '" + key + "'");
    } else {
      RUVECTOR_RETURN_IF_ERROR(compile_field(key, value, here, depth + 1, part));
    }
    parts.push_back(std::move(part));
  }
  make_junction(Node::Kind::kAnd, std::move(parts), out);
  return Status::Ok();
}

}  // namespace
}  // namespace filter_impl

Result<Filter> Filter::compile(const Json& filter) {
  try {
    auto root = std::make_shared<Node>();
    RUVECTOR_RETURN_IF_ERROR(filter_impl::compile_filter(filter, std::string(), 1, *root));
    return Filter(std::shared_ptr<const Node>(std::move(root)));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory while compiling a filter");
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("invalid filter: ") + e.what());  // from the caller's JSON
  } catch (const std::exception& e) {
    return Status::Internal(std::string("internal error while compiling a filter: ") + e.what());
  } catch (...) {
    return Status::Internal("internal error while compiling a filter");
  }
}

bool Filter::matches(const Json& metadata) const noexcept {
  return root_ == nullptr || filter_impl::eval(*root_, metadata);
}

bool Filter::match_all() const noexcept { return root_ == nullptr || root_->kind == Node::Kind::kTrue; }

}  // namespace ruvector::detail
