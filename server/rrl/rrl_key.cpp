#include "server/rrl/rrl_key.hpp"

#include <algorithm>
#include <cstddef>

#include "dns/name.hpp"

namespace zoned::server {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedIpv4Prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::size_t address_size(bool ipv6) noexcept { return ipv6 ? 16 : 4; }

// Byte i of a mask of `length` leading one bits.
std::uint8_t mask_byte(std::size_t i, std::size_t length) noexcept {
  if (length >= 8 * (i + 1)) return 0xff;
  if (length <= 8 * i) return 0;
  return static_cast<std::uint8_t>(0xff00u >> (length - 8 * i));
}

}  // namespace

bool read_client_address(std::span<const std::uint8_t> raw, ClientAddress& out) noexcept {
  if (raw.size() == 16 && std::equal(kMappedIpv4Prefix.begin(), kMappedIpv4Prefix.end(), raw.begin())) {
    raw = raw.subspan(12);
  }
  if (raw.size() != 4 && raw.size() != 16) return false;
  out.ipv6 = raw.size() == 16;
  out.bytes = {};
  std::copy(raw.begin(), raw.end(), out.bytes.begin());
  return true;
}

bool prefix_contains(const AddressPrefix& prefix, const ClientAddress& client) noexcept {
  if (prefix.ipv6 != client.ipv6) return false;
  for (std::size_t i = 0; i < address_size(client.ipv6); ++i) {
    // Bits past the length are zero in the prefix (parse_address_prefix).
    if ((client.bytes[i] & mask_byte(i, prefix.length)) != prefix.address[i]) return false;
  }
  return true;
}

std::uint64_t rrl_hash(const SipHashKey& key, const ClientAddress& client, std::uint8_t prefix_length,
                       ResponseKind kind, dns::RRType qtype, std::span<const std::uint8_t> name) noexcept {
  // family, kind, qtype (2), masked address (4 or 16), lowercased name
  std::array<std::uint8_t, 4 + 16 + dns::Name::kMaxWireLength> buffer;
  std::size_t size = 0;
  buffer[size++] = client.ipv6 ? 6 : 4;
  buffer[size++] = static_cast<std::uint8_t>(kind);
  const auto type = kind == ResponseKind::Answer ? static_cast<std::uint16_t>(qtype) : std::uint16_t{0};
  buffer[size++] = static_cast<std::uint8_t>(type >> 8);
  buffer[size++] = static_cast<std::uint8_t>(type);
  for (std::size_t i = 0; i < address_size(client.ipv6); ++i) {
    buffer[size++] = static_cast<std::uint8_t>(client.bytes[i] & mask_byte(i, prefix_length));
  }
  // Label lengths (at most 63) are below 'A', so lowercasing every byte
  // leaves them alone.
  name = name.first(std::min(name.size(), dns::Name::kMaxWireLength));
  for (const std::uint8_t c : name) {
    buffer[size++] = c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
  }
  return siphash24(key, {buffer.data(), size});
}

}  // namespace zoned::server
