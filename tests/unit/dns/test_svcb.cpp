#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dns/rdata_svcb.hpp"
#include "rdata_text_util.hpp"

using namespace zoned::dns;
using namespace zoned::dns::test;

namespace {

// Hex of the params wire, or "error@<token>".
std::string svcb_wire(std::string_view text) {
  auto tokens = text_tokens(text);
  std::vector<std::uint8_t> out = {0xAA};  // the caller's rdata so far must be kept
  if (auto err = svcb::params_from_text(tokens, out)) {
    CHECK(!err->message.empty());
    return "error@" + std::to_string(err->token);
  }
  CHECK(out.front() == 0xAA);
  std::vector<std::uint8_t> params(out.begin() + 1, out.end());
  CHECK(svcb::params_check(params) == WireError::Ok);
  return to_hex(params);
}

// Text -> wire -> text.
std::string svcb_text(std::string_view text) {
  auto tokens = text_tokens(text);
  std::vector<std::uint8_t> wire;
  auto err = svcb::params_from_text(tokens, wire);
  REQUIRE_MESSAGE(!err, text);
  std::string out;
  svcb::params_to_text(wire, out);
  // What we print must read back as the same wire.
  auto tokens2 = text_tokens(out);
  std::vector<std::uint8_t> wire2;
  CHECK_FALSE(svcb::params_from_text(tokens2, wire2));
  CHECK(wire2 == wire);
  return out;
}

WireError check_hex(std::string_view hex) { return svcb::params_check(from_hex(hex)); }

}  // namespace

TEST_CASE("svcb: RFC 9460 Appendix D.2 test vectors") {
  CHECK(svcb_wire("") == "");
  CHECK(svcb_wire("port=53") == "000300020035");
  CHECK(svcb_wire("key667=hello") == "029B000568656C6C6F");
  CHECK(svcb_wire(R"(key667="hello\210qoo")") == "029B000968656C6C6FD2716F6F");
  CHECK(svcb_wire(R"(ipv6hint="2001:db8::1,2001:db8::53:1")") ==
        "00060020"
        "20010DB8000000000000000000000001"
        "20010DB8000000000000000000530001");
  CHECK(svcb_wire(R"(ipv6hint="2001:db8:122:344::192.0.2.33")") ==
        "0006001020010DB80122034400000000C0000221");
  // Keys given out of order are sorted (§2.2).
  CHECK(svcb_wire("alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1") ==
        "0000000400010004"
        "00010009026832056833" "2D3139"
        "00040004C0000201");
  // Value-list escaping after character-string decoding (Appendix A.1).
  CHECK(svcb_wire(R"(alpn="f\\\\oo\\,bar,h2")") == "0001000C08665C6F6F2C626172026832");
  CHECK(svcb_wire(R"(alpn=f\\\092oo\092,bar,h2)") == "0001000C08665C6F6F2C626172026832");
}

TEST_CASE("svcb: RFC 9460 Appendix D.3 failure cases") {
  CHECK(svcb_wire("key123=abc key123=def") == "error@1");  // duplicate key
  CHECK(svcb_wire("mandatory") == "error@0");               // values that must be non-empty
  CHECK(svcb_wire("alpn") == "error@0");
  CHECK(svcb_wire("port") == "error@0");
  CHECK(svcb_wire("ipv4hint") == "error@0");
  CHECK(svcb_wire("ipv6hint") == "error@0");
  CHECK(svcb_wire("no-default-alpn=abc") == "error@0");    // key that takes no value
  CHECK(svcb_wire("mandatory=key123") == "error@0");       // mandatory key missing
  CHECK(svcb_wire("mandatory=mandatory") == "error@0");    // recursive mandatory
  CHECK(svcb_wire("mandatory=key123,key123 key123=abc") == "error@0");  // duplicate in mandatory
}

