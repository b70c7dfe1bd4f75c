// Status: the engine's only error channel. No exception escapes the engine.
//
// A Status is either OK or carries a stable code plus a human message that says
// what was wrong and what was expected. ToString() renders "CODE: message",
// e.g. "DIMENSION_MISMATCH: vector has 3 values, database expects 128".
// Status is a cheap value type; it is safe to copy and move across threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace ruvector {

// Stable codes (listed with their meaning in docs/js-contract.md). The numeric values are part of the C++ ABI and the
// names are part of every binding's contract: never renumber or rename.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,
  kDimensionMismatch = 2,
  kNotFound = 3,
  kAlreadyExists = 4,
  kCorruption = 5,
  kIoError = 6,
  kUnsupported = 7,
  kResourceExhausted = 8,
  kLocked = 9,
  // A bug in ruvector (a broken invariant, an unexpected exception), never bad input:
  // please report it. The call changed nothing it could roll back; the database may
  // need to be reopened.
  kInternal = 10,
};

// "INVALID_ARGUMENT", "DIMENSION_MISMATCH", ... ("OK" for kOk).
const char* status_code_name(StatusCode code) noexcept;

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() noexcept { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status DimensionMismatch(std::string m) { return {StatusCode::kDimensionMismatch, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status Locked(std::string m) { return {StatusCode::kLocked, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const noexcept { return code_ == StatusCode::kOk; }
  StatusCode code() const noexcept { return code_; }
  const char* code_name() const noexcept { return status_code_name(code_); }
  const std::string& message() const noexcept { return message_; }
  // "CODE: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context + ": "`; the code is kept.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace ruvector

// Propagates a non-OK Status (or the error of a Result) to the caller.
#define RUVECTOR_RETURN_IF_ERROR(expr)              \
  do {                                              \
    ::ruvector::Status rv_status_ = (expr);         \
    if (!rv_status_.ok()) return rv_status_;        \
  } while (0)
