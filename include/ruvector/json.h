// Json: the metadata and filter value type.
//
// ruvector uses nlohmann::json (Debian `nlohmann-json3-dev`, header-only, MIT):
// it is the most widely used C++ JSON library, has exact JSON value equality and
// ordering semantics we rely on for filters, parses with error positions instead of
// exceptions when asked (`Json::parse(text, nullptr, false)`), and compiles under
// g++, clang and em++ alike. See docs/architecture.md for the choice.
#pragma once

#include <nlohmann/json.hpp>

namespace ruvector {
using Json = nlohmann::json;
}  // namespace ruvector
