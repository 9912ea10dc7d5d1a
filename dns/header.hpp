#pragma once
// DNS message header vocabulary (RFC 1035 §4.1.1): field offsets, flag bits,
// opcodes and response codes, including the extended codes that need EDNS
// (RFC 6891 §6.1.3) or live only in TSIG/TKEY records (RFC 8945).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zoned::dns {

inline constexpr std::size_t kHeaderSize = 12;        // RFC 1035 §4.1.1
inline constexpr std::size_t kMaxMessageSize = 65535;  // TCP length prefix limit (RFC 1035 §4.2.2)
inline constexpr std::uint16_t kClassicUdpSize = 512;  // RFC 1035 §4.2.1

// Message sections in wire order. Question is not an RR section.
enum class Section : std::uint8_t { Question = 0, Answer = 1, Authority = 2, Additional = 3 };

// Bits of the 16-bit flags word (second header word).
namespace flag {
inline constexpr std::uint16_t QR = 0x8000;  // response
inline constexpr std::uint16_t AA = 0x0400;  // authoritative answer
inline constexpr std::uint16_t TC = 0x0200;  // truncated
inline constexpr std::uint16_t RD = 0x0100;  // recursion desired
inline constexpr std::uint16_t RA = 0x0080;  // recursion available
inline constexpr std::uint16_t Z = 0x0040;   // reserved, must be zero (RFC 1035)
inline constexpr std::uint16_t AD = 0x0020;  // authentic data (RFC 4035 §3.2.3)
inline constexpr std::uint16_t CD = 0x0010;  // checking disabled (RFC 4035 §3.2.2)
inline constexpr std::uint16_t kOpcodeMask = 0x7800;
inline constexpr unsigned kOpcodeShift = 11;
inline constexpr std::uint16_t kRcodeMask = 0x000f;
}  // namespace flag

enum class Opcode : std::uint8_t {
  QUERY = 0,
  IQUERY = 1,  // obsolete (RFC 3425): answered NOTIMP
  STATUS = 2,
  NOTIFY = 4,  // RFC 1996
  UPDATE = 5,  // RFC 2136
};

// 12-bit extended rcode space (RFC 6891 §6.1.3). Values above 15 need an OPT
// record to carry their upper 8 bits, except the TSIG/TKEY ones (16-22), which
// appear only in the error field of those records (RFC 8945 §3, RFC 2930).
enum class Rcode : std::uint16_t {
  NOERROR = 0,
  FORMERR = 1,
  SERVFAIL = 2,
  NXDOMAIN = 3,
  NOTIMP = 4,
  REFUSED = 5,
  YXDOMAIN = 6,  // RFC 2136
  YXRRSET = 7,
  NXRRSET = 8,
  NOTAUTH = 9,
  NOTZONE = 10,
  BADVERS = 16,   // RFC 6891: OPT version not supported
  BADSIG = 16,    // RFC 8945: same value, in TSIG error field
  BADKEY = 17,
  BADTIME = 18,
  BADMODE = 19,   // RFC 2930
  BADNAME = 20,
  BADALG = 21,
  BADTRUNC = 22,  // RFC 8945 §5.2.3
  BADCOOKIE = 23,  // RFC 7873
};

inline constexpr std::uint16_t kMaxRcode = 0x0fff;  // 4 header bits + 8 OPT bits

[[nodiscard]] constexpr std::uint8_t rcode_low_bits(Rcode r) noexcept {
  return static_cast<std::uint8_t>(static_cast<std::uint16_t>(r) & 0x0f);
}
[[nodiscard]] constexpr std::uint8_t rcode_ext_bits(Rcode r) noexcept {
  return static_cast<std::uint8_t>((static_cast<std::uint16_t>(r) >> 4) & 0xff);
}
[[nodiscard]] constexpr Rcode make_rcode(std::uint8_t header_bits, std::uint8_t ext_bits) noexcept {
  return static_cast<Rcode>(static_cast<std::uint16_t>(ext_bits) << 4 | (header_bits & 0x0f));
}

[[nodiscard]] constexpr Opcode opcode_of(std::uint16_t flags) noexcept {
  return static_cast<Opcode>((flags & flag::kOpcodeMask) >> flag::kOpcodeShift);
}
[[nodiscard]] constexpr std::uint16_t with_opcode(std::uint16_t flags, Opcode op) noexcept {
  return static_cast<std::uint16_t>((flags & ~flag::kOpcodeMask) |
                                    ((static_cast<unsigned>(op) << flag::kOpcodeShift) &
                                     flag::kOpcodeMask));
}

// Mnemonics for logs and zonectl; empty for unassigned values. 16 prints as
// BADVERS (the OPT meaning); TSIG code reads its error field as BADSIG itself.
[[nodiscard]] constexpr std::string_view rcode_mnemonic(Rcode r) noexcept {
  switch (static_cast<std::uint16_t>(r)) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 6: return "YXDOMAIN";
    case 7: return "YXRRSET";
    case 8: return "NXRRSET";
    case 9: return "NOTAUTH";
    case 10: return "NOTZONE";
    case 16: return "BADVERS";
    case 17: return "BADKEY";
    case 18: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case 22: return "BADTRUNC";
    case 23: return "BADCOOKIE";
    default: return {};
  }
}

[[nodiscard]] constexpr std::string_view opcode_mnemonic(Opcode op) noexcept {
  switch (op) {
    case Opcode::QUERY: return "QUERY";
    case Opcode::IQUERY: return "IQUERY";
    case Opcode::STATUS: return "STATUS";
    case Opcode::NOTIFY: return "NOTIFY";
    case Opcode::UPDATE: return "UPDATE";
  }
  return {};
}

}  // namespace zoned::dns
