#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "dns/message_reader.hpp"
#include "dns/message_writer.hpp"
#include "dns/rdata.hpp"
#include "test_message_util.hpp"

using namespace zoned::dns;
using zoned::dns::test::Bytes;

namespace {

Name N(std::string_view text) {
  auto r = Name::parse(text);
  REQUIRE_MESSAGE(r.ok(), text);
  return *r;
}

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

// Hex dump, so that a failed comparison shows where the bytes differ.
std::string hex(std::span<const std::uint8_t> s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : s) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
    out += ' ';
  }
  return out;
}

const std::array<std::uint8_t, 4> kA1{192, 0, 2, 1};
const std::array<std::uint8_t, 4> kA2{192, 0, 2, 2};

}  // namespace

TEST_CASE("message writer: header fields and question") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  w.set_id(0xbeef);
  w.set_flag(flag::QR);
  w.set_flag(flag::AA);
  w.set_opcode(Opcode::NOTIFY);
  w.set_rcode(Rcode::BADVERS);
  CHECK(w.ext_rcode() == 1);
  REQUIRE(w.add_question(N("www.example.com."), RRType::A, RRClass::IN));
  Bytes want;
  want.header(0xbeef, 0x8000 | 0x0400 | (4 << 11) | 0, 1, 0, 0, 0)
      .name("www.example.com").u16(1).u16(1);
  CHECK(hex(w.message()) == hex(want.b));
  w.set_flag(flag::AA, false);
  w.set_rcode(Rcode::NXDOMAIN);
  CHECK(w.flags() == (0x8000 | (4 << 11) | 3));
  CHECK(w.ext_rcode() == 0);
}

TEST_CASE("message writer: owner and MX exchange compressed, SRV target not") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("www.example.com."), RRType::A, RRClass::IN));
  // Second occurrence of the qname becomes a 2-byte pointer to offset 12.
  REQUIRE(w.add_rr(Section::Answer, N("www.example.com."), RRType::A, RRClass::IN, 300, kA1));
  Bytes mx;
  mx.u16(10).name("mail.example.com");
  REQUIRE(w.add_rr(Section::Answer, N("example.com."), RRType::MX, RRClass::IN, 300, mx.b));
  Bytes srv;
  srv.u16(0).u16(5).u16(5060).name("sip.example.com");
  REQUIRE(w.add_rr(Section::Additional, N("_sip._tcp.example.com."), RRType::SRV, RRClass::IN,
                   60, srv.b));
  Bytes want;
  want.header(0, 0, 1, 2, 0, 1).name("www.example.com").u16(1).u16(1);  // qname at 12
  want.ptr(12).u16(1).u16(1).u32(300).u16(4).raw({192, 0, 2, 1});
  want.ptr(16).u16(15).u16(1).u32(300).u16(9).u16(10).u8(4).raw({'m', 'a', 'i', 'l'}).ptr(16);
  want.u8(4).raw({'_', 's', 'i', 'p'}).u8(4).raw({'_', 't', 'c', 'p'}).ptr(16);
  want.u16(33).u16(1).u32(60).u16(static_cast<unsigned>(srv.size())).raw({0, 0, 0, 5, 0x13, 0xc4});
  want.name("sip.example.com");
  CHECK(hex(w.message()) == hex(want.b));

  MessageReader r(w.message());
  CHECK(r.parse() == ParseError::Ok);
}

TEST_CASE("message writer: compression is case-insensitive and finds the longest suffix") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("a.b.Example.ORG."), RRType::A, RRClass::IN));
  REQUIRE(w.add_rr(Section::Answer, N("c.b.example.org."), RRType::A, RRClass::IN, 1, kA1));
  // "c" then a pointer to "b.Example.ORG" at offset 14.
  const auto m = w.message();
  REQUIRE(m.size() > 33 + 4);
  CHECK(m[33] == 1);
  CHECK(m[34] == 'c');
  CHECK(m[35] == 0xc0);
  CHECK(m[36] == 14);
  // The root owner is never compressed.
  REQUIRE(w.add_rr(Section::Answer, N("."), RRType::A, RRClass::IN, 1, kA2));
  MessageReader r(w.message());
  REQUIRE(r.parse() == ParseError::Ok);
  auto it = r.section(Section::Answer).begin();
  ++it;
  CHECK(r.message()[it->owner_pos] == 0);
}

