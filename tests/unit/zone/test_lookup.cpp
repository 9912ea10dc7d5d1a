// Table-driven tests of zone::lookup (RFC 1034 §4.3.2, RFC 4592, RFC 6672,
// RFC 4035 §3.1.4.1), follow_chain and glue_for.
#include <doctest/doctest.h>

#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "zone/lookup.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_version.hpp"
#include "alloc_counter.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;
using Kind = LookupResult::Kind;
using dns::RRType;

namespace {

std::string owner(const Node* n) { return n == nullptr ? "" : n->owner_name().to_text(); }

const std::string kDs = "sub DS 12345 8 2 " + std::string(64, 'a') + "\n";
const std::string kLongLabel(50, 'l');
const std::string kLongTarget =
    kLongLabel + "." + kLongLabel + "." + kLongLabel + "." + kLongLabel + ".net.";

// An RFC 1034 §4.3.2 / §6 style zone with every case the lookup tells apart.
std::string zone_a_text() {
  return std::string(kApex) +
         "@ MX 10 mail\n"
         "mail A 192.0.2.2\n"
         "mail AAAA 2001:db8::2\n"
         "www CNAME mail\n"
         "alias CNAME www\n"
         "ext CNAME www.example.net.\n"
         // A cut with in-bailiwick glue, sibling glue (below another cut),
         // out-of-zone NS, DS, and data below it that must never leak.
         "sub NS ns.sub\n"
         "sub NS ns1.other\n"
         "sub NS ns.example.net.\n" +
         kDs +
         "ns.sub A 192.0.2.3\n"
         "ns.sub AAAA 2001:db8::3\n"
         "deep.below.sub A 192.0.2.4\n"
         "other NS ns1.other\n"
         "ns1.other A 192.0.2.5\n"
         // An empty non-terminal (b.c and c).
         "a.b.c TXT \"ent\"\n"
         // DNAME with occluded data below it; an in-zone DNAME; an overflowing one.
         "d DNAME example.net.\n"
         "x.d A 192.0.2.6\n"
         "in DNAME example.com.\n"
         "long DNAME " + kLongTarget + "\n"
         // Wildcard CNAME; a wildcard blocked by an empty non-terminal.
         "*.w CNAME mail\n"
         "*.w2 TXT \"w2\"\n"
         "a.b.w2 TXT \"x\"\n"
         // A CNAME loop and a chain of 50 (c1 -> c2 -> ... -> c50).
         "loop1 CNAME loop2\n"
         "loop2 CNAME loop1\n"
         "$GENERATE 1-49 c$ CNAME c${1,0,d}\n"
         "c50 A 192.0.2.50\n";
}

const ZoneVersion& zone_a() {
  static const auto v = build_zone(zone_a_text(), "example.com.");
  return *v;
}

// RFC 4592 §2.2.1, verbatim records.
const ZoneVersion& zone_4592() {
  static const auto v = build_zone(
      "$TTL 3600\n"
      "example. SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n"
      "example. NS ns.example.com.\n"
      "example. NS ns.example.net.\n"
      "*.example. TXT \"this is a wildcard\"\n"
      "*.example. MX 10 host1.example.\n"
      "sub.*.example. TXT \"this is not a wildcard\"\n"
      "host1.example. A 192.0.2.1\n"
      "_ssh._tcp.host1.example. SRV 0 0 22 host1.example.\n"
      "_ssh._tcp.host2.example. SRV 0 0 22 host2.example.\n"
      "subdel.example. NS ns.example.com.\n"
      "subdel.example. NS ns.example.net.\n",
      "example.");
  return *v;
}

const ZoneVersion& zone_apex_dname() {
  static const auto v =
      build_zone(std::string(kApex) + "@ DNAME example.net.\nwww A 192.0.2.9\n", "example.com.");
  return *v;
}

struct Case {
  const char* qname;
  RRType qtype;
  Kind kind;
  const char* node;      // "" = null
  RRType rrset;          // RRType{0} = null
  const char* encloser;  // closest encloser node, "" = null (or an ENT)
  int encloser_labels;   // -1 = not checked
  const char* wildcard;
  const char* previous;
};

constexpr RRType kNone{0};

void run(const ZoneVersion& v, const Case& c) {
  CAPTURE(c.qname);
  CAPTURE(static_cast<int>(c.qtype));
  const LookupResult r = lookup(v, name(c.qname), c.qtype);
  CHECK(static_cast<int>(r.kind) == static_cast<int>(c.kind));
  CHECK(owner(r.node) == c.node);
  if (c.rrset == kNone) {
    CHECK(r.rrset == nullptr);
  } else {
    REQUIRE(r.rrset != nullptr);
    REQUIRE(r.node != nullptr);
    CHECK(r.rrset == r.node->find(c.rrset));
  }
  CHECK(owner(r.closest_encloser) == c.encloser);
  if (c.encloser_labels >= 0) CHECK(int{r.closest_encloser_labels} == c.encloser_labels);
  CHECK(owner(r.wildcard) == c.wildcard);
  CHECK(owner(r.previous) == c.previous);
  if (c.kind == Kind::Referral) {
    CHECK(r.cut == r.node);
  } else {
    CHECK(r.cut == nullptr);
  }
}

}  // namespace

