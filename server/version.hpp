#pragma once
// The version `zoned --version` prints and the start-up log names (keep in
// step with project(... VERSION) in the top CMakeLists.txt).
#include <string_view>

namespace zoned::server {

inline constexpr std::string_view kZonedVersion = "0.1.0";

}  // namespace zoned::server
