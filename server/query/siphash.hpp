#pragma once
// SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF"), the
// keyed hash RFC 9018 §4.4 prescribes for interoperable server cookies.
#include <array>
#include <cstdint>
#include <span>

namespace zoned::server {

using SipHashKey = std::array<std::uint8_t, 16>;

// The 64-bit SipHash-2-4 of `message` under `key`. Allocation-free.
[[nodiscard]] std::uint64_t siphash24(const SipHashKey& key,
                                      std::span<const std::uint8_t> message) noexcept;

}  // namespace zoned::server
