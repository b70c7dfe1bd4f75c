#include "filter_expression.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace ruvector::redis {

namespace {

constexpr std::size_t kMaxText = 4096;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 1024;

enum class Op {
  kNumber, kString, kArray, kField,
  kNot, kNeg,
  kOr, kAnd, kIn, kGt, kGe, kLt, kLe, kEq, kNe, kAdd, kSub, kMul, kDiv, kMod, kPow,
};

// A value during evaluation: a number, a string or an array of values.
struct Value {
  enum Kind { kNum, kStr, kArr } kind = kNum;
  double num = 0;
  std::string str;
  std::vector<Value> arr;

  static Value number(double d) {
    Value v;
    v.num = d;
    return v;
  }
  bool truthy() const {
    switch (kind) {
      case kNum: return num != 0;
      case kStr: return !str.empty();
      case kArr: return !arr.empty();
    }
    return false;
  }
  bool equals(const Value& o) const {
    if (kind != o.kind) return false;
    if (kind == kNum) return num == o.num;
    if (kind == kStr) return str == o.str;
    if (arr.size() != o.arr.size()) return false;
    for (std::size_t i = 0; i < arr.size(); ++i)
      if (!arr[i].equals(o.arr[i])) return false;
    return true;
  }
};

// JSON attribute -> Value; null and objects have no value.
std::optional<Value> from_json(const Json& j, int depth = 0) {
  Value v;
  if (j.is_boolean()) return Value::number(j.get<bool>() ? 1 : 0);
  if (j.is_number()) return Value::number(j.get<double>());
  if (j.is_string()) {
    v.kind = Value::kStr;
    v.str = j.get<std::string>();
    return v;
  }
  if (j.is_array() && depth < kMaxDepth) {
    v.kind = Value::kArr;
    for (const Json& e : j) {
      auto ev = from_json(e, depth + 1);
      if (!ev) return std::nullopt;
      v.arr.push_back(std::move(*ev));
    }
    return v;
  }
  return std::nullopt;
}

}  // namespace

struct FilterExpression::Node {
  Op op;
  double number = 0;
  std::string text;           // string literal or field name
  std::vector<int> children;  // operands, or the elements of an array literal
};

FilterExpression::~FilterExpression() = default;

class FilterParser {
 public:
  FilterParser(std::string_view text, FilterExpression& out) : s_(text), out_(out) {}

  bool parse() {
    const int root = parse_or(0);
    if (root < 0) return false;
    skip_space();
    if (pos_ != s_.size()) return false;
    out_.root_ = root;
    return true;
  }
  std::string_view rest() const { return s_.substr(std::min(error_pos_, s_.size())); }

 private:
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool at_word_end(std::size_t p) const {
    return p >= s_.size() || !(std::isalnum(static_cast<unsigned char>(s_[p])) || s_[p] == '_');
  }
  // Consumes `tok` (a keyword must end at a word boundary).
  bool take(std::string_view tok) {
    skip_space();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    const bool word = std::isalpha(static_cast<unsigned char>(tok[0])) != 0;
    if (word && !at_word_end(pos_ + tok.size())) return false;
    pos_ += tok.size();
    return true;
  }
  int fail() {
    error_pos_ = std::min(error_pos_, pos_);
    return -1;
  }
  int node(Op op, std::vector<int> children = {}) {
    if (out_.nodes_.size() >= kMaxNodes) return fail();
    out_.nodes_.push_back(FilterExpression::Node{op, 0, {}, std::move(children)});
    return static_cast<int>(out_.nodes_.size() - 1);
  }

  template <typename Next>
  int binary_chain(int depth, Next next, std::initializer_list<std::pair<std::string_view, Op>> ops) {
    int left = (this->*next)(depth);
    while (left >= 0) {
      bool matched = false;
      for (const auto& [tok, op] : ops) {
        if (!take(tok)) continue;
        // Longer tokens are listed first, so "<" is only tried when "<=" did not match.
        const int right = (this->*next)(depth);
        if (right < 0) return -1;
        left = node(op, {left, right});
        matched = true;
        break;
      }
      if (!matched) break;
    }
    return left;
  }

