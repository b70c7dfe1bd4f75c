#include "ruvector/version.h"

namespace ruvector {
const char* version() noexcept { return "0.1.0"; }
}  // namespace ruvector
