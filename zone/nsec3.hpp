#pragma once
// NSEC3 (RFC 5155) as the query path needs it: the zone's hash parameters,
// the hash of a name, and the zone's NSEC3 records ordered by hash so that
// the matching and the covering record of a hash are found by binary search.
// Nothing here allocates once a chain is built.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "zone/zone_version.hpp"

namespace zoned::zone {

// RFC 5155 §4.1: the one defined hash algorithm, SHA-1.
inline constexpr std::uint8_t kNsec3Sha1 = 1;
inline constexpr std::size_t kNsec3HashLength = 20;
using Nsec3Hash = std::array<std::uint8_t, kNsec3HashLength>;
// RFC 5155 §3.1.2: the opt-out bit of the NSEC3 flags field.
inline constexpr std::uint8_t kNsec3OptOut = 0x01;

struct Nsec3Params {
  std::uint8_t algorithm = kNsec3Sha1;
  std::uint16_t iterations = 0;
  std::array<std::uint8_t, 255> salt{};
  std::uint8_t salt_length = 0;

  [[nodiscard]] std::span<const std::uint8_t> salt_bytes() const noexcept { return {salt.data(), salt_length}; }
};

// RFC 5155 §5: IH(salt, x, k). `name` is an uncompressed wire name; it is
// lowercased (canonical form, RFC 4034 §6.2) while hashing.
[[nodiscard]] Nsec3Hash nsec3_hash(std::span<const std::uint8_t> name, const Nsec3Params& params) noexcept;
// How many nsec3_hash calls this thread has made: what NSEC3 denial costs, in
// the unit that iterations multiply (docs/robustness.md case 31).
[[nodiscard]] std::uint64_t nsec3_hashes_on_this_thread() noexcept;

// One NSEC3 record of the chain: its owner's node, the NSEC3 RRset there
// (its RRSIGs hang off RRset::rrsigs), and the owner hash decoded.
struct Nsec3Entry {
  Nsec3Hash hash{};
  const Node* node = nullptr;
  const RRset* rrset = nullptr;
  bool opt_out = false;
};

// The NSEC3 chain of one ZoneVersion, built with it (ZoneVersion::index_pages)
// when the apex holds an NSEC3PARAM with a supported algorithm; the chain is
// the NSEC3 records whose parameters equal the NSEC3PARAM's.
class Nsec3Chain {
 public:
  // Null when the version has no usable NSEC3PARAM or no matching NSEC3 record.
  [[nodiscard]] static std::unique_ptr<const Nsec3Chain> build(const ZoneVersion& version);

  [[nodiscard]] const Nsec3Params& params() const noexcept { return params_; }
  // The entry whose owner hash equals `hash`, or null.
  [[nodiscard]] const Nsec3Entry* matching(const Nsec3Hash& hash) const noexcept;
  // The entry that covers `hash` (RFC 5155 §3.1.7: owner hash < hash < next
  // hash, wrapping at the end of the chain), or null when `hash` matches.
  [[nodiscard]] const Nsec3Entry* covering(const Nsec3Hash& hash) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  // Some entry has the opt-out flag (RFC 5155 §6 allows a mixture).
  [[nodiscard]] bool has_opt_out() const noexcept {
    return std::any_of(entries_.begin(), entries_.end(), [](const Nsec3Entry& e) { return e.opt_out; });
  }
  // The hashes of the origin and of *.<origin>, computed once: most denials
  // have the apex as closest encloser, so the query path rarely hashes them.
  [[nodiscard]] const Nsec3Hash& origin_hash() const noexcept { return origin_hash_; }
  [[nodiscard]] const Nsec3Hash& origin_wildcard_hash() const noexcept { return origin_wildcard_hash_; }

 private:
  Nsec3Params params_;
  Nsec3Hash origin_hash_{};
  Nsec3Hash origin_wildcard_hash_{};
  std::vector<Nsec3Entry> entries_;  // sorted by hash
};

}  // namespace zoned::zone
