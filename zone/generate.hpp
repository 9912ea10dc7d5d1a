#pragma once
// BIND's $GENERATE substitution: `$` is the iterator, `${offset[,width[,base]]}`
// formats iterator+offset (bases d o x X, and n N for reversed nibbles as in
// ip6.arpa names), `\$` is a literal dollar kept escaped for the name/rdata parser.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zoned::zone {

// Default cap on the records one $GENERATE may produce.
inline constexpr std::uint64_t kMaxGeneratedRecords = 1'000'000;

struct GenerateRange {
  std::uint32_t start = 0;
  std::uint32_t stop = 0;
  std::uint32_t step = 1;
};

// Parses "start-stop[/step]" producing at most `limit` values; returns an
// error message or nothing.
[[nodiscard]] std::optional<std::string> parse_generate_range(
    std::string_view text, GenerateRange& out, std::uint64_t limit = kMaxGeneratedRecords);

// Expands `pattern` for iterator value `i` into `out` (cleared first).
// Returns an error message for a malformed `${...}`.
[[nodiscard]] std::optional<std::string> generate_expand(std::string_view pattern,
                                                         std::int64_t i, std::string& out);

}  // namespace zoned::zone