  int parse_or(int depth) {
    if (depth > kMaxDepth) return fail();
    return binary_chain(depth, &FilterParser::parse_and, {{"||", Op::kOr}, {"or", Op::kOr}});
  }
  int parse_and(int depth) { return binary_chain(depth, &FilterParser::parse_in, {{"&&", Op::kAnd}, {"and", Op::kAnd}}); }
  int parse_in(int depth) { return binary_chain(depth, &FilterParser::parse_cmp, {{"in", Op::kIn}}); }
  int parse_cmp(int depth) {
    return binary_chain(depth, &FilterParser::parse_add,
                        {{">=", Op::kGe}, {"<=", Op::kLe}, {"==", Op::kEq}, {"!=", Op::kNe}, {">", Op::kGt},
                         {"<", Op::kLt}});
  }
  int parse_add(int depth) { return binary_chain(depth, &FilterParser::parse_mul, {{"+", Op::kAdd}, {"-", Op::kSub}}); }
  int parse_mul(int depth) {
    skip_space();
    int left = parse_pow(depth);
    while (left >= 0) {
      skip_space();
      Op op;
      if (s_.substr(pos_, 2) == "**") break;  // handled by parse_pow
      if (take("*")) op = Op::kMul;
      else if (take("/")) op = Op::kDiv;
      else if (take("%")) op = Op::kMod;
      else break;
      const int right = parse_pow(depth);
      if (right < 0) return -1;
      left = node(op, {left, right});
    }
    return left;
  }
  int parse_pow(int depth) {
    const int base = parse_unary(depth);
    if (base < 0) return -1;
    if (!take("**")) return base;
    const int exponent = parse_pow(depth + 1);
    if (exponent < 0 || depth + 1 > kMaxDepth) return fail();
    return node(Op::kPow, {base, exponent});
  }
  int parse_unary(int depth) {
    if (depth > kMaxDepth) return fail();
    skip_space();
    Op op;
    if (take("not")) op = Op::kNot;
    else if (s_.substr(pos_, 2) != "!=" && take("!")) op = Op::kNot;
    else if (take("-")) op = Op::kNeg;
    else return parse_primary(depth);
    const int operand = parse_unary(depth + 1);
    if (operand < 0) return -1;
    return node(op, {operand});
  }
  int parse_primary(int depth) {
    skip_space();
    if (pos_ >= s_.size()) return fail();
    const char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      const int inner = parse_or(depth + 1);
      if (inner < 0) return -1;
      if (!take(")")) return fail();
      return inner;
    }
    if (c == '[') {
      ++pos_;
      std::vector<int> elems;
      if (!take("]")) {
        for (;;) {
          const int e = parse_or(depth + 1);
          if (e < 0) return -1;
          elems.push_back(e);
          if (take("]")) break;
          if (!take(",")) return fail();
        }
      }
      return node(Op::kArray, std::move(elems));
    }
    if (c == '"' || c == '\'') return parse_string(c);
    if (c == '.') {
      std::size_t p = pos_ + 1;
      while (p < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p])) || s_[p] == '_')) ++p;
      if (p == pos_ + 1) return fail();
      const int n = node(Op::kField);
      if (n < 0) return -1;
      out_.nodes_[n].text = std::string(s_.substr(pos_ + 1, p - pos_ - 1));
      pos_ = p;
      return n;
    }
    const bool is_true = take("true");
    if (is_true || take("false")) {
      const int n = node(Op::kNumber);
      if (n < 0) return -1;
      out_.nodes_[n].number = is_true ? 1 : 0;
      return n;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number();
    return fail();
  }
  int parse_number() {
    std::size_t p = pos_;
    while (p < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[p])) || s_[p] == '.' || s_[p] == 'e' ||
                             s_[p] == 'E' ||
                             ((s_[p] == '+' || s_[p] == '-') && p > pos_ && (s_[p - 1] == 'e' || s_[p - 1] == 'E'))))
      ++p;
    const std::string lit(s_.substr(pos_, p - pos_));
    char* end = nullptr;
    const double d = std::strtod(lit.c_str(), &end);
    if (end != lit.c_str() + lit.size() || !std::isfinite(d) || !at_word_end(p)) return fail();
    const int n = node(Op::kNumber);
    if (n < 0) return -1;
    out_.nodes_[n].number = d;
    pos_ = p;
    return n;
  }
  int parse_string(char quote) {
    std::string text;
    std::size_t p = pos_ + 1;
    for (;;) {
      if (p >= s_.size()) return fail();
      char ch = s_[p++];
      if (ch == quote) break;
      if (ch == '\\') {
        if (p >= s_.size()) return fail();
        ch = s_[p++];
        if (ch == 'n') ch = '\n';
        else if (ch == 't') ch = '\t';
      }
      text.push_back(ch);
    }
    const int n = node(Op::kString);
    if (n < 0) return -1;
    out_.nodes_[n].text = std::move(text);
    pos_ = p;
    return n;
  }

  std::string_view s_;
  FilterExpression& out_;
  std::size_t pos_ = 0;
  std::size_t error_pos_ = static_cast<std::size_t>(-1);
};

