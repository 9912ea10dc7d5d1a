#pragma once
// dns::MessageWriter: builds a DNS message in a caller's buffer, never past
// `limit` bytes (the EDNS/UDP size) minus what reserve() keeps for OPT/TSIG,
// with owner-name and RFC 1035 rdata-name compression. Adding an RRset is
// atomic: all of it or nothing (then the caller sets TC). Never allocates.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/compression.hpp"
#include "dns/header.hpp"
#include "dns/name.hpp"
#include "dns/rrtype.hpp"

namespace zoned::dns {

class MessageWriter {
 public:
  // A point to come back to: size, section counts and compression entries.
  struct Mark {
    std::size_t size = 0;
    std::array<std::uint16_t, 4> counts{};
    std::size_t table_size = 0;
    Section section = Section::Question;
  };

  // `limit` is capped at buffer.size() and at 65535. A buffer smaller than the
  // header makes every add fail.
  MessageWriter(std::span<std::uint8_t> buffer, std::size_t limit) noexcept;
  explicit MessageWriter(std::span<std::uint8_t> buffer) noexcept
      : MessageWriter(buffer, buffer.size()) {}

  // Starts a new, empty message (header zeroed) in the same buffer.
  void reset() noexcept;

  // Header fields.
  void set_id(std::uint16_t id) noexcept { put16(0, id); }
  void set_flags(std::uint16_t flags) noexcept { put16(2, flags); }
  void set_flag(std::uint16_t bit, bool on = true) noexcept;
  void set_opcode(Opcode op) noexcept { set_flags(with_opcode(flags(), op)); }
  // Stores the low 4 bits in the header; the upper 8 bits must go in OPT
  // (RFC 6891 §6.1.3): ext_rcode() gives them to the EDNS writer.
  void set_rcode(Rcode rcode) noexcept;
  std::uint8_t ext_rcode() const noexcept { return ext_rcode_; }
  std::uint16_t id() const noexcept { return get16(0); }
  std::uint16_t flags() const noexcept { return get16(2); }
  std::uint16_t count(Section s) const noexcept { return counts_[static_cast<std::size_t>(s)]; }
  Section section() const noexcept { return section_; }

  std::size_t size() const noexcept { return size_; }
  std::size_t limit() const noexcept { return limit_; }
  // Changes the limit (for example once EDNS was read); false if smaller than
  // what is already written plus reserved.
  [[nodiscard]] bool set_limit(std::size_t limit) noexcept;
  std::span<const std::uint8_t> message() const noexcept { return buf_.first(size_); }

  // Keeps n bytes free for records added last (OPT, TSIG); release() gives
  // them back just before writing those records.
  [[nodiscard]] bool reserve(std::size_t n) noexcept;
  void release(std::size_t n) noexcept { reserved_ = n < reserved_ ? reserved_ - n : 0; }
  std::size_t reserved() const noexcept { return reserved_; }
  // Bytes still available for records.
  std::size_t available() const noexcept;

  // Compression targets currently known (tests, statistics).
  std::size_t compression_entries() const noexcept { return table_.size(); }

  Mark mark() const noexcept;
  void rollback(const Mark& m) noexcept;

  // Question entry; only before any RR. The name becomes a compression target.
  [[nodiscard]] bool add_question(const Name& qname, RRType qtype, RRClass qclass) noexcept;

  // One RR. `owner` is an uncompressed valid wire name; `rdata` is valid
  // uncompressed rdata of `type` (its RFC 1035 names get compressed).
  // Sections must be filled in order; false (nothing written) when it does
  // not fit or the section is out of order.
  [[nodiscard]] bool add_rr(Section s, std::span<const std::uint8_t> owner, RRType type,
                            RRClass rclass, std::uint32_t ttl,
                            std::span<const std::uint8_t> rdata) noexcept;
  [[nodiscard]] bool add_rr(Section s, const Name& owner, RRType type, RRClass rclass,
                            std::uint32_t ttl, std::span<const std::uint8_t> rdata) noexcept {
    return add_rr(s, owner.wire(), type, rclass, ttl, rdata);
  }
  // One RR whose rdata is the concatenation of `parts`, written verbatim with
  // no compression (OPT, TSIG and other records built on the fly).
  [[nodiscard]] bool add_rr_parts(Section s, std::span<const std::uint8_t> owner, RRType type,
                                  RRClass rclass, std::uint32_t ttl,
                                  std::span<const std::span<const std::uint8_t>> parts) noexcept;

