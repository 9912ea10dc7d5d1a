#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "zone/lookup_key.hpp"
#include "zone/version_records.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

const std::string kSigTail = " 8 3 3600 20300101000000 20200101000000 12345 example.com. AAAA\n";

// An apex, a node with an A set, its RRSIGs (TTL 60), an NSEC and an orphan RRSIG.
std::string signed_zone() {
  return std::string(kApex) + "www 600 A 192.0.2.1\nwww 600 A 192.0.2.2\n" +
         "www 60 RRSIG A" + kSigTail + "www 600 NSEC zz A RRSIG NSEC\n" + "www 60 RRSIG MX" + kSigTail;
}

}  // namespace

TEST_CASE("version records: for_each_record gives each set's rdata, then the RRSIGs over it") {
  auto v = build_zone(signed_zone(), "example.com.");
  KeyBuffer buf;
  const Node* www = v->find(make_lookup_key(name("www.example.com.").wire(), buf));
  REQUIRE(www != nullptr);
  std::vector<dns::RRType> types;
  std::vector<std::uint32_t> ttls;
  for_each_record(*www, [&](dns::RRType type, std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
    CHECK_FALSE(rdata.empty());
    types.push_back(type);
    ttls.push_back(ttl);
  });
  // A x2 then its RRSIG; the orphan RRSIG set (type order); NSEC.
  CHECK(types == std::vector<dns::RRType>{dns::RRType::A, dns::RRType::A, dns::RRType::RRSIG,
                                          dns::RRType::RRSIG, dns::RRType::NSEC});
  CHECK(ttls == std::vector<std::uint32_t>{600, 600, 60, 60, 600});
}

TEST_CASE("version records: records_of gives back the records the version was built from") {
  RecordList parsed;
  REQUIRE(parse(signed_zone(), parsed).ok());
  parsed.sort();
  auto v = ZoneVersion::build(parsed, name("example.com."));
  const RecordList out = records_of(*v);
  REQUIRE(out.size() == parsed.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& a = out.records()[i];
    const auto& b = parsed.records()[i];
    CHECK(a.type == b.type);
    CHECK(a.ttl == b.ttl);
    const auto ao = out.owner_wire(a), bo = parsed.owner_wire(b);
    CHECK(std::vector<std::uint8_t>(ao.begin(), ao.end()) == std::vector<std::uint8_t>(bo.begin(), bo.end()));
    const auto ar = out.rdata(a), br = parsed.rdata(b);
    CHECK(std::vector<std::uint8_t>(ar.begin(), ar.end()) == std::vector<std::uint8_t>(br.begin(), br.end()));
  }
}
