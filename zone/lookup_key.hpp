#pragma once
// Lookup keys: a name in RecordList::make_key form (labels right to left,
// lowercased, 0x00 -> 01 01 and 0x01 -> 01 02 so that 0 ends a label and
// byte order is canonical order, RFC 4034 §6.1), built on the stack for the
// query path. The ancestors of a name are the prefixes of its key that end
// with a label's 0.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace zoned::zone {

// 255 wire octets give at most 2 x 253 escaped label bytes plus terminators.
inline constexpr std::size_t kMaxKeyLength = 512;
using KeyBuffer = std::array<std::uint8_t, kMaxKeyLength>;

// The key of an uncompressed wire name, written into `buf` (no allocation).
// A `wire` cut short inside a label gives the key of what is there.
[[nodiscard]] std::span<const std::uint8_t> make_lookup_key(std::span<const std::uint8_t> wire,
                                                            KeyBuffer& buf) noexcept;

}  // namespace zoned::zone
