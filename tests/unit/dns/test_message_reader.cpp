#include <doctest/doctest.h>

#include <vector>

#include "dns/message_reader.hpp"
#include "test_message_util.hpp"

using namespace zoned::dns;
using zoned::dns::test::Bytes;

namespace {

ParseError parse(const Bytes& m, ParseOptions o = {}) {
  MessageReader r(m.b);
  return r.parse(o);
}

// A query for www.example.com/A (qname at offset 12).
Bytes query(unsigned an = 0, unsigned ns = 0, unsigned ar = 0) {
  Bytes m;
  m.header(0x1234, 0x0100, 1, an, ns, ar).name("www.example.com").u16(1).u16(1);
  return m;
}

Bytes& opt(Bytes& m, unsigned size = 1232, std::uint32_t ttl = 0) {
  return m.u8(0).u16(41).u16(size).u32(ttl).u16(0);
}

}  // namespace

TEST_CASE("message reader: header accessors and question") {
  Bytes m = query();
  MessageReader r(m.b);
  REQUIRE(r.parse() == ParseError::Ok);
  CHECK(r.id() == 0x1234);
  CHECK(r.has_flag(flag::RD));
  CHECK_FALSE(r.has_flag(flag::QR));
  CHECK(r.opcode() == Opcode::QUERY);
  CHECK(r.qdcount() == 1);
  CHECK(r.ancount() == 0);
  REQUIRE(r.has_question());
  CHECK(r.question_pos() == kHeaderSize);
  CHECK(r.qtype() == RRType::A);
  CHECK(r.qclass() == RRClass::IN);
  Name q;
  REQUIRE(r.question_name(q) == WireError::Ok);
  CHECK(q.to_text() == "www.example.com.");
  CHECK_FALSE(r.has_opt());
  CHECK_FALSE(r.has_tsig());
}

TEST_CASE("message reader: short header is a drop, not FORMERR") {
  Bytes m;
  m.raw({0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0});
  CHECK(parse(m) == ParseError::ShortHeader);
  CHECK(should_drop(ParseError::ShortHeader));
  CHECK_FALSE(should_drop(ParseError::Truncated));
  CHECK(parse(Bytes{}) == ParseError::ShortHeader);
}

TEST_CASE("message reader: truncation at every point is rejected") {
  Bytes m = query(1, 0, 0);
  m.ptr(12).u16(1).u16(1).u32(300).u16(4).raw({192, 0, 2, 1});
  REQUIRE(parse(m) == ParseError::Ok);
  for (std::size_t n = kHeaderSize; n < m.size(); ++n) {
    Bytes cut;
    cut.b.assign(m.b.begin(), m.b.begin() + static_cast<std::ptrdiff_t>(n));
    CAPTURE(n);
    CHECK(parse(cut) == ParseError::Truncated);
  }
}

TEST_CASE("message reader: truncated question and rdata") {
  Bytes q;
  q.header(1, 0, 1, 0, 0, 0).name("example").u16(1);  // QCLASS missing
  CHECK(parse(q) == ParseError::Truncated);
  Bytes r = query(1);
  r.ptr(12).u16(1).u16(1).u32(0).u16(10).raw({1, 2, 3, 4});  // rdlength past the end
  CHECK(parse(r) == ParseError::Truncated);
}

