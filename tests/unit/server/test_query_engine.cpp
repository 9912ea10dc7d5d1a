// QueryEngine answers from zones: every lookup kind of zone::follow_chain as
// response sections, rcode, AA and TC (expected sections checked against
// knotd 3.2 with the same zone where knotd and zoned agree).
#include <doctest/doctest.h>

#include <array>

#include "query_test_util.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::Rcode;
using dns::RRType;

namespace {

constexpr std::string_view kZone =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "@ NS ns2.example.net.\n"
    "@ MX 10 mail\n"
    "@ MX 20 mail\n"
    "ns1 A 192.0.2.1\n"
    "mail A 192.0.2.2\n"
    "mail AAAA 2001:db8::2\n"
    "www CNAME mail\n"
    "alias CNAME www\n"
    "ext CNAME www.example.net.\n"
    "dangling CNAME nothing\n"
    "loop1 CNAME loop2\n"
    "loop2 CNAME loop1\n"
    "sub NS ns.sub\n"
    "sub NS ns1.other\n"
    "sub NS ns.example.net.\n"
    "sub DS 12345 8 2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
    "ns.sub A 192.0.2.3\n"
    "ns.sub AAAA 2001:db8::3\n"
    "other NS ns1.other\n"
    "ns1.other A 192.0.2.5\n"
    "*.wild A 192.0.2.9\n"
    "*.wild MX 10 mail\n"
    "*.wc CNAME mail\n"
    "d DNAME example.net.\n"
    "di DNAME in.example.com.\n"
    "a.in A 192.0.2.10\n"
    "srv._tcp SRV 0 0 80 mail\n"
    "a.b.c TXT \"ent\"\n";

struct ZoneFixture {
  Harness h;
  ZoneFixture() { h.add_zone("example.com.", kZone); }
};

// The header flags a query can set besides QR and the opcode.
constexpr std::array<std::uint16_t, 7> kQueryFlagBits{dns::flag::AA, dns::flag::TC, dns::flag::RD, dns::flag::RA,
                                                      dns::flag::Z,  dns::flag::AD, dns::flag::CD};

// Combination `combo` (0..127) of kQueryFlagBits: bit i of combo sets flag i.
std::uint16_t flag_combination(unsigned combo) {
  std::uint16_t flags = 0;
  for (std::size_t i = 0; i < kQueryFlagBits.size(); ++i)
    if ((combo >> i & 1u) != 0) flags |= kQueryFlagBits[i];
  return flags;
}

// A message of the header alone: `flags`, opcode `op`, all counts zero.
std::vector<std::uint8_t> bare_header(std::uint16_t flags, dns::Opcode op) {
  const std::uint16_t f = dns::with_opcode(flags, op);
  return {0x12, 0x34, static_cast<std::uint8_t>(f >> 8), static_cast<std::uint8_t>(f), 0, 0, 0, 0, 0, 0, 0, 0};
}

}  // namespace

