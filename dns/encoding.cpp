#include "dns/encoding.hpp"

#include <openssl/evp.h>

#include <cstddef>

namespace zoned::dns {

namespace {
constexpr char kHexDigits[] = "0123456789ABCDEF";
constexpr char kBase32HexDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

int base32hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'V') return c - 'A' + 10;
  if (c >= 'a' && c <= 'v') return c - 'a' + 10;
  return -1;
}

bool is_base64_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}
}  // namespace

void hex_encode(std::span<const std::uint8_t> in, std::string& out) {
  std::size_t at = out.size();
  out.resize(at + in.size() * 2);
  for (std::uint8_t b : in) {
    out[at++] = kHexDigits[b >> 4];
    out[at++] = kHexDigits[b & 0xF];
  }
}

bool hex_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  if (text.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_digit(text[i]);
    int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

void base32hex_encode(std::span<const std::uint8_t> in, std::string& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t b : in) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32HexDigits[(acc >> bits) & 0x1F]);
    }
  }
  if (bits > 0) out.push_back(kBase32HexDigits[(acc << (5 - bits)) & 0x1F]);
}

bool base32hex_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  // Valid unpadded lengths mod 8 are 0, 2, 4, 5, 7 (RFC 4648 §6).
  std::size_t rest = text.size() % 8;
  if (rest == 1 || rest == 3 || rest == 6) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base32hex_digit(c);
    if (v < 0) return false;
    acc = (acc << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  return (acc & ((1u << bits) - 1)) == 0;
}

void base64_encode(std::span<const std::uint8_t> in, std::string& out) {
  if (in.empty()) return;
  std::size_t at = out.size();
  out.resize(at + 4 * ((in.size() + 2) / 3) + 1);  // EVP_EncodeBlock writes a NUL
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + at), in.data(),
                          static_cast<int>(in.size()));
  out.resize(at + static_cast<std::size_t>(n));
}

bool base64_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  // EVP_DecodeBlock accepts '=' anywhere and skips whitespace, so the
  // alphabet and padding are checked here first.
  if (text.size() % 4 != 0) return false;
  if (text.empty()) return true;
  std::size_t pad = 0;
  if (text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  for (std::size_t i = 0; i < text.size() - pad; ++i) {
    if (!is_base64_char(text[i])) return false;
  }
  std::size_t at = out.size();
  out.resize(at + text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data() + at, reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) != text.size() / 4 * 3) return false;
  out.resize(at + static_cast<std::size_t>(n) - pad);
  return true;
}

}  // namespace zoned::dns
