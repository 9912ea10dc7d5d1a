#include "zone/lookup_key.hpp"

#include <algorithm>

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

// Appends one label's key bytes and its terminator at buf[n]. The caller
// guarantees room: at most 2 bytes per label byte, plus 1.
std::size_t append_label(const std::uint8_t* label, std::size_t length, KeyBuffer& buf, std::size_t n) noexcept {
  for (std::size_t j = 0; j < length; ++j) {
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
    n = append_label(wire.data() + p + 1, length, buf, n);
  }
  return {buf.data(), n};
}

}  // namespace zoned::zone
