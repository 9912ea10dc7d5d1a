#pragma once
// What an RRL bucket is keyed by (BIND's and Knot's classes): the client's
// prefix, the response class and its name, and the qtype for positive
// answers. Hashed with a secret key so that nobody can aim two keys at one
// bucket. Allocation-free.
#include <array>
#include <cstdint>
#include <span>

#include "dns/rrtype.hpp"
#include "server/config/config.hpp"
#include "server/query/query_engine.hpp"
#include "server/query/siphash.hpp"

namespace zoned::server {

struct ClientAddress {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
};

// `raw` as Request::client_address holds it (4 or 16 bytes); an IPv4-mapped
// IPv6 address (a dual-stack socket) counts as the IPv4 address it carries.
// False for any other length.
[[nodiscard]] bool read_client_address(std::span<const std::uint8_t> raw, ClientAddress& out) noexcept;

// `prefix` contains `client` (same family, equal in the first length bits).
[[nodiscard]] bool prefix_contains(const AddressPrefix& prefix, const ClientAddress& client) noexcept;

// The bucket hash of a response to `client`, whose prefix of `prefix_length`
// bits shares buckets. `name` is compared without regard to ASCII case; the
// qtype counts only for ResponseKind::Answer.
[[nodiscard]] std::uint64_t rrl_hash(const SipHashKey& key, const ClientAddress& client,
                                     std::uint8_t prefix_length, ResponseKind kind, dns::RRType qtype,
                                     std::span<const std::uint8_t> name) noexcept;

}  // namespace zoned::server
