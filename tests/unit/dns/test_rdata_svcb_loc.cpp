// SVCB/HTTPS and LOC through the rdata API (the parameter and LOC codecs
// themselves are tested in their own files).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dns/encoding.hpp"
#include "dns/rdata.hpp"
#include "rdata_text_util.hpp"

using namespace zoned::dns;
using namespace zoned::dns::test;

namespace {

std::string hex_of(RRType t, std::string_view text) {
  static const Name origin = Name::parse("example.").value();
  std::vector<std::uint8_t> wire;
  auto tokens = text_tokens(text);
  auto err = rdata_from_text(t, tokens, origin, wire);
  INFO(text, " -> ", err ? err->message : std::string("ok"));
  REQUIRE(!err);
  CHECK(rdata_check(t, wire) == WireError::Ok);
  return to_hex(wire);
}

std::string text_of(RRType t, std::string_view hex) {
  const auto wire = from_hex(hex);
  std::string s;
  rdata_to_text(t, wire, s);
  return s;
}

}  // namespace

TEST_CASE("rdata: SVCB and HTTPS (wire bytes from dnspython)") {
  CHECK(hex_of(RRType::SVCB, "1 . alpn=h2,h3 port=443") ==
        "000100000100060268320268330003000201BB");
  CHECK(text_of(RRType::SVCB, "000100000100060268320268330003000201BB") ==
        "1 . alpn=\"h2,h3\" port=443");
  CHECK(hex_of(RRType::HTTPS, "0 svc") == "000003737663076578616D706C6500");
  CHECK(text_of(RRType::HTTPS, "000003737663076578616D706C6500") == "0 svc.example.");
  std::vector<std::uint8_t> bad;
  REQUIRE(hex_decode("0001000001000602683202", bad));  // alpn value truncated
  CHECK(rdata_check(RRType::HTTPS, bad) != WireError::Ok);
}

TEST_CASE("rdata: LOC (wire bytes from dnspython, text from BIND)") {
  CHECK(hex_of(RRType::LOC, "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m") ==
        "000016138B3CF018810CBCE0009895B8");
  CHECK(text_of(RRType::LOC, "000016138B3CF018810CBCE0009895B8") ==
        "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m");
  std::vector<std::uint8_t> bad;
  REQUIRE(hex_decode("010016138B3CF018810CBCE0009895B8", bad));  // version 1
  CHECK(rdata_check(RRType::LOC, bad) != WireError::Ok);
}
