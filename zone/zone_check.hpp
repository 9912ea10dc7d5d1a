#pragma once
// Zone-level checks over a parsed RecordList (the parser checks each RR alone;
// these check RRs against each other): SOA and NS at the apex, CNAME beside
// other data (RFC 2181 §10.1, RFC 4035 §2.5), out-of-zone data, data occluded
// by a delegation or a DNAME, missing glue, RRset TTL mismatches, and the caps
// of zone_limits.hpp. Errors mean the zone must not be loaded; warnings are
// for the operator.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_limits.hpp"

namespace zoned::zone {

// Sorts `records` into canonical order (merging duplicate RRs, unifying RRset
// TTLs to the first one seen, with a warning), then appends every finding to
// `out`. `files` names the SourcePos file indexes (ParseOutcome::files).
void check_zone(RecordList& records, const dns::Name& origin, const ZoneLimits& limits,
                std::span<const std::string> files, std::vector<Diagnostic>& out);

struct ZoneSummary {
  std::size_t records = 0;
  std::size_t names = 0;
  std::size_t rrsets = 0;
  bool has_dnskey = false;
  bool has_rrsig = false;
  bool has_nsec = false;
  bool has_nsec3 = false;
  [[nodiscard]] bool is_signed() const noexcept { return has_dnskey || has_rrsig; }
};

// Counts over a sorted RecordList (RRSIGs form one RRset per covered type).
[[nodiscard]] ZoneSummary summarize(const RecordList& records);

}  // namespace zoned::zone
