// libFuzzer target: rdata wire -> text -> wire for every RR type.
// Input: 2 octets RR type (big-endian), then the rdata. Rdata that
// rdata_check() accepts must print with rdata_to_text(), read back with
// rdata_from_text() and give the identical wire bytes; anything else aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.hpp"
#include "dns/rdata.hpp"
#include "dns/rrtype.hpp"

namespace {

// Splits presentation text as the master-file tokenizer does for one record:
// whitespace separates; a token starting with '"' is quoted (quotes
// stripped); a quoted part inside a token (SVCB alpn="a b") stays in it;
// backslash escapes the next character everywhere.
bool tokenize(std::string_view text, std::vector<zoned::dns::TextToken>& out) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t pos = 0;
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size()) return true;
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
    if (in_quotes && (!quoted || pos >= text.size())) return false;  // unbalanced quotes
    out.push_back({text.substr(start, pos - start), quoted});
    if (quoted) ++pos;  // closing quote
  }
}

[[noreturn]] void fail(const char* what, std::uint16_t type, const std::string& text) {
  std::fprintf(stderr, "fuzz_rdata: %s for type %u\n  text: %s\n", what, type, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zoned::dns;
  if (size < 2) return 0;
  const auto type_value = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
  const auto type = static_cast<RRType>(type_value);
  // Meta types (OPT, TSIG, ...) never appear in presentation format.
  if (is_meta_type(type)) return 0;
  const std::span<const std::uint8_t> rdata(data + 2, size - 2);
  if (rdata_check(type, rdata) != WireError::Ok) return 0;

  std::string text;
  rdata_to_text(type, rdata, text);
  std::string generic;
  rdata_to_generic_text(rdata, generic);  // must not crash either

  std::vector<TextToken> tokens;
  if (!tokenize(text, tokens)) fail("printed text has unbalanced quotes", type_value, text);
  static const Name root = Name::parse(".").value();
  std::vector<std::uint8_t> wire;
  if (auto err = rdata_from_text(type, tokens, root, wire)) {
    const std::string why = "printed text does not parse (token " + std::to_string(err->token) +
                            ": " + err->message + ")";
    fail(why.c_str(), type_value, text);
  }
  if (wire.size() != rdata.size() || !std::equal(wire.begin(), wire.end(), rdata.begin()))
    fail("text round trip changed the wire form", type_value, text);
  return 0;
}
