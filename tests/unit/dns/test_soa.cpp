#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "dns/soa.hpp"

using namespace zoned::dns;

namespace {

// ns.example. admin.example. 2024010101 7200 3600 1209600 300
std::vector<std::uint8_t> soa_rdata() {
  std::vector<std::uint8_t> rd{2, 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
                               5, 'a', 'd', 'm', 'i', 'n', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
  for (std::uint32_t v : {2024010101u, 7200u, 3600u, 1209600u, 300u})
    for (int shift = 24; shift >= 0; shift -= 8) rd.push_back(static_cast<std::uint8_t>(v >> shift));
  return rd;
}

}  // namespace

TEST_CASE("soa: read_soa gives the names and the five numbers") {
  const auto rd = soa_rdata();
  const auto f = read_soa(rd);
  REQUIRE(f.has_value());
  CHECK(f->mname.size() == 12);
  CHECK(f->rname.size() == 15);
  CHECK(f->rname[0] == 5);
  CHECK(f->serial == 2024010101u);
  CHECK(f->refresh == 7200u);
  CHECK(f->retry == 3600u);
  CHECK(f->expire == 1209600u);
  CHECK(f->minimum == 300u);
}

TEST_CASE("soa: read_soa refuses rdata that is not two names and 20 octets") {
  auto rd = soa_rdata();
  CHECK_FALSE(read_soa({}).has_value());
  CHECK_FALSE(read_soa(std::span<const std::uint8_t>(rd).first(rd.size() - 1)).has_value());
  auto longer = rd;
  longer.push_back(0);
  CHECK_FALSE(read_soa(longer).has_value());
  auto compressed = rd;
  compressed[12] = 0xC0;  // a compression pointer where RNAME starts
  CHECK_FALSE(read_soa(compressed).has_value());
  CHECK_FALSE(read_soa(std::vector<std::uint8_t>(20, 0)).has_value());  // numbers but no names
}

TEST_CASE("soa: write_soa_serial replaces only SERIAL") {
  auto rd = soa_rdata();
  REQUIRE(write_soa_serial(rd, 0xfffffffeu));
  const auto f = read_soa(rd);
  REQUIRE(f.has_value());
  CHECK(f->serial == 0xfffffffeu);
  CHECK(f->refresh == 7200u);
  CHECK(f->minimum == 300u);
  std::vector<std::uint8_t> shorter(19, 0);
  CHECK_FALSE(write_soa_serial(shorter, 1));
  CHECK(shorter == std::vector<std::uint8_t>(19, 0));
}
