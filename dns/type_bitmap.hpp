#pragma once
// RFC 4034 §4.1.2 type bitmaps (NSEC, NSEC3, CSYNC): windows of up to 32
// octets, in increasing window order, each without trailing zero octets.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dns/rrtype.hpp"

namespace zoned::dns {

inline constexpr std::size_t kMaxBitmapWindowLength = 32;  // RFC 4034 §4.1.2

// True if `bitmap` (the whole field, possibly empty) is well formed.
[[nodiscard]] bool type_bitmap_valid(std::span<const std::uint8_t> bitmap) noexcept;

// True if the valid `bitmap` lists `type`.
[[nodiscard]] bool type_bitmap_contains(std::span<const std::uint8_t> bitmap, RRType type) noexcept;

// Calls f(RRType) for each type of the valid `bitmap`, in increasing order.
template <class F>
void for_each_bitmap_type(std::span<const std::uint8_t> bitmap, F&& f) {
  std::size_t pos = 0;
  while (pos + 2 <= bitmap.size()) {
    unsigned window = bitmap[pos];
    std::size_t len = bitmap[pos + 1];
    for (std::size_t i = 0; i < len && pos + 2 + i < bitmap.size(); ++i) {
      std::uint8_t octet = bitmap[pos + 2 + i];
      for (unsigned bit = 0; bit < 8; ++bit) {
        if ((octet & (0x80u >> bit)) != 0) {
          f(static_cast<RRType>(window * 256 + i * 8 + bit));
        }
      }
    }
    pos += 2 + len;
  }
}

// Collects types in any order, then writes the minimal bitmap. Lives on the
// stack (about 8 KiB) so building one allocates nothing.
class TypeBitmapBuilder {
 public:
  void add(RRType type) noexcept;
  [[nodiscard]] bool empty() const noexcept;
  void write(std::vector<std::uint8_t>& out) const;

 private:
  std::array<std::uint64_t, 4> used_{};           // windows in use, so write() skips the rest
  std::array<std::uint8_t, 256> window_length_{};  // 0 = window unused
  std::array<std::array<std::uint8_t, kMaxBitmapWindowLength>, 256> bits_;
};

}  // namespace zoned::dns
