#include <doctest/doctest.h>

#include "dns/encoding.hpp"

using namespace zoned::dns;

namespace {
std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
}

TEST_CASE("encoding: RFC 4648 section 10 vectors") {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* b64[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  const char* b32hex[] = {"", "CO", "CPNG", "CPNMU", "CPNMUOG", "CPNMUOJ1", "CPNMUOJ1E8"};
  for (int i = 0; i < 7; ++i) {
    std::string s;
    base64_encode(bytes(plain[i]), s);
    CHECK(s == b64[i]);
    std::vector<std::uint8_t> d;
    CHECK(base64_decode(b64[i], d));
    CHECK(d == bytes(plain[i]));
    s.clear();
    base32hex_encode(bytes(plain[i]), s);
    CHECK(s == b32hex[i]);
    d.clear();
    CHECK(base32hex_decode(b32hex[i], d));
    CHECK(d == bytes(plain[i]));
  }
  std::vector<std::uint8_t> d;
  CHECK(base32hex_decode("cpnmuoj1e8", d));
  CHECK(d == bytes("foobar"));
}

TEST_CASE("encoding: invalid input is rejected") {
  std::vector<std::uint8_t> d;
  CHECK(!base64_decode("Zg=", d));
  CHECK(!base64_decode("Z===", d));
  CHECK(!base64_decode("Zg=a", d));
  CHECK(!base64_decode("=Zga", d));
  CHECK(!base64_decode("Zm 9", d));
  CHECK(!base64_decode("Zm9v====", d));
  CHECK(!base32hex_decode("C", d));
  CHECK(!base32hex_decode("CPW", d));
  CHECK(!base32hex_decode("CP=", d));
  CHECK(!base32hex_decode("CR", d));  // non-zero trailing bits
  CHECK(!hex_decode("abc", d));
  CHECK(!hex_decode("zz", d));
  d.clear();
  CHECK(hex_decode("00fFaB", d));
  CHECK(d == std::vector<std::uint8_t>{0x00, 0xFF, 0xAB});
  std::string s;
  hex_encode(d, s);
  CHECK(s == "00FFAB");
}
