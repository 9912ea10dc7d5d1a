#include "server/query/server_cookie.hpp"

#include <algorithm>

namespace zoned::server {
namespace {

inline constexpr std::size_t kMaxAddressSize = 16;  // IPv6
inline constexpr std::size_t kTimestampOffset = kClientCookieSize + 4;
inline constexpr std::size_t kHashOffset = kTimestampOffset + 4;

std::uint32_t read_u32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// SipHash-2-4 over the first 16 bytes of `cookie` (client cookie, version,
// reserved, timestamp) followed by the client address (RFC 9018 §4.4).
std::uint64_t cookie_hash(std::span<const std::uint8_t> cookie, const SipHashKey& secret,
                          std::span<const std::uint8_t> client_address) noexcept {
  std::array<std::uint8_t, kHashOffset + kMaxAddressSize> input{};
  std::copy_n(cookie.begin(), kHashOffset, input.begin());
  const std::size_t address_size = std::min(client_address.size(), kMaxAddressSize);
  std::copy_n(client_address.begin(), address_size, input.begin() + kHashOffset);
  return siphash24(secret, std::span<const std::uint8_t>(input.data(), kHashOffset + address_size));
}

// The hash is written as the 8 little-endian bytes of SipHash's output, as
// in the RFC 9018 appendix A examples.
bool hash_matches(std::span<const std::uint8_t> cookie, const SipHashKey& secret,
                  std::span<const std::uint8_t> client_address) noexcept {
  const std::uint64_t h = cookie_hash(cookie, secret, client_address);
  for (std::size_t i = 0; i < 8; ++i) {
    if (cookie[kHashOffset + i] != static_cast<std::uint8_t>(h >> (8 * i))) return false;
  }
  return true;
}

bool timestamp_fresh(std::uint32_t stamp, std::uint32_t now) noexcept {
  // Serial-number style difference (RFC 1982): the clock may wrap in 2106.
  const auto age = static_cast<std::int32_t>(now - stamp);
  return age >= 0 ? static_cast<std::uint32_t>(age) <= kCookieMaxAge
                  : static_cast<std::uint32_t>(-static_cast<std::int64_t>(age)) <= kCookieMaxFuture;
}

}  // namespace

CookieStatus check_cookie(std::span<const std::uint8_t> option, const CookieSecrets& secrets,
                          std::span<const std::uint8_t> client_address, std::uint32_t now) noexcept {
  if (option.size() == kClientCookieSize) return CookieStatus::ClientOnly;
  if (option.size() < kClientCookieSize + kMinServerCookieSize ||
      option.size() > kClientCookieSize + kMaxServerCookieSize) {
    return CookieStatus::Malformed;
  }
  // Only our own format can be verified; any other length is someone else's.
  if (option.size() != kCookieOptionSize || option[kClientCookieSize] != kServerCookieVersion ||
      !timestamp_fresh(read_u32(option.data() + kTimestampOffset), now)) {
    return CookieStatus::Invalid;
  }
  if (secrets.current != nullptr && hash_matches(option, *secrets.current, client_address)) {
    return CookieStatus::Valid;
  }
  if (secrets.previous != nullptr && hash_matches(option, *secrets.previous, client_address)) {
    return CookieStatus::Valid;
  }
  return CookieStatus::Invalid;
}

void make_cookie_option(std::span<const std::uint8_t> option, const SipHashKey& secret,
                        std::span<const std::uint8_t> client_address, std::uint32_t now,
                        CookieOption& out) noexcept {
  std::copy_n(option.begin(), kClientCookieSize, out.begin());
  out[kClientCookieSize] = kServerCookieVersion;
  out[kClientCookieSize + 1] = out[kClientCookieSize + 2] = out[kClientCookieSize + 3] = 0;
  for (std::size_t i = 0; i < 4; ++i) out[kTimestampOffset + i] = static_cast<std::uint8_t>(now >> (24 - 8 * i));
  const std::uint64_t h = cookie_hash(out, secret, client_address);
  for (std::size_t i = 0; i < 8; ++i) out[kHashOffset + i] = static_cast<std::uint8_t>(h >> (8 * i));
}

}  // namespace zoned::server