  // All records of an RRset, or none: `rdatas` is any range of rdata spans.
  template <class Range>
  [[nodiscard]] bool add_rrset(Section s, std::span<const std::uint8_t> owner, RRType type,
                               RRClass rclass, std::uint32_t ttl, const Range& rdatas) noexcept {
    const Mark m = mark();
    for (const auto& rd : rdatas) {
      if (!add_rr(s, owner, type, rclass, ttl, std::span<const std::uint8_t>(rd))) {
        rollback(m);
        return false;
      }
    }
    return true;
  }
  template <class Range>
  [[nodiscard]] bool add_rrset(Section s, const Name& owner, RRType type, RRClass rclass,
                               std::uint32_t ttl, const Range& rdatas) noexcept {
    return add_rrset(s, owner.wire(), type, rclass, ttl, rdatas);
  }

 private:
  void put16(std::size_t pos, std::uint16_t v) noexcept {
    if (pos + 2 > buf_.size()) return;
    buf_[pos] = static_cast<std::uint8_t>(v >> 8);
    buf_[pos + 1] = static_cast<std::uint8_t>(v);
  }
  std::uint16_t get16(std::size_t pos) const noexcept {
    return pos + 2 <= buf_.size() ? static_cast<std::uint16_t>(buf_[pos] << 8 | buf_[pos + 1]) : 0;
  }
  std::size_t room() const noexcept;  // bytes that may still be written
  // Where the labels of an uncompressed name start; size 0 when `name` does
  // not begin with one valid uncompressed name.
  struct NameShape {
    std::array<std::uint8_t, Name::kMaxLabels + 1> starts;  // [0, labels) filled
    std::size_t labels = 0;
    std::size_t size = 0;  // wire length, root label included
  };
  [[nodiscard]] static NameShape shape_of(std::span<const std::uint8_t> name) noexcept;
  static constexpr std::size_t kMaxCompressibleNames = 2;  // SOA, MINFO
  // Writes a name at size_, compressed if `compress`; false if it does not fit.
  bool write_name(std::span<const std::uint8_t> name, bool compress) noexcept;
  bool write_name(std::span<const std::uint8_t> name, const NameShape& shape, bool compress) noexcept;
  // write_name() once known_name() found no pointer for the whole name.
  bool write_new_name(std::span<const std::uint8_t> name, const NameShape& shape, bool compress) noexcept;
  bool write_bytes(std::span<const std::uint8_t> bytes) noexcept;
  // A compression pointer to `target`; false if it does not fit.
  bool write_pointer(std::size_t target) noexcept;
  bool begin_rr(Section s, std::span<const std::uint8_t> owner, RRType type, RRClass rclass,
                std::uint32_t ttl) noexcept;
  bool finish_rr(Section s, std::size_t rdlength_pos) noexcept;

  std::span<std::uint8_t> buf_;
  std::size_t limit_ = 0;
  std::size_t size_ = 0;
  std::size_t reserved_ = 0;
  std::array<std::uint16_t, 4> counts_{};
  Section section_ = Section::Question;
  std::uint8_t ext_rcode_ = 0;
  CompressionTable table_;
  // Names written again and again, found without a table search: the first
  // question's name (at kHeaderSize, uncompressed) and the last few names
  // written (an RRset's owner, the NS or MX targets that glue and additional
  // records are owned by), compared byte for byte.
  std::size_t question_name_size_ = 0;
  struct RecentName {
    std::array<std::uint8_t, Name::kMaxWireLength> bytes;  // [0, size) valid
    std::size_t size = 0;                                   // 0: none
    std::size_t offset = 0;  // what a pointer to this name points at
  };
  static constexpr std::size_t kRecentNames = 4;
  std::array<RecentName, kRecentNames> recent_;
  std::size_t next_recent_ = 0;  // the slot the next name replaces
  // A pointer target equal to `name`, or 0.
  [[nodiscard]] std::size_t known_name(std::span<const std::uint8_t> name) const noexcept;
  void remember(std::span<const std::uint8_t> name, std::size_t offset) noexcept;
};

}  // namespace zoned::dns
