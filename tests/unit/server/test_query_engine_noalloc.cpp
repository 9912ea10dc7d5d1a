// The query path allocates nothing (docs/ARCHITECTURE.md, "Rules the code
// keeps"): after a warm-up, 10,000 queries of every kind through
// QueryEngine::answer() make no heap allocation on this thread.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "query_test_util.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::RRType;

namespace {

std::string noalloc_zone() {
  std::string z =
      "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ MX 10 mail\n"
      "ns1 A 192.0.2.1\nmail A 192.0.2.2\nmail AAAA 2001:db8::2\nwww CNAME mail\next CNAME www.example.net.\n"
      "loop1 CNAME loop2\nloop2 CNAME loop1\nsub NS ns.sub\nsub NS ns1\nns.sub A 192.0.2.3\n"
      "*.wild A 192.0.2.9\n*.wc CNAME mail\nd DNAME example.net.\n";
  for (int i = 0; i < 40; ++i) z.append("big TXT \"").append(std::to_string(i)).append(std::string(250, 'x')).append("\"\n");
  return z;
}

}  // namespace

TEST_CASE("QueryEngine::answer allocates nothing for any kind of query") {
  Harness h;
  h.add_zone("example.com.", noalloc_zone());
  h.settings.identity = "ns1.test";
  h.settings.version = "zoned";
  std::fill(h.settings.cookie_secret.begin(), h.settings.cookie_secret.end(), std::uint8_t{3});

  const std::vector<std::uint8_t> client_cookie(8, 0x42);
  QueryOptions full{.edns = true, .dnssec_ok = true};
  full.options = {{dns::edns_option::NSID, {}}, {dns::edns_option::COOKIE, client_cookie},
                  {dns::edns_option::KEEPALIVE, {}}};
  std::vector<std::pair<std::vector<std::uint8_t>, Transport>> queries;
  const auto add = [&](std::string_view qname, RRType t, const QueryOptions& o = {}) {
    queries.emplace_back(make_query(qname, t, o), Transport::Udp);
    queries.emplace_back(make_query(qname, t, o), Transport::Tcp);
  };
  for (const char* q : {"mail.example.com.", "www.example.com.", "ext.example.com.", "loop1.example.com.",
                        "x.sub.example.com.", "nope.example.com.", "a.wild.example.com.", "a.wc.example.com.",
                        "x.d.example.com.", "example.org."}) {
    add(q, RRType::A);
    add(q, RRType::A, full);
  }
  add("example.com.", RRType::MX, full);
  add("example.com.", RRType::ANY);
  add("sub.example.com.", RRType::DS);
  add("mail.example.com.", RRType::TXT);
  add("big.example.com.", RRType::TXT, full);  // truncated over UDP, 10 KB over TCP
  add("example.com.", RRType::AXFR);
  add("example.com.", static_cast<RRType>(0));
  add("version.bind.", RRType::TXT, QueryOptions{.qclass = dns::RRClass::CH});
  add("id.server.", RRType::TXT, QueryOptions{.qclass = dns::RRClass::CH});
  add("example.com.", RRType::SOA, QueryOptions{.opcode = dns::Opcode::NOTIFY});
  add("example.com.", RRType::SOA, QueryOptions{.edns = true, .version = 1});
  QueryOptions bad_cookie{.edns = true};
  const std::vector<std::uint8_t> short_cookie(5, 1);  // options hold spans: keep the bytes alive
  bad_cookie.options = {{dns::edns_option::COOKIE, short_cookie}};
  add("example.com.", RRType::SOA, bad_cookie);
  // A valid server cookie: the reply to a client-only cookie.
  QueryOptions client_only{.edns = true};
  client_only.options = {{dns::edns_option::COOKIE, client_cookie}};
  const Response first = h.ask("mail.example.com.", RRType::A, client_only);
  QueryOptions with_server{.edns = true};
  with_server.options = {{dns::edns_option::COOKIE, *first.option(dns::edns_option::COOKIE)}};
  add("mail.example.com.", RRType::A, with_server);
  // Malformed and dropped input.
  std::vector<std::uint8_t> trailing = make_query("mail.example.com.", RRType::A, full);
  trailing.push_back(0);
  queries.emplace_back(trailing, Transport::Udp);
  queries.emplace_back(std::vector<std::uint8_t>(12, 0), Transport::Udp);
  queries.emplace_back(std::vector<std::uint8_t>(5, 0), Transport::Udp);
  queries.emplace_back(make_query("mail.example.com.", RRType::A, QueryOptions{.flags = dns::flag::QR}), Transport::Udp);

  std::size_t answered = 0;
  for (const auto& [q, t] : queries) answered += h.raw(q, t).size > 0;  // warm-up
  CHECK(answered == queries.size() - 2);

  std::size_t bytes = 0;
  zoned::test::AllocationCounter counter;
  for (std::size_t i = 0; i < 10'000; ++i) {
    const auto& [q, t] = queries[i % queries.size()];
    bytes += h.raw(q, t).size;
  }
  CHECK(counter.count() == 0);
  CHECK(bytes > 0);
}