TEST_CASE("message writer: an RRset that does not fit leaves the message unchanged") {
  std::array<std::uint8_t, 512> buf{};
  // Room for the question (33) and one A record (16) plus 10 bytes.
  MessageWriter w(buf, 33 + 16 + 10);
  REQUIRE(w.add_question(N("www.example.com."), RRType::A, RRClass::IN));
  const auto before = bytes_of(w.message());
  const std::vector<std::array<std::uint8_t, 4>> set{kA1, kA2};
  CHECK_FALSE(w.add_rrset(Section::Answer, N("www.example.com."), RRType::A, RRClass::IN, 300, set));
  CHECK(bytes_of(w.message()) == before);
  CHECK(w.count(Section::Answer) == 0);
  CHECK(w.size() == 33);
  // A single record still fits.
  const std::vector<std::array<std::uint8_t, 4>> one{kA1};
  CHECK(w.add_rrset(Section::Answer, N("www.example.com."), RRType::A, RRClass::IN, 300, one));
  CHECK(w.count(Section::Answer) == 1);
  CHECK(w.size() == 49);
}

TEST_CASE("message writer: reserve keeps room for OPT/TSIG") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf, 33 + 16 + 11);
  REQUIRE(w.add_question(N("www.example.com."), RRType::A, RRClass::IN));
  REQUIRE(w.reserve(11));
  CHECK_FALSE(w.reserve(w.available() + 1));
  REQUIRE(w.add_rr(Section::Answer, N("www.example.com."), RRType::A, RRClass::IN, 300, kA1));
  CHECK(w.available() == 0);
  const std::array<std::uint8_t, 1> root{0};
  const std::array<std::span<const std::uint8_t>, 0> none{};
  CHECK_FALSE(w.add_rr_parts(Section::Additional, root, RRType::OPT, RRClass{1232}, 0, none));
  w.release(11);
  CHECK(w.add_rr_parts(Section::Additional, root, RRType::OPT, RRClass{1232}, 0, none));
  CHECK(w.size() == w.limit());
}

TEST_CASE("message writer: mark/rollback restores size, counts and compression") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("example.com."), RRType::A, RRClass::IN));
  const auto m = w.mark();
  const auto before = bytes_of(w.message());
  const std::size_t entries = w.compression_entries();
  CHECK(entries == 2);  // example.com and com
  REQUIRE(w.add_rr(Section::Answer, N("host.sub.example.com."), RRType::A, RRClass::IN, 1, kA1));
  REQUIRE(w.add_rr(Section::Authority, N("sub.example.com."), RRType::A, RRClass::IN, 1, kA1));
  CHECK(w.compression_entries() == entries + 2);  // host.sub... and sub...
  w.rollback(m);
  CHECK(w.compression_entries() == entries);
  CHECK(bytes_of(w.message()) == before);
  CHECK(w.count(Section::Answer) == 0);
  CHECK(w.count(Section::Authority) == 0);
  CHECK(w.section() == Section::Question);
  // The rolled-back names must not be used as pointer targets any more: the
  // bytes at their old offsets are about to be overwritten.
  REQUIRE(w.add_rr(Section::Answer, N("zzzz.example.com."), RRType::A, RRClass::IN, 1, kA1));
  REQUIRE(w.add_rr(Section::Answer, N("sub.example.com."), RRType::A, RRClass::IN, 1, kA2));
  MessageReader r(w.message());
  REQUIRE(r.parse() == ParseError::Ok);
  std::vector<std::string> owners;
  for (const RRView& rr : r.section(Section::Answer)) {
    Name o;
    REQUIRE(r.owner_name(rr, o) == WireError::Ok);
    owners.push_back(o.to_text());
  }
  CHECK(owners == std::vector<std::string>{"zzzz.example.com.", "sub.example.com."});
}

