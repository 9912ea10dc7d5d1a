#include "ctl/zonectl/dnssec_report.hpp"

#include "dns/wire.hpp"
#include "zone/nsec3.hpp"

namespace zoned::ctl {
namespace {

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

}  // namespace

DnssecReport inspect_dnssec(const zone::RecordList& records, const dns::Name& origin,
                            std::span<const std::string> files, std::int64_t now) {
  DnssecReport report;
  report.signatures = zone::check_signature_expiry(records, files, now);
  bool from_nsec3param = false;
  bool opt_out = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const auto rdata = records.rdata(r);
    switch (r.type) {
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
  return report;
}

void add_dnssec_warnings(const DnssecReport& report, std::span<const std::string> files,
                         std::vector<zone::Diagnostic>& out) {
  out.insert(out.end(), report.signatures.warnings.begin(), report.signatures.warnings.end());
  // RFC 9276 §3.1: extra iterations add no strength; validators may treat
  // more than 100 as insecure (§3.2) or answer SERVFAIL.
  if (report.nsec3 && report.nsec3->iterations > 0)
    out.push_back(warning_at(report.nsec3->pos, files,
                             "NSEC3 iterations are " + std::to_string(report.nsec3->iterations) +
                                 "; RFC 9276 recommends 0 (validators may treat more than 100 "
                                 "as insecure)"));
}

}  // namespace zoned::ctl
