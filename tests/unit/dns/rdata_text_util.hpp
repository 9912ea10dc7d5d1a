#pragma once
// Helpers for the rdata tests: presentation rdata split into TextTokens the way
// the master-file tokenizer splits one record, and hex <-> bytes shorthands.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/encoding.hpp"
#include "dns/rdata.hpp"

namespace zoned::dns::test {

// Whitespace separates tokens; a token that starts with '"' is a quoted token
// (quotes stripped); a quoted part inside a token (SVCB alpn="h2 x") stays in
// it with its quotes; a backslash escapes the next character everywhere and is
// kept raw (rdata_from_text() decodes escapes). The tokens view into `text`.
// An unbalanced quote ends the last token at the end of `text`.
[[nodiscard]] inline std::vector<TextToken> text_tokens(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::vector<TextToken> out;
  std::size_t pos = 0;
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size()) return out;
    const bool quoted = text[pos] == '"';
    if (quoted) ++pos;
    const std::size_t start = pos;
    bool in_quotes = quoted;
    while (pos < text.size()) {
      const char c = text[pos];
      if (c == '\\' && pos + 1 < text.size()) {
        pos += 2;
        continue;
      }
      if (c == '"') {
        if (quoted) break;
        in_quotes = !in_quotes;
      } else if (!in_quotes && is_space(c)) {
        break;
      }
      ++pos;
    }
    out.push_back({text.substr(start, pos - start), quoted});
    if (quoted && pos < text.size()) ++pos;  // closing quote
  }
}

// Bytes of hex text; the test fails if `hex` is not valid hex.
[[nodiscard]] inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  REQUIRE(hex_decode(hex, out));
  return out;
}

// Upper-case hex, as hex_encode() writes it.
[[nodiscard]] inline std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string s;
  hex_encode(bytes, s);
  return s;
}

// Lower-case hex, as dnspython prints wire bytes.
[[nodiscard]] inline std::string to_hex_lower(std::span<const std::uint8_t> bytes) {
  std::string s = to_hex(bytes);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace zoned::dns::test
