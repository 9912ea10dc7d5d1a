// Answers from zones signed beforehand: what the DO bit adds, where, and
// how it truncates. Signatures here are well-formed but not valid: which
// records go where does not depend on them (tests/system/ validates real
// signatures and proofs with dnspython and unbound).
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "dns/encoding.hpp"
#include "query_test_util.hpp"
#include "zone/nsec3.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::RRType;

namespace {

const QueryOptions kDo{.edns = true, .dnssec_ok = true};
const QueryOptions kNoDo{.edns = true};

// A well-formed RRSIG covering `type` (labels 2: owners directly below the
// apex; the wildcard's signature says 2 as well, as a signer would).
std::string rrsig(std::string_view owner, std::string_view type, std::size_t base64_length = 88) {
  return std::string(owner) + " 3600 RRSIG " + std::string(type) +
         " 13 2 3600 20300101000000 20200101000000 4711 example.com. " + std::string(base64_length, 'A') + "\n";
}

// Every authoritative RRset signed, NSEC chain over the names in canonical
// order: apex, *.wild, big, mail, secure (signed delegation), sub (unsigned
// delegation, glue below), www.
std::string nsec_zone() {
  std::string z =
      "$TTL 3600\n"
      "@ SOA ns1.sub hostmaster 1 7200 3600 1209600 300\n"
      "@ NS ns1.sub\n"
      "@ DNSKEY 257 3 13 " + std::string(88, 'B') + "\n"
      "@ NSEC *.wild SOA NS DNSKEY RRSIG NSEC\n"
      "*.wild A 192.0.2.9\n"
      "*.wild NSEC big A RRSIG NSEC\n"
      "big NSEC mail TXT RRSIG NSEC\n"
      "mail MX 10 www\n"
      "mail NSEC secure MX RRSIG NSEC\n"
      "secure NS ns.secure.example.net.\n"
      "secure DS 4711 13 2 " + std::string(64, 'a') + "\n"
      "secure NSEC sub NS DS RRSIG NSEC\n"
      "sub NS ns1.sub\n"
      "sub NSEC www NS RRSIG NSEC\n"
      "ns1.sub A 192.0.2.53\n"
      "www A 192.0.2.1\n"
      "www NSEC @ A RRSIG NSEC\n";
  // A TXT set of about 1,100 octets: fits 1232 alone, not with its RRSIG.
  for (int i = 0; i < 4; ++i) z += "big TXT \"" + std::to_string(i) + std::string(250, 'x') + "\"\n";
  for (const char* owner : {"@", "*.wild", "big", "mail", "secure", "sub", "www"}) z += rrsig(owner, "NSEC");
  for (const auto& [owner, type] : std::vector<std::pair<std::string, std::string>>{
           {"@", "SOA"}, {"@", "NS"}, {"@", "DNSKEY"}, {"*.wild", "A"}, {"mail", "MX"}, {"secure", "DS"}}) {
    z += rrsig(owner, type);
  }
  // Long signatures: big's TXT fits 1232 octets only unsigned, and the MX
  // answer's additional data fits 1232 octets but not 512.
  z += rrsig("big", "TXT", 400);
  z += rrsig("www", "A", 400);
  return z;
}

std::string hash_label(std::string_view name_text) {
  std::string label;
  dns::base32hex_encode(zone::nsec3_hash(name(name_text).wire(), zone::Nsec3Params{}), label);
  std::transform(label.begin(), label.end(), label.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return label;
}

// The same shape under NSEC3 (no salt, no extra iterations, RFC 9276).
std::string nsec3_zone() {
  std::string z =
      "$TTL 3600\n"
      "@ SOA ns1.sub hostmaster 1 7200 3600 1209600 300\n"
      "@ NS ns1.sub\n"
      "@ NSEC3PARAM 1 0 0 -\n"
      "*.wild A 192.0.2.9\n"
      "sub NS ns1.sub\n"
      "ns1.sub A 192.0.2.53\n"
      "www A 192.0.2.1\n";
  std::vector<std::string> labels;
  for (const char* n : {"example.org.", "wild.example.org.", "*.wild.example.org.", "sub.example.org.", "www.example.org."}) {
    labels.push_back(hash_label(n));
  }
  std::sort(labels.begin(), labels.end());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    z += labels[i] + " NSEC3 1 0 0 - " + labels[(i + 1) % labels.size()] + " A\n";
    z += rrsig(labels[i], "NSEC3");
  }
  for (const auto& [owner, type] : std::vector<std::pair<std::string, std::string>>{
           {"@", "SOA"}, {"@", "NS"}, {"@", "NSEC3PARAM"}, {"*.wild", "A"}, {"www", "A"}}) {
    z += rrsig(owner, type);
  }
  return z;
}

// The types of a section's records, RRSIGs as "RRSIG/<covered>".
std::vector<std::string> types(const Lines& section) {
  std::vector<std::string> out;
  for (const std::string& line : section) {
    // "owner ttl CLASS TYPE rdata"
    std::size_t pos = 0;
    for (int field = 0; field < 3; ++field) pos = line.find(' ', pos) + 1;
    const std::size_t end = line.find(' ', pos);
    std::string type = line.substr(pos, end - pos);
    if (type == "RRSIG") type.append("/").append(line, end + 1, line.find(' ', end + 1) - end - 1);
    out.push_back(type);
  }
  return out;
}

using Types = std::vector<std::string>;

struct SignedHarness : Harness {
  SignedHarness() {
    add_zone("example.com.", nsec_zone());
    add_zone("example.org.", nsec3_zone());
  }
};

}  // namespace

