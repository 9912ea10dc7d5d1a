// QueryEngine on malformed and hostile input (docs/robustness.md cases
// 1-8): drop what cannot be answered, FORMERR the rest, never crash.
#include <doctest/doctest.h>

#include "dns/test_message_util.hpp"
#include "query_test_util.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::Rcode;
using dns::RRType;
using dns::test::Bytes;

namespace {

struct MalformedFixture {
  Harness h;
  MalformedFixture() {
    h.add_zone("example.com.", "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n");
  }
  // A FORMERR answer that echoes no question and carries no OPT.
  void check_bare_formerr(const std::vector<std::uint8_t>& query) {
    const Response r = h.ask(query);
    CHECK(r.rcode == Rcode::FORMERR);
    CHECK(r.question.empty());
    CHECK(r.answer.empty());
    CHECK_FALSE(r.has_opt);
    CHECK(h.last_outcome.malformed);
  }
};

Bytes query_header(unsigned qd = 1, unsigned an = 0, unsigned ns = 0, unsigned ar = 0) {
  return Bytes{}.header(0xbeef, 0, qd, an, ns, ar);
}

}  // namespace

TEST_CASE_FIXTURE(MalformedFixture, "short and all-zero datagrams: dropped below 12 bytes, FORMERR above") {
  for (std::size_t size = 0; size <= 16; ++size) {
    CAPTURE(size);
    const std::vector<std::uint8_t> zeros(size, 0);
    if (size < dns::kHeaderSize) {
      CHECK(h.raw(zeros).size == 0);
    } else {
      check_bare_formerr(zeros);
    }
  }
}

TEST_CASE_FIXTURE(MalformedFixture, "responses (QR=1) are dropped") {
  CHECK(h.raw(make_query("ns1.example.com.", RRType::A, QueryOptions{.flags = dns::flag::QR})).size == 0);
  std::vector<std::uint8_t> bad = query_header().b;
  bad[2] |= 0x80;
  CHECK(h.raw(bad).size == 0);  // malformed too: still dropped
}

TEST_CASE_FIXTURE(MalformedFixture, "question count and cut questions: FORMERR") {
  check_bare_formerr(query_header(0).b);
  // QDCOUNT 2 (RFC 9619).
  check_bare_formerr(query_header(2).name("example.com").u16(1).u16(1).name("example.com").u16(1).u16(1).b);
  // The question stops inside QTYPE/QCLASS, or inside the name.
  check_bare_formerr(query_header().name("example.com").u16(1).b);
  check_bare_formerr(query_header().u8(7).raw({'e', 'x', 'a'}).b);
  // The ID is kept.
  CHECK(h.ask(query_header(0).b).id == 0xbeef);
}

TEST_CASE_FIXTURE(MalformedFixture, "compression pointer abuse in the QNAME: FORMERR") {
  check_bare_formerr(query_header().ptr(12).u16(1).u16(1).b);                      // to itself
  check_bare_formerr(query_header().ptr(14).name("example.com").u16(1).u16(1).b);  // forward
  check_bare_formerr(query_header().u8(1).u8('a').ptr(15).ptr(12).u16(1).u16(1).b);  // cycle
  // Into the header, whose bytes would read as a name: malformed, not REFUSED.
  for (std::uint16_t target = 0; target < 12; ++target) {
    CAPTURE(target);
    check_bare_formerr(query_header().ptr(target).u16(1).u16(1).b);
    check_bare_formerr(query_header().u8(1).u8('a').ptr(target).u16(1).u16(1).b);
  }
  for (int i = 0; i < 10000; ++i) (void)h.raw(query_header().ptr(12).u16(1).u16(1).b);
  CHECK(h.ask("ns1.example.com.", RRType::A).answer.size() == 1);
}

TEST_CASE_FIXTURE(MalformedFixture, "bad labels and over-long names: FORMERR") {
  check_bare_formerr(query_header().u8(0x40).u8('a').u8(0).u16(1).u16(1).b);
  check_bare_formerr(query_header().u8(0x80).u8('a').u8(0).u16(1).u16(1).b);
  Bytes long_label = query_header().u8(64);
  for (int i = 0; i < 64; ++i) long_label.u8('a');
  check_bare_formerr(long_label.u8(0).u16(1).u16(1).b);
  Bytes long_name = query_header();
  for (int i = 0; i < 4; ++i) {
    long_name.u8(63);
    for (int j = 0; j < 63; ++j) long_name.u8('a');
  }
  check_bare_formerr(long_name.u8(0).u16(1).u16(1).b);  // 257 octets
}