TEST_CASE_FIXTURE(ZoneFixture, "positive answer: AA, question echoed with its case, no authority") {
  const Response r = h.ask("MaIl.Example.COM.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK_FALSE(r.tc());
  CHECK(r.id == 0x1234);
  CHECK(r.question == "MaIl.Example.COM. IN A");
  CHECK(r.answer == Lines{"MaIl.Example.COM. 3600 IN A 192.0.2.2"});
  CHECK(r.authority.empty());
  CHECK(r.additional.empty());
  CHECK_FALSE(r.has_opt);
}

TEST_CASE_FIXTURE(ZoneFixture, "additional addresses for NS, MX and SRV targets, each target once") {
  Response r = h.ask("example.com.", RRType::MX);
  CHECK(r.answer == Lines{"example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 mail.example.com."});
  CHECK(r.additional == Lines{"mail.example.com. 3600 IN A 192.0.2.2", "mail.example.com. 3600 IN AAAA 2001:db8::2"});
  r = h.ask("example.com.", RRType::NS);
  CHECK(r.answer == Lines{"example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.net."});
  CHECK(r.additional == Lines{"ns1.example.com. 3600 IN A 192.0.2.1"});
  r = h.ask("srv._tcp.example.com.", RRType::SRV);
  CHECK(r.answer == Lines{"srv._tcp.example.com. 3600 IN SRV 0 0 80 mail.example.com."});
  CHECK(r.additional == Lines{"mail.example.com. 3600 IN A 192.0.2.2", "mail.example.com. 3600 IN AAAA 2001:db8::2"});
}

TEST_CASE_FIXTURE(ZoneFixture, "NXDOMAIN and NODATA carry the negative SOA") {
  const std::string soa = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300";
  Response r = h.ask("nope.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NXDOMAIN);
  CHECK(r.aa());
  CHECK(r.answer.empty());
  CHECK(r.authority == Lines{soa});
  r = h.ask("mail.example.com.", RRType::TXT);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK(r.answer.empty());
  CHECK(r.authority == Lines{soa});
  // Empty non-terminal: NODATA, not NXDOMAIN.
  r = h.ask("b.c.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.authority == Lines{soa});
}

TEST_CASE_FIXTURE(ZoneFixture, "CNAME chains inside the zone") {
  Response r = h.ask("alias.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK(r.answer == Lines{"alias.example.com. 3600 IN CNAME www.example.com.",
                          "www.example.com. 3600 IN CNAME mail.example.com.",
                          "mail.example.com. 3600 IN A 192.0.2.2"});
  // Out of zone: stop after the CNAME.
  r = h.ask("ext.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer == Lines{"ext.example.com. 3600 IN CNAME www.example.net."});
  CHECK(r.authority.empty());
  // To a missing name: NXDOMAIN (RFC 6604 §3) with the SOA.
  r = h.ask("dangling.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NXDOMAIN);
  CHECK(r.answer == Lines{"dangling.example.com. 3600 IN CNAME nothing.example.com."});
  CHECK(r.authority.size() == 1);
  // Loop: the CNAMEs once, NOERROR.
  r = h.ask("loop1.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer == Lines{"loop1.example.com. 3600 IN CNAME loop2.example.com.",
                          "loop2.example.com. 3600 IN CNAME loop1.example.com."});
  // qtype CNAME: the CNAME itself, not followed.
  r = h.ask("www.example.com.", RRType::CNAME);
  CHECK(r.answer == Lines{"www.example.com. 3600 IN CNAME mail.example.com."});
}

TEST_CASE("CNAME chain longer than the cap ends at the cap") {
  std::string text = "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n";
  for (int i = 0; i < 50; ++i) {
    text.append("c").append(std::to_string(i)).append(" CNAME c").append(std::to_string(i + 1)).append("\n");
  }
  Harness h;
  h.add_zone("example.com.", text);
  const Response r = h.ask("c0.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer.size() == zone::kMaxCnameChain + 1);
}

TEST_CASE_FIXTURE(ZoneFixture, "DNAME: the DNAME and a synthesized CNAME with its TTL") {
  Response r = h.ask("x.d.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK(r.answer == Lines{"d.example.com. 3600 IN DNAME example.net.", "x.d.example.com. 3600 IN CNAME x.example.net."});
  // Into the zone: followed.
  r = h.ask("a.di.example.com.", RRType::A);
  CHECK(r.answer == Lines{"di.example.com. 3600 IN DNAME in.example.com.",
                          "a.di.example.com. 3600 IN CNAME a.in.example.com.",
                          "a.in.example.com. 3600 IN A 192.0.2.10"});
}

TEST_CASE_FIXTURE(ZoneFixture, "DNAME, qtype CNAME: the synthesized CNAME answers, its target is not chased") {
  // RFC 6672 §3.1, RFC 1034 §4.3.2 step 3a: no NODATA at the target, no SOA.
  for (const bool edns : {false, true}) {
    const Response r = h.ask("a.di.example.com.", RRType::CNAME, QueryOptions{.edns = edns});
    CHECK(r.rcode == Rcode::NOERROR);
    CHECK(r.aa());
    CHECK(r.answer == Lines{"di.example.com. 3600 IN DNAME in.example.com.",
                            "a.di.example.com. 3600 IN CNAME a.in.example.com."});
    CHECK(r.authority.empty());
    CHECK(r.additional.empty());
  }
  // Out of the zone too, and any other type is still chased.
  CHECK(h.ask("x.d.example.com.", RRType::CNAME).answer ==
        Lines{"d.example.com. 3600 IN DNAME example.net.", "x.d.example.com. 3600 IN CNAME x.example.net."});
  CHECK(h.ask("a.di.example.com.", RRType::TXT).authority.size() == 1);
}

TEST_CASE("DNAME substitution over 255 octets: YXDOMAIN with the DNAME") {
  const std::string l50(50, 'l');
  const std::string target = l50 + "." + l50 + "." + l50 + "." + l50 + ".net.";
  Harness h;
  h.add_zone("example.com.", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\nd DNAME " + target + "\n");
  const std::string qname = l50 + "." + l50 + ".d.example.com.";
  const Response r = h.ask(qname, RRType::A);
  CHECK(r.rcode == Rcode::YXDOMAIN);
  CHECK(r.aa());
  CHECK(r.answer == Lines{"d.example.com. 60 IN DNAME " + target});
}

TEST_CASE_FIXTURE(ZoneFixture, "referral: AA clear, NS in authority, in-bailiwick then sibling glue") {
  const Response r = h.ask("x.sub.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK_FALSE(r.aa());
  CHECK(r.answer.empty());
  CHECK(r.authority == Lines{"sub.example.com. 3600 IN NS ns.sub.example.com.",
                             "sub.example.com. 3600 IN NS ns.example.net.",
                             "sub.example.com. 3600 IN NS ns1.other.example.com."});
  CHECK(r.additional == Lines{"ns.sub.example.com. 3600 IN A 192.0.2.3", "ns.sub.example.com. 3600 IN AAAA 2001:db8::3",
                              "ns1.other.example.com. 3600 IN A 192.0.2.5"});
}

TEST_CASE_FIXTURE(ZoneFixture, "DS at a cut is answered by the parent, authoritatively") {
  const Response r = h.ask("sub.example.com.", RRType::DS);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK(r.answer == Lines{"sub.example.com. 3600 IN DS 12345 8 2 "
                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
}

TEST_CASE("DS of a served child is answered from the served parent, else by the child") {
  Harness h;
  h.add_zone("example.com.", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n"
                             "child NS ns.child\nchild DS 1 8 2 " + std::string(64, 'b') + "\nns.child A 192.0.2.7\n");
  h.add_zone("child.example.com.", "$TTL 60\n@ SOA ns hm 2 1 1 1 1\n@ NS ns\nns A 192.0.2.7\n");
  Response r = h.ask("child.example.com.", RRType::DS);
  CHECK(r.aa());
  CHECK(r.answer.size() == 1);
  // The apex of the child itself answers other types.
  r = h.ask("child.example.com.", RRType::SOA);
  CHECK(r.answer == Lines{"child.example.com. 60 IN SOA ns.child.example.com. hm.child.example.com. 2 1 1 1 1"});
  // No served parent: the child answers NODATA.
  r = h.ask("example.com.", RRType::DS);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK(r.answer.empty());
  CHECK(r.authority == Lines{"example.com. 1 IN SOA ns.example.com. hm.example.com. 1 1 1 1 1"});
}

TEST_CASE_FIXTURE(ZoneFixture, "wildcards: owner rewritten to the qname, wildcard CNAME, wildcard NODATA") {
  Response r = h.ask("Host.Wild.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.aa());
  CHECK(r.answer == Lines{"Host.Wild.example.com. 3600 IN A 192.0.2.9"});
  r = h.ask("a.wild.example.com.", RRType::MX);
  CHECK(r.answer == Lines{"a.wild.example.com. 3600 IN MX 10 mail.example.com."});
  CHECK(r.additional == Lines{"mail.example.com. 3600 IN A 192.0.2.2", "mail.example.com. 3600 IN AAAA 2001:db8::2"});
  r = h.ask("x.wc.example.com.", RRType::A);
  CHECK(r.answer == Lines{"x.wc.example.com. 3600 IN CNAME mail.example.com.", "mail.example.com. 3600 IN A 192.0.2.2"});
  r = h.ask("a.wild.example.com.", RRType::TXT);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer.empty());
  CHECK(r.authority.size() == 1);
}

TEST_CASE_FIXTURE(ZoneFixture, "qtype ANY: one RRset, the first in type order (RFC 8482)") {
  Response r = h.ask("example.com.", RRType::ANY);
  CHECK(r.aa());
  CHECK(r.answer == Lines{"example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.net."});
  CHECK(r.additional == Lines{"ns1.example.com. 3600 IN A 192.0.2.1"});
  r = h.ask("mail.example.com.", RRType::ANY);
  CHECK(r.answer == Lines{"mail.example.com. 3600 IN A 192.0.2.2"});
}

TEST_CASE_FIXTURE(ZoneFixture, "qtype RRSIG in an unsigned zone: NODATA") {
  const Response r = h.ask("mail.example.com.", RRType::RRSIG);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer.empty());
  CHECK(r.authority.size() == 1);
}

TEST_CASE_FIXTURE(ZoneFixture, "names outside served zones are REFUSED without AA") {
  const Response r = h.ask("example.org.", RRType::A, QueryOptions{.flags = dns::flag::RD});
  CHECK(r.rcode == Rcode::REFUSED);
  CHECK_FALSE(r.aa());
  CHECK((r.flags & dns::flag::RD) != 0);
  CHECK(r.question == "example.org. IN A");
  CHECK(r.answer.empty());
  CHECK(r.authority.empty());
}

TEST_CASE("a zone served but not loaded answers SERVFAIL") {
  Harness h;
  h.add_unloaded_zone("example.com.");
  CHECK(h.ask("example.com.", RRType::SOA).rcode == Rcode::SERVFAIL);
}

TEST_CASE_FIXTURE(ZoneFixture, "header: RD and CD copied, AD, Z, AA, TC and RA of the query not echoed") {
  const std::uint16_t all = dns::flag::RD | dns::flag::CD | dns::flag::AD | dns::flag::Z | dns::flag::AA |
                            dns::flag::TC | dns::flag::RA;
  const Response r = h.ask("mail.example.com.", RRType::A, QueryOptions{.flags = all});
  CHECK(r.flags == (dns::flag::QR | dns::flag::AA | dns::flag::RD | dns::flag::CD));
  // RFC 4035 §3.1.6: CD is copied on every answer, whatever its rcode.
  CHECK(h.ask("mail.example.com.", RRType::A, QueryOptions{.flags = dns::flag::CD}).flags ==
        (dns::flag::QR | dns::flag::AA | dns::flag::CD));
  const Response nx = h.ask("nothing.example.com.", RRType::A, QueryOptions{.flags = dns::flag::CD, .edns = true});
  CHECK(nx.rcode == Rcode::NXDOMAIN);
  CHECK((nx.flags & ~dns::flag::kRcodeMask) == (dns::flag::QR | dns::flag::AA | dns::flag::CD));
  const Response refused = h.ask("example.org.", RRType::A, QueryOptions{.flags = dns::flag::CD});
  CHECK(refused.rcode == Rcode::REFUSED);
  CHECK((refused.flags & ~dns::flag::kRcodeMask) == (dns::flag::QR | dns::flag::CD));
}

TEST_CASE_FIXTURE(ZoneFixture, "header: no flag of a QUERY turns its answer into an error") {
  // Every combination of AA TC RD RA Z AD CD: the same answer, flags aside.
  for (unsigned combo = 0; combo < 128; ++combo) {
    const std::uint16_t flags = flag_combination(combo);
    CAPTURE(flags);
    for (const bool edns : {false, true}) {
      const Response r = h.ask("mail.example.com.", RRType::A, QueryOptions{.flags = flags, .edns = edns});
      CHECK(r.rcode == Rcode::NOERROR);
      CHECK(r.answer == Lines{"mail.example.com. 3600 IN A 192.0.2.2"});
      CHECK(r.flags == (dns::flag::QR | dns::flag::AA | (flags & (dns::flag::RD | dns::flag::CD))));
    }
  }
}

TEST_CASE_FIXTURE(ZoneFixture, "query classes and types with fixed answers") {
  // QCLASS * is answered from the IN data (as knotd); NONE and HS are refused.
  Response r = h.ask("mail.example.com.", RRType::A, QueryOptions{.qclass = dns::RRClass::ANY});
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.question == "mail.example.com. ANY A");
  CHECK(r.answer == Lines{"mail.example.com. 3600 IN A 192.0.2.2"});
  CHECK(h.ask("mail.example.com.", RRType::A, QueryOptions{.qclass = dns::RRClass::NONE}).rcode == Rcode::REFUSED);
  CHECK(h.ask("mail.example.com.", RRType::A, QueryOptions{.qclass = dns::RRClass::HS}).rcode == Rcode::REFUSED);
  // QTYPE 0: NOTIMP; other meta types: ordinary NODATA; 65535: NODATA.
  r = h.ask("example.com.", static_cast<RRType>(0));
  CHECK(r.rcode == Rcode::NOTIMP);
  CHECK_FALSE(r.aa());
  CHECK(h.ask("example.com.", RRType::TSIG).rcode == Rcode::NOERROR);
  CHECK(h.ask("example.com.", static_cast<RRType>(65535)).authority.size() == 1);
  // Transfers: AXFR over UDP NOTIMP, otherwise NOTAUTH until transfers exist.
  CHECK(h.ask("example.com.", RRType::AXFR).rcode == Rcode::NOTIMP);
  CHECK(h.ask("example.com.", RRType::IXFR).rcode == Rcode::NOTAUTH);
  CHECK(h.ask("example.com.", RRType::AXFR, {}, Transport::Tcp).rcode == Rcode::NOTAUTH);
}

TEST_CASE_FIXTURE(ZoneFixture, "opcodes other than QUERY: NOTIMP, a bare header with the opcode, whatever the flags") {
  // As named (and as ISC genreport's opcode and opcodeflg probes expect): no
  // section and no flag of an unknown opcode is echoed; an OPT is answered.
  for (const auto op : {dns::Opcode::IQUERY, dns::Opcode::STATUS, dns::Opcode::NOTIFY, dns::Opcode::UPDATE,
                        static_cast<dns::Opcode>(3), static_cast<dns::Opcode>(15)}) {
    for (unsigned combo = 0; combo < 128; ++combo) {
      const std::uint16_t flags = flag_combination(combo);
      CAPTURE(static_cast<int>(op));
      CAPTURE(flags);
      for (const bool edns : {false, true}) {
        CAPTURE(edns);
        const Response r = h.ask("example.com.", RRType::SOA, QueryOptions{.flags = flags, .opcode = op, .edns = edns});
        CHECK(r.rcode == Rcode::NOTIMP);
        CHECK((r.flags & ~dns::flag::kRcodeMask) == dns::with_opcode(dns::flag::QR, op));
        CHECK(r.question.empty());
        CHECK(r.answer.empty());
        CHECK(r.authority.empty());
        CHECK(r.additional.empty());
        CHECK(r.has_opt == edns);
      }
      // The header alone, as genreport sends it: the same bare header back.
      const Response r = h.ask(bare_header(flags, op));
      CHECK(r.rcode == Rcode::NOTIMP);
      CHECK((r.flags & ~dns::flag::kRcodeMask) == dns::with_opcode(dns::flag::QR, op));
      CHECK(r.size == dns::kHeaderSize);
    }
  }
  // A QUERY with no question stays FORMERR.
  CHECK(h.ask(bare_header(0, dns::Opcode::QUERY)).rcode == Rcode::FORMERR);
}

TEST_CASE("a zero byte inside a label is a different name: NXDOMAIN") {
  Harness h;
  h.add_zone("example.com.", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 192.0.2.1\nab A 192.0.2.2\n");
  const Response r = h.ask("a\\000b.example.com.", RRType::A);
  CHECK(r.rcode == Rcode::NXDOMAIN);
  CHECK(r.question == "a\\000b.example.com. IN A");
}
