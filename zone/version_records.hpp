#pragma once
// The records a ZoneVersion holds, walked or copied out: for zone checks,
// dumps, diffs and zone-read. Not the query path (records_of allocates).
#include <span>

#include "zone/record_list.hpp"
#include "zone/zone_version.hpp"

namespace zoned::zone {

// Calls fn(type, ttl, rdata) for every record of `node`: each RRset's rdata in
// order, then the RRSIGs covering it (type RRSIG, their own TTL). No
// allocation of its own.
template <class Fn>
void for_each_record(const Node& node, Fn&& fn) {
  for (const RRset& set : node.rrsets) {
    set.for_each_rdata([&](std::span<const std::uint8_t> rdata) { fn(set.type, set.ttl, rdata); });
    if (set.rrsigs != nullptr)
      set.rrsigs->for_each_rdata(
          [&](std::span<const std::uint8_t> rdata) { fn(dns::RRType::RRSIG, set.rrsigs->ttl, rdata); });
  }
}

// Every record of `version` (class IN), sorted (RecordList::sort()): what
// check_zone() and dump_zone() take.
[[nodiscard]] RecordList records_of(const ZoneVersion& version);

}  // namespace zoned::zone