TEST_CASE("message writer: sections in order only") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("example.com."), RRType::A, RRClass::IN));
  REQUIRE(w.add_rr(Section::Authority, N("example.com."), RRType::A, RRClass::IN, 1, kA1));
  const auto size = w.size();
  CHECK_FALSE(w.add_rr(Section::Answer, N("example.com."), RRType::A, RRClass::IN, 1, kA1));
  CHECK_FALSE(w.add_question(N("example.com."), RRType::A, RRClass::IN));
  CHECK(w.size() == size);
  CHECK(w.add_rr(Section::Additional, N("example.com."), RRType::A, RRClass::IN, 1, kA1));
}

TEST_CASE("message writer: a buffer smaller than the header fails cleanly") {
  std::array<std::uint8_t, 8> buf{};
  MessageWriter w(buf);
  CHECK(w.size() == 0);
  CHECK_FALSE(w.add_question(N("example.com."), RRType::A, RRClass::IN));
}

TEST_CASE("message writer: full compression table still writes correct names") {
  // Built with += : GCC 12 warns falsely (-Wrestrict, bug 105329) on "h" + string.
  auto owner_text = [](int i) {
    std::string s = "h";
    s += std::to_string(i);
    s += ".example.com.";
    return s;
  };
  std::vector<std::uint8_t> buf(65535);
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("example.com."), RRType::A, RRClass::IN));
  for (int i = 0; i < 300; ++i) {
    auto owner = Name::parse(owner_text(i));
    REQUIRE(owner.ok());
    REQUIRE(w.add_rr(Section::Answer, *owner, RRType::A, RRClass::IN, 1, kA1));
  }
  MessageReader r(w.message());
  REQUIRE(r.parse() == ParseError::Ok);
  int i = 0;
  for (const RRView& rr : r.section(Section::Answer)) {
    Name o;
    REQUIRE(r.owner_name(rr, o) == WireError::Ok);
    CHECK(o.to_text() == owner_text(i++));
  }
  CHECK(i == 300);
}

