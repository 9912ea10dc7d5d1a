#pragma once
// Caps on what a zone may hold (docs/robustness.md cases 29 and 31): a zone
// over one is refused like a zone with an error, wherever it comes from (a
// load, a reload, a zonectl commit, check-zone), and the error names the
// record, the count and the cap.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/record_list.hpp"

namespace zoned::zone {

struct ZoneLimits {
  // Records in one RRset (RRSIGs: per type covered). Answers, glue and the
  // additional section are built from whole RRsets.
  std::size_t max_records_per_type = 1000;
  // NSEC3 hash iterations (RFC 5155 §3.1.3). Each NXDOMAIN or wildcard proof
  // hashes up to three names, iterations + 1 SHA-1 each: the cap bounds what
  // a random-subdomain flood costs. RFC 9276 §3.1 asks for 0; validators
  // treat counts above about 100 as insecure (§3.2).
  std::uint16_t max_nsec3_iterations = 100;
  bool operator==(const ZoneLimits&) const = default;
};

// Appends an error to `out` for every RRset of the sorted `records` with more
// than limits.max_records_per_type records (or more than kMaxRRsetRecords,
// which no version can hold), and one for the first NSEC3PARAM or NSEC3
// record whose iterations exceed limits.max_nsec3_iterations.
void check_limits(const RecordList& records, const ZoneLimits& limits, std::span<const std::string> files,
                  std::vector<Diagnostic>& out);

}  // namespace zoned::zone
