#pragma once
// One way to print a wall-clock time in UTC, for replies and messages.
#include <chrono>
#include <ctime>
#include <string>

namespace zoned::server {

// `at` in UTC through strftime(`format`); formats here print under 32 bytes.
[[nodiscard]] inline std::string format_utc(std::chrono::system_clock::time_point at, const char* format) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  return std::strftime(text, sizeof text, format, &utc) == 0 ? std::string() : std::string(text);
}

}  // namespace zoned::server
