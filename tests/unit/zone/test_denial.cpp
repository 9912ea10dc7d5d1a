// Which NSEC (RFC 4035 §3.1.3) and NSEC3 (RFC 5155 §7.2) records add_denial
// selects for each kind of lookup result. Signatures are absent: selection
// does not depend on them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"
#include "dns/encoding.hpp"
#include "zone/denial.hpp"
#include "zone/lookup.hpp"
#include "zone/nsec3.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_version.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;
using Kind = LookupResult::Kind;
using dns::RRType;

namespace {

const std::string kDs = "DS 12345 8 2 " + std::string(64, 'a') + "\n";

// The names of both test zones: a plain answer, an empty non-terminal (c),
// a wildcard with data (*.w), a wildcard CNAME (*.cn), an empty-non-terminal
// wildcard (*.e, above x.*.e), a signed (secure) and an unsigned delegation,
// and in the NSEC3 zone opt-out delegations (insecure; sub.d below the empty
// non-terminal d) that have no NSEC3 of their own.
std::string zone_data() {
  return std::string(kApex) +
         "a A 192.0.2.10\n"
         "b.c TXT \"below an empty non-terminal\"\n"
         "*.cn CNAME a\n"
         "e TXT \"e\"\n"
         "x.*.e A 192.0.2.11\n"
         "secure NS ns.secure\n"
         "secure " + kDs +
         "ns.secure A 192.0.2.12\n"
         "unsigned NS ns.unsigned\n"
         "ns.unsigned A 192.0.2.13\n"
         "w TXT \"w\"\n"
         "*.w TXT \"wild\"\n";
}

// NSEC records for zone_data(), in canonical order (types do not matter here).
constexpr std::string_view kNsecChain =
    "@ NSEC a NS SOA RRSIG NSEC\n"
    "a NSEC b.c A RRSIG NSEC\n"
    "b.c NSEC *.cn TXT RRSIG NSEC\n"
    "*.cn NSEC e CNAME RRSIG NSEC\n"
    "e NSEC x.*.e TXT RRSIG NSEC\n"
    "x.*.e NSEC ns1 A RRSIG NSEC\n"
    "ns1 NSEC secure A RRSIG NSEC\n"
    "secure NSEC unsigned NS DS RRSIG NSEC\n"
    "unsigned NSEC w NS RRSIG NSEC\n"
    "w NSEC *.w TXT RRSIG NSEC\n"
    "*.w NSEC @ TXT RRSIG NSEC\n";

// The names an opt-out NSEC3 chain over zone_data() + the opt-out delegations
// holds: every authoritative name and empty non-terminal, but neither
// `insecure` nor `sub.d` nor d (which leads only to sub.d).
const std::vector<std::string> kNsec3Names = {
    "example.", "a.example.", "c.example.", "b.c.example.", "cn.example.", "*.cn.example.",
    "e.example.", "*.e.example.", "x.*.e.example.", "ns1.example.", "secure.example.",
    "unsigned.example.", "w.example.", "*.w.example."};

Nsec3Params no_salt_params() { return Nsec3Params{}; }  // RFC 9276: no salt, no extra iterations

std::string hash_label(std::string_view text) {
  std::string s;
  dns::base32hex_encode(nsec3_hash(name(text).wire(), no_salt_params()), s);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The chain's owner labels in hash order (base32hex preserves byte order).
std::vector<std::string> sorted_chain_labels() {
  std::vector<std::string> labels;
  for (const auto& n : kNsec3Names) labels.push_back(hash_label(n));
  std::sort(labels.begin(), labels.end());
  return labels;
}

std::string nsec3_zone_text() {
  std::string text = zone_data() +
                     "insecure NS ns.insecure\n"
                     "ns.insecure A 192.0.2.14\n"
                     "sub.d NS ns.sub.d\n"
                     "ns.sub.d A 192.0.2.15\n"
                     "@ NSEC3PARAM 1 0 0 -\n";
  const auto labels = sorted_chain_labels();
  for (std::size_t i = 0; i < labels.size(); ++i)
    text += labels[i] + " NSEC3 1 1 0 - " + labels[(i + 1) % labels.size()] + " A\n";
  return text;
}

std::string matching(std::string_view text) { return hash_label(text) + ".example. NSEC3"; }

// The NSEC3 owner that covers the hash of `text`: a linear scan, independent
// of Nsec3Chain's binary search.
std::string covering(std::string_view text) {
  const auto labels = sorted_chain_labels();
  const std::string h = hash_label(text);
  REQUIRE(std::find(labels.begin(), labels.end(), h) == labels.end());
  std::string cover = labels.back();
  for (const auto& l : labels)
    if (l < h) cover = l;
  return cover + ".example. NSEC3";
}

struct Selected {
  Kind kind;
  std::vector<std::string> records;  // "owner TYPE", sorted
};

Selected select(const ZoneVersion& v, std::string_view qname, RRType qtype) {
  const dns::Name q = name(qname);
  const LookupResult step = lookup(v, q, qtype);
  DenialProof proof;
  add_denial(v, q, qtype, step, proof);
  Selected s{step.kind, {}};
  for (std::size_t i = 0; i < proof.count; ++i) {
    const DenialRecord& r = proof.records[i];
    REQUIRE(r.node->find(r.rrset->type) == r.rrset);
    s.records.push_back(r.node->owner_name().to_text() + " " + std::string(dns::type_to_text(r.rrset->type)));
  }
  std::sort(s.records.begin(), s.records.end());
  return s;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

struct Case {
  std::string_view qname;
  RRType qtype;
  Kind kind;
  std::vector<std::string> expected;
};

void check_cases(const ZoneVersion& v, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.qname);
    CAPTURE(dns::type_to_text(c.qtype));
    const Selected s = select(v, c.qname, c.qtype);
    CHECK(s.kind == c.kind);
    CHECK(s.records == sorted(c.expected));
  }
}

}  // namespace

