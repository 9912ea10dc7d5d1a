#include <doctest/doctest.h>

#include "dns/serial.hpp"

using namespace zoned::dns;

TEST_CASE("serial: RFC 1982 §3.2 comparison") {
  CHECK(serial_compare(1, 1) == SerialOrder::Equal);
  CHECK(serial_compare(1, 2) == SerialOrder::Less);
  CHECK(serial_compare(2, 1) == SerialOrder::Greater);
  // Wrap-around: 0xffffffff is just before 0.
  CHECK(serial_lt(0xffffffffu, 0));
  CHECK(serial_gt(0, 0xffffffffu));
  CHECK(serial_lt(0xfffffff0u, 5));
  // Largest forward step that is still "greater".
  CHECK(serial_lt(0, 0x7fffffffu));
  CHECK(serial_gt(0, 0x80000001u));  // 0x80000001 is 2^31-1 behind 0
  // Exactly 2^31 apart: undefined both ways.
  CHECK(serial_compare(0, 0x80000000u) == SerialOrder::Undefined);
  CHECK(serial_compare(0x80000000u, 0) == SerialOrder::Undefined);
  CHECK(serial_compare(7, 0x80000007u) == SerialOrder::Undefined);
  CHECK_FALSE(serial_lt(0, 0x80000000u));
  CHECK_FALSE(serial_gt(0, 0x80000000u));
}

TEST_CASE("serial: RFC 1982 §3.1 addition limit") {
  CHECK(serial_add(1, 1) == 2u);
  CHECK(serial_add(0xffffffffu, 1) == 0u);
  CHECK(serial_add(0xfffffffeu, 5) == 3u);
  CHECK(serial_add(10, kMaxSerialIncrement) == 10u + 0x7fffffffu);
  CHECK_FALSE(serial_add(10, 0x80000000u).has_value());
  CHECK_FALSE(serial_add(10, 0xffffffffu).has_value());
  // s + n is always greater than s for a valid n > 0.
  CHECK(serial_gt(*serial_add(123, kMaxSerialIncrement), 123));
}