TEST_CASE_FIXTURE(MalformedFixture, "counts promising absent records: FORMERR") {
  // Impossible counts are rejected before the question is read (no echo).
  check_bare_formerr(query_header(1, 65535).name("ns1.example.com").u16(1).u16(1).b);
  check_bare_formerr(query_header(1, 0, 0, 65535).name("ns1.example.com").u16(1).u16(1).b);
  const Response r = h.ask(query_header(1, 0, 1).name("ns1.example.com").u16(1).u16(1).b);
  CHECK(r.rcode == Rcode::FORMERR);
  CHECK(r.question == "ns1.example.com. IN A");
  CHECK(r.answer.empty());
}

TEST_CASE_FIXTURE(MalformedFixture, "OPT misuse: FORMERR without OPT") {
  const std::vector<std::uint8_t> opt{0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0};
  // Two OPTs.
  Bytes two = query_header(1, 0, 0, 2).name("ns1.example.com").u16(1).u16(1);
  two.b.insert(two.b.end(), opt.begin(), opt.end());
  two.b.insert(two.b.end(), opt.begin(), opt.end());
  // OPT with a non-root owner; OPT in the answer section.
  Bytes owner = query_header(1, 0, 0, 1).name("ns1.example.com").u16(1).u16(1).name("x").u16(41).u16(1232).u32(0).u16(0);
  Bytes in_answer = query_header(1, 1, 0, 0).name("ns1.example.com").u16(1).u16(1);
  in_answer.b.insert(in_answer.b.end(), opt.begin(), opt.end());
  // An option longer than the rdata.
  Bytes bad_option = query_header(1, 0, 0, 1).name("ns1.example.com").u16(1).u16(1).u8(0).u16(41).u16(1232).u32(0)
                         .u16(4).u16(10).u16(8);
  for (const auto& q : {two, owner, in_answer, bad_option}) {
    const Response r = h.ask(q.b);
    CHECK(r.rcode == Rcode::FORMERR);
    CHECK(r.question == "ns1.example.com. IN A");
    CHECK_FALSE(r.has_opt);
    CHECK_FALSE(h.last_outcome.edns);
  }
}

TEST_CASE_FIXTURE(MalformedFixture, "trailing bytes after a valid OPT: FORMERR with a bare OPT") {
  h.settings.identity = "ns.test";
  QueryOptions q{.edns = true};
  q.options = {{dns::edns_option::NSID, {}}};
  std::vector<std::uint8_t> query = make_query("ns1.example.com.", RRType::A, q);
  query.push_back(0);
  const Response r = h.ask(query);
  CHECK(r.rcode == Rcode::FORMERR);
  CHECK(r.question == "ns1.example.com. IN A");
  CHECK(r.has_opt);
  CHECK(r.options.empty());
}

TEST_CASE_FIXTURE(MalformedFixture, "records in the answer section of a query are ignored (as knotd)") {
  const Response r = h.ask(query_header(1, 1).name("ns1.example.com").u16(1).u16(1).ptr(12).u16(1).u16(1).u32(0).u16(4)
                               .raw({1, 2, 3, 4}).b);
  CHECK(r.rcode == Rcode::NOERROR);
  CHECK(r.answer == Lines{"ns1.example.com. 3600 IN A 192.0.2.1"});
}

TEST_CASE_FIXTURE(MalformedFixture, "an output buffer smaller than a header gives no response") {
  const std::vector<std::uint8_t> query = make_query("ns1.example.com.", RRType::A);
  // Harness::raw always passes a full buffer; go to the engine directly.
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain);
  const EngineSettings settings;
  const std::atomic<const EngineSettings*> ptr(&settings);
  QueryEngine engine(zones, ptr);
  std::array<std::uint8_t, 8> tiny{};
  Request req;
  req.message = query;
  CHECK(engine.answer(req, tiny).size < dns::kHeaderSize);
}
