#include "zone/zone_dump.hpp"

#include <string_view>

#include "dns/rdata.hpp"

namespace zoned::zone {

namespace {

constexpr std::size_t kFlushBytes = 1 << 16;

// Walks the records in dump order: DNSSEC canonical order, except that the
// apex SOA comes first (as named-compilezone writes it, and as every tool that
// reads a master file expects).
class DumpWriter {
 public:
  explicit DumpWriter(const RecordList& rl) : rl_(rl) {
    while (apex_end_ < rl.size() && rl[apex_end_].owner == rl[0].owner) ++apex_end_;
  }

  // Appends records until `out` passes kFlushBytes; false when all are done.
  bool next_chunk(std::string& out) {
    while (out.size() < kFlushBytes) {
      if (soa_pass_) {
        if (soa_i_ >= apex_end_) {
          soa_pass_ = false;
          continue;
        }
        const auto& r = rl_[soa_i_++];
        if (r.type == dns::RRType::SOA) write(r, out);
        continue;
      }
      if (i_ >= rl_.size()) return false;
      const auto& r = rl_[i_];
      if (!(i_ < apex_end_ && r.type == dns::RRType::SOA)) write(r, out);
      ++i_;
    }
    return true;
  }

 private:
  void write(const RecordList::Record& r, std::string& out) {
    if (owner_index_ != r.owner || owner_.empty()) {
      owner_.clear();
      rl_.owner_name(r).append_text(owner_);
      owner_index_ = r.owner;
    }
    out += owner_;
    out += '\t';
    out += std::to_string(r.ttl);
    out += '\t';
    out += dns::class_to_text(r.rclass);
    out += '\t';
    out += dns::type_to_text(r.type);
    out += '\t';
    dns::rdata_to_text(r.type, rl_.rdata(r), out);
    out += '\n';
  }

  const RecordList& rl_;
  std::size_t apex_end_ = 0;
  std::size_t soa_i_ = 0;
  std::size_t i_ = 0;
  bool soa_pass_ = true;
  std::string owner_;
  std::size_t owner_index_ = SIZE_MAX;
};

// Hands the dump to `sink` chunk by chunk; stops early, returning false, when
// `sink` returns false.
template <typename Sink>
[[nodiscard]] bool for_each_chunk(const RecordList& records, Sink sink) {
  // next_chunk() stops at kFlushBytes per call: fill a chunk, then hand it on.
  DumpWriter w(records);
  std::string chunk;
  bool more = true;
  while (more) {
    chunk.clear();
    more = w.next_chunk(chunk);
    if (!sink(std::string_view(chunk))) return false;
  }
  return true;
}

}  // namespace

void dump_zone(const RecordList& records, std::string& out) {
  // Appending to `out` directly would stop making progress past kFlushBytes.
  static_cast<void>(for_each_chunk(records, [&out](std::string_view chunk) {
    out += chunk;
    return true;  // appending cannot fail
  }));
}

bool dump_zone(const RecordList& records, std::FILE* f) {
  const bool written = for_each_chunk(records, [f](std::string_view chunk) {
    return std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size();
  });
  return written && std::fflush(f) == 0;
}

}  // namespace zoned::zone
