#include "zone/lookup_key.hpp"

#include <algorithm>
#include <cstring>

#include "dns/name.hpp"

namespace zoned::zone {

namespace {

// Key byte of each name byte: lowercased (RFC 4343 §3); 0 and 1, which are
// escaped, map to 0 so the copy loop needs one test.
constexpr std::array<std::uint8_t, 256> kKeyByte = [] {
  std::array<std::uint8_t, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = c <= 1 ? 0 : dns::ascii_lower(static_cast<std::uint8_t>(c));
  return t;
}();

constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

// The low `count` bytes (1 to 8) of a little-endian word.
constexpr std::uint64_t low_bytes(std::size_t count) noexcept {
  return count >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * count)) - 1;
}

// Whether one of the low `count` bytes of `x` is 0 or 1 (escaped in keys).
// A borrow only runs upwards from a byte that is below 2, so a flag in the
// low bytes is never false.
bool has_escaped_byte(std::uint64_t x, std::size_t count) noexcept {
  return ((x - 2 * kOnes) & ~x & kHighBits & low_bytes(count)) != 0;
}

// Every ASCII capital of `x` lowercased (RFC 4343 §3), eight bytes at once.
std::uint64_t lowercase8(std::uint64_t x) noexcept {
  const std::uint64_t low7 = x & ~kHighBits;
  const std::uint64_t above_z = low7 + (0x7f - 'Z') * kOnes;  // high bit: low 7 bits > 'Z'
  const std::uint64_t from_a = low7 + (0x80 - 'A') * kOnes;   // high bit: low 7 bits >= 'A'
  const std::uint64_t capital = (from_a ^ above_z) & ~x & kHighBits;
  return x | (capital >> 2);  // 0x80 >> 2 = 0x20, the case bit
}

// Appends the key bytes of the label of `length` bytes at `wire[start]` and
// its terminator at buf[n]. The caller guarantees room for 2 bytes per label
// byte, plus 1. Eight bytes at a time while the bytes read stay inside
// `wire` and the ones kept need no escape; byte by byte after that.
std::size_t append_label(std::span<const std::uint8_t> wire, std::size_t start, std::size_t length,
                         KeyBuffer& buf, std::size_t n) noexcept {
  const std::uint8_t* label = wire.data() + start;
  std::size_t j = 0;
  while (j < length && start + j + 8 <= wire.size() && n + 8 <= buf.size()) {
    std::uint64_t word;
    std::memcpy(&word, label + j, 8);
    const std::size_t take = std::min<std::size_t>(8, length - j);
    if (has_escaped_byte(word, take)) break;
    word = lowercase8(word);
    std::memcpy(buf.data() + n, &word, 8);  // bytes past `take` are overwritten next
    n += take;
    j += take;
  }
  for (; j < length; ++j) {
    const std::uint8_t k = kKeyByte[label[j]];
    if (k != 0) [[likely]] {
      buf[n++] = k;
    } else {
      buf[n++] = 1;
      buf[n++] = static_cast<std::uint8_t>(label[j] + 1);
    }
  }
  buf[n++] = 0;
  return n;
}

}  // namespace

std::span<const std::uint8_t> make_lookup_key(std::span<const std::uint8_t> wire, KeyBuffer& buf) noexcept {
  std::array<std::size_t, dns::Name::kMaxLabels + 1> offs;  // [0, count) filled below
  std::size_t count = 0;
  for (std::size_t p = 0; p < wire.size() && wire[p] != 0 && count <= dns::Name::kMaxLabels; p += wire[p] + 1u)
    offs[count++] = p;
  std::size_t n = 0;
  for (std::size_t i = count; i-- > 0;) {
    const std::size_t p = offs[i];
    // The label's bytes, cut short if `wire` ends inside it.
    const std::size_t length = std::min<std::size_t>(wire[p], wire.size() - p - 1);
    // Each label byte takes at most 2 key bytes, plus its terminator.
    if (n + 2 * length + 1 > buf.size()) break;
    n = append_label(wire, p + 1, length, buf, n);
  }
  return {buf.data(), n};
}

}  // namespace zoned::zone