TEST_CASE("denial: NSEC proofs for each kind of lookup result") {
  const auto v = build_zone(zone_data() + std::string(kNsecChain), "example.");
  REQUIRE(v->nsec3_chain() == nullptr);
  check_cases(*v, {
      // qname between x.*.e and ns1; *.example. sorts right after the apex.
      {"nothere.example.", RRType::A, Kind::NxDomain, {"x.*.e.example. NSEC", "example. NSEC"}},
      // Below a leaf: one NSEC covers both the name and the wildcard.
      {"zzz.a.example.", RRType::A, Kind::NxDomain, {"a.example. NSEC"}},
      // After the occluded glue ns.secure: the cut's NSEC is the one before.
      {"sz.example.", RRType::A, Kind::NxDomain, {"secure.example. NSEC", "example. NSEC"}},
      {"a.example.", RRType::MX, Kind::NoData, {"a.example. NSEC"}},
      {"c.example.", RRType::A, Kind::NoData, {"a.example. NSEC"}},  // empty non-terminal
      {"foo.w.example.", RRType::TXT, Kind::WildcardAnswer, {"*.w.example. NSEC"}},
      {"foo.w.example.", RRType::A, Kind::WildcardNoData, {"*.w.example. NSEC"}},
      {"foo.cn.example.", RRType::A, Kind::WildcardCname, {"*.cn.example. NSEC"}},
      // *.e is an empty non-terminal: the NSEC of e proves it has no types.
      {"foo.e.example.", RRType::A, Kind::WildcardNoData, {"x.*.e.example. NSEC", "e.example. NSEC"}},
      {"www.unsigned.example.", RRType::A, Kind::Referral, {"unsigned.example. NSEC"}},
      {"unsigned.example.", RRType::DS, Kind::NoData, {"unsigned.example. NSEC"}},
      {"www.secure.example.", RRType::A, Kind::Referral, {}},
      {"a.example.", RRType::A, Kind::Answer, {}},
      {"secure.example.", RRType::DS, Kind::Answer, {}},
  });
}