TEST_CASE("message: round trip read -> write -> read") {
  Bytes m;
  m.header(0x4242, 0x8500, 1, 2, 1, 2).name("Example.com").u16(255).u16(1);
  m.ptr(12).u16(6).u16(1).u32(3600).u16(32).u8(2).raw({'n', 's'}).ptr(12)
      .u8(4).raw({'r', 'o', 'o', 't'}).ptr(12).u32(2024010101).u32(7200).u32(3600).u32(1209600)
      .u32(300);
  m.ptr(12).u16(15).u16(1).u32(3600).u16(7).u16(10).u8(2).raw({'m', 'x'}).ptr(12);
  m.ptr(12).u16(2).u16(1).u32(3600).u16(2).ptr(41);  // NS -> ns.Example.com (in the SOA)
  m.ptr(41).u16(1).u16(1).u32(3600).u16(4).raw({192, 0, 2, 53});
  m.u8(0).u16(41).u16(1232).u32(0x8000).u16(8).u16(3).u16(4).raw({'z', 'o', 'n', 'e'});
  MessageReader r1(m.b);
  REQUIRE(r1.parse() == ParseError::Ok);

  std::array<std::uint8_t, 1024> buf{};
  MessageWriter w(buf);
  w.set_id(r1.id());
  w.set_flags(r1.flags());
  Name q;
  REQUIRE(r1.question_name(q) == WireError::Ok);
  REQUIRE(w.add_question(q, r1.qtype(), r1.qclass()));
  for (Section s : {Section::Answer, Section::Authority, Section::Additional}) {
    for (const RRView& rr : r1.section(s)) {
      Name owner;
      REQUIRE(r1.owner_name(rr, owner) == WireError::Ok);
      std::vector<std::uint8_t> rdata;
      REQUIRE(rdata_from_message(rr.type, r1.message(), rr.rdata_pos,
                                 static_cast<std::uint16_t>(rr.rdata.size()), rdata) == WireError::Ok);
      REQUIRE(w.add_rr(s, owner, rr.type, rr.rclass, rr.ttl, rdata));
    }
  }
  MessageReader r2(w.message());
  REQUIRE(r2.parse() == ParseError::Ok);
  CHECK(r2.id() == r1.id());
  CHECK(r2.flags() == r1.flags());
  for (Section s : {Section::Question, Section::Answer, Section::Authority, Section::Additional}) {
    CHECK(r2.count(s) == r1.count(s));
  }
  CHECK(r2.has_opt());
  // Same records, decompressed.
  for (Section s : {Section::Answer, Section::Authority, Section::Additional}) {
    auto a = r1.section(s).begin();
    for (const RRView& rr2 : r2.section(s)) {
      const RRView rr1 = *a;
      ++a;
      Name o1, o2;
      REQUIRE(r1.owner_name(rr1, o1) == WireError::Ok);
      REQUIRE(r2.owner_name(rr2, o2) == WireError::Ok);
      CHECK(o1.equals_exact(o2));
      CHECK(rr1.type == rr2.type);
      CHECK(rr1.rclass == rr2.rclass);
      CHECK(rr1.ttl == rr2.ttl);
      std::vector<std::uint8_t> d1, d2;
      REQUIRE(rdata_from_message(rr1.type, r1.message(), rr1.rdata_pos,
                                 static_cast<std::uint16_t>(rr1.rdata.size()), d1) == WireError::Ok);
      REQUIRE(rdata_from_message(rr2.type, r2.message(), rr2.rdata_pos,
                                 static_cast<std::uint16_t>(rr2.rdata.size()), d2) == WireError::Ok);
      CHECK(d1 == d2);
    }
  }
  // Our writer compresses at least as well as this hand-built message.
  CHECK(w.size() <= m.size());
}

TEST_CASE("message writer: an owner that is not a valid name is refused") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  const std::array<std::uint8_t, 3> unterminated{2, 'a', 'b'};
  CHECK_FALSE(w.add_rr(Section::Answer, unterminated, RRType::A, RRClass::IN, 1, kA1));
  const std::array<std::uint8_t, 3> pointer{0xc0, 12, 0};
  CHECK_FALSE(w.add_rr(Section::Answer, pointer, RRType::A, RRClass::IN, 1, kA1));
  CHECK(w.size() == kHeaderSize);
  CHECK(w.count(Section::Answer) == 0);
}

TEST_CASE("message writer: names past 16 KiB are written but never pointed at") {
  std::vector<std::uint8_t> buf(65535);
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("example.com."), RRType::TXT, RRClass::IN));
  std::vector<std::uint8_t> txt;
  for (int i = 0; i < 200; ++i) {
    txt.push_back(250);
    txt.insert(txt.end(), 250, 'x');
  }
  REQUIRE(w.add_rr(Section::Answer, N("example.com."), RRType::TXT, RRClass::IN, 1, txt));
  REQUIRE(w.size() > CompressionTable::kMaxPointerOffset);
  const std::size_t entries = w.compression_entries();
  REQUIRE(w.add_rr(Section::Answer, N("far.away.test."), RRType::A, RRClass::IN, 1, kA1));
  CHECK(w.compression_entries() == entries);  // beyond a 14-bit pointer
  const std::size_t before = w.size();
  REQUIRE(w.add_rr(Section::Answer, N("far.away.test."), RRType::A, RRClass::IN, 1, kA1));
  CHECK(w.size() - before == 15 + 10 + 4);  // written in full again
  REQUIRE(w.add_rr(Section::Answer, N("www.example.com."), RRType::A, RRClass::IN, 1, kA1));
  MessageReader r(w.message());
  REQUIRE(r.parse() == ParseError::Ok);
  std::vector<std::string> owners;
  for (const RRView& rr : r.section(Section::Answer)) {
    Name o;
    REQUIRE(r.owner_name(rr, o) == WireError::Ok);
    owners.push_back(o.to_text());
  }
  CHECK(owners == std::vector<std::string>{"example.com.", "far.away.test.", "far.away.test.",
                                           "www.example.com."});
}

