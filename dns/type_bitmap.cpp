#include "dns/type_bitmap.hpp"

#include <algorithm>
#include <bit>

namespace zoned::dns {

bool type_bitmap_valid(std::span<const std::uint8_t> b) noexcept {
  std::size_t pos = 0;
  int last_window = -1;
  while (pos < b.size()) {
    if (b.size() - pos < 2) return false;
    int window = b[pos];
    std::size_t len = b[pos + 1];
    if (window <= last_window || len == 0 || len > kMaxBitmapWindowLength) return false;
    if (b.size() - pos - 2 < len) return false;
    if (b[pos + 1 + len] == 0) return false;  // trailing zero octets are not minimal
    last_window = window;
    pos += 2 + len;
  }
  return true;
}

bool type_bitmap_contains(std::span<const std::uint8_t> b, RRType type) noexcept {
  auto t = static_cast<std::uint16_t>(type);
  unsigned want_window = t >> 8;
  std::size_t octet = (t & 0xFFu) >> 3;
  std::size_t pos = 0;
  while (pos + 2 <= b.size()) {
    unsigned window = b[pos];
    std::size_t len = b[pos + 1];
    if (window == want_window) {
      return octet < len && pos + 2 + octet < b.size() &&
             (b[pos + 2 + octet] & (0x80u >> (t & 7))) != 0;
    }
    if (window > want_window) return false;
    pos += 2 + len;
  }
  return false;
}

void TypeBitmapBuilder::add(RRType type) noexcept {
  auto t = static_cast<std::uint16_t>(type);
  unsigned w = t >> 8;
  unsigned octet = (t & 0xFFu) >> 3;
  if (window_length_[w] == 0) {
    bits_[w].fill(0);
    used_[w / 64] |= std::uint64_t{1} << (w % 64);
  }
  window_length_[w] = std::max(window_length_[w], static_cast<std::uint8_t>(octet + 1));
  bits_[w][octet] = static_cast<std::uint8_t>(bits_[w][octet] | (0x80u >> (t & 7)));
}

bool TypeBitmapBuilder::empty() const noexcept {
  return (used_[0] | used_[1] | used_[2] | used_[3]) == 0;
}

void TypeBitmapBuilder::write(std::vector<std::uint8_t>& out) const {
  for (unsigned word = 0; word < used_.size(); ++word) {
    for (std::uint64_t m = used_[word]; m != 0; m &= m - 1) {
      unsigned w = word * 64 + static_cast<unsigned>(std::countr_zero(m));
      out.push_back(static_cast<std::uint8_t>(w));
      out.push_back(window_length_[w]);
      out.insert(out.end(), bits_[w].begin(), bits_[w].begin() + window_length_[w]);
    }
  }
}

}  // namespace zoned::dns
