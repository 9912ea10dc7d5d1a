#include <doctest/doctest.h>

#include <vector>

#include "dns/type_bitmap.hpp"

using namespace zoned::dns;

TEST_CASE("type bitmap: builder output is minimal and readable back") {
  TypeBitmapBuilder b;
  CHECK(b.empty());
  b.add(RRType::RRSIG);
  b.add(RRType::A);
  b.add(RRType::MX);
  b.add(RRType::NSEC);
  b.add(static_cast<RRType>(1234));
  b.add(RRType::A);  // duplicates are harmless
  CHECK(!b.empty());
  std::vector<std::uint8_t> out;
  b.write(out);
  // RFC 4034 §4.3 style: window 0 length 6, window 4 length 27.
  REQUIRE(out.size() == 2 + 6 + 2 + 27);
  CHECK(out[0] == 0);
  CHECK(out[1] == 6);
  CHECK(out[2] == 0x40);  // A
  CHECK(out[3] == 0x01);  // MX (15)
  CHECK(out[7] == 0x03);  // RRSIG (46), NSEC (47)
  CHECK(out[8] == 4);
  CHECK(out[9] == 27);
  CHECK(out.back() == 0x20);  // 1234 = 4*256 + 210: octet 26, bit 2
  CHECK(type_bitmap_valid(out));
  CHECK(type_bitmap_contains(out, RRType::MX));
  CHECK(type_bitmap_contains(out, static_cast<RRType>(1234)));
  CHECK(!type_bitmap_contains(out, RRType::NS));
  CHECK(!type_bitmap_contains(out, static_cast<RRType>(1235)));
  CHECK(!type_bitmap_contains(out, static_cast<RRType>(65535)));
  std::vector<std::uint16_t> seen;
  for_each_bitmap_type(out, [&](RRType t) { seen.push_back(static_cast<std::uint16_t>(t)); });
  CHECK(seen == std::vector<std::uint16_t>{1, 15, 46, 47, 1234});
}

TEST_CASE("type bitmap: every window edge") {
  for (std::uint32_t v : {0u, 7u, 8u, 255u, 256u, 65280u, 65535u}) {
    TypeBitmapBuilder b;
    b.add(static_cast<RRType>(v));
    std::vector<std::uint8_t> out;
    b.write(out);
    CAPTURE(v);
    CHECK(type_bitmap_valid(out));
    CHECK(type_bitmap_contains(out, static_cast<RRType>(v)));
    CHECK(out.size() == 2 + (v & 0xFF) / 8 + 1);
  }
  CHECK(type_bitmap_valid({}));
}
