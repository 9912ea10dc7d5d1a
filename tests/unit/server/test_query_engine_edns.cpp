// QueryEngine EDNS (RFC 6891): OPT echo, BADVERS, DO, NSID (RFC 5001),
// edns-tcp-keepalive (RFC 7828), DNS cookies (RFC 7873 / RFC 9018) including
// secret rotation; and class CH identity answers.
#include <doctest/doctest.h>

#include <algorithm>

#include "query_test_util.hpp"
#include "server/query/server_cookie.hpp"
#include "server/query/siphash.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::Rcode;
using dns::RRType;
namespace opt = dns::edns_option;

namespace {

constexpr std::string_view kZone =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.1\n";

std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

const std::vector<std::uint8_t> kClientCookie = bytes_of("2464c4abcf10c957");

struct EdnsFixture {
  Harness h;
  EdnsFixture() {
    h.add_zone("example.com.", kZone);
    std::fill(h.settings.cookie_secret.begin(), h.settings.cookie_secret.end(), std::uint8_t{0x11});
  }
  Response ask_with(std::vector<dns::EdnsOption> options, Transport t = Transport::Udp,
                    std::string_view qname = "ns1.example.com.") {
    QueryOptions q;
    q.edns = true;
    q.options = std::move(options);
    return h.ask(qname, RRType::A, q, t);
  }
  // The COOKIE option of a response to a query carrying `cookie`.
  std::vector<std::uint8_t> cookie_reply(const std::vector<std::uint8_t>& cookie) {
    const Response r = ask_with({{opt::COOKIE, cookie}});
    REQUIRE(r.rcode == Rcode::NOERROR);
    REQUIRE(r.option(opt::COOKIE) != nullptr);
    return *r.option(opt::COOKIE);
  }
};

}  // namespace

TEST_CASE("SipHash-2-4 reference vector (Aumasson & Bernstein, appendix A)") {
  SipHashKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  std::vector<std::uint8_t> msg(15);
  for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<std::uint8_t>(i);
  CHECK(siphash24(key, msg) == 0xa129ca6149be45e5ULL);
  CHECK(siphash24(key, {}) == 0x726fdb47dd0e0e31ULL);
}

TEST_CASE("RFC 9018 appendix A.1: the server cookie of the example") {
  SipHashKey secret{};
  const auto s = bytes_of("e5e973e5a6b2a43f48e7dc849e37bfcf");
  std::copy(s.begin(), s.end(), secret.begin());
  const std::vector<std::uint8_t> client_ip{198, 51, 100, 100};
  CookieOption out{};
  make_cookie_option(kClientCookie, secret, client_ip, 1559731985, out);
  CHECK(std::vector<std::uint8_t>(out.begin(), out.end()) ==
        bytes_of("2464c4abcf10c957010000005cf79f111f8130c3eee29480"));
  const CookieSecrets secrets{&secret, nullptr};
  CHECK(check_cookie(out, secrets, client_ip, 1559731985) == CookieStatus::Valid);
}

TEST_CASE_FIXTURE(EdnsFixture, "OPT echoed with our buffer size and DO, and none without EDNS") {
  Response r = h.ask("ns1.example.com.", RRType::A, QueryOptions{.edns = true, .udp_size = 4096, .dnssec_ok = true});
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.has_opt);
  CHECK(r.opt_udp_size == 1232);
  CHECK(r.opt_do);
  CHECK(r.options.empty());
  CHECK(h.last_outcome.edns);
  CHECK(h.last_outcome.do_bit);
  r = h.ask("ns1.example.com.", RRType::A, QueryOptions{.edns = true});
  CHECK_FALSE(r.opt_do);
  r = h.ask("ns1.example.com.", RRType::A);
  CHECK_FALSE(r.has_opt);
  CHECK_FALSE(h.last_outcome.edns);
}

TEST_CASE_FIXTURE(EdnsFixture, "EDNS version 1: BADVERS with OPT, the question, no data") {
  h.settings.identity = "ns.test";
  QueryOptions q{.edns = true, .version = 1};
  q.options = {{opt::NSID, {}}};
  const Response r = h.ask("ns1.example.com.", RRType::A, q);
  CHECK(r.rcode == Rcode::BADVERS);
  CHECK(r.has_opt);
  CHECK_FALSE(r.aa());
  CHECK(r.question == "ns1.example.com. IN A");
  CHECK(r.answer.empty());
  CHECK(r.authority.empty());
  CHECK(r.option(opt::NSID) != nullptr);  // as knotd
  CHECK(h.last_outcome.rcode == Rcode::BADVERS);
}

