// PRIVATE header. Compiled metadata filters (docs/filters.md).
#pragma once

#include <memory>
#include <vector>

#include "ruvector/json.h"
#include "ruvector/result.h"

namespace ruvector::detail {

// An immutable, compiled Mongo-style filter. Thread-safe to share once compiled.
//
// Grammar (a filter is a JSON object; all its keys must hold, i.e. implicit $and):
//   {"field": value}                 equality (JSON value equality; when the stored
//                                    field is an array, also "contains value")
//   {"field": {"$op": arg, ...}}     $eq $ne $gt $gte $lt $lte $in $nin $exists $not
//   {"$and": [f, ...]}, {"$or": [f, ...]}, {"$not": f}
//   dotted paths "a.b.c" reach into nested objects.
class Filter {
 public:
  // INVALID_ARGUMENT naming the offending part, e.g.
  // "invalid filter at 'price': unknown operator '$gtx'".
  static Result<Filter> compile(const Json& filter);

  // `metadata` is the entry's JSON object, or null when it has none.
  bool matches(const Json& metadata) const noexcept;

  // True for {} (matches everything).
  bool match_all() const noexcept;

  struct Node;  // implementation detail

 private:
  explicit Filter(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

}  // namespace ruvector::detail
