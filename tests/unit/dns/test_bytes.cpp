#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "dns/bytes.hpp"

using zoned::dns::compare_bytes;
using V = std::vector<std::uint8_t>;

TEST_CASE("bytes: compare_bytes is unsigned lexicographic order, shorter first on a prefix") {
  CHECK(compare_bytes(V{}, V{}) == 0);
  CHECK(compare_bytes(V{1, 2, 3}, V{1, 2, 3}) == 0);
  CHECK(compare_bytes(V{}, V{0}) < 0);
  CHECK(compare_bytes(V{0}, V{}) > 0);
  CHECK(compare_bytes(V{1, 2}, V{1, 2, 0}) < 0);
  CHECK(compare_bytes(V{1, 3}, V{1, 2, 9}) > 0);
  CHECK(compare_bytes(V{0x7f}, V{0x80}) < 0);  // octets are unsigned
  CHECK(compare_bytes(V{0xff, 0}, V{0x01, 0xff, 0xff}) > 0);
}
