#pragma once
// RecordList: a compact store of parsed RRs. Owner names and rdata live in
// byte arenas (a dns::Name is 257 bytes; 1M of them would not be compact),
// lowercased / in RFC 4034 §6.2 canonical form. sort() puts the records in
// DNSSEC canonical order (owner, type, rdata; RFC 4034 §6.1, §6.3) and merges
// identical RRs, which is what zone checks, dumps and zone builders need.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "zone/master_file.hpp"

namespace zoned::zone {

class RecordList final : public RecordSink {
 public:
  struct Record {
    std::uint32_t owner = 0;  // index into the owner table
    std::uint32_t rdata_offset = 0;
    std::uint16_t rdata_length = 0;
    dns::RRType type{};
    dns::RRClass rclass{};
    std::uint32_t ttl = 0;
    SourcePos pos;
  };

  void on_record(const ParsedRecord& rr) override;
  void add(const dns::Name& owner, dns::RRType type, dns::RRClass rclass, std::uint32_t ttl,
           std::span<const std::uint8_t> rdata, SourcePos pos = {});

  // An RRset whose records had different TTLs (see sort()).
  struct TtlConflict {
    std::size_t set_index = 0;  // first record of the set, after sorting
    SourcePos differing;        // the first record (file order) with another TTL
    std::uint32_t differing_ttl = 0;
  };

  // Canonical order, identical RRs merged (the first one kept). Records of one
  // RRset (for RRSIG: of one covered type) whose TTLs differ all take the
  // first record's TTL (as BIND does); each such set is reported in
  // `ttl_conflicts` when it is not null.
  void sort(std::vector<TtlConflict>* ttl_conflicts = nullptr);
  [[nodiscard]] bool sorted() const noexcept { return sorted_; }

  [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }
  [[nodiscard]] bool empty() const noexcept { return records_.empty(); }
  [[nodiscard]] const Record& operator[](std::size_t i) const noexcept { return records_[i]; }
  [[nodiscard]] std::span<const Record> records() const noexcept { return records_; }

  [[nodiscard]] std::span<const std::uint8_t> owner_wire(const Record& r) const noexcept;
  [[nodiscard]] dns::Name owner_name(const Record& r) const;
  [[nodiscard]] std::span<const std::uint8_t> rdata(const Record& r) const noexcept {
    return {rdata_arena_.data() + r.rdata_offset, r.rdata_length};
  }
  // True when both records have the same owner (after sort(): same owner index).
  [[nodiscard]] bool same_owner(const Record& a, const Record& b) const noexcept;
  // Both records carry rdata starting with the same 16-bit type (for RRSIG:
  // the type covered, RFC 4034 §3.1.1).
  [[nodiscard]] bool same_covered(const Record& a, const Record& b) const noexcept;
  // Canonical comparison of owner names (<0, 0, >0).
  [[nodiscard]] int compare_owner(const Record& a, const Record& b) const noexcept;

  // Sort key of a name: labels right to left, lowercased, each byte escaped
  // so that plain byte order of keys is canonical name order.
  static void make_key(std::span<const std::uint8_t> wire, std::vector<std::uint8_t>& out);
  [[nodiscard]] std::span<const std::uint8_t> owner_key(const Record& r) const noexcept;

 private:
  struct Owner {
    std::uint32_t wire_offset = 0;
    std::uint32_t key_offset = 0;
    std::uint16_t key_length = 0;
    std::uint8_t wire_length = 0;
  };
  std::vector<Record> records_;
  std::vector<Owner> owners_;
  std::vector<std::uint8_t> owner_arena_;
  std::vector<std::uint8_t> key_arena_;
  std::vector<std::uint8_t> rdata_arena_;
  std::vector<std::uint8_t> scratch_;
  bool sorted_ = true;
};

}  // namespace zoned::zone
