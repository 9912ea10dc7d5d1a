#pragma once
// RFC 1982 serial number arithmetic for SOA serials (SERIAL_BITS = 32).
// Comparison is undefined when two serials are exactly 2^31 apart; addition
// accepts only increments in [0, 2^31 - 1].
#include <cstdint>
#include <optional>

namespace zoned::dns {

enum class SerialOrder : std::uint8_t { Equal, Less, Greater, Undefined };

inline constexpr std::uint32_t kSerialHalf = 0x80000000u;        // 2^(SERIAL_BITS-1)
inline constexpr std::uint32_t kMaxSerialIncrement = 0x7fffffffu;  // RFC 1982 §3.1

// RFC 1982 §3.2: s1 < s2 iff (i1 < i2 and i2 - i1 < 2^31) or (i1 > i2 and i1 - i2 > 2^31).
[[nodiscard]] constexpr SerialOrder serial_compare(std::uint32_t s1, std::uint32_t s2) noexcept {
  if (s1 == s2) return SerialOrder::Equal;
  const std::uint32_t forward = s2 - s1;  // modular distance from s1 up to s2
  if (forward == kSerialHalf) return SerialOrder::Undefined;
  return forward < kSerialHalf ? SerialOrder::Less : SerialOrder::Greater;
}

[[nodiscard]] constexpr bool serial_lt(std::uint32_t s1, std::uint32_t s2) noexcept {
  return serial_compare(s1, s2) == SerialOrder::Less;
}
[[nodiscard]] constexpr bool serial_gt(std::uint32_t s1, std::uint32_t s2) noexcept {
  return serial_compare(s1, s2) == SerialOrder::Greater;
}

// RFC 1982 §3.1: s + n modulo 2^32, defined only for n <= 2^31 - 1.
[[nodiscard]] constexpr std::optional<std::uint32_t> serial_add(std::uint32_t s,
                                                                std::uint32_t n) noexcept {
  if (n > kMaxSerialIncrement) return std::nullopt;
  return static_cast<std::uint32_t>(s + n);
}

}  // namespace zoned::dns
