// Result<T>: a value of type T or a non-OK Status, never both.
//
// Accessing value() of an error Result is a programming error and aborts
// (checked in every build type). A Result built from an OK Status is also a
// programming error and is turned into an INVALID_ARGUMENT error instead.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <variant>

#include "ruvector/status.h"

namespace ruvector {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    if (std::get<1>(data_).ok()) data_ = Status::InvalidArgument("internal: Result built from OK status");
  }

  bool ok() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // OK when holding a value.
  Status status() const { return ok() ? Status::Ok() : std::get<1>(data_); }

  T& value() & { check(); return std::get<0>(data_); }
  const T& value() const& { check(); return std::get<0>(data_); }
  T&& value() && { check(); return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void check() const {
    if (!ok()) {
      std::fprintf(stderr, "ruvector: value() on error Result: %s\n", std::get<1>(data_).ToString().c_str());
      std::abort();
    }
  }
  std::variant<T, Status> data_;
};

}  // namespace ruvector

// Evaluates a Result expression; on error returns its Status, else moves the value into `lhs`.
#define RUVECTOR_ASSIGN_OR_RETURN(lhs, expr)                 \
  auto RUVECTOR_CONCAT_(rv_result_, __LINE__) = (expr);      \
  if (!RUVECTOR_CONCAT_(rv_result_, __LINE__).ok())          \
    return RUVECTOR_CONCAT_(rv_result_, __LINE__).status();  \
  lhs = std::move(RUVECTOR_CONCAT_(rv_result_, __LINE__)).value()
#define RUVECTOR_CONCAT_INNER_(a, b) a##b
#define RUVECTOR_CONCAT_(a, b) RUVECTOR_CONCAT_INNER_(a, b)
