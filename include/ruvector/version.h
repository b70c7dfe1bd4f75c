#pragma once
namespace ruvector {
// Semantic version of the engine, e.g. "0.1.0".
const char* version() noexcept;
}  // namespace ruvector
