#include "ruvector/version.h"

#include "version_config.h"  // generated from the VERSION file

namespace ruvector {
const char* version() noexcept { return RUVECTOR_VERSION_STRING; }
}  // namespace ruvector