TEST_CASE("dnssec: RRSIGs only with the DO bit, unless asked for") {
  SignedHarness h;
  CHECK(types(h.ask("www.example.com.", RRType::A, kNoDo).answer) == Types{"A"});
  const Response r = h.ask("www.example.com.", RRType::A, kDo);
  CHECK(r.opt_do);  // RFC 3225 §3: DO copied into the response
  CHECK(types(r.answer) == Types{"A", "RRSIG/A"});
  // Explicitly asked for: DNSSEC types without DO (RFC 4035 §3.1.5).
  CHECK(types(h.ask("www.example.com.", RRType::NSEC, kNoDo).answer) == Types{"NSEC"});
  CHECK(types(h.ask("example.com.", RRType::DNSKEY, kNoDo).answer) == Types{"DNSKEY"});
  CHECK(types(h.ask("example.com.", RRType::DNSKEY, kDo).answer) == Types{"DNSKEY", "RRSIG/DNSKEY"});
}

TEST_CASE("dnssec: negative answers carry the signed SOA and the NSEC proofs") {
  SignedHarness h;
  const Response nx = h.ask("nope.example.com.", RRType::A, kDo);
  CHECK(nx.rcode == dns::Rcode::NXDOMAIN);
  // mail NSEC secure covers nope; the apex NSEC covers *.example.com.
  CHECK(types(nx.authority) == Types{"SOA", "RRSIG/SOA", "NSEC", "RRSIG/NSEC", "NSEC", "RRSIG/NSEC"});
  // The SOA's RRSIG has the SOA's lowered TTL (RFC 4034 §3, RFC 2308 §3).
  CHECK(nx.authority[1].rfind("example.com. 300 IN RRSIG SOA", 0) == 0);
  const Response nodata = h.ask("www.example.com.", RRType::TXT, kDo);
  CHECK(nodata.rcode == dns::Rcode::NOERROR);
  CHECK(types(nodata.authority) == Types{"SOA", "RRSIG/SOA", "NSEC", "RRSIG/NSEC"});
  CHECK(nodata.authority[2].rfind("www.example.com. 3600 IN NSEC", 0) == 0);
  // Without DO, only the SOA.
  CHECK(types(h.ask("nope.example.com.", RRType::A, kNoDo).authority) == Types{"SOA"});
}

TEST_CASE("dnssec: an NSEC3 owner name does not exist (RFC 5155 §7.2.8)") {
  SignedHarness h;
  const std::string owner = hash_label("www.example.org.") + ".example.org.";
  for (RRType t : {RRType::A, RRType::NSEC3, RRType::ANY}) {
    const Response r = h.ask(owner, t, kDo);
    CHECK(r.rcode == dns::Rcode::NXDOMAIN);
    CHECK(r.answer.empty());
    // Closest encloser (the apex), next closer (the owner) and wildcard.
    CHECK(types(r.authority) ==
          Types{"SOA", "RRSIG/SOA", "NSEC3", "RRSIG/NSEC3", "NSEC3", "RRSIG/NSEC3", "NSEC3", "RRSIG/NSEC3"});
  }
  CHECK(h.ask(owner, RRType::NSEC3, kNoDo).rcode == dns::Rcode::NXDOMAIN);
}

