#pragma once
// DNS cookies (RFC 7873) with the interoperable server cookie of RFC 9018:
// version 1, 3 reserved bytes, a 32-bit timestamp and the SipHash-2-4 of
// client cookie | version | reserved | timestamp | client IP.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "server/query/siphash.hpp"

namespace zoned::server {

inline constexpr std::size_t kClientCookieSize = 8;       // RFC 7873 §4.1
inline constexpr std::size_t kMinServerCookieSize = 8;    // RFC 7873 §4.2
inline constexpr std::size_t kMaxServerCookieSize = 32;
inline constexpr std::size_t kServerCookieSize = 16;      // what we send (RFC 9018 §4)
inline constexpr std::size_t kCookieOptionSize = kClientCookieSize + kServerCookieSize;
inline constexpr std::uint8_t kServerCookieVersion = 1;
// RFC 9018 §4.3: a cookie is accepted up to one hour after it was made and up
// to five minutes "before" (clock skew between servers sharing the secret).
inline constexpr std::uint32_t kCookieMaxAge = 3600;
inline constexpr std::uint32_t kCookieMaxFuture = 300;

enum class CookieStatus : std::uint8_t {
  ClientOnly,  // no server cookie: a fresh one is sent back (RFC 7873 §5.2.3)
  Valid,       // our server cookie, made with the current or previous secret
  Invalid,     // a server cookie we did not make, or one too old/new (§5.2.5)
  Malformed,   // bad option length: FORMERR (§5.2.2)
};

struct CookieSecrets {
  const SipHashKey* current = nullptr;
  const SipHashKey* previous = nullptr;  // null outside a rotation
};

// Classifies the COOKIE option data a client sent.
[[nodiscard]] CookieStatus check_cookie(std::span<const std::uint8_t> option,
                                        const CookieSecrets& secrets,
                                        std::span<const std::uint8_t> client_address,
                                        std::uint32_t now) noexcept;

using CookieOption = std::array<std::uint8_t, kCookieOptionSize>;

// The option to send back: the client cookie (the first 8 bytes of `option`,
// which must hold at least that) followed by a fresh server cookie.
void make_cookie_option(std::span<const std::uint8_t> option, const SipHashKey& secret,
                        std::span<const std::uint8_t> client_address, std::uint32_t now,
                        CookieOption& out) noexcept;

}  // namespace zoned::server