TEST_CASE("message reader: impossible counts rejected before any work") {
  Bytes m;
  m.header(1, 0, 0, 65535, 0, 0);
  CHECK(parse(m) == ParseError::Truncated);
  Bytes m2;
  m2.header(1, 0, 0, 0, 0, 65535).raw({0, 0, 41, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(parse(m2) == ParseError::Truncated);
  // Exactly one minimal RR's worth of bytes passes the early check.
  Bytes m3;
  m3.header(1, 0, 0, 1, 0, 0).name(".").u16(65280).u16(1).u32(0).u16(0);
  CHECK(parse(m3) == ParseError::Ok);
}

TEST_CASE("message reader: QDCOUNT 0 is allowed, 2 is FORMERR (RFC 9619)") {
  Bytes none;
  none.header(1, 0, 0, 0, 0, 0);
  MessageReader r(none.b);
  CHECK(r.parse() == ParseError::Ok);
  CHECK_FALSE(r.has_question());
  Name n;
  CHECK(r.question_name(n) != WireError::Ok);

  Bytes two;
  two.header(1, 0, 2, 0, 0, 0).name("a").u16(1).u16(1).name("b").u16(1).u16(1);
  CHECK(parse(two) == ParseError::BadQuestion);
}

TEST_CASE("message reader: compression pointers must point strictly backwards") {
  SUBCASE("forward pointer") {
    Bytes m;
    m.header(1, 0, 1, 0, 0, 0).ptr(14).u16(1).u16(1).name("x");
    CHECK(parse(m) == ParseError::BadName);
  }
  SUBCASE("self pointer in the question") {
    Bytes m;
    m.header(1, 0, 1, 0, 0, 0).ptr(12).u16(1).u16(1);
    CHECK(parse(m) == ParseError::BadName);
  }
  SUBCASE("pointer cycle through an RR owner") {
    // answer owner at 29 is "a" + pointer to 29 itself: a loop a.a.a...
    Bytes m = query(1);
    REQUIRE(m.size() == 33);
    m.u8(1).u8('a').ptr(33).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});
    CHECK(parse(m) == ParseError::BadName);
  }
  SUBCASE("two pointers pointing at each other") {
    Bytes m;
    m.header(1, 0, 0, 2, 0, 0);
    m.ptr(25).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});  // rr1 owner at 12 -> 25
    m.ptr(12).u16(1).u16(1).u32(0).u16(4).raw({1, 2, 3, 4});  // rr2 owner at 26 -> 12
    CHECK(parse(m) == ParseError::BadName);
  }
  SUBCASE("pointer inside rdata past its own name") {
    Bytes m = query(1);
    m.ptr(12).u16(2).u16(1).u32(0).u16(2).ptr(45);  // NS rdata pointing forward
    CHECK(parse(m) == ParseError::BadRdata);
  }
  SUBCASE("valid backward pointer in NS rdata") {
    Bytes m = query(1);
    m.ptr(12).u16(2).u16(1).u32(0).u16(4).u8(1).u8('x').ptr(16);
    CHECK(parse(m) == ParseError::Ok);
  }
}

TEST_CASE("message reader: rdata is validated by type") {
  Bytes bad_a = query(1);
  bad_a.ptr(12).u16(1).u16(1).u32(0).u16(3).raw({1, 2, 3});
  CHECK(parse(bad_a) == ParseError::BadRdata);
  Bytes bad_mx = query(1);
  bad_mx.ptr(12).u16(15).u16(1).u32(0).u16(1).raw({0});  // preference cut short
  CHECK(parse(bad_mx) == ParseError::BadRdata);
  Bytes mx_extra = query(1);
  mx_extra.ptr(12).u16(15).u16(1).u32(0).u16(5).u16(10).ptr(12).u8(7);  // byte after name
  CHECK(parse(mx_extra) == ParseError::BadRdata);
  Bytes name_spills = query(1);  // the name's bytes run past rdlength
  name_spills.ptr(12).u16(2).u16(1).u32(0).u16(2).u8(1).u8('x').u8(0);
  CHECK(parse(name_spills) != ParseError::Ok);
  // RFC 2136 deletions: class ANY with empty rdata is fine for any type.
  Bytes del = query(1);
  del.ptr(12).u16(1).u16(255).u32(0).u16(0);
  CHECK(parse(del) == ParseError::Ok);
}

TEST_CASE("message reader: trailing bytes") {
  Bytes m = query();
  m.raw({0xde, 0xad});
  CHECK(parse(m) == ParseError::TrailingData);
  MessageReader r(m.b);
  REQUIRE(r.parse(ParseOptions{.allow_trailing = true}) == ParseError::Ok);
  CHECK(r.trailing_bytes() == 2);
  CHECK(r.end_pos() == m.size() - 2);
}

