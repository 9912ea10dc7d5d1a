#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "dns/edns.hpp"
#include "test_message_util.hpp"

using namespace zoned::dns;
using zoned::dns::test::Bytes;

namespace {
Bytes query_with_opt(unsigned size, std::uint32_t ttl, const Bytes& options) {
  Bytes m;
  m.header(1, 0, 1, 0, 0, 1).name("example").u16(1).u16(1);
  m.u8(0).u16(41).u16(size).u32(ttl).u16(static_cast<unsigned>(options.size()));
  m.b.insert(m.b.end(), options.b.begin(), options.b.end());
  return m;
}
}  // namespace

TEST_CASE("edns: OPT fields (RFC 6891 §6.1.3)") {
  Bytes opts;
  opts.u16(edns_option::NSID).u16(0).u16(edns_option::COOKIE).u16(8).raw({1, 2, 3, 4, 5, 6, 7, 8});
  Bytes m = query_with_opt(4096, 0x01028000, opts);
  MessageReader r(m.b);
  REQUIRE(r.parse() == ParseError::Ok);
  Edns e;
  REQUIRE(read_edns(r, e) == WireError::Ok);
  CHECK(e.udp_size == 4096);
  CHECK(e.ext_rcode == 1);
  CHECK(e.version == 2);
  CHECK(e.dnssec_ok());
  CHECK(e.flags == 0x8000);

  EdnsOptionIterator it(e.options);
  EdnsOption o;
  REQUIRE(it.next(o));
  CHECK(o.code == edns_option::NSID);
  CHECK(o.data.empty());
  REQUIRE(it.next(o));
  CHECK(o.code == edns_option::COOKIE);
  CHECK(o.data.size() == 8);
  CHECK(o.data[7] == 8);
  CHECK_FALSE(it.next(o));
  CHECK(it.error() == WireError::Ok);

  EdnsOption c;
  CHECK(e.find_option(edns_option::COOKIE, c));
  CHECK(c.data.size() == 8);
  CHECK_FALSE(e.find_option(edns_option::PADDING, c));
}

TEST_CASE("edns: no OPT, DO clear") {
  Bytes m;
  m.header(1, 0, 1, 0, 0, 0).name("example").u16(1).u16(1);
  MessageReader r(m.b);
  REQUIRE(r.parse() == ParseError::Ok);
  Edns e;
  CHECK(read_edns(r, e) == WireError::BadOpt);
  Bytes m2 = query_with_opt(512, 0, Bytes{});
  MessageReader r2(m2.b);
  REQUIRE(r2.parse() == ParseError::Ok);
  REQUIRE(read_edns(r2, e) == WireError::Ok);
  CHECK_FALSE(e.dnssec_ok());
  CHECK(e.options.empty());
}

TEST_CASE("edns: malformed option lengths") {
  const std::array<std::uint8_t, 6> overrun{0, 3, 0, 5, 'a', 'b'};
  EdnsOptionIterator it(overrun);
  EdnsOption o;
  CHECK_FALSE(it.next(o));
  CHECK(it.error() == WireError::BadOpt);
  const std::array<std::uint8_t, 7> partial{0, 3, 0, 1, 'a', 0, 10};
  EdnsOptionIterator it2(partial);
  CHECK(it2.next(o));
  CHECK_FALSE(it2.next(o));
  CHECK(it2.error() == WireError::BadOpt);
  RRView rr;
  rr.type = RRType::OPT;
  rr.rdata = overrun;
  Edns e;
  CHECK(read_edns(rr, e) == WireError::BadOpt);
}

TEST_CASE("edns: effective UDP size") {
  CHECK(effective_udp_size(0, 1232) == 512);
  CHECK(effective_udp_size(100, 1232) == 512);
  CHECK(effective_udp_size(512, 1232) == 512);
  CHECK(effective_udp_size(1400, 1232) == 1232);
  CHECK(effective_udp_size(1000, 1232) == 1000);
  CHECK(effective_udp_size(65535, 4096) == 4096);
}

TEST_CASE("edns: write OPT with options, extended rcode and DO") {
  std::array<std::uint8_t, 512> buf{};
  MessageWriter w(buf);
  auto q = Name::parse("example.");
  REQUIRE(q.ok());
  REQUIRE(w.add_question(*q, RRType::A, RRClass::IN));
  w.set_rcode(Rcode::BADVERS);
  const std::array<std::uint8_t, 4> nsid{'z', 'o', 'n', 'e'};
  const std::array<EdnsOption, 1> opts{EdnsOption{edns_option::NSID, nsid}};
  EdnsWrite e{.udp_size = 1232, .ext_rcode = w.ext_rcode(), .version = 0, .dnssec_ok = true,
              .options = opts};
  CHECK(opt_wire_size(e) == 11 + 4 + 4);
  REQUIRE(w.reserve(opt_wire_size(e)));
  w.release(opt_wire_size(e));
  const std::size_t before = w.size();
  REQUIRE(write_opt(w, e));
  CHECK(w.size() - before == opt_wire_size(e));

  Bytes want;
  want.u8(0).u16(41).u16(1232).u32(0x01008000).u16(8).u16(3).u16(4).raw({'z', 'o', 'n', 'e'});
  CHECK(std::vector<std::uint8_t>(w.message().begin() + static_cast<std::ptrdiff_t>(before),
                                  w.message().end()) == want.b);
  CHECK((w.flags() & flag::kRcodeMask) == 0);  // BADVERS = 16: low bits 0

  MessageReader r(w.message());
  REQUIRE(r.parse() == ParseError::Ok);
  Edns got;
  REQUIRE(read_edns(r, got) == WireError::Ok);
  CHECK(make_rcode(r.header_rcode(), got.ext_rcode) == Rcode::BADVERS);
  CHECK(got.dnssec_ok());
  CHECK(got.udp_size == 1232);

  // Does not fit: nothing written.
  std::array<std::uint8_t, 30> small{};
  MessageWriter w2(small);
  REQUIRE(w2.add_question(*q, RRType::A, RRClass::IN));
  const auto size = w2.size();
  CHECK_FALSE(write_opt(w2, e));
  CHECK(w2.size() == size);
  CHECK(w2.count(Section::Additional) == 0);
}
