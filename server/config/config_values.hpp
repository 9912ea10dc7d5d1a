#pragma once
// Text → value parsers behind the config loader, apart from YAML so that each
// can be tested on its own. parse_listen_address is declared in config.hpp.
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace zoned::server {

// "10s", "500ms", "2m", "1h", or a plain integer of seconds.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// The shortest text parse_duration reads back as `duration` ("1500ms", "2m").
[[nodiscard]] std::string format_duration(std::chrono::milliseconds duration);

// Levenshtein distance: insertions, deletions and substitutions of one byte.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);
// The allowed key `key` was most likely meant to be (a typo, another case, or
// `_` for `-`), or empty when none is close.
[[nodiscard]] std::string_view closest_key(std::string_view key,
                                           std::span<const std::string_view> allowed);

// `text` in backticks, the way messages quote keys and values.
[[nodiscard]] std::string backticked(std::string_view text);

}  // namespace zoned::server