TEST_CASE("message reader: OPT placement (RFC 6891 §6.1.1)") {
  SUBCASE("one OPT in additional") {
    Bytes m = query(0, 0, 1);
    opt(m, 4096, 0x00008000);
    MessageReader r(m.b);
    REQUIRE(r.parse() == ParseError::Ok);
    REQUIRE(r.has_opt());
    CHECK(r.opt_pos() == 33);
    CHECK(r.opt().type == RRType::OPT);
    CHECK(static_cast<unsigned>(r.opt().rclass) == 4096);
    CHECK(r.opt().ttl == 0x8000);
  }
  SUBCASE("two OPTs") {
    Bytes m = query(0, 0, 2);
    opt(m);
    opt(m);
    CHECK(parse(m) == ParseError::BadOpt);
  }
  SUBCASE("OPT in answer") {
    Bytes m = query(1, 0, 0);
    opt(m);
    CHECK(parse(m) == ParseError::BadOpt);
  }
  SUBCASE("OPT with non-root owner") {
    Bytes m = query(0, 0, 1);
    m.ptr(12).u16(41).u16(1232).u32(0).u16(0);
    CHECK(parse(m) == ParseError::BadOpt);
  }
  SUBCASE("OPT option running past rdata") {
    Bytes m = query(0, 0, 1);
    m.u8(0).u16(41).u16(1232).u32(0).u16(6).u16(3).u16(5).raw({'a', 'b'});
    CHECK(parse(m) == ParseError::BadOpt);
  }
  SUBCASE("OPT option with a partial header") {
    Bytes m = query(0, 0, 1);
    m.u8(0).u16(41).u16(1232).u32(0).u16(2).u16(3);
    CHECK(parse(m) == ParseError::BadOpt);
  }
}

namespace {
// TSIG rdata: hmac-sha256., time, fudge 300, 32-byte MAC, orig id, error, other len 0.
Bytes& tsig(Bytes& m) {
  Bytes rd;
  rd.name("hmac-sha256").u16(0).u32(1700000000).u16(300).u16(32);
  for (int i = 0; i < 32; ++i) rd.u8(0xaa);
  rd.u16(0x1234).u16(0).u16(0);
  m.name("key").u16(250).u16(255).u32(0).u16(static_cast<unsigned>(rd.size()));
  m.b.insert(m.b.end(), rd.b.begin(), rd.b.end());
  return m;
}
}  // namespace

TEST_CASE("message reader: TSIG must be last (RFC 8945 §5.1)") {
  SUBCASE("TSIG last, after OPT") {
    Bytes m = query(0, 0, 2);
    opt(m);
    const std::size_t tsig_at = m.size();
    tsig(m);
    MessageReader r(m.b);
    REQUIRE(r.parse() == ParseError::Ok);
    CHECK(r.has_opt());
    REQUIRE(r.has_tsig());
    CHECK(r.tsig_pos() == tsig_at);
    CHECK(r.tsig().type == RRType::TSIG);
  }
  SUBCASE("TSIG not last") {
    Bytes m = query(0, 0, 2);
    tsig(m);
    opt(m);
    CHECK(parse(m) == ParseError::BadTsig);
  }
  SUBCASE("TSIG in answer") {
    Bytes m = query(1, 0, 0);
    tsig(m);
    CHECK(parse(m) == ParseError::BadTsig);
  }
  SUBCASE("two TSIGs") {
    Bytes m = query(0, 0, 2);
    tsig(m);
    tsig(m);
    CHECK(parse(m) == ParseError::BadTsig);
  }
  SUBCASE("TSIG with bad MAC length") {
    Bytes m = query(0, 0, 1);
    m.name("key").u16(250).u16(255).u32(0).u16(20).name("hmac-sha256").u16(0).u32(0);
    // 13 + 6 = 19 bytes of fields announced as 20: broken either way.
    m.u8(0);
    CHECK(parse(m) != ParseError::Ok);
  }
}

TEST_CASE("message reader: lazy section iteration") {
  Bytes m;
  m.header(7, 0x8400, 1, 2, 1, 1).name("example.com").u16(15).u16(1);
  m.ptr(12).u16(15).u16(1).u32(3600).u16(4).u16(10).ptr(12);
  m.ptr(12).u16(15).u16(1).u32(3600).u16(7).u16(20).u8(2).raw({'m', 'x'}).ptr(12);
  m.ptr(12).u16(2).u16(1).u32(7200).u16(5).u8(2).raw({'n', 's'}).ptr(12);
  opt(m, 1400);
  MessageReader r(m.b);
  REQUIRE(r.parse() == ParseError::Ok);

  std::vector<std::uint32_t> prefs;
  for (const RRView& rr : r.section(Section::Answer)) {
    CHECK(rr.type == RRType::MX);
    CHECK(rr.ttl == 3600);
    CHECK(rr.owner_pos == rr.rdata_pos - 12);  // 2-byte pointer + 10 fixed bytes
    Name owner;
    REQUIRE(r.owner_name(rr, owner) == WireError::Ok);
    CHECK(owner.to_text() == "example.com.");
    prefs.push_back(static_cast<std::uint32_t>(rr.rdata[0] << 8 | rr.rdata[1]));
  }
  CHECK(prefs == std::vector<std::uint32_t>{10, 20});
  int ns = 0;
  for (const RRView& rr : r.section(Section::Authority)) {
    CHECK(rr.type == RRType::NS);
    CHECK(rr.ttl == 7200);
    CHECK(rr.rdata.size() == 5);
    ++ns;
  }
  CHECK(ns == 1);
  int ar = 0;
  for (const RRView& rr : r.section(Section::Additional)) {
    CHECK(rr.type == RRType::OPT);
    ++ar;
  }
  CHECK(ar == 1);
  auto q = r.section(Section::Question);
  CHECK(q.begin() == q.end());
}