TEST_CASE("dnssec: wildcard answers prove that no closer name exists") {
  SignedHarness h;
  const Response r = h.ask("a.wild.example.com.", RRType::A, kDo);
  CHECK(types(r.answer) == Types{"A", "RRSIG/A"});
  CHECK(types(r.authority) == Types{"NSEC", "RRSIG/NSEC"});
  CHECK(r.authority[0].rfind("*.wild.example.com. 3600 IN NSEC big.example.com.", 0) == 0);
  const Response r3 = h.ask("a.wild.example.org.", RRType::A, kDo);
  CHECK(types(r3.answer) == Types{"A", "RRSIG/A"});
  CHECK(types(r3.authority) == Types{"NSEC3", "RRSIG/NSEC3"});
}

TEST_CASE("dnssec: referrals carry the signed DS, or the proof that there is none") {
  SignedHarness h;
  const Response secure = h.ask("host.secure.example.com.", RRType::A, kDo);
  CHECK_FALSE(secure.aa());
  CHECK(types(secure.authority) == Types{"NS", "DS", "RRSIG/DS"});
  const Response insecure = h.ask("host.sub.example.com.", RRType::A, kDo);
  CHECK(types(insecure.authority) == Types{"NS", "NSEC", "RRSIG/NSEC"});
  CHECK(types(insecure.additional) == Types{"A"});  // glue is never signed
  const Response insecure3 = h.ask("host.sub.example.org.", RRType::A, kDo);
  CHECK(types(insecure3.authority) == Types{"NS", "NSEC3", "RRSIG/NSEC3"});
  // DS asked at an unsigned cut: NODATA from the parent, with its NSEC.
  const Response ds = h.ask("sub.example.com.", RRType::DS, kDo);
  CHECK(ds.aa());
  CHECK(types(ds.authority) == Types{"SOA", "RRSIG/SOA", "NSEC", "RRSIG/NSEC"});
  CHECK(types(h.ask("host.secure.example.com.", RRType::A, kNoDo).authority) == Types{"NS"});
}

TEST_CASE("dnssec: an RRset and its RRSIGs are never split, and additional data goes first") {
  SignedHarness h;
  // Fits without its signature, not with it: TC and no partial answer.
  const Response plain = h.ask("big.example.com.", RRType::TXT, kNoDo);
  CHECK_FALSE(plain.tc());
  CHECK(plain.answer.size() == 4);
  const Response signed_big = h.ask("big.example.com.", RRType::TXT, kDo);
  CHECK(signed_big.tc());
  CHECK(signed_big.answer.empty());
  CHECK(signed_big.authority.empty());
  const Response tcp = h.ask("big.example.com.", RRType::TXT, kDo, Transport::Tcp);
  CHECK_FALSE(tcp.tc());
  CHECK(types(tcp.answer) == Types{"TXT", "TXT", "TXT", "TXT", "RRSIG/TXT"});
  // The MX target's addresses and their RRSIG are optional: left out whole
  // when they do not fit, without TC.
  QueryOptions small = kDo;
  small.udp_size = 512;
  const Response mx = h.ask("mail.example.com.", RRType::MX, small);
  CHECK(types(mx.answer) == Types{"MX", "RRSIG/MX"});
  CHECK(mx.additional.empty());
  CHECK_FALSE(mx.tc());
  CHECK(types(h.ask("mail.example.com.", RRType::MX, kDo).additional) == Types{"A", "RRSIG/A"});
}

TEST_CASE("dnssec: answering with DO allocates nothing") {
  SignedHarness h;
  std::vector<std::vector<std::uint8_t>> queries;
  for (const char* zone : {"example.com.", "example.org."}) {
    for (const char* label : {"", "www.", "nope.", "a.wild.", "host.sub.", "host.secure.", "big.", "mail."}) {
      const std::string qname = std::string(label) + zone;
      for (RRType t : {RRType::A, RRType::TXT, RRType::MX, RRType::DS}) queries.push_back(make_query(qname, t, kDo));
    }
  }
  for (const auto& q : queries) REQUIRE(h.raw(q).size > 0);  // warm-up
  std::size_t bytes = 0;
  zoned::test::AllocationCounter counter;
  for (std::size_t i = 0; i < 5'000; ++i) bytes += h.raw(queries[i % queries.size()], Transport::Tcp).size;
  CHECK(counter.count() == 0);
  CHECK(bytes > 0);
}
