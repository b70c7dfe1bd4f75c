#include "util/invariant.h"

namespace ruvector::detail {

void invariant_failed(const char* condition, const char* file, int line, const std::string& message) {
  throw InvariantViolation(std::string("invariant violated: ") + condition + " (" + file + ":" + std::to_string(line) +
                           "): " + message);
}

}  // namespace ruvector::detail
