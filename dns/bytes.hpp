#pragma once
// Lexicographic order of byte strings: the order of canonical keys and of
// canonical rdata (RFC 4034 §6.1, §6.3). Inline, no allocation, no lock.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

namespace zoned::dns {

// <0, 0 or >0 as `a` sorts before, equal to or after `b`: octets compared as
// unsigned, and on a common prefix the shorter first.
[[nodiscard]] inline int compare_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  const std::size_t m = std::min(a.size(), b.size());
  if (m != 0) {
    if (const int c = std::memcmp(a.data(), b.data(), m); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace zoned::dns
