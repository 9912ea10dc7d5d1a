#include "zone/signature_expiry.hpp"

#include <ctime>
#include <utility>

#include "dns/wire.hpp"

namespace zoned::zone {
namespace {

// RFC 4034 §3.1: type covered (2), algorithm, labels, original TTL (4), then
// the expiration (4) at offset 8.
constexpr std::size_t kRrsigExpirationOffset = 8;

[[nodiscard]] std::optional<std::int64_t> rrsig_expiration(std::span<const std::uint8_t> rdata,
                                                           std::int64_t now) {
  dns::WireReader reader(rdata, kRrsigExpirationOffset);
  std::uint32_t expiration = 0;
  if (!reader.u32(expiration)) return std::nullopt;
  return rrsig_time(expiration, now);
}

[[nodiscard]] SignatureExpiry make_expiry(const RecordList& records, std::size_t index,
                                          std::int64_t expiration) {
  const auto& r = records[index];
  const auto rdata = records.rdata(r);  // at least 12 bytes: rrsig_expiration read them
  const auto covered = static_cast<dns::RRType>(rdata[0] << 8 | rdata[1]);
  return SignatureExpiry{records.owner_name(r), covered, expiration, r.pos};
}

[[nodiscard]] std::string describe(const SignatureExpiry& e) {
  return e.owner.to_text() + " RRSIG " + dns::type_to_text(e.covered) + " at " +
         utc_text(e.expiration);
}

}  // namespace

std::int64_t rrsig_time(std::uint32_t field, std::int64_t now) noexcept {
  // The signed 32-bit distance from now's low 32 bits (modular in C++20).
  const auto offset = static_cast<std::int32_t>(field - static_cast<std::uint32_t>(now));
  return now + offset;
}

SignatureExpiryReport check_signature_expiry(const RecordList& records,
                                             std::span<const std::string> files, std::int64_t now) {
  SignatureExpiryReport report;
  std::optional<std::size_t> earliest, next_valid;
  std::int64_t earliest_time = 0, next_valid_time = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.type != dns::RRType::RRSIG) continue;
    const auto expiration = rrsig_expiration(records.rdata(r), now);
    if (!expiration) continue;
    if (!earliest || *expiration < earliest_time) earliest = i, earliest_time = *expiration;
    if (*expiration < now) {
      ++report.expired;
      continue;
    }
    if (*expiration - now < kExpiryWarningSeconds) ++report.expiring_soon;
    if (!next_valid || *expiration < next_valid_time) next_valid = i, next_valid_time = *expiration;
  }
  if (earliest) report.earliest = make_expiry(records, *earliest, earliest_time);
  if (next_valid) report.next_valid = make_expiry(records, *next_valid, next_valid_time);

  if (report.expired != 0)
    report.warnings.push_back(Diagnostic::at(
        Severity::Warning, report.earliest->pos, files,
        std::to_string(report.expired) + " signature(s) have expired; the first was " + describe(*report.earliest)));
  if (report.expiring_soon != 0)
    report.warnings.push_back(Diagnostic::at(
        Severity::Warning, report.next_valid->pos, files,
        std::to_string(report.expiring_soon) + " signature(s) expire within " + std::to_string(kExpiryWarningDays) +
            " days; the first is " + describe(*report.next_valid)));
  return report;
}

std::string utc_text(std::int64_t seconds_since_epoch) {
  const auto t = static_cast<std::time_t>(seconds_since_epoch);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(seconds_since_epoch);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text, n);
}

}  // namespace zoned::zone