TEST_CASE_FIXTURE(EdnsFixture, "NSID answered with the identity when asked and configured") {
  CHECK(ask_with({{opt::NSID, {}}}).option(opt::NSID) == nullptr);  // not configured
  h.settings.identity = "ns1.zoned.test";
  const Response r = ask_with({{opt::NSID, {}}});
  REQUIRE(r.option(opt::NSID) != nullptr);
  CHECK(std::string(r.option(opt::NSID)->begin(), r.option(opt::NSID)->end()) == "ns1.zoned.test");
  CHECK(ask_with({}).option(opt::NSID) == nullptr);  // not asked
  // Also on REFUSED, as knotd.
  const Response refused = ask_with({{opt::NSID, {}}}, Transport::Udp, "example.org.");
  CHECK(refused.rcode == Rcode::REFUSED);
  CHECK(refused.option(opt::NSID) != nullptr);
}

TEST_CASE_FIXTURE(EdnsFixture, "names outside served zones: Extended DNS Error 20, Not Authoritative") {
  Response r = ask_with({}, Transport::Udp, "example.org.");
  CHECK(r.rcode == Rcode::REFUSED);
  REQUIRE(r.option(opt::EDE) != nullptr);
  CHECK(*r.option(opt::EDE) == std::vector<std::uint8_t>{0, 20});
  // Not for other refusals, nor without EDNS.
  CHECK(h.ask("example.com.", RRType::A, QueryOptions{.qclass = dns::RRClass::NONE, .edns = true}).options.empty());
  CHECK_FALSE(h.ask("example.org.", RRType::A).has_opt);
  // An NSID that leaves no room for the EDE: the OPT still goes out, bare.
  // 12 header + 17 question + 11 OPT + 4 option header + 1188 = 1232.
  h.settings.identity = std::string(1188, 'n');
  r = ask_with({{opt::NSID, {}}}, Transport::Udp, "example.org.");
  CHECK(r.rcode == Rcode::REFUSED);
  CHECK(r.has_opt);
  CHECK(r.options.empty());
  CHECK(r.size <= 1232);
  h.settings.identity = std::string(1100, 'n');
  CHECK(ask_with({{opt::NSID, {}}}, Transport::Udp, "example.org.").options.size() == 2);
}

TEST_CASE_FIXTURE(EdnsFixture, "edns-tcp-keepalive: only over TCP, only when the client sent it") {
  h.settings.tcp_keepalive_100ms = 300;
  Response r = ask_with({{opt::KEEPALIVE, {}}}, Transport::Tcp);
  REQUIRE(r.option(opt::KEEPALIVE) != nullptr);
  CHECK(*r.option(opt::KEEPALIVE) == std::vector<std::uint8_t>{0x01, 0x2c});
  CHECK(ask_with({{opt::KEEPALIVE, {}}}, Transport::Udp).option(opt::KEEPALIVE) == nullptr);
  CHECK(ask_with({}, Transport::Tcp).option(opt::KEEPALIVE) == nullptr);
}

TEST_CASE_FIXTURE(EdnsFixture, "unknown and repeated options are ignored") {
  std::vector<std::uint8_t> options;
  for (int i = 0; i < 50; ++i) options.insert(options.end(), {0xfd, 0xe9, 0, 1, 0x2a});  // option 65001
  options.insert(options.end(), {0, 12, 0, 0});                                         // PADDING
  const Response r = h.ask(with_raw_opt(make_query("ns1.example.com.", RRType::A), options));
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer.size() == 1);
  CHECK(r.options.empty());
}

TEST_CASE_FIXTURE(EdnsFixture, "client cookie only: client cookie + a fresh RFC 9018 server cookie") {
  const std::vector<std::uint8_t> reply = cookie_reply(kClientCookie);
  REQUIRE(reply.size() == kCookieOptionSize);
  CHECK(std::equal(kClientCookie.begin(), kClientCookie.end(), reply.begin()));
  CHECK(reply[8] == kServerCookieVersion);
  CHECK((reply[9] | reply[10] | reply[11]) == 0);
  const std::uint32_t stamp = std::uint32_t{reply[12]} << 24 | std::uint32_t{reply[13]} << 16 |
                              std::uint32_t{reply[14]} << 8 | reply[15];
  CHECK(stamp == h.now);
  CHECK_FALSE(h.last_outcome.cookie_valid);
}