TEST_CASE("lookup: RFC 1034 4.3.2 cases, cuts, DNAME, empty non-terminals") {
  const Case cases[] = {
      // Exact matches and NODATA (step 3a).
      {"example.com.", RRType::SOA, Kind::Answer, "example.com.", RRType::SOA, "example.com.", 2, "", ""},
      {"mail.example.com.", RRType::AAAA, Kind::Answer, "mail.example.com.", RRType::AAAA, "mail.example.com.", 3, "", ""},
      {"MAIL.Example.COM.", RRType::A, Kind::Answer, "mail.example.com.", RRType::A, "mail.example.com.", 3, "", ""},
      {"mail.example.com.", RRType::TXT, Kind::NoData, "mail.example.com.", kNone, "mail.example.com.", 3, "", ""},
      {"mail.example.com.", RRType::ANY, Kind::Answer, "mail.example.com.", kNone, "mail.example.com.", 3, "", ""},
      // CNAME at the name answers every type but CNAME.
      {"WWW.example.com.", RRType::A, Kind::Cname, "www.example.com.", RRType::CNAME, "www.example.com.", 3, "", ""},
      {"www.example.com.", RRType::CNAME, Kind::Answer, "www.example.com.", RRType::CNAME, "www.example.com.", 3, "", ""},
      // NXDOMAIN: previous is the canonical predecessor.
      {"nothing.example.com.", RRType::A, Kind::NxDomain, "", kNone, "example.com.", 2, "", "mail.example.com."},
      {"zzz.mail.example.com.", RRType::A, Kind::NxDomain, "", kNone, "mail.example.com.", 3, "", "mail.example.com."},
      // Knot's zero-byte case: shares a prefix with an existing name, is not it.
      {"mail\\000.example.com.", RRType::A, Kind::NxDomain, "", kNone, "example.com.", 2, "", "mail.example.com."},
      {"\\000.mail.example.com.", RRType::A, Kind::NxDomain, "", kNone, "mail.example.com.", 3, "", "mail.example.com."},
      {"mai.example.com.", RRType::A, Kind::NxDomain, "", kNone, "example.com.", 2, "", "loop2.example.com."},
      // Empty non-terminals exist: NODATA, never NXDOMAIN.
      {"b.c.example.com.", RRType::A, Kind::NoData, "", kNone, "", 4, "", "alias.example.com."},
      {"C.example.com.", RRType::TXT, Kind::NoData, "", kNone, "", 3, "", "alias.example.com."},
      {"x.b.c.example.com.", RRType::A, Kind::NxDomain, "", kNone, "", 4, "", "a.b.c.example.com."},
      {"a.b.c.example.com.", RRType::TXT, Kind::Answer, "a.b.c.example.com.", RRType::TXT, "a.b.c.example.com.", 5, "", ""},
      // Referrals (step 3b): at the cut, below it, for an ENT below it, for
      // NS at the cut; glue and other data below the cut never leak.
      {"sub.example.com.", RRType::A, Kind::Referral, "sub.example.com.", RRType::NS, "", 0, "", ""},
      {"sub.example.com.", RRType::NS, Kind::Referral, "sub.example.com.", RRType::NS, "", 0, "", ""},
      {"ns.sub.example.com.", RRType::A, Kind::Referral, "sub.example.com.", RRType::NS, "", 0, "", ""},
      {"below.sub.example.com.", RRType::A, Kind::Referral, "sub.example.com.", RRType::NS, "", 0, "", ""},
      {"deep.below.sub.example.com.", RRType::DS, Kind::Referral, "sub.example.com.", RRType::NS, "", 0, "", ""},
      {"ns1.other.example.com.", RRType::A, Kind::Referral, "other.example.com.", RRType::NS, "", 0, "", ""},
      // DS exactly at the cut is answered by the parent (RFC 4035 §3.1.4.1).
      {"sub.example.com.", RRType::DS, Kind::Answer, "sub.example.com.", RRType::DS, "sub.example.com.", 3, "", ""},
      {"other.example.com.", RRType::DS, Kind::NoData, "other.example.com.", kNone, "other.example.com.", 3, "", ""},
      // The NSEC predecessor skips nodes below a cut or DNAME.
      {"sub0.example.com.", RRType::A, Kind::NxDomain, "", kNone, "example.com.", 2, "", "sub.example.com."},
      {"e.example.com.", RRType::A, Kind::NxDomain, "", kNone, "example.com.", 2, "", "d.example.com."},
      // DNAME: strictly below its owner only (RFC 6672 §2.3).
      {"d.example.com.", RRType::A, Kind::NoData, "d.example.com.", kNone, "d.example.com.", 3, "", ""},
      {"d.example.com.", RRType::DNAME, Kind::Answer, "d.example.com.", RRType::DNAME, "d.example.com.", 3, "", ""},
      {"x.d.example.com.", RRType::A, Kind::Dname, "d.example.com.", RRType::DNAME, "", 0, "", ""},
      {"y.x.D.example.com.", RRType::A, Kind::Dname, "d.example.com.", RRType::DNAME, "", 0, "", ""},
      // Wildcards in this zone: CNAME, and an ENT blocking the wildcard above it.
      {"x.w.example.com.", RRType::A, Kind::WildcardCname, "*.w.example.com.", RRType::CNAME, "", 3, "*.w.example.com.", "*.w.example.com."},
      {"x.w.example.com.", RRType::CNAME, Kind::WildcardAnswer, "*.w.example.com.", RRType::CNAME, "", 3, "*.w.example.com.", "*.w.example.com."},
      {"q.w2.example.com.", RRType::TXT, Kind::WildcardAnswer, "*.w2.example.com.", RRType::TXT, "", 3, "*.w2.example.com.", "a.b.w2.example.com."},
      {"b.w2.example.com.", RRType::TXT, Kind::NoData, "", kNone, "", 4, "", "*.w2.example.com."},
      {"z.b.w2.example.com.", RRType::TXT, Kind::NxDomain, "", kNone, "", 4, "", "a.b.w2.example.com."},
      // Outside the zone.
      {"www.example.net.", RRType::A, Kind::NotInZone, "", kNone, "", 0, "", ""},
      {"com.", RRType::A, Kind::NotInZone, "", kNone, "", 0, "", ""},
  };
  for (const Case& c : cases) run(zone_a(), c);
}

