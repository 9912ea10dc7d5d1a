#pragma once
// When a zone's RRSIGs expire, relative to now: how many have expired, how
// many expire soon, which one expires first, and the warnings for the
// operator. One piece of code for `zonectl check-zone` and for zoned's zone
// loads (README.md, "zonectl check-zone"), so both say the same thing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"

namespace zoned::zone {

// Warn about signatures that expire within this many days of now.
inline constexpr std::int64_t kExpiryWarningDays = 7;
inline constexpr std::int64_t kExpiryWarningSeconds = kExpiryWarningDays * 24 * 60 * 60;

struct SignatureExpiry {
  dns::Name owner;
  dns::RRType covered{};
  std::int64_t expiration = 0;  // seconds since the epoch, resolved relative to now
  SourcePos pos;
};

struct SignatureExpiryReport {
  std::optional<SignatureExpiry> earliest;    // the RRSIG that expires first
  std::optional<SignatureExpiry> next_valid;  // the first to expire of those not yet expired
  std::size_t expired = 0;                    // RRSIGs whose expiration has passed
  std::size_t expiring_soon = 0;              // not expired, but within kExpiryWarningSeconds
  // At most two warnings, each placed at the record concerned:
  //   "N signature(s) have expired; the first was OWNER RRSIG TYPE at TIME"
  //   "N signature(s) expire within 7 days; the first is OWNER RRSIG TYPE at TIME"
  std::vector<Diagnostic> warnings;
};

// One pass over the RRSIGs in `records` at time `now` (seconds since the
// epoch). `files` names the SourcePos file indexes (ParseOutcome::files).
[[nodiscard]] SignatureExpiryReport check_signature_expiry(const RecordList& records,
                                                           std::span<const std::string> files,
                                                           std::int64_t now);

// The time an RRSIG's 32-bit inception or expiration field means at `now`.
// RRSIG times are serial numbers (RFC 4034 §3.1.5, RFC 1982): the time within
// 2^31 seconds of now that has these low 32 bits (exactly 2^31 away, which
// RFC 1982 §3.2 leaves undefined, counts as past).
[[nodiscard]] std::int64_t rrsig_time(std::uint32_t field, std::int64_t now) noexcept;

// "2026-11-30T04:00:00Z".
[[nodiscard]] std::string utc_text(std::int64_t seconds_since_epoch);

}  // namespace zoned::zone
