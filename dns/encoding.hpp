#pragma once
// Binary-to-text encodings used by presentation-format rdata: base16 (hex),
// base32hex without padding (RFC 4648 §7, NSEC3 owner hashes) and base64
// (RFC 4648 §4, keys and signatures). Decoders append to `out` and return
// false on any invalid character or length, leaving partial output behind.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zoned::dns {

// Upper-case hex, as BIND prints digests and salts.
void hex_encode(std::span<const std::uint8_t> in, std::string& out);
// Case-insensitive; `text.size()` must be even.
[[nodiscard]] bool hex_decode(std::string_view text, std::vector<std::uint8_t>& out);
// Value of one hex digit, or -1.
[[nodiscard]] constexpr int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Upper-case base32hex, no padding (RFC 5155 §3.3).
void base32hex_encode(std::span<const std::uint8_t> in, std::string& out);
// Case-insensitive, no padding; rejects lengths no whole number of octets gives
// and non-zero trailing bits.
[[nodiscard]] bool base32hex_decode(std::string_view text, std::vector<std::uint8_t>& out);

// Base64 with padding, unbroken.
void base64_encode(std::span<const std::uint8_t> in, std::string& out);
// Strict: length a multiple of 4, '=' only as the last one or two characters.
[[nodiscard]] bool base64_decode(std::string_view text, std::vector<std::uint8_t>& out);

}  // namespace zoned::dns
