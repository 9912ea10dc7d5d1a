// QueryEngine response sizes: the UDP limit (512 without EDNS, else the
// client's buffer capped by udp_max_payload, at least 512), TC with no
// partial RRset, optional additional data dropped without TC, RFC 9471 glue,
// and TCP answers of any size.
#include <doctest/doctest.h>

#include <string>

#include "query_test_util.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::Rcode;
using dns::RRType;

namespace {

std::string big_zone() {
  std::string z = "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n";
  const std::string chunk(250, 'x');
  // ~1.6 KB and ~10.5 KB TXT RRsets (distinct records: RRsets hold no duplicates).
  for (int i = 0; i < 6; ++i) z.append("big TXT \"").append(std::to_string(i)).append(chunk).append("\"\n");
  for (int i = 0; i < 40; ++i) z.append("huge TXT \"").append(std::to_string(i)).append(chunk).append("\"\n");
  z.append("tobig CNAME big\n");
  // 20 MX targets with addresses: the answer fits 512 bytes, the additionals do not.
  for (int i = 0; i < 20; ++i) {
    const std::string t = std::string("t").append(std::to_string(i));
    z.append("manymx MX 10 ").append(t).append("\n");
    z.append(t).append(" A 192.0.2.").append(std::to_string(i + 1)).append("\n");
    z.append(t).append(" AAAA 2001:db8::").append(std::to_string(i + 1)).append("\n");
  }
  // A cut with 10 in-bailiwick name servers, and one with 10 sibling ones.
  for (int i = 0; i < 10; ++i) {
    const std::string in = std::string("ns").append(std::to_string(i)).append(".deleg");
    z.append("deleg NS ").append(in).append("\n");
    z.append(in).append(" A 192.0.2.").append(std::to_string(i + 100)).append("\n");
    z.append(in).append(" AAAA 2001:db8::").append(std::to_string(i + 100)).append("\n");
    const std::string sib = std::string("ns").append(std::to_string(i)).append(".hosts");
    z.append("sibdeleg NS ").append(sib).append("\n");
    z.append(sib).append(" A 192.0.2.").append(std::to_string(i + 200)).append("\n");
    z.append(sib).append(" AAAA 2001:db8::").append(std::to_string(i + 200)).append("\n");
  }
  return z;
}

struct BigFixture {
  Harness h;
  BigFixture() { h.add_zone("example.com.", big_zone()); }
  QueryOptions edns(std::uint16_t size) const { return QueryOptions{.edns = true, .udp_size = size}; }
};

}  // namespace

TEST_CASE_FIXTURE(BigFixture, "a 1.6 KB answer: TC over UDP with no partial RRset, whole over TCP") {
  for (const auto& [q, limit] : {std::pair{QueryOptions{}, 512}, std::pair{edns(1232), 1232},
                                 std::pair{edns(4096), 1232}}) {
    CAPTURE(limit);
    const Response r = h.ask("big.example.com.", RRType::TXT, q);
    CHECK(r.rcode == Rcode::NOERROR);
    CHECK(r.tc());
    CHECK(r.aa());
    CHECK(r.question == "big.example.com. IN TXT");
    CHECK(r.answer.empty());
    CHECK(r.authority.empty());
    CHECK(r.has_opt == q.edns);
    CHECK(r.size <= static_cast<std::size_t>(limit));
    CHECK(h.last_outcome.truncated);
  }
  const Response tcp = h.ask("big.example.com.", RRType::TXT, {}, Transport::Tcp);
  CHECK_FALSE(tcp.tc());
  CHECK(tcp.answer.size() == 6);
  CHECK(tcp.size > 1500);
  // A larger udp_max_payload lets it through UDP.
  h.settings.udp_max_payload = 4096;
  const Response r = h.ask("big.example.com.", RRType::TXT, edns(4096));
  CHECK_FALSE(r.tc());
  CHECK(r.answer.size() == 6);
  CHECK(r.opt_udp_size == 4096);
}