TEST_CASE("message reader: RFC 3597 §4 decompression set") {
  // SRV may arrive compressed (receivers decompress), and must still parse.
  Bytes srv = query(1);
  srv.ptr(12).u16(33).u16(1).u32(0).u16(8).u16(0).u16(0).u16(53).ptr(16);
  CHECK(parse(srv) == ParseError::Ok);
  // NSEC's next name must never be compressed (RFC 4034 §4.1.1).
  Bytes nsec = query(1);
  nsec.ptr(12).u16(47).u16(1).u32(0).u16(2 + 3).ptr(12).raw({0, 1, 0x40});
  CHECK(parse(nsec) == ParseError::BadRdata);
  Bytes nsec_ok = query(1);
  nsec_ok.ptr(12).u16(47).u16(1).u32(0).u16(3 + 3).u8(1).u8('n').u8(0).raw({0, 1, 0x40});
  CHECK(parse(nsec_ok) == ParseError::Ok);
  // Unknown types are opaque: any bytes, even ones that look like pointers.
  Bytes unknown = query(1);
  unknown.ptr(12).u16(65280).u16(1).u32(0).u16(2).ptr(60);
  CHECK(parse(unknown) == ParseError::Ok);
  // SOA with its two names compressed, then 20 bytes of counters.
  Bytes soa = query(1);
  soa.ptr(12).u16(6).u16(1).u32(0).u16(4 + 20).ptr(16).ptr(16);
  for (int i = 0; i < 5; ++i) soa.u32(7);
  CHECK(parse(soa) == ParseError::Ok);
  Bytes soa_short = query(1);
  soa_short.ptr(12).u16(6).u16(1).u32(0).u16(4 + 19).ptr(16).ptr(16);
  for (int i = 0; i < 19; ++i) soa_short.u8(7);
  CHECK(parse(soa_short) == ParseError::BadRdata);
  // NXT (RFC 2535): compressed next name, then a bitmap that rdata_check() judges.
  Bytes nxt = query(1);
  nxt.ptr(12).u16(30).u16(1).u32(0).u16(2 + 1).ptr(12).u8(0x40);
  CHECK(parse(nxt) == ParseError::Ok);
  Bytes nxt_bad = query(1);
  nxt_bad.ptr(12).u16(30).u16(1).u32(0).u16(2 + 1).ptr(12).u8(0x80);  // bit 0: other format
  CHECK(parse(nxt_bad) == ParseError::BadRdata);
}

TEST_CASE("header: rcode and opcode helpers") {
  CHECK(rcode_low_bits(Rcode::BADCOOKIE) == 7);
  CHECK(rcode_ext_bits(Rcode::BADCOOKIE) == 1);
  CHECK(make_rcode(7, 1) == Rcode::BADCOOKIE);
  CHECK(make_rcode(3, 0) == Rcode::NXDOMAIN);
  CHECK(rcode_mnemonic(Rcode::BADVERS) == "BADVERS");
  CHECK(rcode_mnemonic(Rcode::NOTIMP) == "NOTIMP");
  CHECK(rcode_mnemonic(static_cast<Rcode>(4000)).empty());
  CHECK(opcode_mnemonic(Opcode::NOTIFY) == "NOTIFY");
  CHECK(opcode_of(with_opcode(0x8180, Opcode::UPDATE)) == Opcode::UPDATE);
  CHECK((with_opcode(0x8180, Opcode::UPDATE) & ~flag::kOpcodeMask) == 0x8180);
  CHECK(opcode_of(0x7800) == static_cast<Opcode>(15));
}
