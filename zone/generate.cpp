#include "zone/generate.hpp"

#include <algorithm>
#include <charconv>

namespace zoned::zone {

namespace {

bool parse_u32(std::string_view s, std::uint32_t& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// A signed decimal; BIND reads the offset with sscanf("%d"), so an explicit
// '+' is accepted as well as '-' ("${+1}" is offset 1).
bool parse_i64(std::string_view s, std::int64_t& v) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

void append_number(std::string& out, std::int64_t value, std::uint32_t width, char base) {
  char digits[80];
  std::size_t n = 0;
  const bool neg = value < 0;
  std::uint64_t v = neg ? static_cast<std::uint64_t>(-value) : static_cast<std::uint64_t>(value);
  if (base == 'n' || base == 'N') {
    // Nibble form as BIND writes it: the pattern "n0.n1.n2...." (least
    // significant nibble first, zeros beyond the value) cut to `width`
    // characters, but never shorter than the value's nibbles ("3.2.1").
    const char* hex = base == 'n' ? "0123456789abcdef" : "0123456789ABCDEF";
    std::size_t nibbles = 1;
    for (std::uint64_t t = v >> 4; t != 0; t >>= 4) ++nibbles;
    const std::size_t len = std::max<std::size_t>(width, 2 * nibbles - 1);
    for (std::size_t k = 0; k < len; ++k) {
      if (k % 2 == 1) {
        out.push_back('.');
      } else {
        const std::size_t shift = 4 * (k / 2);
        out.push_back(shift < 64 ? hex[(v >> shift) & 0xf] : '0');
      }
    }
    return;
  }
  const unsigned radix = base == 'o' ? 8 : (base == 'x' || base == 'X') ? 16 : 10;
  const char* table = base == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = table[v % radix];
    v /= radix;
  } while (v != 0 && n < sizeof digits);
  // Like printf("%0*d"), which BIND uses: the width counts the minus sign
  // ("${-1,3}" on 0 gives "-01").
  if (neg) out.push_back('-');
  for (std::size_t k = n + (neg ? 1 : 0); k < width; ++k) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

std::optional<std::string> parse_generate_range(std::string_view text, GenerateRange& out,
                                                std::uint64_t limit) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos) return "expected a range start-stop[/step]";
  std::string_view a = text.substr(0, dash), rest = text.substr(dash + 1), step = "1";
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    step = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (!parse_u32(a, out.start) || !parse_u32(rest, out.stop) || !parse_u32(step, out.step))
    return "expected a range start-stop[/step] of decimal numbers";
  if (out.step == 0) return "$GENERATE step must not be 0";
  if (out.start > out.stop) return "$GENERATE range start is above its stop";
  const std::uint64_t count = (std::uint64_t{out.stop} - out.start) / out.step + 1;
  if (count > limit)
    return "$GENERATE range produces " + std::to_string(count) + " records, above the limit of " +
           std::to_string(limit);
  return std::nullopt;
}

std::optional<std::string> generate_expand(std::string_view pattern, std::int64_t i,
                                           std::string& out) {
  out.clear();
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    const char c = pattern[p];
    if (c == '\\' && p + 1 < pattern.size()) {
      // Keep the escape: `\$` reaches the name/rdata parser as a literal '$'.
      out.push_back(c);
      out.push_back(pattern[++p]);
      continue;
    }
    if (c != '$') { out.push_back(c); continue; }
    if (p + 1 < pattern.size() && pattern[p + 1] == '{') {
      auto close = pattern.find('}', p + 2);
      if (close == std::string_view::npos) return "unterminated '${' in $GENERATE";
      std::string_view spec = pattern.substr(p + 2, close - p - 2);
      std::string_view parts[3];
      std::size_t np = 0;
      while (np < 3) {
        auto comma = spec.find(',');
        parts[np++] = spec.substr(0, comma);
        if (comma == std::string_view::npos) { spec = {}; break; }
        spec = spec.substr(comma + 1);
      }
      if (!spec.empty()) return "too many fields in '${...}'";
      std::int64_t offset = 0;
      std::uint32_t width = 0;
      char base = 'd';
      if (!parse_i64(parts[0], offset)) return "bad offset in '${...}'";
      if (np > 1 && !parse_u32(parts[1], width)) return "bad width in '${...}'";
      if (width > 64) return "width in '${...}' above 64";
      if (np > 2) {
        if (parts[2].size() != 1 ||
            std::string_view("doxXnN").find(parts[2][0]) == std::string_view::npos)
          return "bad base in '${...}' (expected one of d o x X n N)";
        base = parts[2][0];
      }
      append_number(out, i + offset, width, base);
      p = close;
      continue;
    }
    if (p + 1 < pattern.size() && pattern[p + 1] == '$') {  // "$$" is a literal '$'
      out.push_back('\\');
      out.push_back('$');
      ++p;
      continue;
    }
    append_number(out, i, 0, 'd');
  }
  return std::nullopt;
}

}  // namespace zoned::zone