TEST_CASE("lookup: closest-encloser fields for NXDOMAIN under an existing node") {
  // The closest encloser is a node here; its label count gives the next closer name.
  const auto q = name("a.b.zzz.mail.example.com.");
  const LookupResult r = lookup(zone_a(), q, RRType::A);
  CHECK(r.kind == Kind::NxDomain);
  CHECK(owner(r.closest_encloser) == "mail.example.com.");
  REQUIRE(r.closest_encloser_labels == 3);
  CHECK(q.parent(q.label_count() - r.closest_encloser_labels - 1) == name("zzz.mail.example.com."));
}

TEST_CASE("lookup: RFC 4592 2.2.1 example table") {
  const Case cases[] = {
      // "The following queries would be synthesized from one of the wildcards".
      {"host3.example.", RRType::MX, Kind::WildcardAnswer, "*.example.", RRType::MX, "example.", 1, "*.example.", "_ssh._tcp.host2.example."},
      {"host3.example.", RRType::A, Kind::WildcardNoData, "*.example.", kNone, "example.", 1, "*.example.", "_ssh._tcp.host2.example."},
      {"foo.bar.example.", RRType::TXT, Kind::WildcardAnswer, "*.example.", RRType::TXT, "example.", 1, "*.example.", "sub.*.example."},
      // "The following queries would not be synthesized".
      {"host1.example.", RRType::MX, Kind::NoData, "host1.example.", kNone, "host1.example.", 2, "", ""},
      {"sub.*.example.", RRType::MX, Kind::NoData, "sub.*.example.", kNone, "sub.*.example.", 3, "", ""},
      {"_telnet._tcp.host1.example.", RRType::SRV, Kind::NxDomain, "", kNone, "", 3, "", "_ssh._tcp.host1.example."},
      {"host.subdel.example.", RRType::A, Kind::Referral, "subdel.example.", RRType::NS, "", 0, "", ""},
      {"ghost.*.example.", RRType::MX, Kind::NxDomain, "", kNone, "*.example.", 2, "", "*.example."},
      // A literal `*` query is an exact match, not a synthesis.
      {"*.example.", RRType::MX, Kind::Answer, "*.example.", RRType::MX, "*.example.", 2, "", ""},
      {"*.example.", RRType::A, Kind::NoData, "*.example.", kNone, "*.example.", 2, "", ""},
      // Empty non-terminals of the example.
      {"_tcp.host1.example.", RRType::SRV, Kind::NoData, "", kNone, "", 3, "", "host1.example."},
      {"host2.example.", RRType::A, Kind::NoData, "", kNone, "", 2, "", "_ssh._tcp.host1.example."},
      // `*` matches only as the whole leftmost label of the owner.
      {"x*.example.", RRType::TXT, Kind::WildcardAnswer, "*.example.", RRType::TXT, "example.", 1, "*.example.", "subdel.example."},
      {"x.sub.*.example.", RRType::TXT, Kind::NxDomain, "", kNone, "sub.*.example.", 3, "", "sub.*.example."},
  };
  for (const Case& c : cases) run(zone_4592(), c);
}