TEST_CASE_FIXTURE(BigFixture, "a 10.5 KB answer: TC over UDP even at 4096, complete over TCP") {
  h.settings.udp_max_payload = 4096;
  const Response udp = h.ask("huge.example.com.", RRType::TXT, edns(65000));
  CHECK(udp.tc());
  CHECK(udp.answer.empty());
  CHECK(udp.size <= 4096);
  const Response tcp = h.ask("huge.example.com.", RRType::TXT, edns(1232), Transport::Tcp);
  CHECK_FALSE(tcp.tc());
  CHECK(tcp.answer.size() == 40);
  CHECK(tcp.size > 10000);
  CHECK(tcp.has_opt);
}

TEST_CASE_FIXTURE(BigFixture, "a CNAME chain whose target does not fit: no CNAME either") {
  const Response r = h.ask("tobig.example.com.", RRType::TXT);
  CHECK(r.tc());
  CHECK(r.answer.empty());
  CHECK(h.ask("tobig.example.com.", RRType::TXT, {}, Transport::Tcp).answer.size() == 7);
}

TEST_CASE_FIXTURE(BigFixture, "EDNS buffer sizes below 512 are treated as 512") {
  for (const std::uint16_t size : std::initializer_list<std::uint16_t>{0, 1, 511}) {
    CAPTURE(size);
    const Response r = h.ask("manymx.example.com.", RRType::MX, edns(size));
    CHECK_FALSE(r.tc());
    CHECK(r.answer.size() == 20);
    CHECK(r.size <= 512);
    CHECK(r.size > 480);  // 512 was used, not the advertised size
  }
}

TEST_CASE_FIXTURE(BigFixture, "additional addresses that do not fit are left out without TC") {
  const Response small = h.ask("manymx.example.com.", RRType::MX);
  CHECK_FALSE(small.tc());
  CHECK(small.answer.size() == 20);
  CHECK(small.additional.size() < 40);
  CHECK(small.size <= 512);
  const Response tcp = h.ask("manymx.example.com.", RRType::MX, {}, Transport::Tcp);
  CHECK(tcp.additional.size() == 40);
}

TEST_CASE_FIXTURE(BigFixture, "referrals: in-bailiwick glue that does not fit sets TC (RFC 9471)") {
  Response r = h.ask("www.deleg.example.com.", RRType::A);
  CHECK(r.tc());
  CHECK_FALSE(r.aa());
  CHECK(r.authority.size() == 10);  // the NS RRset is whole
  CHECK(r.size <= 512);
  r = h.ask("www.deleg.example.com.", RRType::A, edns(1232));
  CHECK_FALSE(r.tc());
  CHECK(r.authority.size() == 10);
  CHECK(r.additional.size() == 20);
  // Sibling glue is optional: left out without TC.
  r = h.ask("www.sibdeleg.example.com.", RRType::A);
  CHECK_FALSE(r.tc());
  CHECK(r.authority.size() == 10);
  CHECK(r.additional.size() < 20);
  CHECK(h.ask("www.sibdeleg.example.com.", RRType::A, edns(1232)).additional.size() == 20);
}

TEST_CASE_FIXTURE(BigFixture, "room is kept for the OPT and its options in a truncated answer") {
  h.settings.identity = std::string(100, 'n');
  std::fill(h.settings.cookie_secret.begin(), h.settings.cookie_secret.end(), std::uint8_t{7});
  QueryOptions q = edns(512);
  const std::vector<std::uint8_t> client_cookie(8, 1);  // options hold spans: keep the bytes alive
  q.options = {{dns::edns_option::NSID, {}}, {dns::edns_option::COOKIE, client_cookie}};
  const Response r = h.ask("manymx.example.com.", RRType::MX, q);
  CHECK(r.has_opt);
  CHECK(r.option(dns::edns_option::NSID) != nullptr);
  CHECK(r.option(dns::edns_option::COOKIE) != nullptr);
  CHECK(r.size <= 512);
}
