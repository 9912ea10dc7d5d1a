#pragma once
// The records of a sorted RecordList as a canonical master file: one RR per
// line, absolute names, "owner TTL CLASS TYPE rdata", in DNSSEC canonical order
// except that the apex SOA comes first (as named-compilezone -s full writes it).
#include <cstdio>
#include <string>

#include "zone/record_list.hpp"

namespace zoned::zone {

void dump_zone(const RecordList& records, std::string& out);
// Streams to `f` in chunks (a 1M-record zone is never held twice in memory).
// Returns false on a write error.
[[nodiscard]] bool dump_zone(const RecordList& records, std::FILE* f);

}  // namespace zoned::zone
