#include "ctl/zonectl/dnssec_report.hpp"

#include <ctime>

#include "dns/encoding.hpp"
#include "dns/wire.hpp"
#include "zone/nsec3.hpp"

namespace zoned::ctl {
namespace {

// RFC 4034 §3.1: type covered (2), algorithm, labels, original TTL (4), then
// the expiration (4) at offset 8.
constexpr std::size_t kRrsigExpirationOffset = 8;
// RFC 5155 §3.2 / §4.2: hash algorithm, flags, iterations (2), salt length, salt.
constexpr std::size_t kNsec3FlagsOffset = 1;

[[nodiscard]] std::optional<Nsec3Summary> read_nsec3_parameters(std::span<const std::uint8_t> rdata,
                                                                zone::SourcePos pos) {
  dns::WireReader reader(rdata);
  std::uint8_t algorithm = 0, flags = 0, salt_length = 0;
  Nsec3Summary summary;
  std::span<const std::uint8_t> salt;
  if (!reader.u8(algorithm) || !reader.u8(flags) || !reader.u16(summary.iterations) ||
      !reader.u8(salt_length) || !reader.bytes(salt_length, salt))
    return std::nullopt;
  summary.salt.assign(salt.begin(), salt.end());
  summary.pos = pos;
  return summary;
}

// The RRSIG record's expiration relative to `now`: 32-bit times are compared
// in serial-number arithmetic (RFC 4034 §3.1.5), i.e. the expiration is the
// time within 2^31 seconds of now that has these low 32 bits.
[[nodiscard]] std::optional<std::int64_t> rrsig_expiration(std::span<const std::uint8_t> rdata,
                                                           std::int64_t now) {
  dns::WireReader reader(rdata, kRrsigExpirationOffset);
  std::uint32_t expiration = 0;
  if (!reader.u32(expiration)) return std::nullopt;
  const auto offset = static_cast<std::int32_t>(expiration - static_cast<std::uint32_t>(now));
  return now + offset;
}

[[nodiscard]] SignatureExpiry make_expiry(const zone::RecordList& records, std::size_t index,
                                          std::int64_t expiration) {
  const auto& r = records[index];
  const auto rdata = records.rdata(r);
  const auto covered = static_cast<dns::RRType>(rdata[0] << 8 | rdata[1]);
  return SignatureExpiry{records.owner_name(r), covered, expiration, r.pos};
}

[[nodiscard]] zone::Diagnostic warning_at(zone::SourcePos pos, std::span<const std::string> files,
                                          std::string message) {
  zone::Diagnostic d;
  d.severity = zone::Severity::Warning;
  d.file = pos.file < files.size() ? files[pos.file] : std::string{};
  d.line = pos.line;
  d.column = pos.column;
  d.message = std::move(message);
  return d;
}

[[nodiscard]] std::string describe(const SignatureExpiry& e) {
  return e.owner.to_text() + " RRSIG " + dns::type_to_text(e.covered) + " at " +
         utc_text(e.expiration);
}

}  // namespace

DnssecReport inspect_dnssec(const zone::RecordList& records, const dns::Name& origin,
                            std::int64_t now) {
  DnssecReport report;
  std::optional<std::size_t> earliest, next_valid;
  std::int64_t earliest_time = 0, next_valid_time = 0;
  bool from_nsec3param = false;
  bool opt_out = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const auto rdata = records.rdata(r);
    switch (r.type) {
      case dns::RRType::RRSIG: {
        const auto expiration = rrsig_expiration(rdata, now);
        if (!expiration) break;
        if (!earliest || *expiration < earliest_time) earliest = i, earliest_time = *expiration;
        if (*expiration < now) {
          ++report.expired;
          break;
        }
        if (*expiration - now < kExpiryWarningSeconds) ++report.expiring_soon;
        if (!next_valid || *expiration < next_valid_time) next_valid = i, next_valid_time = *expiration;
        break;
      }
      case dns::RRType::NSEC3:
        if (rdata.size() > kNsec3FlagsOffset && (rdata[kNsec3FlagsOffset] & zone::kNsec3OptOut) != 0)
          opt_out = true;
        if (!report.nsec3) report.nsec3 = read_nsec3_parameters(rdata, r.pos);
        break;
      case dns::RRType::NSEC3PARAM:
        // The signer's choice is the apex NSEC3PARAM (RFC 5155 §4).
        if (!from_nsec3param && records.owner_name(r) == origin) {
          if (auto params = read_nsec3_parameters(rdata, r.pos)) {
            report.nsec3 = std::move(params);
            from_nsec3param = true;
          }
        }
        break;
      default: break;
    }
  }
  if (report.nsec3) report.nsec3->opt_out = opt_out;
  if (earliest) report.earliest = make_expiry(records, *earliest, earliest_time);
  if (next_valid) report.next_valid = make_expiry(records, *next_valid, next_valid_time);
  return report;
}

void add_dnssec_warnings(const DnssecReport& report, std::span<const std::string> files,
                         std::vector<zone::Diagnostic>& out) {
  if (report.expired != 0)
    out.push_back(warning_at(report.earliest->pos, files,
                             std::to_string(report.expired) +
                                 " signature(s) have expired; the first was " +
                                 describe(*report.earliest)));
  if (report.expiring_soon != 0)
    out.push_back(warning_at(report.next_valid->pos, files,
                             std::to_string(report.expiring_soon) +
                                 " signature(s) expire within " +
                                 std::to_string(kExpiryWarningDays) + " days; the first is " +
                                 describe(*report.next_valid)));
  // RFC 9276 §3.1: extra iterations add no strength; validators may treat
  // more than 100 as insecure (§3.2) or answer SERVFAIL.
  if (report.nsec3 && report.nsec3->iterations > 0)
    out.push_back(warning_at(report.nsec3->pos, files,
                             "NSEC3 iterations are " + std::to_string(report.nsec3->iterations) +
                                 "; RFC 9276 recommends 0 (validators may treat more than 100 "
                                 "as insecure)"));
}

std::string utc_text(std::int64_t seconds_since_epoch) {
  const auto t = static_cast<std::time_t>(seconds_since_epoch);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(seconds_since_epoch);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text, n);
}

}  // namespace zoned::ctl
