#include "zone/zone_limits.hpp"

#include "zone/zone_version.hpp"

namespace zoned::zone {
namespace {

// NSEC3 and NSEC3PARAM rdata both start with hash algorithm (1), flags (1)
// and iterations (2) (RFC 5155 §3.2, §4.2).
[[nodiscard]] bool nsec3_iterations(const RecordList& records, const RecordList::Record& r,
                                    std::uint16_t& iterations) {
  if (r.type != dns::RRType::NSEC3 && r.type != dns::RRType::NSEC3PARAM) return false;
  const auto rdata = records.rdata(r);
  if (rdata.size() < 4) return false;
  iterations = static_cast<std::uint16_t>(rdata[2] << 8 | rdata[3]);
  return true;
}

}  // namespace

void check_limits(const RecordList& records, const ZoneLimits& limits, std::span<const std::string> files,
                  std::vector<Diagnostic>& out) {
  bool iterations_reported = false;
  std::size_t set_start = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    std::uint16_t iterations = 0;
    if (!iterations_reported && nsec3_iterations(records, r, iterations) &&
        iterations > limits.max_nsec3_iterations) {
      out.push_back(Diagnostic::at(
          Severity::Error, r.pos, files,
          records.owner_name(r).to_text() + " " + dns::type_to_text(r.type) + ": NSEC3 iterations " +
              std::to_string(iterations) + " exceed the cap max-nsec3-iterations " +
              std::to_string(limits.max_nsec3_iterations) + " (RFC 9276 recommends 0)"));
      iterations_reported = true;
    }
    const bool set_ends = i + 1 == records.size() || !records.same_owner(r, records[i + 1]) ||
                          records[i + 1].type != r.type ||
                          (r.type == dns::RRType::RRSIG && !records.same_covered(r, records[i + 1]));
    if (!set_ends) continue;
    const std::size_t count = i + 1 - set_start;
    if (count > kMaxRRsetRecords) {  // RRset::count is 16 bits, whatever the cap
      const auto& overflow = records[set_start + kMaxRRsetRecords];
      out.push_back(Diagnostic::at(Severity::Error, overflow.pos, files,
                                   records.owner_name(overflow).to_text() + " " +
                                       dns::type_to_text(overflow.type) + " has more than " +
                                       std::to_string(kMaxRRsetRecords) +
                                       " records, more than an RRset can hold"));
    } else if (count > limits.max_records_per_type) {
      const auto& first = records[set_start];
      out.push_back(Diagnostic::at(Severity::Error, first.pos, files,
                                   records.owner_name(first).to_text() + " " + dns::type_to_text(first.type) +
                                       ": " + std::to_string(count) +
                                       " records in one RRset exceed the cap max-records-per-type " +
                                       std::to_string(limits.max_records_per_type)));
    }
    set_start = i + 1;
  }
}

}  // namespace zoned::zone
