// libFuzzer target: rdata wire -> text -> wire for every RR type.
// Input: 2 octets RR type (big-endian), then the rdata. Rdata that
// rdata_check() accepts must print with rdata_to_text(), read back through the
// master-file tokenizer and rdata_from_text(), and give the identical wire
// bytes; anything else aborts.
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
#include "zone/tokenizer.hpp"

namespace {

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

  // Read the text back as the zone parser would: through the master-file
  // tokenizer, where it must form at most one entry.
  zoned::zone::Tokenizer tokenizer(text);
  std::vector<zoned::zone::Token> entry;
  bool leading_blank = false;
  zoned::zone::TokenizerError tok_err;
  const auto status = tokenizer.next(entry, leading_blank, tok_err);
  if (status == zoned::zone::Tokenizer::Status::Error)
    fail(("printed text does not tokenize: " + tok_err.message).c_str(), type_value, text);
  std::vector<TextToken> tokens;
  for (const auto& t : entry) tokens.push_back({t.text, t.quoted});
  if (status == zoned::zone::Tokenizer::Status::Entry &&
      tokenizer.next(entry, leading_blank, tok_err) != zoned::zone::Tokenizer::Status::End)
    fail("printed text is more than one master-file entry", type_value, text);
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
