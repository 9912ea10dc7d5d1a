#pragma once
// The records of zonectl transaction commands (zone-set, zone-unset). The
// command-line text is read as one master-file line with the zone as origin,
// so owners, TTLs and rdata mean exactly what they mean in a zone file ("@"
// is the apex, a name without a trailing dot is relative to the zone).
#include <string>
#include <string_view>

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "dns/rrtype.hpp"
#include "zone/diff.hpp"

namespace zoned::server {

// OWNER relative to the zone or absolute; an error when it is outside the zone.
[[nodiscard]] Result<dns::Name> parse_edit_owner(const dns::Name& zone, std::string_view owner);

// A type mnemonic or TYPEnnn that may be zone data (not a meta type).
[[nodiscard]] Result<dns::RRType> parse_edit_type(std::string_view type);

// "OWNER TTL TYPE RDATA" as one RR of class IN: owner lowercased, rdata in
// canonical form (as zone versions store them). Errors are one line.
[[nodiscard]] Result<zone::DiffRecord> parse_edit_record(const dns::Name& zone,
                                                         std::string_view owner,
                                                         std::string_view ttl,
                                                         std::string_view type,
                                                         std::string_view rdata);

}  // namespace zoned::server