TEST_CASE("svcb: more text rules (checked against BIND named-compilezone)") {
  CHECK(svcb_wire("ech") == "00050000");
  CHECK(svcb_wire(R"(ech="")") == "00050000");
  CHECK(svcb_wire("ech=AAA=") == "000500020000");
  CHECK(svcb_wire("ech=AAA") == "error@0");
  CHECK(svcb_wire("no-default-alpn") == "error@0");        // needs alpn (§7.1.1)
  CHECK(svcb_wire("alpn=h2 no-default-alpn") == "00010003026832" "00020000");
  CHECK(svcb_wire(R"(alpn="")") == "error@0");
  CHECK(svcb_wire("alpn=h2,,h3") == "error@0");
  CHECK(svcb_wire("alpn=h2,") == "error@0");
  CHECK(svcb_wire(R"(alpn=a\\b)") == "error@0");           // only \, and \\ escapes in lists
  CHECK(svcb_wire("alpn=h\\050") == "00010003026832");
  CHECK(svcb_wire("key1=\\002h2") == "00010003026832");    // opaque form of a known key
  CHECK(svcb_wire("key3=\\000\\001") == "000300020001");
  CHECK(svcb_wire("key3=5") == "error@0");                 // port must be 2 octets
  CHECK(svcb_wire("port=1 key3=\\000\\002") == "error@1");
  CHECK(svcb_wire("port=65535") == "00030002FFFF");
  CHECK(svcb_wire("port=05") == "000300020005");
  CHECK(svcb_wire("port=65536") == "error@0");
  CHECK(svcb_wire("port=0x10") == "error@0");
  CHECK(svcb_wire("port=+5") == "error@0");
  CHECK(svcb_wire("port=") == "error@0");
  CHECK(svcb_wire("ipv4hint=1.2.3.4,") == "error@0");
  CHECK(svcb_wire("ipv4hint=1.2.3") == "error@0");
  CHECK(svcb_wire("ipv4hint=1.2.3.4,5.6.7.8") == "0004000801020304" "05060708");
  CHECK(svcb_wire("ipv6hint=1.2.3.4") == "error@0");
  CHECK(svcb_wire("mandatory=port,alpn alpn=h2 port=1") ==
        "0000000400010003" "00010003026832" "000300020001");
  CHECK(svcb_wire("mandatory=key3 port=2") == "000000020003" "000300020002");
  CHECK(svcb_wire("mandatory=key0") == "error@0");
  CHECK(svcb_wire("key65535=a") == "error@0");
  CHECK(svcb_wire("key65534") == "FFFE0000");
  CHECK(svcb_wire("key007=a") == "error@0");               // no leading zeros
  CHECK(svcb_wire("ALPN=h2") == "error@0");                // keys are lower case
  CHECK(svcb_wire("foo=bar") == "error@0");
  CHECK(svcb_wire("port=53 \"key9=x\"") == "error@1");     // a quoted token is not a param
  CHECK(svcb_wire("key9=a\"b") == "error@0");
  CHECK(svcb_wire("key9=\\25") == "error@0");
  CHECK(svcb_wire("key9=\\256") == "error@0");
  CHECK(svcb_wire("key9=ab\\") == "error@0");
  CHECK(svcb_wire("key9=\\,") == "000900012C");
  CHECK(svcb_wire("dohpath=/dns-query{?dns}") == "00070010" "2F646E732D71756572797B3F646E737D");
  CHECK(svcb_wire("dohpath=/q{?a,dns}") == "0007000A" "2F717B3F612C646E737D");
  CHECK(svcb_wire("dohpath=/q") == "error@0");             // RFC 9461 §5: needs the dns variable
  CHECK(svcb_wire("dohpath") == "error@0");
  CHECK(svcb_wire("dohpath=/\\255{?dns}") == "error@0");   // not UTF-8
  CHECK(svcb_wire("ohttp") == "00080000");
  CHECK(svcb_wire("ohttp=x") == "error@0");
  CHECK(svcb_wire("port=1 alpn=h2 alpn=h3") == "error@2");
}

