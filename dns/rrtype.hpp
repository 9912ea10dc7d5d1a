#pragma once
// RR types and classes: open 16-bit sets (any value is legal on the wire);
// the named ones are those zoned knows a presentation format for.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zoned::dns {

enum class RRType : std::uint16_t {
  A = 1, NS = 2, MD = 3, MF = 4, CNAME = 5, SOA = 6, MB = 7, MG = 8, MR = 9, NULL_ = 10,
  WKS = 11, PTR = 12, HINFO = 13, MINFO = 14, MX = 15, TXT = 16, RP = 17, AFSDB = 18,
  X25 = 19, ISDN = 20, RT = 21, NSAP = 22, NSAP_PTR = 23, SIG = 24, KEY = 25, PX = 26,
  GPOS = 27, AAAA = 28, LOC = 29, NXT = 30, SRV = 33, NAPTR = 35, KX = 36, CERT = 37,
  A6 = 38, DNAME = 39, OPT = 41, APL = 42, DS = 43, SSHFP = 44, IPSECKEY = 45, RRSIG = 46,
  NSEC = 47, DNSKEY = 48, DHCID = 49, NSEC3 = 50, NSEC3PARAM = 51, TLSA = 52, SMIMEA = 53,
  HIP = 55, CDS = 59, CDNSKEY = 60, OPENPGPKEY = 61, CSYNC = 62, ZONEMD = 63, SVCB = 64,
  HTTPS = 65, SPF = 99, NID = 104, L32 = 105, L64 = 106, LP = 107, EUI48 = 108, EUI64 = 109,
  TKEY = 249, TSIG = 250, IXFR = 251, AXFR = 252, MAILB = 253, MAILA = 254, ANY = 255,
  URI = 256, CAA = 257, AVC = 258, DOA = 259, AMTRELAY = 260, TA = 32768, DLV = 32769,
};

enum class RRClass : std::uint16_t { IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255 };

// Mnemonic ("AAAA"), or empty for a type without one.
[[nodiscard]] std::string_view type_mnemonic(RRType t) noexcept;
// Mnemonic, or RFC 3597 "TYPEnnn".
[[nodiscard]] std::string type_to_text(RRType t);
// Case-insensitive mnemonic or "TYPEnnn".
[[nodiscard]] std::optional<RRType> type_from_text(std::string_view text) noexcept;

[[nodiscard]] std::string class_to_text(RRClass c);  // "IN" or "CLASSnnn"
[[nodiscard]] std::optional<RRClass> class_from_text(std::string_view text) noexcept;

// Meta types (RFC 6895 §3.1): may be asked for but never stored in a zone.
[[nodiscard]] constexpr bool is_meta_type(RRType t) noexcept {
  auto v = static_cast<std::uint16_t>(t);
  return v == 0 || v == 41 || (v >= 128 && v <= 255);
}

// Types whose records stand beside a CNAME legitimately (RFC 2181 §10.1, RFC 4035).
[[nodiscard]] constexpr bool is_dnssec_type(RRType t) noexcept {
  return t == RRType::RRSIG || t == RRType::NSEC || t == RRType::NSEC3 || t == RRType::KEY ||
         t == RRType::SIG || t == RRType::NXT;
}

}  // namespace zoned::dns
