// The FILTER expression language of VSIM (the vector-sets syntax), parsed once per
// query and evaluated against each candidate's JSON attributes.
//
// Grammar, loosest binding first (docs/scale-out.md, "FILTER expressions"):
//   or:   and ( ("or" | "||") and )*
//   and:  in ( ("and" | "&&") in )*
//   in:   cmp ( "in" cmp )*          array membership, or substring of a string
//   cmp:  add ( (">" | ">=" | "<" | "<=" | "==" | "!=") add )*
//   add:  mul ( ("+" | "-") mul )*
//   mul:  pow ( ("*" | "/" | "%") pow )*
//   pow:  unary ( "**" pow )?         right associative
//   unary: ("not" | "!" | "-") unary | primary
//   primary: number | "string" | 'string' | true | false | [ list ] | .field | ( or )
// `.field` names a top-level attribute ([A-Za-z0-9_]+). Booleans are the numbers 1/0.
//
// Evaluation never fails the query: a missing field, attributes that are not a JSON
// object, an operator applied to the wrong types or a division by zero make the
// element not match. Truthiness: non-zero number, non-empty string or array.
//
// Limits against hostile input: 4096 bytes of text, nesting depth 64, 1024 nodes.
// Threads: a parsed expression is immutable; matches() may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ruvector/json.h"

namespace ruvector::redis {

class FilterExpression {
 public:
  // On a syntax error returns nullptr and sets `error` to
  // "syntax error in FILTER expression near: <rest of the text>".
  static std::unique_ptr<FilterExpression> parse(std::string_view text, std::string& error);

  bool matches(const Json& attributes) const;

  struct Node;
  ~FilterExpression();

 private:
  FilterExpression() = default;
  std::vector<Node> nodes_;  // nodes_[root_] is the root; children index into nodes_
  int root_ = -1;
  friend class FilterParser;
};

}  // namespace ruvector::redis
