// libFuzzer target: arbitrary text as a zoned config. parse_config must
// return a config or one error naming a position, never crash or hang
// (yaml-cpp 0.7's LoadAll looped forever on a stray comma: server/config/config.cpp).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = zoned::server::parse_config(text, "/fuzz/zoned.yaml");
  if (!config.ok() && config.error().rfind("/fuzz/zoned.yaml", 0) != 0) {
    std::fprintf(stderr, "fuzz_config: error without a position: %s\n", config.error().c_str());
    std::abort();
  }
  return 0;
}