TEST_CASE("denial: NSEC3 proofs for each kind of lookup result, with opt-out") {
  const auto v = build_zone(nsec3_zone_text(), "example.");
  REQUIRE(v->nsec3_chain() != nullptr);
  REQUIRE(v->nsec3_chain()->size() == kNsec3Names.size());
  check_cases(*v, {
      // §7.2.2: closest encloser proof + no wildcard at the closest encloser.
      {"nothere.example.", RRType::A, Kind::NxDomain,
       {matching("example."), covering("nothere.example."), covering("*.example.")}},
      {"zzz.a.example.", RRType::A, Kind::NxDomain,
       {matching("a.example."), covering("zzz.a.example."), covering("*.a.example.")}},
      {"more.zzz.a.example.", RRType::A, Kind::NxDomain,
       {matching("a.example."), covering("zzz.a.example."), covering("*.a.example.")}},
      // §7.2.3
      {"a.example.", RRType::MX, Kind::NoData, {matching("a.example.")}},
      {"c.example.", RRType::A, Kind::NoData, {matching("c.example.")}},
      // §7.2.6: the next closer name does not exist.
      {"foo.w.example.", RRType::TXT, Kind::WildcardAnswer, {covering("foo.w.example.")}},
      {"deeper.foo.w.example.", RRType::TXT, Kind::WildcardAnswer, {covering("foo.w.example.")}},
      {"DEEPER.Foo.W.example.", RRType::TXT, Kind::WildcardAnswer, {covering("foo.w.example.")}},
      {"NotHere.EXAMPLE.", RRType::A, Kind::NxDomain,
       {matching("example."), covering("nothere.example."), covering("*.example.")}},
      {"foo.cn.example.", RRType::A, Kind::WildcardCname, {covering("foo.cn.example.")}},
      // §7.2.5
      {"foo.w.example.", RRType::A, Kind::WildcardNoData,
       {matching("w.example."), covering("foo.w.example."), matching("*.w.example.")}},
      {"foo.e.example.", RRType::A, Kind::WildcardNoData,
       {matching("e.example."), covering("foo.e.example."), matching("*.e.example.")}},
      // §7.2.7: an unsigned delegation with its own NSEC3, and opt-out ones.
      {"www.unsigned.example.", RRType::A, Kind::Referral, {matching("unsigned.example.")}},
      {"www.insecure.example.", RRType::A, Kind::Referral,
       {matching("example."), covering("insecure.example.")}},
      {"x.sub.d.example.", RRType::A, Kind::Referral, {matching("example."), covering("d.example.")}},
      {"www.secure.example.", RRType::A, Kind::Referral, {}},
      // §7.2.4: DS at an unsigned delegation, with and without an NSEC3.
      {"unsigned.example.", RRType::DS, Kind::NoData, {matching("unsigned.example.")}},
      {"insecure.example.", RRType::DS, Kind::NoData, {matching("example."), covering("insecure.example.")}},
      // An empty non-terminal that only leads to an opt-out delegation.
      {"d.example.", RRType::A, Kind::NoData, {matching("example."), covering("d.example.")}},
      // Below it, the closest encloser d cannot be proven: the apex can, and
      // the wildcard denied is the apex's (RFC 5155 §8.4; knotd agrees).
      {"foo.d.example.", RRType::A, Kind::NxDomain,
       {matching("example."), covering("d.example."), covering("*.example.")}},
      {"a.example.", RRType::A, Kind::Answer, {}},
  });
  // The first case needs each of its three records: none stands for another.
  CHECK(sorted({matching("example."), covering("nothere.example."), covering("*.example.")}).size() == 3);
  CHECK(sorted({matching("w.example."), covering("foo.w.example."), matching("*.w.example.")}).size() == 3);
}

