// Rdata codecs: text -> wire -> text round trips against wire bytes from
// dnspython and text as BIND's named-compilezone prints it.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "dns/rdata.hpp"
#include "dns/rdata_layout.hpp"
#include "rdata_text_util.hpp"

using namespace zoned::dns;
using namespace zoned::dns::test;

namespace {

const Name& origin() {
  static const Name o = Name::parse("example.").value();
  return o;
}

std::vector<std::uint8_t> parse_ok(RRType t, std::string_view text) {
  auto tokens = text_tokens(text);
  std::vector<std::uint8_t> wire;
  auto err = rdata_from_text(t, tokens, origin(), wire);
  INFO(type_to_text(t), " ", text, " -> ", (err ? err->message : std::string("ok")));
  REQUIRE(!err);
  return wire;
}

std::optional<RdataTextError> parse_err(RRType t, std::string_view text) {
  auto tokens = text_tokens(text);
  std::vector<std::uint8_t> wire;
  return rdata_from_text(t, tokens, origin(), wire);
}

std::string print(RRType t, std::span<const std::uint8_t> wire) {
  std::string s;
  rdata_to_text(t, wire, s);
  return s;
}

struct Sample {
  RRType type;
  const char* input;
  const char* wire_hex;  // dnspython to_wire()
  const char* output;    // named-compilezone, hex unbroken
};

const Sample kSamples[] = {
    {RRType::A, "192.0.2.1", "c0000201", "192.0.2.1"},
    {RRType::NS, "ns1", "036e7331076578616d706c6500", "ns1.example."},
    {RRType::CNAME, "www.example.org.", "03777777076578616d706c65036f726700", "www.example.org."},
    {RRType::SOA, "ns1 hostmaster 2024010101 1h 15m 1w 300",
     "036e7331076578616d706c65000a686f73746d6173746572076578616d706c650078a3f17500000e100000038400093a800000012c",
     "ns1.example. hostmaster.example. 2024010101 3600 900 604800 300"},
    {RRType::PTR, "host.example.", "04686f7374076578616d706c6500", "host.example."},
    {RRType::MX, "10 mail", "000a046d61696c076578616d706c6500", "10 mail.example."},
    {RRType::TXT, "\"hello world\" \"a\\\"b\" plain", "0b68656c6c6f20776f726c640361226205706c61696e",
     "\"hello world\" \"a\\\"b\" \"plain\""},
    {RRType::TXT, "\"\" \"x\\010y\\255\"", "0004780a79ff", "\"\" \"x\\010y\\255\""},
    {RRType::AAAA, "2001:db8::1", "20010db8000000000000000000000001", "2001:db8::1"},
    {RRType::HINFO, "\"PC\" \"Linux\"", "025043054c696e7578", "\"PC\" \"Linux\""},
    {RRType::RP, "mbox.example. txt.example.",
     "046d626f78076578616d706c650003747874076578616d706c6500", "mbox.example. txt.example."},
    {RRType::AFSDB, "1 afs.example.", "000103616673076578616d706c6500", "1 afs.example."},
    {RRType::SRV, "0 5 5060 sip.example.", "0000000513c403736970076578616d706c6500",
     "0 5 5060 sip.example."},
    {RRType::NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.",
     "0064000a0153075349502b44325500045f736970045f756470076578616d706c6500",
     "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example."},
    {RRType::CERT, "PGP 0 0 AAECAw==", "000300000000010203", "PGP 0 0 AAECAw=="},
    {RRType::CERT, "1 65535 ED25519 AAECAw==", "0001ffff0f00010203", "PKIX 65535 ED25519 AAECAw=="},
    {RRType::DNAME, "target.example.", "06746172676574076578616d706c6500", "target.example."},
    {RRType::DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
     "ec4505012bb183af5f22588179a53b0a98631fad1a292118",
     "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
    {RRType::DS, "60485 RSASHA1 1 2BB183AF5F22588179A5 3B0A98631FAD1A29211 8",
     "ec4505012bb183af5f22588179a53b0a98631fad1a292118",
     "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
    {RRType::SSHFP, "4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789",
     "0402123456789abcdef67890123456789abcdef67890123456789abcdef123456789",
     "4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789"},
    {RRType::IPSECKEY, "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "0a0102c0000226010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801",
     "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ=="},
    {RRType::IPSECKEY, "10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtu gbo6BSGvgqt4AQ==",
     "0a0002010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801",
     "10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ=="},
    {RRType::IPSECKEY, "10 3 2 gw AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "0a0302026777076578616d706c6500010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801",
     "10 3 2 gw.example. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ=="},
    {RRType::IPSECKEY, "10 2 0 2001:db8::1", "0a020020010db8000000000000000000000001",
     "10 2 0 2001:db8::1"},
    {RRType::RRSIG, "A RSASHA256 2 1h 20240201000000 20240101000000 12345 Example. AQIDBAUGBwgJ",
     "0001080200000e1065badf00659200803039074578616d706c6500010203040506070809",
     "A 8 2 3600 20240201000000 20240101000000 12345 Example. AQIDBAUGBwgJ"},
    {RRType::NSEC, "host.example. A MX RRSIG NSEC TYPE1234",
     "04686f7374076578616d706c65000006400100000003041b000000000000000000000000000000000000000000000000000020",
     "host.example. A MX RRSIG NSEC TYPE1234"},
    {RRType::DNSKEY, "257 3 8 AwEAAag=", "0101030803010001a8", "257 3 8 AwEAAag="},
    {RRType::DNSKEY, "257 3 ED25519 AwEAAag=", "0101030f03010001a8", "257 3 15 AwEAAag="},
    {RRType::DHCID, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
     "000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40",
     "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="},
    {RRType::NSEC3, "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG",
     "0101000c04aabbccdd14174eb2409fe28bcb4887a1836f957f0a8425e27b0006400000000002",
     "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG"},
    {RRType::NSEC3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
     "010000000014174eb2409fe28bcb4887a1836f957f0a8425e27b",
     "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR"},
    {RRType::NSEC3PARAM, "1 0 12 AABBCCDD", "0100000c04aabbccdd", "1 0 12 AABBCCDD"},
    {RRType::TLSA, "3 1 1 0123456789ABCDEF", "0301010123456789abcdef", "3 1 1 0123456789ABCDEF"},
    {RRType::SMIMEA, "3 1 1 0123456789abcdef", "0301010123456789abcdef", "3 1 1 0123456789ABCDEF"},
    {RRType::OPENPGPKEY, "AQID", "010203", "AQID"},
    {RRType::CSYNC, "66 3 A NS AAAA", "000000420003000460000008", "66 3 A NS AAAA"},
    {RRType::ZONEMD, "2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9A9713B3C9AE5CC27777F98B8E730044C",
     "7848b91c0101c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c",
     "2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9A9713B3C9AE5CC27777F98B8E730044C"},
    {RRType::EUI48, "00-00-5e-00-53-2a", "00005e00532a", "00-00-5e-00-53-2a"},
    {RRType::EUI64, "00-00-5E-ef-10-00-00-2a", "00005eef1000002a", "00-00-5e-ef-10-00-00-2a"},
    {RRType::URI, "10 1 \"ftp://ftp1.example.com/public\"",
     "000a00016674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963",
     "10 1 \"ftp://ftp1.example.com/public\""},
    {RRType::URI, "10 1 \"\"", "000a0001", "10 1 \"\""},
    {RRType::CAA, "0 issue \"ca.example.net; account=230123\"",
     "0005697373756563612e6578616d706c652e6e65743b206163636f756e743d323330313233",
     "0 issue \"ca.example.net; account=230123\""},
    {RRType::NID, "10 0014:4fff:ff20:ee64", "000a00144fffff20ee64", "10 14:4fff:ff20:ee64"},
    {RRType::L32, "10 10.1.2.0", "000a0a010200", "10 10.1.2.0"},
    {RRType::L64, "10 2001:0db8:1140:1000", "000a20010db811401000", "10 2001:db8:1140:1000"},
    {RRType::LP, "10 l64-subnet1.example.com.",
     "000a0b6c36342d7375626e657431076578616d706c6503636f6d00", "10 l64-subnet1.example.com."},
    {RRType::KX, "10 kx.example.", "000a026b78076578616d706c6500", "10 kx.example."},
    {RRType::PX, "10 net2.it. PRMD-net2.ADMD-p400.C-it.",
     "000a046e657432026974000950524d442d6e6574320941444d442d7034303004432d697400",
     "10 net2.it. PRMD-net2.ADMD-p400.C-it."},
    {RRType::RT, "10 relay.example.", "000a0572656c6179076578616d706c6500", "10 relay.example."},
    {RRType::MINFO, "rm em.example.", "02726d076578616d706c650002656d076578616d706c6500",
     "rm.example. em.example."},
    {RRType::X25, "\"311061700956\"", "0c333131303631373030393536", "\"311061700956\""},
    {RRType::ISDN, "\"150862028003217\" \"004\"", "0f3135303836323032383030333231370330303" "4",
     "\"150862028003217\" \"004\""},
    {RRType::ISDN, "\"150862028003217\"", "0f313530383632303238303033323137", "\"150862028003217\""},
    {RRType::GPOS, "\"-32.6882\" \"116.8652\" \"10.0\"", "082d33322e36383832083131362e3836353204" "31302e30",
     "\"-32.6882\" \"116.8652\" \"10.0\""},
    {RRType::SPF, "\"v=spf1 -all\"", "0b763d73706631202d616c6c", "\"v=spf1 -all\""},
    {RRType::DLV, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
     "ec4505012bb183af5f22588179a53b0a98631fad1a292118",
     "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
    {RRType::WKS, "192.0.2.1 tcp 25 80", "c0000201060000004000000000000080", "192.0.2.1 6 25 80"},
    {RRType::WKS, "192.0.2.1 17", "c000020111", "192.0.2.1 17"},
    {RRType::NSAP, "0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00",
     "47000580005a0000000001e133ffffff00016100", "0x47000580005a0000000001e133ffffff00016100"},
    {RRType::NXT, "medium.example. A MX SIG NXT", "066d656469756d076578616d706c650040010082",
     "medium.example. A MX SIG NXT"},
    {RRType::A6, "0 2345:00C1:CA11:0001:1234:5678:9ABC:DEF0", "00234500c1ca110001123456789abcdef0",
     "0 2345:c1:ca11:1:1234:5678:9abc:def0"},
    {RRType::A6, "64 ::1234:5678:9abc:def0 SUBNET-1.IP6.X.",
     "40123456789abcdef0085355424e45542d3103495036015800",
     "64 ::1234:5678:9abc:def0 SUBNET-1.IP6.X."},
    {RRType::A6, "127 ::1 p.", "7f01017000", "127 ::1 p."},
    {RRType::APL, "1:192.168.32.0/21 !1:192.168.38.0/28 2:ff00::/8 1:0.0.0.0/0",
     "00011503c0a82000011c83c0a82600020801ff00010000",
     "1:192.168.32.0/21 !1:192.168.38.0/28 2:ff00::/8 1:0.0.0.0/0"},
    {RRType::APL, "", "", ""},
    {RRType::AMTRELAY, "128 0 3 amtrelays.example.com.",
     "800309616d7472656c617973076578616d706c6503636f6d00", "128 0 3 amtrelays.example.com."},
    {RRType::AMTRELAY, "10 1 1 203.0.113.15", "0a81cb00710f", "10 1 1 203.0.113.15"},
    {RRType::AMTRELAY, "10 0 0 .", "0a00", "10 0 0 ."},
    {RRType::HIP,
     "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs1.example.com. rvs2.example.com.",
     "10020084200100107b1a74df365639cc39f1d57803010001b771ca136e4aeb5ce44333c53b3d2c13c22243851fc708bcce29f7e2eb5787b5f56ccad34f8223acc10904ddb56b2ec4a6d6232f3b50ea094f0914b3b941bbe529af582c36bbadefdaf2adaf9b4911906f5b2522603c615272b880ec8fb930cc6ee39c444daa75b1678f005a4b2499d1da5433f805c7a5ad3237acc5dd5c5e430472767331076578616d706c6503636f6d000472767332076578616d706c6503636f6d00",
     "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs1.example.com. rvs2.example.com."},
    {RRType::DOA, "0 1 2 \"\" -", "00000000000000010200", "0 1 2 \"\" -"},
    {RRType::DOA, "1 2 3 \"text/plain\" aGVs bG8=", "0000000100000002030a746578742f706c61696e68656c6c6f",
     "1 2 3 \"text/plain\" aGVsbG8="},
    {static_cast<RRType>(31), "0102", "0102", "0102"},  // EID
    {static_cast<RRType>(56), "\"a\" \"b\"", "01610162", "\"a\" \"b\""},  // NINFO
    {static_cast<RRType>(57), "0 3 8 AQID", "00000308010203", "0 3 8 AQID"},  // RKEY
    {static_cast<RRType>(58), "a b.example.", "0161076578616d706c65000162076578616d706c6500",
     "a.example. b.example."},  // TALINK
    {static_cast<RRType>(261), "\"qnamemin\" \"exterr=15-17\"",
     "08716e616d656d696e0c6578746572723d31352d3137", "\"qnamemin\" \"exterr=15-17\""},  // RESINFO
    {static_cast<RRType>(999), "\\# 3 abcdef", "abcdef", "\\# 3 ABCDEF"},
    {static_cast<RRType>(999), "\\# 0", "", "\\# 0"},
    {RRType::NULL_, "\\# 2 ab cd", "abcd", "\\# 2 ABCD"},
};

}  // namespace

TEST_CASE("rdata: text to wire to text for every sample") {
  for (const auto& s : kSamples) {
    std::string input = s.input;
    CAPTURE(input);
    auto wire = parse_ok(s.type, s.input);
    CHECK(to_hex_lower(wire) == s.wire_hex);
    CHECK(rdata_check(s.type, wire) == WireError::Ok);
    CHECK(print(s.type, wire) == s.output);
    // Printed text parses back to the same bytes.
    CHECK(to_hex_lower(parse_ok(s.type, s.output)) == s.wire_hex);
    // The message path yields the same bytes from uncompressed input.
    auto expected = from_hex(s.wire_hex);
    std::vector<std::uint8_t> copied;
    CHECK(rdata_from_message(s.type, expected, 0, static_cast<std::uint16_t>(expected.size()),
                             copied) == WireError::Ok);
    CHECK(copied == expected);
  }
}

TEST_CASE("rdata: RFC 3597 generic form for known types is checked") {
  auto w = parse_ok(RRType::A, "\\# 4 0a000001");
  CHECK(to_hex_lower(w) == "0a000001");
  CHECK(print(RRType::A, w) == "10.0.0.1");
  CHECK(parse_err(RRType::A, "\\# 3 0a0000"));                 // wrong length for A
  CHECK(parse_err(RRType::A, "\\# 5 0a000001"));               // length mismatch
  CHECK(parse_err(RRType::MX, "\\# 3 000a00") == std::nullopt);  // MX 10 .
  CHECK(parse_err(RRType::MX, "\\# 3 000a01"));                // truncated name
  CHECK(parse_err(static_cast<RRType>(999), "\\# 2 abc"));     // odd hex
  CHECK(parse_err(static_cast<RRType>(999), "abc"));           // unknown type needs \#
  std::string g;
  rdata_to_generic_text(w, g);
  CHECK(g == "\\# 4 0A000001");
}

TEST_CASE("rdata: text errors name what was expected") {
  auto e = parse_err(RRType::A, "192.0.2");
  REQUIRE(e);
  CHECK(e->message == "expected an IPv4 address");
  CHECK(e->token == 0);
  e = parse_err(RRType::MX, "10");
  REQUIRE(e);
  CHECK(e->message == "missing rdata field 'exchange'");
  CHECK(e->token == 1);
  e = parse_err(RRType::A, "192.0.2.1 192.0.2.2");
  REQUIRE(e);
  CHECK(e->message == "too many tokens");
  CHECK(e->token == 1);
  e = parse_err(RRType::AAAA, "192.0.2.1");
  REQUIRE(e);
  CHECK(e->message == "expected an IPv6 address");
  std::string long_string(256, 'x');
  e = parse_err(RRType::TXT, long_string);
  REQUIRE(e);
  CHECK(e->message.find("longer than 255") != std::string::npos);
  CHECK(!parse_err(RRType::TXT, std::string(255, 'x')));
  CHECK(parse_err(RRType::MX, "65536 mail"));
  CHECK(parse_err(RRType::MX, "-1 mail"));
  CHECK(parse_err(RRType::TXT, "\"bad\\25\""));   // \DDD needs 3 digits
  CHECK(parse_err(RRType::TXT, "\"bad\\256\""));  // > 255
  CHECK(parse_err(RRType::SOA, "ns1 hm 1 1x 1 1 1"));
  CHECK(parse_err(RRType::SOA, "ns1 hm 1 1h30 1 1 1"));  // BIND: syntax error
  CHECK(parse_err(RRType::SOA, "ns1 hm 1 4294967296 1 1 1"));
  CHECK(!parse_err(RRType::SOA, "ns1 hm 1 4294967295 1 1w1w 1"));
  CHECK(parse_err(RRType::DNSKEY, "257 3 8 AwEAAag"));   // bad base64 length
  CHECK(parse_err(RRType::DNSKEY, "257 3 8 AwE=AAag"));  // '=' in the middle
  CHECK(parse_err(RRType::DNSKEY, "257 3 NOSUCHALG AwEAAag="));
  CHECK(parse_err(RRType::DS, "1 8 2 ABC"));              // odd hex
  // BIND's digest length rules (RFC 4509, RFC 4255, RFC 8976).
  CHECK(parse_err(RRType::DS, "1 8 2 ABCD"));
  CHECK(parse_err(RRType::DS, "1 8 1 2BB183AF5F22588179A53B0A98631FAD1A29211800"));
  CHECK(!parse_err(RRType::DS, "1 8 9 ABCD"));
  CHECK(!parse_err(RRType::CDS, "0 0 0 00"));
  // NAPTR regexp and X25 address as BIND checks them.
  CHECK(parse_err(RRType::NAPTR, "1 1 \"S\" \"x\" \"bad\" ."));
  CHECK(!parse_err(RRType::NAPTR, "1 1 \"S\" \"x\" \"!a!b!\" ."));
  CHECK(!parse_err(RRType::NAPTR, "1 1 \"U\" \"E2U+sip\" \"!^(.*)$!sip:\\\\1@example.com!i\" ."));
  CHECK(parse_err(RRType::NAPTR, "1 1 \"U\" \"E2U+sip\" \"!^.*$!sip:\\\\1@example.com!\" ."));  // \1 without a group
  CHECK(parse_err(RRType::NAPTR, "1 1 \"S\" \"x\" \"!a!b!x\" ."));  // unknown flag
  CHECK(parse_err(RRType::NAPTR, "1 1 \"S\" \"x\" \"1a1b1\" ."));   // digit delimiter
  CHECK(parse_err(RRType::X25, "\"12a\""));
  CHECK(parse_err(RRType::SSHFP, "1 1 ABCD"));
  CHECK(!parse_err(RRType::SSHFP, "1 9 ABCD"));
  CHECK(parse_err(RRType::ZONEMD, "1 1 9 ABCD"));
  CHECK(!parse_err(RRType::ZONEMD, "1 1 9 000102030405060708090A0B"));
  CHECK(parse_err(RRType::ZONEMD, "1 1 1 000102030405060708090A0B"));
  CHECK(parse_err(RRType::NSEC, "host. A NOSUCHTYPE"));
  CHECK(parse_err(RRType::NSEC3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJW"));  // W not base32hex
  CHECK(parse_err(RRType::CAA, "0 is-sue \"x\""));
  CHECK(parse_err(RRType::EUI48, "00-00-5e-00-53"));
  CHECK(parse_err(RRType::IPSECKEY, "10 4 2 . AQID"));
  CHECK(parse_err(RRType::IPSECKEY, "10 0 2 gw AQID"));
  CHECK(parse_err(RRType::RRSIG, "A 8 2 3600 20241301000000 20240101000000 1 . AQID"));
  CHECK(parse_err(RRType::RRSIG, "A 8 2 3600 20230229000000 20240101000000 1 . AQID"));
  CHECK(parse_err(RRType::RRSIG, "A 8 2 3600 20240431000000 20240101000000 1 . AQID"));
  CHECK(!parse_err(RRType::RRSIG, "A 8 2 3600 20240229000000 20240101000000 1 . AQID"));
}

TEST_CASE("rdata: TTL units and RRSIG times") {
  auto w = parse_ok(RRType::SOA, ". . 1 1w2d3h4m5s 1H30M 90 2W");
  CHECK(print(RRType::SOA, w) == ". . 1 788645 5400 90 1209600");
  w = parse_ok(RRType::RRSIG, "A 8 2 3600 1706745600 20240101000000 1 . AQID");
  CHECK(print(RRType::RRSIG, w) == "A 8 2 3600 20240201000000 20240101000000 1 . AQID");
  w = parse_ok(RRType::RRSIG, "TYPE65535 8 2 3600 21060207062815 19700101000000 1 . AQID");
  CHECK(print(RRType::RRSIG, w) == "TYPE65535 8 2 3600 21060207062815 19700101000000 1 . AQID");
}

TEST_CASE("rdata: malformed wire is rejected for every field kind") {
  struct Bad {
    RRType type;
    const char* hex;
  };
  const Bad bad[] = {
      {RRType::A, ""},
      {RRType::A, "0a0000"},
      {RRType::A, "0a00000101"},
      {RRType::AAAA, "20010db8"},
      {RRType::NS, ""},
      {RRType::NS, "03777777"},                 // name runs off the end
      {RRType::NS, "c000"},                     // pointer in stored rdata
      {RRType::NS, "4000"},                     // extended label type
      {RRType::NS, "0100000000"},               // trailing bytes
      {RRType::MX, "000a"},
      {RRType::MX, "00"},
      {RRType::SOA, "0000000000000100000002"},  // timers missing
      {RRType::TXT, ""},
      {RRType::TXT, "05616263"},                // string longer than rdata
      {RRType::HINFO, "025043"},                // second string missing
      {RRType::DS, "ec450501"},                 // empty digest
      {RRType::DS, "ec450502abcd"},             // SHA-256 digest of 2 octets
      {RRType::NAPTR, "000100010153017803626164" "00"},  // regexp "bad"
      {RRType::X25, "03313261"},                // "12a"
      {RRType::SSHFP, "0401abcd"},              // SHA-1 fingerprint of 2 octets
      {RRType::ZONEMD, "000000010101abcd"},     // digest under 12 octets
      {RRType::DNSKEY, "01010308"},             // empty key
      {RRType::NSEC3, "0101000c04aabbccdd00"},  // empty next hashed owner
      {RRType::NSEC3, "0101000c04aabbcc"},      // salt longer than rdata
      {RRType::NSEC3PARAM, "0100000c"},
      {RRType::NSEC, "00000100"},               // zero-length window
      {RRType::NSEC, "0000024000"},             // trailing zero octet
      {RRType::NSEC, "00014001000140"},         // windows out of order
      {RRType::NSEC, "000140000140"},           // duplicate window
      {RRType::NSEC, "00214000000000000000000000000000000000000000000000000000000000000001"},  // 33 octets
      {RRType::NSEC, "000340"},                 // window longer than rdata
      {RRType::CAA, "0005697373"},              // tag longer than rdata
      {RRType::CAA, "0003692d73"},              // tag not alphanumeric
      {RRType::CAA, "0000"},                    // empty tag
      {RRType::EUI48, "00005e0053"},
      {RRType::IPSECKEY, "0a0402"},             // gateway type 4
      {RRType::IPSECKEY, "0a0102c00002"},       // IPv4 gateway truncated
      {RRType::RRSIG, "00010802000e1000"},
      {RRType::URI, "000a"},
      {RRType::A6, "7f02017000"},               // pad bit set
      {RRType::A6, "8100"},                     // prefix length 129
      {RRType::A6, "7f01"},                     // prefix name missing
      {RRType::APL, "00010803c0a800"},          // trailing zero octet
      {RRType::APL, "00030803c0a801"},          // unknown family
      {RRType::APL, "00012103c0a801"},          // prefix 33 for IPv4
      {RRType::NXT, "0080"},                    // bit 0 set
      {RRType::NXT, "00400000000000000000000000000000000001"},  // 17 octets
      {RRType::NXT, "00400000"},                // trailing zero octet (fuzz_rdata)
      {RRType::WKS, "c00002010640000000"},      // trailing zero octet (fuzz_rdata)
      {RRType::HIP, "10020084"},
      {RRType::HIP, "0002000100"},              // empty HIT
      {RRType::AMTRELAY, "0a04"},               // relay type 4
      {RRType::NSAP, ""},
  };
  for (const auto& b : bad) {
    std::string h = b.hex;
    h.erase(std::remove(h.begin(), h.end(), ' '), h.end());
    auto wire = from_hex(h);
    CAPTURE(type_to_text(b.type));
    CAPTURE(h);
    CHECK(rdata_check(b.type, wire) != WireError::Ok);
    std::vector<std::uint8_t> out;
    CHECK(rdata_from_message(b.type, wire, 0, static_cast<std::uint16_t>(wire.size()), out) !=
          WireError::Ok);
    std::string text;
    rdata_to_text(b.type, wire, text);  // falls back to the generic form
    CHECK(text.rfind("\\# ", 0) == 0);
  }
}

TEST_CASE("rdata: a cut-short prefix of valid rdata is rejected unless it is whole rdata itself") {
  // Types whose samples end in a field that says where it ends (an address, a
  // name, a fixed number, a counted string that must be there): every strict
  // prefix is malformed.
  const RRType self_delimited[] = {RRType::A,   RRType::AAAA,  RRType::NS,    RRType::CNAME, RRType::DNAME,
                                   RRType::PTR, RRType::MX,    RRType::SOA,   RRType::SRV,   RRType::MINFO,
                                   RRType::RP,  RRType::RT,    RRType::KX,    RRType::PX,    RRType::NID,
                                   RRType::L32, RRType::L64,   RRType::LP,    RRType::EUI48, RRType::EUI64,
                                   RRType::HINFO, RRType::NSEC3PARAM};
  std::size_t rejected = 0;
  for (const auto& s : kSamples) {
    CAPTURE(type_to_text(s.type));
    const auto full = from_hex(s.wire_hex);
    const bool every_prefix_bad =
        std::find(std::begin(self_delimited), std::end(self_delimited), s.type) != std::end(self_delimited);
    for (std::size_t n = 0; n < full.size(); ++n) {
      CAPTURE(n);
      const std::span<const std::uint8_t> part(full.data(), n);
      const WireError checked = rdata_check(s.type, part);
      std::vector<std::uint8_t> out;
      // The message reader's check and the decoder agree.
      CHECK((checked == WireError::Ok) ==
            (rdata_from_message(s.type, part, 0, static_cast<std::uint16_t>(n), out) == WireError::Ok));
      if (checked != WireError::Ok) {
        ++rejected;
        continue;
      }
      // Accepted: it must be whole rdata on its own (a TXT cut between its
      // strings, a key or digest cut shorter), which prints and reads back
      // as the same bytes.
      CHECK_FALSE(every_prefix_bad);
      const std::string text = print(s.type, part);
      CAPTURE(text);
      std::vector<std::uint8_t> back;
      auto tokens = text_tokens(text);
      REQUIRE_FALSE(rdata_from_text(s.type, tokens, origin(), back));
      CHECK(back == std::vector<std::uint8_t>(part.begin(), part.end()));
    }
  }
  CHECK(rejected > 500);
}

TEST_CASE("rdata: decompression from messages follows RFC 3597 section 4") {
  // Message: a zeroed header, at offset 12 the name "example." (9 bytes); rdata follows.
  std::vector<std::uint8_t> msg = from_hex("000000000000000000000000076578616d706c6500");
  const std::size_t rdata_at = msg.size();
  // MX 10 mail.<ptr to 0>
  auto mx = from_hex("000a046d61696cc00c");
  msg.insert(msg.end(), mx.begin(), mx.end());
  std::vector<std::uint8_t> out;
  REQUIRE(rdata_from_message(RRType::MX, msg, rdata_at, static_cast<std::uint16_t>(mx.size()), out) ==
          WireError::Ok);
  CHECK(to_hex_lower(out) == "000a046d61696c076578616d706c6500");

  // SRV may arrive compressed (leniency, like Knot).
  msg.resize(rdata_at);
  auto srv = from_hex("0000000513c403736970c00c");
  msg.insert(msg.end(), srv.begin(), srv.end());
  out.clear();
  REQUIRE(rdata_from_message(RRType::SRV, msg, rdata_at, static_cast<std::uint16_t>(srv.size()), out) ==
          WireError::Ok);
  CHECK(to_hex_lower(out) == "0000000513c403736970076578616d706c6500");

  // RRSIG's signer and NSEC's next name must not be compressed.
  msg.resize(rdata_at);
  auto nsec = from_hex("c00c000140");
  msg.insert(msg.end(), nsec.begin(), nsec.end());
  out.clear();
  CHECK(rdata_from_message(RRType::NSEC, msg, rdata_at, static_cast<std::uint16_t>(nsec.size()), out) !=
        WireError::Ok);

  // A forward pointer, and a name that runs past rdlength into the next bytes.
  msg.resize(rdata_at);
  auto fwd = from_hex("000ac01a00");
  msg.insert(msg.end(), fwd.begin(), fwd.end());
  out.clear();
  CHECK(rdata_from_message(RRType::MX, msg, rdata_at, 5, out) != WireError::Ok);
  msg.resize(rdata_at);
  auto over = from_hex("000a046d61696c00");
  msg.insert(msg.end(), over.begin(), over.end());
  out.clear();
  CHECK(rdata_from_message(RRType::MX, msg, rdata_at, 7, out) != WireError::Ok);
  // rdlength beyond the message.
  out.clear();
  CHECK(rdata_from_message(RRType::MX, msg, rdata_at, 200, out) == WireError::Truncated);
}

TEST_CASE("rdata: canonical form lowercases names of the listed types only") {
  auto mx = parse_ok(RRType::MX, "10 MAIL.Example.");
  rdata_to_canonical(RRType::MX, mx);
  CHECK(print(RRType::MX, mx) == "10 mail.example.");

  auto rrsig = parse_ok(RRType::RRSIG, "A 8 2 3600 20240201000000 20240101000000 1 EXAMPLE. AQID");
  rdata_to_canonical(RRType::RRSIG, rrsig);
  CHECK(print(RRType::RRSIG, rrsig) == "A 8 2 3600 20240201000000 20240101000000 1 example. AQID");

  // RFC 6840 §5.1: NSEC next name keeps its case.
  auto nsec = parse_ok(RRType::NSEC, "HOST.Example. A");
  rdata_to_canonical(RRType::NSEC, nsec);
  CHECK(print(RRType::NSEC, nsec) == "HOST.Example. A");

  // Names only: HINFO and TXT strings keep their case; label lengths are untouched
  // even when they look like upper-case letters (length 65 = 'A').
  auto txt = parse_ok(RRType::TXT, "\"ABC\"");
  rdata_to_canonical(RRType::TXT, txt);
  CHECK(print(RRType::TXT, txt) == "\"ABC\"");
  std::string long_label(63, 'Q');
  auto ns = parse_ok(RRType::NS, long_label + ".X.");
  rdata_to_canonical(RRType::NS, ns);
  CHECK(print(RRType::NS, ns) == std::string(63, 'q') + ".x.");

  auto srv = parse_ok(RRType::SRV, "0 0 1 SIP.Example.");
  rdata_to_canonical(RRType::SRV, srv);
  CHECK(print(RRType::SRV, srv) == "0 0 1 sip.example.");
}

TEST_CASE("rdata: where the compressible names are") {
  const auto where = [](RRType t) {
    const CompressibleNames c = compressible_names(t);
    return std::pair<int, int>{c.skip, c.names};
  };
  CHECK(where(RRType::NS) == std::pair{0, 1});
  CHECK(where(RRType::CNAME) == std::pair{0, 1});
  CHECK(where(RRType::PTR) == std::pair{0, 1});
  CHECK(where(RRType::SOA) == std::pair{0, 2});
  CHECK(where(RRType::MINFO) == std::pair{0, 2});
  CHECK(where(RRType::MX) == std::pair{2, 1});
  // RFC 3597 §4: names of later types are never compressed on write.
  for (RRType t : {RRType::SRV, RRType::RRSIG, RRType::NSEC, RRType::DNAME, RRType::A, static_cast<RRType>(999)}) {
    CHECK(where(t).second == 0);
  }
  // The writer takes `skip` octets, the names in a row, then copies the rest:
  // every layout with such names must have that shape.
  for (unsigned code = 0; code <= 0xffff; ++code) {
    const RdataLayout* layout = rdata_layout(static_cast<RRType>(code));
    if (layout == nullptr) continue;
    CAPTURE(code);
    std::size_t first = layout->count, count = 0, skip = 0;
    for (std::size_t f = 0; f < layout->count; ++f) {
      if (layout->fields[f].kind != Field::NameCompress) continue;
      first = std::min(first, f);
      ++count;
    }
    if (count == 0) {
      CHECK(compressible_names(static_cast<RRType>(code)).names == 0);
      continue;
    }
    CHECK(code < 256);
    for (std::size_t f = 0; f < first; ++f) {
      CHECK(layout->fields[f].kind == Field::U16);
      skip += 2;
    }
    for (std::size_t f = first; f < first + count; ++f) CHECK(layout->fields[f].kind == Field::NameCompress);
    CHECK(where(static_cast<RRType>(code)) == std::pair<int, int>{static_cast<int>(skip), static_cast<int>(count)});
  }
}

TEST_CASE("rdata: quoted strings escape only what BIND escapes") {
  auto w = parse_ok(RRType::TXT, "\"a;b(c)d\\\\e\\\"f\\@g$ h\\009\"");
  CHECK(print(RRType::TXT, w) == "\"a;b(c)d\\\\e\\\"f@g$ h\\009\"");
  w = parse_ok(RRType::CAA, "0 issue \"a;b\\\"c\\\\ (x)\"");
  CHECK(print(RRType::CAA, w) == "0 issue \"a;b\\\"c\\\\ (x)\"");
  // URI targets and CAA values are not limited to 255 octets.
  std::string long_uri = "1 1 \"" + std::string(300, 'u') + "\"";
  w = parse_ok(RRType::URI, long_uri);
  CHECK(w.size() == 304);
  CHECK(print(RRType::URI, w) == long_uri);
}

TEST_CASE("rdata: the URI target must be quoted, a CAA value need not be (as BIND)") {
  auto err = parse_err(RRType::URI, "10 1 ftp://ftp.example.com/public");
  REQUIRE(err);
  CHECK(err->token == 2);
  CHECK(err->message == "the target must be a quoted string");
  auto w = parse_ok(RRType::CAA, "0 issue letsencrypt.org");
  CHECK(print(RRType::CAA, w) == "0 issue \"letsencrypt.org\"");
}

TEST_CASE("rdata: rdata_check_in_message agrees with rdata_from_message") {
  // A zeroed header, then "example." at 12.
  std::vector<std::uint8_t> msg = from_hex("000000000000000000000000076578616d706c6500");
  const std::size_t at = msg.size();
  auto soa = from_hex("036e7331c00cc00c0000000100000002000000030000000400000005");
  msg.insert(msg.end(), soa.begin(), soa.end());
  auto n = static_cast<std::uint16_t>(soa.size());
  CHECK(rdata_check_in_message(RRType::SOA, msg, at, n) == WireError::Ok);
  std::vector<std::uint8_t> out;
  REQUIRE(rdata_from_message(RRType::SOA, msg, at, n, out) == WireError::Ok);
  CHECK(print(RRType::SOA, out) == "ns1.example. example. 1 2 3 4 5");
  CHECK(rdata_check_in_message(RRType::SOA, msg, at, static_cast<std::uint16_t>(n - 1)) != WireError::Ok);
  CHECK(rdata_check_in_message(RRType::SOA, msg, at, static_cast<std::uint16_t>(n + 1)) == WireError::Truncated);
  // Every truncation of every sample: both functions give the same verdict.
  for (const auto& s : kSamples) {
    auto full = from_hex(s.wire_hex);
    for (std::size_t len = 0; len <= full.size(); ++len) {
      std::span<const std::uint8_t> part(full.data(), len);
      std::vector<std::uint8_t> copy;
      auto a = rdata_from_message(s.type, part, 0, static_cast<std::uint16_t>(len), copy);
      auto b = rdata_check_in_message(s.type, part, 0, static_cast<std::uint16_t>(len));
      CHECK(a == b);
    }
  }
}