std::unique_ptr<FilterExpression> FilterExpression::parse(std::string_view text, std::string& error) {
  std::unique_ptr<FilterExpression> expr(new FilterExpression());
  if (text.size() > kMaxText) {
    error = "syntax error in FILTER expression near: expression longer than 4096 bytes";
    return nullptr;
  }
  FilterParser parser(text, *expr);
  if (!parser.parse()) {
    std::string_view rest = parser.rest();
    if (rest.empty()) rest = "end of expression";
    if (rest.size() > 64) rest = rest.substr(0, 64);
    error = "syntax error in FILTER expression near: " + std::string(rest);
    return nullptr;
  }
  return expr;
}

namespace {

class Evaluator {
 public:
  Evaluator(const std::vector<FilterExpression::Node>& nodes, const Json& attrs) : nodes_(nodes), attrs_(attrs) {}

  std::optional<Value> eval(int i) const {
    const FilterExpression::Node& n = nodes_[static_cast<std::size_t>(i)];
    switch (n.op) {
      case Op::kNumber: return Value::number(n.number);
      case Op::kString: {
        Value v;
        v.kind = Value::kStr;
        v.str = n.text;
        return v;
      }
      case Op::kArray: {
        Value v;
        v.kind = Value::kArr;
        for (int c : n.children) {
          auto e = eval(c);
          if (!e) return std::nullopt;
          v.arr.push_back(std::move(*e));
        }
        return v;
      }
      case Op::kField: {
        if (!attrs_.is_object()) return std::nullopt;
        auto it = attrs_.find(n.text);
        if (it == attrs_.end()) return std::nullopt;
        return from_json(*it);
      }
      case Op::kNot: {
        auto v = eval(n.children[0]);
        if (!v) return std::nullopt;
        return Value::number(v->truthy() ? 0 : 1);
      }
      case Op::kNeg: {
        auto v = eval(n.children[0]);
        if (!v || v->kind != Value::kNum) return std::nullopt;
        return Value::number(-v->num);
      }
      case Op::kOr:
      case Op::kAnd: {
        auto l = eval(n.children[0]);
        if (!l) return std::nullopt;
        if (n.op == Op::kOr && l->truthy()) return Value::number(1);
        if (n.op == Op::kAnd && !l->truthy()) return Value::number(0);
        auto r = eval(n.children[1]);
        if (!r) return std::nullopt;
        return Value::number(r->truthy() ? 1 : 0);
      }
      default: break;
    }
    auto l = eval(n.children[0]);
    if (!l) return std::nullopt;
    auto r = eval(n.children[1]);
    if (!r) return std::nullopt;
    switch (n.op) {
      case Op::kEq: return Value::number(l->equals(*r) ? 1 : 0);
      case Op::kNe: return Value::number(l->equals(*r) ? 0 : 1);
      case Op::kIn:
        if (r->kind == Value::kArr) {
          for (const Value& e : r->arr)
            if (l->equals(e)) return Value::number(1);
          return Value::number(0);
        }
        if (r->kind == Value::kStr && l->kind == Value::kStr)
          return Value::number(r->str.find(l->str) != std::string::npos ? 1 : 0);
        return std::nullopt;
      case Op::kGt:
      case Op::kGe:
      case Op::kLt:
      case Op::kLe: {
        int c;
        if (l->kind == Value::kNum && r->kind == Value::kNum) c = l->num < r->num ? -1 : (l->num > r->num ? 1 : 0);
        else if (l->kind == Value::kStr && r->kind == Value::kStr) c = l->str.compare(r->str);
        else return std::nullopt;
        const bool ok = n.op == Op::kGt ? c > 0 : n.op == Op::kGe ? c >= 0 : n.op == Op::kLt ? c < 0 : c <= 0;
        return Value::number(ok ? 1 : 0);
      }
      default: break;
    }
    if (l->kind != Value::kNum || r->kind != Value::kNum) return std::nullopt;
    double out = 0;
    switch (n.op) {
      case Op::kAdd: out = l->num + r->num; break;
      case Op::kSub: out = l->num - r->num; break;
      case Op::kMul: out = l->num * r->num; break;
      case Op::kDiv:
        if (r->num == 0) return std::nullopt;
        out = l->num / r->num;
        break;
      case Op::kMod:
        if (r->num == 0) return std::nullopt;
        out = std::fmod(l->num, r->num);
        break;
      case Op::kPow: out = std::pow(l->num, r->num); break;
      default: return std::nullopt;
    }
    if (!std::isfinite(out)) return std::nullopt;
    return Value::number(out);
  }

 private:
  const std::vector<FilterExpression::Node>& nodes_;
  const Json& attrs_;
};

}  // namespace

bool FilterExpression::matches(const Json& attributes) const {
  auto v = Evaluator(nodes_, attributes).eval(root_);
  return v && v->truthy();
}

}  // namespace ruvector::redis