TEST_CASE("lookup: DNAME at the apex") {
  const Case cases[] = {
      {"example.com.", RRType::SOA, Kind::Answer, "example.com.", RRType::SOA, "example.com.", 2, "", ""},
      {"example.com.", RRType::DNAME, Kind::Answer, "example.com.", RRType::DNAME, "example.com.", 2, "", ""},
      {"www.example.com.", RRType::A, Kind::Dname, "example.com.", RRType::DNAME, "", 0, "", ""},
      {"nope.example.com.", RRType::A, Kind::Dname, "example.com.", RRType::DNAME, "", 0, "", ""},
  };
  for (const Case& c : cases) run(zone_apex_dname(), c);
  dns::Name target;
  const auto q = name("WWW.example.com.");
  REQUIRE(synthesize_dname_target(q, lookup(zone_apex_dname(), q, RRType::A), target));
  CHECK(target == name("www.example.net."));
}

TEST_CASE("lookup: DNAME substitution and its 255-octet limit (YXDOMAIN)") {
  dns::Name target;
  auto q = name("a.b.x.d.example.com.");
  REQUIRE(synthesize_dname_target(q, lookup(zone_a(), q, RRType::A), target));
  CHECK(target == name("a.b.x.example.net."));
  CHECK(target.label_count() == 5);

  q = name("host.long.example.com.");
  REQUIRE(synthesize_dname_target(q, lookup(zone_a(), q, RRType::A), target));
  CHECK(target == name("host." + kLongTarget));
  // 2 x 51 octets of prefix + 209 of target > 255.
  q = name(kLongLabel + "." + kLongLabel + ".long.example.com.");
  const LookupResult r = lookup(zone_a(), q, RRType::A);
  CHECK(r.kind == Kind::Dname);
  CHECK_FALSE(synthesize_dname_target(q, r, target));
  // Not a DNAME result: refused.
  CHECK_FALSE(synthesize_dname_target(q, lookup(zone_a(), name("mail.example.com."), RRType::A), target));
}

