#pragma once
// What check-zone tells an operator about a signed zone beyond "NSEC or
// NSEC3": the NSEC3 parameters in use and the signature that expires first,
// with warnings for what will break validation soon (RFC 4034 §3.1.5) or
// costs validators (RFC 9276 §3.1).
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
#include "zone/signature_expiry.hpp"

namespace zoned::ctl {

struct Nsec3Summary {
  std::uint16_t iterations = 0;
  std::vector<std::uint8_t> salt;
  bool opt_out = false;  // some NSEC3 record has the opt-out flag (RFC 5155 §3.1.2.1)
  zone::SourcePos pos;   // of the record the parameters come from
};

struct DnssecReport {
  std::optional<Nsec3Summary> nsec3;  // the apex NSEC3PARAM, else the first NSEC3
  // Expired and soon-expiring RRSIGs, the earliest expiration, their
  // warnings: the same code (and text) as zoned's zone loads.
  zone::SignatureExpiryReport signatures;
};

// Inspects a sorted RecordList of zone `origin` at time `now` (seconds since
// the epoch; RRSIG times are 32-bit and compared to it with serial-number
// arithmetic, RFC 4034 §3.1.5). `files` names the SourcePos file indexes.
[[nodiscard]] DnssecReport inspect_dnssec(const zone::RecordList& records, const dns::Name& origin,
                                          std::span<const std::string> files, std::int64_t now);

// Appends the report's warnings (expired or soon-expiring signatures, NSEC3
// iterations above 0) to `out`, placed at the record concerned.
void add_dnssec_warnings(const DnssecReport& report,
                         std::span<const std::string> files, std::vector<zone::Diagnostic>& out);

}  // namespace zoned::ctl
