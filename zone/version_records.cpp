// records_of (version_records.hpp).
#include "zone/version_records.hpp"

namespace zoned::zone {

RecordList records_of(const ZoneVersion& version) {
  RecordList records;
  dns::Name owner;
  version.for_each_node([&](const Node& node) {
    if (!dns::Name::from_uncompressed(node.owner, owner)) return;  // versions hold valid names
    for_each_record(node, [&](dns::RRType type, std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
      records.add(owner, type, dns::RRClass::IN, ttl, rdata);
    });
  });
  records.sort();
  return records;
}

}  // namespace zoned::zone