TEST_CASE("denial: an NSEC3 proof hashes each name once, three names at most, however deep the query") {
  const auto v = build_zone(nsec3_zone_text(), "example.");
  std::string deep = "nothere.example.";
  for (int i = 0; i < 60; ++i) deep.insert(0, std::string(1, 'l').append(std::to_string(i)).append("."));
  struct Cost {
    std::string qname;
    RRType qtype;
    std::uint64_t hashes;
  };
  // The apex's hash and its wildcard's are kept with the chain: a flood of
  // random names below the apex costs one hash each (the next closer name).
  const std::vector<Cost> costs = {
      {"nothere.example.", RRType::A, 1},       // next closer
      {deep, RRType::A, 1},                     // the same: the labels below it are never hashed
      {"zzz.a.example.", RRType::A, 3},         // encloser a, next closer zzz.a, *.a
      {"more.zzz.a.example.", RRType::A, 3},    // the same three
      {"a.example.", RRType::MX, 1},            // the name itself
      {"foo.w.example.", RRType::TXT, 1},       // wildcard answer: next closer
      {"foo.w.example.", RRType::A, 3},         // wildcard NODATA: w, foo.w, *.w
      {"foo.d.example.", RRType::A, 1},         // d has no NSEC3: hashed once, matched, then covered
      {"a.example.", RRType::A, 0},             // an answer proves nothing
  };
  for (const Cost& c : costs) {
    CAPTURE(c.qname);
    const std::uint64_t before = nsec3_hashes_on_this_thread();
    (void)select(*v, c.qname, c.qtype);
    CHECK(nsec3_hashes_on_this_thread() - before == c.hashes);
  }
}

TEST_CASE("denial: an NSEC3 chain of the root zone proves from the root down") {
  std::string text =
      "$TTL 3600\n"
      ". SOA a.root-servers.net. hostmaster. 1 7200 3600 1209600 300\n"
      ". NS a.root-servers.net.\n"
      ". NSEC3PARAM 1 0 0 -\n"
      "tld NS ns.tld\n"
      "ns.tld A 192.0.2.1\n";
  // Only the root has an NSEC3: tld is an opt-out delegation.
  const auto apex = [] {
    std::string s;
    dns::base32hex_encode(nsec3_hash(dns::Name().wire(), no_salt_params()), s);
    return s;
  }();
  text += apex + ". NSEC3 1 1 0 - " + apex + " NS SOA\n";
  const auto v = build_zone(text, ".");
  REQUIRE(v->nsec3_chain() != nullptr);
  const Selected s = select(*v, "www.tld.", RRType::A);
  CHECK(s.kind == Kind::Referral);
  REQUIRE(s.records.size() == 1);  // matches the root and covers tld
  CHECK(s.records[0].find(" NSEC3") != std::string::npos);
}

TEST_CASE("denial: nothing for an unsigned zone") {
  const auto v = build_zone(zone_data(), "example.");
  for (const auto& [q, t] : {std::pair{"nothere.example.", RRType::A}, {"a.example.", RRType::MX},
                             {"foo.w.example.", RRType::A}, {"www.unsigned.example.", RRType::A}}) {
    CAPTURE(q);
    CHECK(select(*v, q, t).records.empty());
  }
}

TEST_CASE("denial: add_denial allocates nothing") {
  const auto nsec = build_zone(zone_data() + std::string(kNsecChain), "example.");
  const auto nsec3 = build_zone(nsec3_zone_text(), "example.");
  const dns::Name nx = name("nothere.example.");
  const dns::Name optout = name("www.insecure.example.");
  const LookupResult nsec_step = lookup(*nsec, nx, RRType::A);
  const LookupResult nsec3_step = lookup(*nsec3, nx, RRType::A);
  const LookupResult optout_step = lookup(*nsec3, optout, RRType::A);
  DenialProof proof;
  zoned::test::AllocationCounter counter;
  add_denial(*nsec, nx, RRType::A, nsec_step, proof);
  add_denial(*nsec3, nx, RRType::A, nsec3_step, proof);
  add_denial(*nsec3, optout, RRType::A, optout_step, proof);
  CHECK(counter.count() == 0);
  CHECK(proof.count >= 4);
}

TEST_CASE("denial: DenialProof keeps each RRset once and ignores null") {
  const auto v = build_zone(zone_data() + std::string(kNsecChain), "example.");
  const Node& apex = v->apex();
  const RRset* nsec = apex.find(RRType::NSEC);
  REQUIRE(nsec != nullptr);
  DenialProof proof;
  proof.add(&apex, nsec);
  proof.add(&apex, nsec);
  proof.add(&apex, nullptr);
  CHECK(proof.count == 1);
  // Past capacity, records are dropped rather than written out of bounds.
  std::vector<RRset> sets(kMaxDenialRecords + 2);
  for (const RRset& s : sets) proof.add(&apex, &s);
  CHECK(proof.count == kMaxDenialRecords);
}
