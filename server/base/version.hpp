#pragma once
// The version `zoned --version` prints and the start-up log names: the
// project(... VERSION) of the top CMakeLists.txt, passed as ZONED_VERSION.
#include <string_view>

namespace zoned::server {

inline constexpr std::string_view kZonedVersion = ZONED_VERSION;

}  // namespace zoned::server
