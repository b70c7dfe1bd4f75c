// PRIVATE header. Random (version 4) UUIDs for generated ids.
#pragma once

#include <string>

namespace ruvector::detail {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (lowercase hex, RFC 4122 variant).
// Thread-safe: each thread has its own generator seeded from std::random_device.
std::string uuid_v4();

}  // namespace ruvector::detail