TEST_CASE_FIXTURE(EdnsFixture, "server cookie: valid when ours, fresh, and from the same client") {
  const std::vector<std::uint8_t> cookie = cookie_reply(kClientCookie);
  h.now += 100;
  const std::vector<std::uint8_t> renewed = cookie_reply(cookie);
  CHECK(h.last_outcome.cookie_valid);
  CHECK(renewed != cookie);  // new timestamp, new hash

  SUBCASE("another client address") {
    h.client_address = {192, 0, 2, 101};
    (void)cookie_reply(cookie);
    CHECK_FALSE(h.last_outcome.cookie_valid);
  }
  SUBCASE("an IPv6 client is hashed with its 16 bytes") {
    h.client_address = std::vector<std::uint8_t>(16, 0x20);
    const std::vector<std::uint8_t> v6 = cookie_reply(kClientCookie);
    (void)cookie_reply(v6);
    CHECK(h.last_outcome.cookie_valid);
  }
  SUBCASE("older than one hour") {
    h.now += kCookieMaxAge;  // 100 + 3600 seconds after it was made
    (void)cookie_reply(cookie);
    CHECK_FALSE(h.last_outcome.cookie_valid);
  }
  SUBCASE("up to five minutes in the future") {
    h.now -= 100 + kCookieMaxFuture;
    (void)cookie_reply(cookie);
    CHECK(h.last_outcome.cookie_valid);
    h.now -= 1;
    (void)cookie_reply(cookie);
    CHECK_FALSE(h.last_outcome.cookie_valid);
  }
  SUBCASE("a flipped hash bit") {
    std::vector<std::uint8_t> bad = cookie;
    bad.back() ^= 1;
    const std::vector<std::uint8_t> fresh = cookie_reply(bad);  // answered normally over UDP
    CHECK_FALSE(h.last_outcome.cookie_valid);
    CHECK(fresh.size() == kCookieOptionSize);
  }
}

TEST_CASE_FIXTURE(EdnsFixture, "secret rotation: the previous secret is accepted during a rotation") {
  const std::vector<std::uint8_t> old_cookie = cookie_reply(kClientCookie);
  const auto old_secret = h.settings.cookie_secret;
  std::fill(h.settings.cookie_secret.begin(), h.settings.cookie_secret.end(), std::uint8_t{0x22});
  (void)cookie_reply(old_cookie);
  CHECK_FALSE(h.last_outcome.cookie_valid);
  h.settings.previous_cookie_secret = old_secret;
  h.settings.has_previous_cookie_secret = true;
  const std::vector<std::uint8_t> renewed = cookie_reply(old_cookie);
  CHECK(h.last_outcome.cookie_valid);
  // The renewed cookie is made with the current secret.
  h.settings.has_previous_cookie_secret = false;
  (void)cookie_reply(renewed);
  CHECK(h.last_outcome.cookie_valid);
}

TEST_CASE_FIXTURE(EdnsFixture, "malformed cookie lengths: FORMERR with a bare OPT") {
  for (const std::size_t size : {0, 5, 7, 9, 15, 41}) {
    CAPTURE(size);
    const Response r = ask_with({{opt::COOKIE, std::vector<std::uint8_t>(size, 0xab)}});
    CHECK(r.rcode == Rcode::FORMERR);
    CHECK(r.has_opt);
    CHECK(r.options.empty());
    CHECK(r.answer.empty());
    CHECK(h.last_outcome.malformed);
  }
  // A server cookie of another server's length (8..32) is not malformed.
  const Response other = ask_with({{opt::COOKIE, std::vector<std::uint8_t>(8 + 32, 0xab)}});
  CHECK(other.rcode == Rcode::NOERROR);
  CHECK(other.option(opt::COOKIE)->size() == kCookieOptionSize);
}

TEST_CASE_FIXTURE(EdnsFixture, "cookies off: the option is ignored, even malformed") {
  h.settings.cookies = false;
  CHECK(ask_with({{opt::COOKIE, kClientCookie}}).options.empty());
  const Response r = ask_with({{opt::COOKIE, std::vector<std::uint8_t>(5, 1)}});
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.options.empty());
}

TEST_CASE_FIXTURE(EdnsFixture, "class CH: version and identity as TXT when configured") {
  const QueryOptions ch{.qclass = dns::RRClass::CH};
  CHECK(h.ask("version.bind.", RRType::TXT, ch).rcode == Rcode::REFUSED);
  CHECK(h.ask("id.server.", RRType::TXT, ch).rcode == Rcode::REFUSED);
  h.settings.version = "zoned 0.1";
  h.settings.identity = "ns1.test";
  for (const char* q : {"version.bind.", "VERSION.Server."}) {
    const Response r = h.ask(q, RRType::TXT, ch);
    CHECK(r.rcode == Rcode::NOERROR);
    CHECK_FALSE(r.aa());  // as knotd
    CHECK(r.answer == Lines{std::string(q) + " 0 CH TXT \"zoned 0.1\""});
  }
  for (const char* q : {"id.server.", "hostname.bind."}) {
    CHECK(h.ask(q, RRType::TXT, ch).answer == Lines{std::string(q) + " 0 CH TXT \"ns1.test\""});
  }
  CHECK(h.ask("version.bind.", RRType::A, ch).rcode == Rcode::REFUSED);
  CHECK(h.ask("version.bind.", RRType::ANY, ch).rcode == Rcode::REFUSED);
  CHECK(h.ask("authors.bind.", RRType::TXT, ch).rcode == Rcode::REFUSED);
  // Long texts are split into 255-byte character-strings.
  h.settings.version = std::string(300, 'v');
  const Response r = h.ask("version.bind.", RRType::TXT, ch);
  CHECK(r.answer == Lines{"version.bind. 0 CH TXT \"" + std::string(255, 'v') + "\" \"" + std::string(45, 'v') + "\""});
}
