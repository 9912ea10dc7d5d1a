#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dns/rdata_loc.hpp"
#include "rdata_text_util.hpp"

using namespace zoned::dns;
using namespace zoned::dns::test;

namespace {

// Hex wire of LOC text, or "error@<token>".
std::string loc_wire(std::string_view text) {
  auto tokens = text_tokens(text);
  std::vector<std::uint8_t> out;
  if (auto err = loc::from_text(tokens, out)) return "error@" + std::to_string(err->token);
  return to_hex(out);
}

std::string loc_text(std::string_view hex) {
  const auto wire = from_hex(hex);
  REQUIRE(loc::check(wire) == WireError::Ok);
  std::string out;
  loc::to_text(wire, out);
  return out;
}

}  // namespace

TEST_CASE("loc: RFC 1876 text to wire (vectors from dnspython)") {
  CHECK(loc_wire("42 21 54 N 71 06 18 W -24m 30m") == "0033161389172DD070BE15F000988D20");
  CHECK(loc_wire("42 21 43.952 N 71 5 6.344 W -24m 1m 200m 10m") ==
        "001224138917069070BF2DD800988D20");
  CHECK(loc_wire("0 N 0 E 0") == "00121613800000008000000000989680");
  CHECK(loc_wire("90 S 180 W 42849672.95m 90000000m 90000000m 90000000m") ==
        "009999996CB0270059604E00FFFFFFFF");
  CHECK(loc_wire("52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m") ==
        "000016138B3CF018810CBCE0009895B8");
  CHECK(loc_wire("1 2 3.4 S 5 6 7.8 W 9 10 11 12") == "001313137FC72F787EE7BAC800989A04");
  // Precisions are truncated to one significant digit (RFC 1876 reference code).
  CHECK(loc_wire("0 N 0 E -100000m 0.5m 0.09m 25m") == "00519023800000008000000000000000");
}

TEST_CASE("loc: wire to text matches BIND") {
  CHECK(loc_text("0033161389172DD070BE15F000988D20") ==
        "42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m");
  CHECK(loc_text("00121613800000008000000000989680") ==
        "0 0 0.000 N 0 0 0.000 E 0.00m 1m 10000m 10m");
  CHECK(loc_text("009999996CB0270059604E00FFFFFFFF") ==
        "90 0 0.000 S 180 0 0.000 W 42849672.95m 90000000m 90000000m 90000000m");
  CHECK(loc_text("000016138B3CF018810CBCE0009895B8") ==
        "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m");
  CHECK(loc_text("00519023800000008000000000000000") ==
        "0 0 0.000 N 0 0 0.000 E -100000.00m 0.50m 0.09m 20m");
  CHECK(loc_text("001313137FC72F787EE7BAC800989A04") ==
        "1 2 3.400 S 5 6 7.800 W 9.00m 10m 10m 10m");
}

TEST_CASE("loc: text round trip") {
  for (const char* text : {"42 21 43.952 N 71 5 6.344 W -24.00m 1m 200m 10m",
                           "0 0 0.001 S 179 59 59.999 E 0.01m 0.01m 0.10m 9000m"}) {
    std::string hex = loc_wire(text);
    REQUIRE(hex.rfind("error", 0) != 0);
    CHECK(loc_text(hex) == text);
  }
}

TEST_CASE("loc: malformed text is refused at the right token") {
  CHECK(loc_wire("91 N 0 E 0") == "error@0");
  CHECK(loc_wire("90 1 N 0 E 0") == "error@0");        // beyond the pole
  CHECK(loc_wire("0 N 181 E 0") == "error@2");
  CHECK(loc_wire("0 60 N 0 E 0") == "error@1");
  CHECK(loc_wire("0 0 60 N 0 E 0") == "error@2");
  CHECK(loc_wire("0 0 59.9999 N 0 E 0") == "error@2");  // at most 3 decimals
  CHECK(loc_wire("0 n 0 E 0") == "error@1");
  CHECK(loc_wire("-1 N 0 E 0") == "error@0");
  CHECK(loc_wire("0 N 0 E") == "error@4");               // altitude missing
  CHECK(loc_wire("0 N 0 X 0") == "error@3");
  CHECK(loc_wire("0 N 0 E 0.123m") == "error@4");
  CHECK(loc_wire("0 N 0 E -100000.01m") == "error@4");
  CHECK(loc_wire("0 N 0 E 42849672.96m") == "error@4");
  CHECK(loc_wire("0 N 0 E 0 90000001m") == "error@5");
  CHECK(loc_wire("0 N 0 E 0 1M") == "error@5");
  CHECK(loc_wire("0 N 0 E 0 -1m") == "error@5");
  CHECK(loc_wire("0 N 0 E 0 1m 2m 3m 4m") == "error@8");
  CHECK(loc_wire("0 N 0 E 0 .") == "error@5");
  CHECK(loc_wire("") == "error@0");
}

TEST_CASE("loc: check refuses bad wire") {
  auto check_hex = [](std::string_view hex) {
    return loc::check(from_hex(hex));
  };
  CHECK(check_hex("00121613800000008000000000989680") == WireError::Ok);
  CHECK(check_hex("001216138000000080000000009896") == WireError::Truncated);
  CHECK(check_hex("0012161380000000800000000098968000") == WireError::BadRdata);
  CHECK(check_hex("01121613800000008000000000989680") == WireError::BadRdata);  // version 1
  CHECK(check_hex("00A21613800000008000000000989680") == WireError::BadRdata);  // mantissa 10
  CHECK(check_hex("001A1613800000008000000000989680") == WireError::BadRdata);  // exponent 10
  CHECK(check_hex("00051613800000008000000000989680") == WireError::BadRdata);  // 0e5
  // Latitude 90°00'00.001" N, longitude 180°00'00.001" W.
  CHECK(check_hex("00121613934FD900800000000098968000") == WireError::BadRdata);  // 17 octets
  CHECK(check_hex("00121613934FD9008000000000989680") == WireError::Ok);        // 90° N
  CHECK(check_hex("00121613934FD9018000000000989680") == WireError::BadRdata);  // just past it
  CHECK(check_hex("001216138000000059604E0000989680") == WireError::Ok);        // 180° W
  CHECK(check_hex("001216138000000059604DFF00989680") == WireError::BadRdata);  // just past it
}