TEST_CASE("message writer: the question name and recently written names become pointers, and a rollback forgets them") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  REQUIRE(w.add_question(N("www.example.com."), RRType::A, RRClass::IN));
  const Name www = N("www.example.com.");  // another copy of the question's bytes
  const Name other = N("ns.other.net.");
  REQUIRE(w.add_rr(Section::Answer, www, RRType::A, RRClass::IN, 60, kA1));
  REQUIRE(w.add_rr(Section::Answer, other, RRType::A, RRClass::IN, 60, kA1));
  REQUIRE(w.add_rr(Section::Answer, other, RRType::A, RRClass::IN, 60, kA2));
  Bytes want;
  want.header(0, 0, 1, 3, 0, 0).name("www.example.com").u16(1).u16(1);
  const unsigned other_at = static_cast<unsigned>(want.size() + 2 + 10 + 4);
  want.ptr(12).u16(1).u16(1).u32(60).u16(4).raw({192, 0, 2, 1});
  want.name("ns.other.net").u16(1).u16(1).u32(60).u16(4).raw({192, 0, 2, 1});
  want.ptr(other_at).u16(1).u16(1).u32(60).u16(4).raw({192, 0, 2, 2});
  CHECK(hex(w.message()) == hex(want.b));

  // A name written in rdata (an NS target) and then as an owner (its glue)
  // points at where the rdata holds it.
  std::array<std::uint8_t, 512> glue_buf{};
  MessageWriter g(glue_buf);
  REQUIRE(g.add_question(N("example.com."), RRType::NS, RRClass::IN));
  const Name target = N("ns.glue.test.");
  REQUIRE(g.add_rr(Section::Answer, N("example.com."), RRType::NS, RRClass::IN, 60, target.wire()));
  REQUIRE(g.add_rr(Section::Additional, target, RRType::A, RRClass::IN, 60, kA1));
  Bytes glue;
  glue.header(0, 0, 1, 1, 0, 1).name("example.com").u16(2).u16(1);
  glue.ptr(12).u16(2).u16(1).u32(60).u16(14);
  const unsigned target_at = static_cast<unsigned>(glue.size());
  glue.name("ns.glue.test").ptr(target_at).u16(1).u16(1).u32(60).u16(4).raw({192, 0, 2, 1});
  CHECK(hex(g.message()) == hex(glue.b));

  // The owner written after a mark is gone after the rollback: the same
  // name written again is written out, not pointed at the lost bytes.
  const MessageWriter::Mark m = w.mark();
  const Name lost = N("lost.example.org.");
  REQUIRE(w.add_rr(Section::Authority, lost, RRType::A, RRClass::IN, 60, kA1));
  w.rollback(m);
  REQUIRE(w.add_rr(Section::Authority, lost, RRType::A, RRClass::IN, 60, kA1));
  MessageReader reader(w.message());
  REQUIRE(reader.parse() == ParseError::Ok);
  std::vector<std::string> owners;
  for (Section s : {Section::Answer, Section::Authority}) {
    for (const RRView& rr : reader.section(s)) {
      Name owner;
      REQUIRE(reader.owner_name(rr, owner) == WireError::Ok);
      owners.push_back(owner.to_text());
    }
  }
  CHECK(owners == std::vector<std::string>{"www.example.com.", "ns.other.net.", "ns.other.net.",
                                           "lost.example.org."});
}
