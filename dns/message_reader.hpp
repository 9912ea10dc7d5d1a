#pragma once
// dns::MessageReader: validates a whole DNS message once, in place, without
// allocating, then lets callers read the header, the question and iterate the
// RRs of each section lazily. Nothing is read before parse() returned Ok.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/header.hpp"
#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "dns/wire.hpp"

namespace zoned::dns {

// Why a message was rejected. Only ShortHeader means "drop": with fewer than
// 12 bytes there is no ID to answer with. Every other error is answered with
// FORMERR (RFC 1035 §4.1.1) when the message was a query.
enum class ParseError : std::uint8_t {
  Ok = 0,
  ShortHeader,    // < 12 bytes: drop silently
  Truncated,      // counts or lengths promise bytes that are not there
  BadName,        // bad label type, too long, bad/forward/self compression pointer
  BadRdata,       // rdata does not match its type's layout
  TrailingData,   // bytes after the last announced record (unless allowed)
  BadQuestion,    // QDCOUNT > 1 (RFC 9619)
  BadOpt,         // OPT twice, outside additional, non-root owner, or bad options
  BadTsig,        // TSIG twice or not the last record of the additional section
};

[[nodiscard]] constexpr bool should_drop(ParseError e) noexcept { return e == ParseError::ShortHeader; }
[[nodiscard]] const char* to_string(ParseError e) noexcept;

inline constexpr std::size_t kMinQuestionSize = 5;  // root name + QTYPE + QCLASS
inline constexpr std::size_t kMinRRSize = 11;       // root name + type/class/ttl/rdlength
inline constexpr std::size_t kNoPosition = static_cast<std::size_t>(-1);

// One RR as it sits in the message: positions are offsets into the message.
struct RRView {
  std::size_t owner_pos = 0;  // first byte of the (possibly compressed) owner name
  RRType type{};
  RRClass rclass{};
  std::uint32_t ttl = 0;
  std::size_t rdata_pos = 0;            // first rdata byte
  std::span<const std::uint8_t> rdata;  // rdlength bytes, names possibly compressed
};

struct ParseOptions {
  // RFC 1035 says nothing about bytes after the last record; we reject them
  // by default (FORMERR) as Knot does. When allowed they are recorded.
  bool allow_trailing = false;
};

class MessageReader {
 public:
  explicit MessageReader(std::span<const std::uint8_t> message) noexcept : msg_(message) {}

  // Validates header, question and every RR (owner, fixed fields, rdata by
  // type) and records the sections' positions. Does not allocate.
  [[nodiscard]] ParseError parse(ParseOptions options = {}) noexcept;

  std::span<const std::uint8_t> message() const noexcept { return msg_; }

  // Header (valid after parse(), or whenever size() >= 12).
  std::uint16_t id() const noexcept { return u16_at(0); }
  std::uint16_t flags() const noexcept { return u16_at(2); }
  bool has_flag(std::uint16_t f) const noexcept { return (flags() & f) != 0; }
  Opcode opcode() const noexcept { return opcode_of(flags()); }
  std::uint8_t header_rcode() const noexcept { return static_cast<std::uint8_t>(flags() & flag::kRcodeMask); }
  std::uint16_t count(Section s) const noexcept { return u16_at(4 + 2 * static_cast<std::size_t>(s)); }
  std::uint16_t qdcount() const noexcept { return count(Section::Question); }
  std::uint16_t ancount() const noexcept { return count(Section::Answer); }
  std::uint16_t nscount() const noexcept { return count(Section::Authority); }
  std::uint16_t arcount() const noexcept { return count(Section::Additional); }

  // Question (only when qdcount() == 1).
  bool has_question() const noexcept { return question_pos_ != kNoPosition; }
  std::size_t question_pos() const noexcept { return question_pos_; }
  [[nodiscard]] WireError question_name(Name& out) const noexcept;
  RRType qtype() const noexcept { return qtype_; }
  RRClass qclass() const noexcept { return qclass_; }

  // OPT and TSIG: positions of their owner names, or kNoPosition. TSIG is
  // last, so tsig_pos() is also the end of the bytes its MAC covers
  // (RFC 8945 §4.3.1, with ARCOUNT decremented).
  std::size_t opt_pos() const noexcept { return opt_pos_; }
  std::size_t tsig_pos() const noexcept { return tsig_pos_; }
  bool has_opt() const noexcept { return opt_pos_ != kNoPosition; }
  bool has_tsig() const noexcept { return tsig_pos_ != kNoPosition; }
  [[nodiscard]] RRView opt() const noexcept { return rr_at(opt_pos_); }    // requires has_opt()
  [[nodiscard]] RRView tsig() const noexcept { return rr_at(tsig_pos_); }  // requires has_tsig()

  // End of the last record; == message().size() unless trailing bytes were allowed.
  std::size_t end_pos() const noexcept { return end_pos_; }
  std::size_t trailing_bytes() const noexcept { return msg_.size() - end_pos_; }

  // Reads the owner name of a record of this message (decompressed).
  [[nodiscard]] WireError owner_name(const RRView& rr, Name& out) const noexcept;

  // Lazy iteration over one RR section of a successfully parsed message.
  class Iterator {
   public:
    using value_type = RRView;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    const RRView& operator*() const noexcept { return rr_; }
    const RRView* operator->() const noexcept { return &rr_; }
    Iterator& operator++() noexcept;
    Iterator operator++(int) noexcept { Iterator t = *this; ++*this; return t; }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept { return a.left_ == b.left_; }

   private:
    friend class MessageReader;
    Iterator(const MessageReader* r, std::size_t pos, std::uint16_t left) noexcept;
    const MessageReader* reader_ = nullptr;
    std::size_t next_pos_ = 0;
    std::uint16_t left_ = 0;
    RRView rr_{};
  };
  struct Range {
    Iterator b, e;
    Iterator begin() const noexcept { return b; }
    Iterator end() const noexcept { return e; }
  };
  // Requires parse() == Ok; s must not be Section::Question.
  [[nodiscard]] Range section(Section s) const noexcept;

 private:
  std::uint16_t u16_at(std::size_t pos) const noexcept {
    return pos + 2 <= msg_.size() ? static_cast<std::uint16_t>(msg_[pos] << 8 | msg_[pos + 1]) : 0;
  }
  // Decodes the record at pos (already validated); sets `next` past it.
  RRView rr_at(std::size_t pos, std::size_t* next = nullptr) const noexcept;
  ParseError parse_rr(std::size_t& pos, Section s, bool last_in_message) noexcept;

  std::span<const std::uint8_t> msg_;
  std::size_t question_pos_ = kNoPosition;
  RRType qtype_{};
  RRClass qclass_{};
  std::array<std::size_t, 4> section_pos_{};  // start of each section
  std::size_t opt_pos_ = kNoPosition;
  std::size_t tsig_pos_ = kNoPosition;
  std::size_t end_pos_ = 0;
  bool parsed_ = false;
};

// Moves `pos` past a name that is known to be valid (no bounds re-check of content).
[[nodiscard]] bool skip_name(std::span<const std::uint8_t> message, std::size_t& pos) noexcept;

}  // namespace zoned::dns
