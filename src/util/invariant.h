// PRIVATE header. RV_ASSERT(condition, message): checks an invariant of the engine,
// something that holds unless ruvector itself has a bug (never a check of input: bad
// input is a Status). Compiled in when RUVECTOR_CHECK_INVARIANTS is defined (CMake
// option of the same name: on in Debug builds and in builds with the test suite, off
// in the addon, wasm and installed libraries); otherwise the condition is not evaluated.
//
// A failed check throws detail::InvariantViolation; the API boundary (database.cpp's
// guarded(), the storage's no_throw) turns it into Status::Internal. Throwing instead
// of aborting keeps a host process (a Node server, a browser tab) alive and gets the
// report to the caller with its code.
#pragma once

#include <stdexcept>
#include <string>

namespace ruvector::detail {

class InvariantViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Throws InvariantViolation("invariant violated: <condition> (<file>:<line>): <message>").
[[noreturn]] void invariant_failed(const char* condition, const char* file, int line, const std::string& message);

}  // namespace ruvector::detail

#if defined(RUVECTOR_CHECK_INVARIANTS)
#define RV_ASSERT(condition, message)                                                     \
  do {                                                                                    \
    if (!(condition)) ::ruvector::detail::invariant_failed(#condition, __FILE__, __LINE__, (message)); \
  } while (0)
#else
#define RV_ASSERT(condition, message) \
  do {                                \
    (void)sizeof(!(condition));       \
  } while (0)
#endif