TEST_CASE("lookup: follow_chain") {
  Chain chain;
  const auto names = [&] {
    std::string s;
    for (std::size_t i = 0; i < chain.size; ++i) s += chain.names[i].to_text() + " ";
    return s;
  };

  follow_chain(zone_a(), name("alias.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::Done);
  CHECK(names() == "alias.example.com. www.example.com. mail.example.com. ");
  CHECK(chain.steps[2].kind == Kind::Answer);
  CHECK(chain.steps[2].rrset == chain.steps[2].node->find(RRType::A));

  follow_chain(zone_a(), name("ext.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::LeftZone);
  CHECK(chain.size == 1);
  CHECK(chain.next == name("www.example.net."));

  follow_chain(zone_a(), name("loop1.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::Loop);
  CHECK(names() == "loop1.example.com. loop2.example.com. ");
  CHECK(chain.next == name("loop1.example.com."));

  follow_chain(zone_a(), name("c1.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::Capped);
  CHECK(chain.size == kMaxCnameChain + 1);
  CHECK(chain.names[kMaxCnameChain] == name("c9.example.com."));
  CHECK(chain.next == name("c10.example.com."));

  follow_chain(zone_a(), name("c45.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::Done);
  CHECK(chain.size == 6);
  CHECK(chain.steps[5].kind == Kind::Answer);

  // DNAME inside the zone, then a wildcard CNAME, then the answer.
  follow_chain(zone_a(), name("x.w.in.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::Done);
  CHECK(names() == "x.w.in.example.com. x.w.example.com. mail.example.com. ");
  CHECK(chain.steps[0].kind == Kind::Dname);
  CHECK(chain.steps[1].kind == Kind::WildcardCname);

  follow_chain(zone_a(), name(kLongLabel + "." + kLongLabel + ".long.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::YxDomain);
  CHECK(chain.size == 1);

  follow_chain(zone_a(), name("nothing.example.com."), RRType::A, chain);
  CHECK(chain.end == Chain::End::Done);
  CHECK(chain.size == 1);
  CHECK(chain.steps[0].kind == Kind::NxDomain);
}

TEST_CASE("lookup: glue_for visits in-zone NS targets, occluded ones included") {
  const LookupResult r = lookup(zone_a(), name("sub.example.com."), RRType::A);
  REQUIRE(r.kind == Kind::Referral);
  std::vector<std::string> seen;
  glue_for(zone_a(), *r.cut, [&](const Node& n, const RRset& s, bool in_bailiwick) {
    CHECK(n.find(s.type) == &s);
    seen.push_back(owner(&n) + "/" + std::to_string(static_cast<int>(s.type)) +
                   (in_bailiwick ? " in" : " sibling"));
  });
  // ns.example.net. is outside the zone: no glue.
  CHECK(seen == std::vector<std::string>{"ns.sub.example.com./1 in", "ns.sub.example.com./28 in",
                                         "ns1.other.example.com./1 sibling"});
}

TEST_CASE("lookup: make_lookup_key matches RecordList::make_key") {
  for (const char* t : {"example.com.", ".", "A\\000b.\\001.*.Example.COM.", "x.y.z."}) {
    std::vector<std::uint8_t> expected;
    RecordList::make_key(name(t).wire(), expected);
    KeyBuffer buf;
    const auto k = make_lookup_key(name(t).wire(), buf);
    CHECK(std::vector<std::uint8_t>(k.begin(), k.end()) == expected);
  }
}

TEST_CASE("lookup: make_lookup_key matches RecordList::make_key on random names") {
  // Labels of every length (the key is built eight bytes at a time), with
  // capitals, the escaped bytes 0 and 1, and bytes past 0x7f.
  std::mt19937 rng(20261130);
  const std::uint8_t alphabet[] = {'a', 'z', 'A', 'Z', '@', '[', '`', '{', '0', '-', '*', 0, 1, 2, 0x7f, 0x80, 0xc1, 0xda, 0xff};
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> wire;
    const int labels = std::uniform_int_distribution<int>(0, 6)(rng);
    for (int l = 0; l < labels; ++l) {
      const int length = std::uniform_int_distribution<int>(1, 20)(rng);
      if (wire.size() + 1 + length + 1 > dns::Name::kMaxWireLength) break;
      wire.push_back(static_cast<std::uint8_t>(length));
      const bool mostly_plain = rng() % 2 == 0;
      for (int i = 0; i < length; ++i) {
        wire.push_back(mostly_plain && rng() % 8 != 0 ? static_cast<std::uint8_t>('a' + rng() % 26)
                                                       : alphabet[rng() % std::size(alphabet)]);
      }
    }
    wire.push_back(0);
    std::vector<std::uint8_t> expected;
    RecordList::make_key(wire, expected);
    KeyBuffer buf;
    const auto k = make_lookup_key(wire, buf);
    REQUIRE(std::vector<std::uint8_t>(k.begin(), k.end()) == expected);
  }
}

TEST_CASE("lookup: empty non-terminal and cut spanning several pages") {
  // g.example.com. is an empty non-terminal over 1000 nodes (4 pages); the
  // cut big.example.com. holds 600 occluded nodes.
  const auto v = build_zone(std::string(kApex) +
                                "$GENERATE 0-999 h${0,4,d}.g A 192.0.2.1\n"
                                "big NS ns.big\n"
                                "$GENERATE 0-599 n${0,4,d}.big A 192.0.2.2\n",
                            "example.com.");
  REQUIRE(v->node_count() > 6 * ZoneVersion::kNodesPerPage);
  const Case cases[] = {
      {"h0500.g.example.com.", RRType::A, Kind::Answer, "h0500.g.example.com.", RRType::A, "h0500.g.example.com.", 4, "", ""},
      {"h0999.g.example.com.", RRType::TXT, Kind::NoData, "h0999.g.example.com.", kNone, "h0999.g.example.com.", 4, "", ""},
      {"g.example.com.", RRType::A, Kind::NoData, "", kNone, "", 3, "", "big.example.com."},
      {"zzz.g.example.com.", RRType::A, Kind::NxDomain, "", kNone, "", 3, "", "h0999.g.example.com."},
      {"h0255x.g.example.com.", RRType::A, Kind::NxDomain, "", kNone, "", 3, "", "h0255.g.example.com."},
      {"h0256x.g.example.com.", RRType::A, Kind::NxDomain, "", kNone, "", 3, "", "h0256.g.example.com."},
      {"n0300.big.example.com.", RRType::A, Kind::Referral, "big.example.com.", RRType::NS, "", 0, "", ""},
      {"bigz.example.com.", RRType::A, Kind::NxDomain, "", kNone, "example.com.", 2, "", "big.example.com."},
  };
  for (const Case& c : cases) run(*v, c);
}

TEST_CASE("lookup: qtype RRSIG answers from any signature at the node") {
  const std::string sig = " 8 3 3600 20300101000000 20200101000000 12345 example.com. AAAA\n";
  const auto v = build_zone(std::string(kApex) + "a A 192.0.2.1\na RRSIG A" + sig +
                                "b A 192.0.2.1\nb RRSIG MX" + sig + "c A 192.0.2.1\n",
                            "example.com.");
  const Case cases[] = {
      {"a.example.com.", RRType::RRSIG, Kind::Answer, "a.example.com.", kNone, "a.example.com.", 3, "", ""},
      {"b.example.com.", RRType::RRSIG, Kind::Answer, "b.example.com.", RRType::RRSIG, "b.example.com.", 3, "", ""},
      {"c.example.com.", RRType::RRSIG, Kind::NoData, "c.example.com.", kNone, "c.example.com.", 3, "", ""},
  };
  for (const Case& c : cases) run(*v, c);
}

TEST_CASE("lookup: the query path allocates nothing") {
  // One of each kind: answer, CNAME chain, DNAME, wildcard CNAME, referral
  // (with glue), DS at the cut, empty non-terminal, NXDOMAIN, loop, cap.
  const std::vector<std::pair<dns::Name, RRType>> queries = {
      {name("mail.example.com."), RRType::A},       {name("alias.example.com."), RRType::A},
      {name("x.w.in.example.com."), RRType::A},     {name("q.w.example.com."), RRType::A},
      {name("deep.below.sub.example.com."), RRType::A}, {name("sub.example.com."), RRType::DS},
      {name("b.c.example.com."), RRType::A},        {name("nothing.example.com."), RRType::A},
      {name("loop1.example.com."), RRType::A},      {name("c1.example.com."), RRType::A},
  };
  const ZoneVersion& zone = zone_a();
  auto chain = std::make_unique<Chain>();
  std::size_t glue_sets = 0;
  std::size_t synthesized = 0;
  zoned::test::AllocationCounter allocations;
  for (int round = 0; round < 1000; ++round) {
    for (const auto& [qname, qtype] : queries) {
      const LookupResult r = lookup(zone, qname, qtype);
      if (r.kind == Kind::Referral) glue_for(zone, *r.cut, [&](const Node&, const RRset&, bool) { ++glue_sets; });
      if (r.kind == Kind::Dname) {
        dns::Name target;
        if (synthesize_dname_target(qname, r, target)) ++synthesized;
      }
      follow_chain(zone, qname, qtype, *chain);
    }
  }
  CHECK(allocations.count() == 0);
  CHECK(glue_sets == 3000);   // the work was done: three glue sets per referral
  CHECK(synthesized == 1000);
}

TEST_CASE("lookup: a wildcard that is only an empty non-terminal matches with no data") {
  // RFC 4592 §4.9: `*.went` exists as the parent of x.*.went, so it is the
  // source of synthesis for names below `went`: NODATA, not NXDOMAIN.
  const auto v = build_zone(std::string(kApex) + "x.*.went TXT \"below the wildcard\"\n", "example.com.");
  const Case cases[] = {
      {"foo.went.example.com.", RRType::A, Kind::WildcardNoData, "", kNone, "", 3, "", "x.*.went.example.com."},
      {"a.b.went.example.com.", RRType::TXT, Kind::WildcardNoData, "", kNone, "", 3, "", "x.*.went.example.com."},
      {"x.*.went.example.com.", RRType::TXT, Kind::Answer, "x.*.went.example.com.", RRType::TXT, "x.*.went.example.com.", 5, "", ""},
      {"y.*.went.example.com.", RRType::TXT, Kind::NxDomain, "", kNone, "", 4, "", "x.*.went.example.com."},
  };
  for (const Case& c : cases) run(*v, c);
}

TEST_CASE("lookup: answers found from a node's page match at every page boundary") {
  // The lookup and glue_for find wildcards and glue among the nodes that
  // follow a node in its page, and search when the page cannot tell. Shift
  // the same names across a page boundary one node at a time.
  for (int filler = 235; filler <= 262; ++filler) {
    CAPTURE(filler);
    const auto v = build_zone(std::string(kApex) + "$GENERATE 1-" + std::to_string(filler) +
                                  " a${0,4,d} A 192.0.2.1\n"
                                  "b NS ns1.b\n"
                                  "b NS NS2.B.example.COM.\n"
                                  "ns1.b A 192.0.2.2\n"
                                  "ns2.b AAAA 2001:db8::2\n"
                                  "big NS n19.big\n"
                                  "big NS ns1.b\n"
                                  "$GENERATE 0-19 n${0,2,d}.big A 192.0.2.3\n"
                                  "leaf A 192.0.2.9\n"
                                  "u TXT \"child *a, no wildcard\"\n"
                                  "*a.u TXT \"not a wildcard\"\n"
                                  "v TXT \"child before the wildcard\"\n"
                                  "\\033.v TXT \"sorts before *\"\n"
                                  "*.v TXT \"wild v\"\n"
                                  "w TXT \"wildcard first\"\n"
                                  "*.w TXT \"wild w\"\n"
                                  "x.w TXT \"x\"\n"
                                  "x.e TXT \"below an empty non-terminal\"\n"
                                  "y.e TXT \"y\"\n"
                                  "*.wk TXT \"wildcard under an empty non-terminal\"\n",
                              "example.com.");
    const auto glue = [&](const char* cut) {
      const LookupResult r = lookup(*v, name(cut), RRType::A);
      REQUIRE(r.kind == Kind::Referral);
      std::vector<std::string> seen;
      glue_for(*v, *r.cut, [&](const Node& n, const RRset& s, bool in_bailiwick) {
        seen.push_back(owner(&n) + "/" + std::to_string(static_cast<int>(s.type)) + (in_bailiwick ? " in" : " sibling"));
      });
      return seen;
    };
    CHECK(glue("b.example.com.") == std::vector<std::string>{"ns1.b.example.com./1 in", "ns2.b.example.com./28 in"});
    // 20 nodes below the cut: more than a scan is worth, so a search.
    CHECK(glue("big.example.com.") == std::vector<std::string>{"n19.big.example.com./1 in", "ns1.b.example.com./1 sibling"});

    const Case cases[] = {
        {"q.w.example.com.", RRType::TXT, Kind::WildcardAnswer, "*.w.example.com.", RRType::TXT, "w.example.com.", 3, "*.w.example.com.", "*.w.example.com."},
        {"q.v.example.com.", RRType::TXT, Kind::WildcardAnswer, "*.v.example.com.", RRType::TXT, "v.example.com.", 3, "*.v.example.com.", "*.v.example.com."},
        {"q.u.example.com.", RRType::TXT, Kind::NxDomain, "", kNone, "u.example.com.", 3, "", "*a.u.example.com."},
        {"a.z.leaf.example.com.", RRType::A, Kind::NxDomain, "", kNone, "leaf.example.com.", 3, "", "leaf.example.com."},
        {"z.a0007.example.com.", RRType::A, Kind::NxDomain, "", kNone, "a0007.example.com.", 3, "", "a0007.example.com."},
        {"z.e.example.com.", RRType::A, Kind::NxDomain, "", kNone, "", 3, "", "y.e.example.com."},
        {"q.wk.example.com.", RRType::TXT, Kind::WildcardAnswer, "*.wk.example.com.", RRType::TXT, "", 3, "*.wk.example.com.", "*.wk.example.com."},
    };
    for (const Case& c : cases) run(*v, c);
    CHECK(owner(lookup(*v, name("q.u.example.com."), RRType::A).wildcard_previous) == "u.example.com.");
    CHECK(owner(lookup(*v, name("q.w.example.com."), RRType::A).wildcard_previous) == "*.w.example.com.");
    CHECK(owner(lookup(*v, name("z.leaf.example.com."), RRType::A).wildcard_previous) == "leaf.example.com.");
    // *.e would follow the last node before e: n19.big, occluded, so the cut.
    CHECK(owner(lookup(*v, name("z.e.example.com."), RRType::A).wildcard_previous) == "big.example.com.");
  }
}
