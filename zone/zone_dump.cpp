#include "zone/zone_dump.hpp"

#include "dns/rdata.hpp"

namespace zoned::zone {

namespace {

constexpr std::size_t kFlushBytes = 1 << 16;

// Appends records [i, ...) until `out` passes kFlushBytes; returns the next index.
std::size_t dump_some(const RecordList& rl, std::size_t i, std::string& out, std::string& owner,
                      std::size_t& owner_index) {
  for (; i < rl.size() && out.size() < kFlushBytes; ++i) {
    const auto& r = rl[i];
    if (owner_index != r.owner || owner.empty()) {
      owner.clear();
      rl.owner_name(r).append_text(owner);
      owner_index = r.owner;
    }
    out += owner;
    out += '\t';
    out += std::to_string(r.ttl);
    out += '\t';
    out += dns::class_to_text(r.rclass);
    out += '\t';
    out += dns::type_to_text(r.type);
    out += '\t';
    dns::rdata_to_text(r.type, rl.rdata(r), out);
    out += '\n';
  }
  return i;
}

}  // namespace

void dump_zone(const RecordList& records, std::string& out) {
  std::string owner, chunk;
  std::size_t owner_index = SIZE_MAX;
  for (std::size_t i = 0; i < records.size();) {
    chunk.clear();
    i = dump_some(records, i, chunk, owner, owner_index);
    out += chunk;
  }
}

bool dump_zone(const RecordList& records, std::FILE* f) {
  std::string owner, chunk;
  std::size_t owner_index = SIZE_MAX;
  for (std::size_t i = 0; i < records.size();) {
    chunk.clear();
    i = dump_some(records, i, chunk, owner, owner_index);
    if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) return false;
  }
  return std::fflush(f) == 0;
}

}  // namespace zoned::zone
