// libFuzzer target: arbitrary bytes as a query to the QueryEngine over a zone
// with every lookup case (CNAME chain and loop, DNAME, wildcards, delegation
// with glue, a child zone, part of an NSEC chain with signatures) and an
// NSEC3-signed zone with an opt-out delegation, so that DO queries reach the
// denial proofs. The engine must never crash, and its response must be a
// well-formed message no larger than the transport allows.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dns/encoding.hpp"
#include "dns/message_reader.hpp"
#include "server/query/query_engine.hpp"
#include "zone/master_file.hpp"
#include "zone/nsec3.hpp"
#include "zone/qsbr.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_set.hpp"
#include "zone/zone_version.hpp"

using namespace zoned;

namespace {

constexpr const char* kParentZone = R"(
$TTL 300
@        SOA  ns1 hostmaster 1 7200 3600 1209600 60
@        NS   ns1
@        MX   10 mail
ns1      A    192.0.2.1
mail     AAAA 2001:db8::25
www      CNAME web
web      CNAME www2
www2     A    192.0.2.80
loop1    CNAME loop2
loop2    CNAME loop1
d        DNAME target.example.org.
*.wild   TXT  "wildcard"
*.wc     CNAME www2
a.b.ent  A    192.0.2.9
sub      NS   ns.sub
sub      NS   ns.sibling
ns.sub   A    192.0.2.53
sibling  NS   ns1
ns.sibling A  192.0.2.54
child    NS   ns1.child
child    DS   12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns1.child A   192.0.2.55
big      TXT  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT  "1123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT  "2123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT  "3123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT  "4123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT  "5123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
@        NSEC big NS SOA MX RRSIG NSEC
big      NSEC child TXT RRSIG NSEC
sub      NSEC *.wc NS RRSIG NSEC
*.wild   NSEC www TXT RRSIG NSEC
@        RRSIG SOA 13 2 300 20300101000000 20200101000000 1 example.com. AAAA
@        RRSIG NSEC 13 2 300 20300101000000 20200101000000 1 example.com. AAAA
*.wild   RRSIG TXT 13 2 300 20300101000000 20200101000000 1 example.com. AAAA
child    RRSIG DS 13 3 300 20300101000000 20200101000000 1 example.com. AAAA
)";

// NSEC3 zone example.net.: its chain is added at start-up (hashed owners).
constexpr const char* kNsec3Zone = R"(
$TTL 300
@        SOA  ns1.example.com. hostmaster 1 7200 3600 1209600 60
@        NS   ns1.example.com.
@        NSEC3PARAM 1 0 0 -
www      A    192.0.2.80
*.wild   A    192.0.2.81
sub      NS   ns.sub
ns.sub   A    192.0.2.82
@        RRSIG SOA 13 2 300 20300101000000 20200101000000 1 example.net. AAAA
)";
constexpr const char* kNsec3Names[] = {"example.net.", "www.example.net.", "wild.example.net.",
                                       "*.wild.example.net."};

// kNsec3Zone and its NSEC3 chain (opt-out: sub has no NSEC3 of its own).
std::string nsec3_zone_text() {
  std::vector<std::string> labels;
  for (const char* n : kNsec3Names) {
    std::string label;
    dns::base32hex_encode(zone::nsec3_hash(dns::Name::parse(n).value().wire(), zone::Nsec3Params{}), label);
    labels.push_back(label);
  }
  std::sort(labels.begin(), labels.end());
  std::string text = kNsec3Zone;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    text += labels[i] + " NSEC3 1 1 0 - " + labels[(i + 1) % labels.size()] + " A RRSIG\n";
    text += labels[i] + " RRSIG NSEC3 13 3 300 20300101000000 20200101000000 1 example.net. AAAA\n";
  }
  return text;
}

constexpr const char* kChildZone = R"(
$TTL 300
@        SOA  ns1 hostmaster 7 7200 3600 1209600 60
@        NS   ns1
ns1      A    192.0.2.55
)";

std::unique_ptr<const zone::ZoneVersion> build(const std::string& text, const dns::Name& origin) {
  zone::RecordList records;
  zone::ParseOptions options;
  options.origin = origin;
  const auto outcome = zone::parse_master_text(text, "fuzz.zone", options, records);
  if (!outcome.ok()) std::abort();
  records.sort();
  return zone::ZoneVersion::build(records, origin);
}

struct Fixture {
  zone::ReclaimDomain domain;
  zone::ZoneSet zones{domain};
  server::EngineSettings settings;
  std::atomic<const server::EngineSettings*> current{&settings};
  std::unique_ptr<server::QueryEngine> engine;
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(server::kMaxResponseSize);

  Fixture() {
    settings.identity = "ns1.fuzz.test";
    settings.version = "zoned fuzz";
    for (const auto& [apex, text] : {std::pair<const char*, std::string>{"example.com.", kParentZone},
                                     std::pair<const char*, std::string>{"child.example.com.", kChildZone},
                                     std::pair<const char*, std::string>{"example.net.", nsec3_zone_text()}}) {
      const dns::Name origin = dns::Name::parse(apex).value();
      if (!zones.add_zone(origin) || !zones.publish(origin, build(text, origin))) std::abort();
    }
    engine = std::make_unique<server::QueryEngine>(zones, current);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  static const std::uint8_t client[4] = {192, 0, 2, 7};
  if (size == 0) return 0;
  // The first byte picks the transport, the rest is the query.
  const auto transport = (data[0] & 1) != 0 ? server::Transport::Tcp : server::Transport::Udp;
  server::Request request;
  request.message = std::span<const std::uint8_t>(data + 1, size - 1);
  request.transport = transport;
  request.client_address = client;
  request.now = 1'700'000'000;
  const server::Outcome outcome = f.engine->answer(request, f.out);
  if (outcome.size == 0) return 0;
  const std::size_t limit = transport == server::Transport::Tcp ? server::kMaxResponseSize : f.settings.udp_max_payload;
  if (outcome.size > limit) {
    std::fprintf(stderr, "fuzz_query: response of %zu bytes exceeds the limit %zu\n", outcome.size, limit);
    std::abort();
  }
  dns::MessageReader reader(std::span<const std::uint8_t>(f.out.data(), outcome.size));
  if (reader.parse() != dns::ParseError::Ok) {
    std::fprintf(stderr, "fuzz_query: the engine wrote a malformed response\n");
    std::abort();
  }
  return 0;
}
