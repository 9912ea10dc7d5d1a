#pragma once
// EDNS(0) (RFC 6891): reading the OPT pseudo-RR of a parsed message and
// writing one into a response. Options are kept as raw code + bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/message_reader.hpp"
#include "dns/message_writer.hpp"
#include "dns/wire.hpp"

namespace zoned::dns {

inline constexpr std::uint16_t kEdnsFlagDO = 0x8000;     // RFC 3225
inline constexpr std::uint16_t kDefaultEdnsSize = 1232;  // DNS flag day 2020
inline constexpr std::size_t kOptFixedSize = 11;         // root owner + 10 bytes
inline constexpr std::size_t kEdnsOptionHeader = 4;      // code + length
inline constexpr std::size_t kMaxEdnsWriteOptions = 16;  // per response, no allocation

// Option codes zoned knows about (IANA "DNS EDNS0 Option Codes").
namespace edns_option {
inline constexpr std::uint16_t NSID = 3;       // RFC 5001
inline constexpr std::uint16_t ECS = 8;        // RFC 7871
inline constexpr std::uint16_t EXPIRE = 9;     // RFC 7314
inline constexpr std::uint16_t COOKIE = 10;    // RFC 7873
inline constexpr std::uint16_t KEEPALIVE = 11; // RFC 7828
inline constexpr std::uint16_t PADDING = 12;   // RFC 7830
inline constexpr std::uint16_t EDE = 15;       // RFC 8914
}  // namespace edns_option

struct EdnsOption {
  std::uint16_t code = 0;
  std::span<const std::uint8_t> data;
};

// Iterates the options of OPT rdata; stops (error() != Ok) at a malformed one.
class EdnsOptionIterator {
 public:
  explicit EdnsOptionIterator(std::span<const std::uint8_t> rdata) noexcept : rdata_(rdata) {}
  // Next option into `out`; false at the end or on error.
  [[nodiscard]] bool next(EdnsOption& out) noexcept;
  WireError error() const noexcept { return error_; }

 private:
  std::span<const std::uint8_t> rdata_;
  std::size_t pos_ = 0;
  WireError error_ = WireError::Ok;
};

// The OPT record as received. The TTL field carries extended rcode, version
// and flags (RFC 6891 §6.1.3).
struct Edns {
  std::uint16_t udp_size = 0;  // CLASS field: requestor's payload size
  std::uint8_t ext_rcode = 0;  // upper 8 bits of the 12-bit rcode
  std::uint8_t version = 0;
  std::uint16_t flags = 0;     // DO and the Z bits
  std::span<const std::uint8_t> options;  // raw option bytes, in the message

  bool dnssec_ok() const noexcept { return (flags & kEdnsFlagDO) != 0; }
  // Finds the first option with `code`; false if absent.
  [[nodiscard]] bool find_option(std::uint16_t code, EdnsOption& out) const noexcept;
};

// Reads the OPT of a parsed message. Returns BadOpt if `reader` has no OPT or
// its options are malformed.
[[nodiscard]] WireError read_edns(const MessageReader& reader, Edns& out) noexcept;
// Same, from one OPT record view.
[[nodiscard]] WireError read_edns(const RRView& opt, Edns& out) noexcept;

// RFC 6891 §6.2.3, §6.2.5: sizes below 512 are treated as 512; we never send
// more than our own limit.
[[nodiscard]] constexpr std::uint16_t effective_udp_size(std::uint16_t advertised,
                                                         std::uint16_t our_limit) noexcept {
  const std::uint16_t asked = advertised < kClassicUdpSize ? kClassicUdpSize : advertised;
  return asked < our_limit ? asked : our_limit;
}

struct EdnsWrite {
  std::uint16_t udp_size = kDefaultEdnsSize;
  std::uint8_t ext_rcode = 0;  // usually MessageWriter::ext_rcode()
  std::uint8_t version = 0;
  bool dnssec_ok = false;
  std::span<const EdnsOption> options;  // at most kMaxEdnsWriteOptions
};

// Wire size of the OPT record `e` would produce.
[[nodiscard]] std::size_t opt_wire_size(const EdnsWrite& e) noexcept;

// Appends OPT to the additional section; false (nothing written) when it does
// not fit, or on too many options / oversize data. Release any reserve() made
// for it first.
[[nodiscard]] bool write_opt(MessageWriter& writer, const EdnsWrite& e) noexcept;

}  // namespace zoned::dns