TEST_CASE("svcb: presentation output matches BIND") {
  CHECK(svcb_text("port=53") == " port=53");
  CHECK(svcb_text("key667=hello") == R"( key667="hello")");
  CHECK(svcb_text(R"(key667="hello\210qoo")") == R"( key667="hello\210qoo")");
  CHECK(svcb_text(R"(ipv6hint="2001:db8::1,2001:db8::53:1")") == " ipv6hint=2001:db8::1,2001:db8::53:1");
  CHECK(svcb_text(R"(ipv6hint="2001:db8:122:344::192.0.2.33")") == " ipv6hint=2001:db8:122:344::c000:221");
  CHECK(svcb_text("alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1") ==
        R"( mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1)");
  CHECK(svcb_text(R"(alpn=f\\\092oo\092,bar,h2)") == R"( alpn="f\\\\oo\\,bar,h2")");
  CHECK(svcb_text("alpn=h2 no-default-alpn ech=AEX+DQBBtQAgACB2+PM2nZZIg0YzfMYTubUGdsqTYpgaKgk= port=443") ==
        R"( alpn="h2" no-default-alpn port=443 ech=AEX+DQBBtQAgACB2+PM2nZZIg0YzfMYTubUGdsqTYpgaKgk=)");
  CHECK(svcb_text(R"(key9="a b\"c" key10=x key65534 key3="\000\053")") ==
        R"( port=53 key9="a b\"c" key10="x" key65534)");
  CHECK(svcb_text(R"(alpn="a\"b,c d,e\\\\\\,f,\007")") == R"( alpn="a\"b,c\032d,e\\\\\\,f,\007")");
  CHECK(svcb_text(R"(ipv4hint=1.2.3.4,5.6.7.8 mandatory=key1234 key1234="")") ==
        " mandatory=key1234 ipv4hint=1.2.3.4,5.6.7.8 key1234");
  CHECK(svcb_text(R"(alpn="a;b(c)d@e$f\127\255\009~\032x")") ==
        R"( alpn="a;b(c)d@e$f\127\255\009~\032x")");
  CHECK(svcb_text(R"(key9="a;b(c)d@e$f\127\255\009~\032x\\y\"z,w")") ==
        R"( key9="a;b(c)d@e$f\127\255\009~ x\\y\"z,w")");
  CHECK(svcb_text("ech=\"\"") == " ech");
  CHECK(svcb_text("key1=\\002h2") == R"( alpn="h2")");
  // BIND 9.18 prints dohpath/ohttp as key7/key8; newer BIND uses the names.
  CHECK(svcb_text("dohpath=/dns-query{?dns} alpn=h2 ohttp") ==
        R"( alpn="h2" dohpath="/dns-query{?dns}" ohttp)");
}

TEST_CASE("svcb: params_check refuses bad wire") {
  CHECK(check_hex("") == WireError::Ok);
  CHECK(check_hex("000300020035") == WireError::Ok);
  CHECK(check_hex("0003000200") == WireError::Truncated);            // value overruns
  CHECK(check_hex("000300") == WireError::Truncated);                // header cut short
  CHECK(check_hex("0003FFFF0035") == WireError::Truncated);
  CHECK(check_hex("00030001" "35") == WireError::BadRdata);          // port is 2 octets
  CHECK(check_hex("000300020035" "00010003026832") == WireError::BadRdata);  // out of order
  CHECK(check_hex("000300020035" "000300020035") == WireError::BadRdata);    // duplicate
  CHECK(check_hex("00010000") == WireError::BadRdata);               // empty alpn
  CHECK(check_hex("00010001" "00") == WireError::BadRdata);          // empty alpn id
  CHECK(check_hex("00010003" "036832") == WireError::BadRdata);      // alpn id overruns
  CHECK(check_hex("00040005" "0102030405") == WireError::BadRdata);
  CHECK(check_hex("00040000") == WireError::BadRdata);
  CHECK(check_hex("0006000F" "000000000000000000000000000000") == WireError::BadRdata);
  CHECK(check_hex("00000001" "00") == WireError::BadRdata);          // odd mandatory
  CHECK(check_hex("00000000") == WireError::BadRdata);               // empty mandatory
  CHECK(check_hex("00000002" "0000") == WireError::BadRdata);        // lists itself
  CHECK(check_hex("00000004" "00030001" "00010003026832" "000300020035") == WireError::BadRdata);  // unsorted
  CHECK(check_hex("00000004" "00010001" "00010003026832") == WireError::BadRdata);  // repeated
  CHECK(check_hex("00000002" "0003") == WireError::BadRdata);        // listed key missing
  CHECK(check_hex("00000002" "0003" "000300020035") == WireError::Ok);
  CHECK(check_hex("00020000") == WireError::BadRdata);               // no-default-alpn alone
  CHECK(check_hex("00010003026832" "00020000") == WireError::Ok);
  CHECK(check_hex("00010003026832" "00020001" "00") == WireError::BadRdata);
  CHECK(check_hex("00070002" "2F71") == WireError::BadRdata);        // dohpath without dns
  CHECK(check_hex("00080000") == WireError::Ok);
  CHECK(check_hex("00080001" "00") == WireError::BadRdata);
  CHECK(check_hex("FFFF0000") == WireError::BadRdata);               // key65535
  CHECK(check_hex("FFFE0003" "000102") == WireError::Ok);
}

TEST_CASE("svcb: params_to_text never reads past truncated input") {
  std::string out;
  svcb::params_to_text(from_hex("0003FFFF0035"), out);
  CHECK(out.empty());
  svcb::params_to_text(from_hex("000300020035" "0001"), out);
  CHECK(out == " port=53");
  out.clear();
  // A value that breaks its key's rules is printed in the opaque form.
  svcb::params_to_text(from_hex("00030001" "35"), out);
  CHECK(out == R"( key3="5")");
}
