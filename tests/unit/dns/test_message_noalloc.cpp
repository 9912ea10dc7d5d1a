// Proves that parsing a query and writing a response allocate nothing (the
// query path rule in docs/ARCHITECTURE.md, "Rules the code keeps"), counted
// by tests/unit/alloc_counter.
#include <doctest/doctest.h>

#include <array>

#include "dns/edns.hpp"
#include "dns/message_reader.hpp"
#include "dns/message_writer.hpp"
#include "alloc_counter.hpp"
#include "test_message_util.hpp"

using namespace zoned::dns;
using zoned::dns::test::Bytes;

TEST_CASE("message: parsing a query and writing a response do not allocate") {
  Bytes q;
  q.header(0x55aa, 0x0100, 1, 0, 0, 1).name("www.Example.com").u16(15).u16(1);
  q.u8(0).u16(41).u16(4096).u32(0x8000).u16(12).u16(10).u16(8).raw({1, 2, 3, 4, 5, 6, 7, 8});
  const std::array<std::uint8_t, 20> mx{0, 10, 4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p',
                                        'l', 'e', 3, 'c', 'o', 'm', 0};
  const std::array<std::span<const std::uint8_t>, 2> set{std::span<const std::uint8_t>(mx),
                                                        std::span<const std::uint8_t>(mx)};
  std::array<std::uint8_t, 4096> buf{};
  const std::array<std::uint8_t, 4> nsid{'z', 'n', 's', '1'};
  const std::array<EdnsOption, 1> opts{EdnsOption{edns_option::NSID, nsid}};

  std::size_t answers = 0;
  zoned::test::AllocationCounter allocations;
  for (int i = 0; i < 1000; ++i) {
    MessageReader r(q.b);
    if (r.parse() != ParseError::Ok) break;
    Edns edns;
    if (read_edns(r, edns) != WireError::Ok) break;
    Name qname;
    if (r.question_name(qname) != WireError::Ok) break;
    MessageWriter w(buf, effective_udp_size(edns.udp_size, kDefaultEdnsSize));
    w.set_id(r.id());
    w.set_flags(static_cast<std::uint16_t>(flag::QR | flag::AA | (r.flags() & flag::RD)));
    EdnsWrite e{.udp_size = kDefaultEdnsSize, .ext_rcode = 0, .version = 0,
                .dnssec_ok = edns.dnssec_ok(), .options = opts};
    if (!w.add_question(qname, r.qtype(), r.qclass()) || !w.reserve(opt_wire_size(e))) break;
    if (w.add_rrset(Section::Answer, qname, RRType::MX, RRClass::IN, 300, set)) ++answers;
    w.release(opt_wire_size(e));
    if (!write_opt(w, e)) break;
    MessageReader check(w.message());
    if (check.parse() != ParseError::Ok) break;
  }
  CHECK(allocations.count() == 0);
  CHECK(answers == 1000);
}
