#pragma once
// dns::RdataLayout: one constexpr description per RR type, listing its fields
// in wire order. rdata.cpp walks these rows for text parse and print, wire
// checks, decompression, canonical lowercasing and embedded-name listing.
// Types without a row are handled only in RFC 3597 generic form.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dns/rrtype.hpp"
#include "dns/wire.hpp"

namespace zoned::dns {

enum class Field : std::uint8_t {
  // Names. All are stored uncompressed; they differ in what the message layer
  // and the canonical form may do with them.
  NameCompress,    // RFC 1035 types: compressed on write, decompressed on read, lowercased
  NameDecompress,  // may arrive compressed (RFC 3597 §4), never written so; lowercased
  NameCanonical,   // never compressed; lowercased in canonical form (RRSIG signer)
  Name,            // never compressed, case kept (NSEC next name, RFC 6840 §5.1)
  U8,
  U16,
  U32,
  Time,            // RRSIG times: YYYYMMDDHHmmSS or integer (RFC 4034 §3.2)
  Ttl,             // u32 that accepts BIND units: 1w2d3h4m5s
  IPv4,
  IPv6,
  CharString,      // <length><bytes>, at most 255 octets
  CharStrings,     // one or more character-strings to the end (TXT, SPF)
  Base64,          // to the end, may be split over tokens
  Base64OrDash,    // as Base64, but may be empty, written "-" (DOA data)
  Hex,             // to the end, may be split over tokens
  HexLen8,         // <length><bytes>, text hex or "-" when empty (NSEC3 salt)
  Base32Len8,      // <length><bytes>, text base32hex (NSEC3 next hashed owner)
  Bitmap,          // RFC 4034 §4.1.2 type bitmap, to the end
  Type,            // u16 RR type as a mnemonic (RRSIG type covered)
  Algorithm,       // u8 DNSSEC algorithm, mnemonic or number in text, printed as number
  CertType,        // u16 RFC 4398 §2.1 certificate type, printed as mnemonic
  CertAlgorithm,   // u8 algorithm printed as mnemonic, as BIND does for CERT
  RemainderString, // rest of rdata as one quoted string, no 255 limit (URI, CAA value)
  CaaTag,          // <length><alnum tag> (RFC 8659 §4.1)
  Eui48,           // xx-xx-xx-xx-xx-xx (RFC 7043)
  Eui64,
  Ilnp64,          // xxxx:xxxx:xxxx:xxxx (RFC 6742 NID, L64)
  IpsecGateway,    // by the gateway type in rdata octet 1 (RFC 4025 §2.5)
  NxtBitmap,       // RFC 2535 §5.2 bitmap of types 1-127, to the end (at most 16 octets)
  A6Suffix,        // RFC 2874: address suffix, length from the prefix length in octet 0
  A6Prefix,        // prefix name, present when the prefix length is not 0; lowercased
  WksProtocol,     // u8 IP protocol, "tcp"/"udp" or a number in text
  WksBitmap,       // RFC 1035 §3.4.2 port bitmap, to the end
  AplItems,        // RFC 3123 address prefix items, to the end, possibly none
  NsapHex,         // RFC 1706: "0x" hex (dots allowed), to the end
  Hip,             // RFC 8005 HIT, public key and rendezvous servers, to the end
  AmtType,         // RFC 8777: D bit and relay type as two text tokens
  AmtRelay,        // relay by the type in octet 1 (as IpsecGateway)
  SvcParams,       // RFC 9460 SvcParams, rest of rdata (dns/rdata_svcb.hpp)
  Loc,             // whole LOC rdata (dns/rdata_loc.hpp)
};

struct FieldSpec {
  Field kind = Field::U8;
  std::string_view name;   // for "missing rdata field 'exchange'"
  bool optional = false;   // may be absent at the end (IPSECKEY key, ISDN subaddress)
  bool quoted = false;     // presentation form must be a quoted string (URI target)
};

inline constexpr std::size_t kMaxRdataFields = 9;  // RRSIG

// A whole-rdata rule beyond the fields' own shapes, as BIND enforces it.
enum class RdataRule : std::uint8_t {
  None,
  DsDigestLength,      // RFC 4034 §5.1.4, RFC 4509, RFC 6605: digest length by digest type
  SshfpDigestLength,   // RFC 4255, RFC 6594: fingerprint length by type
  ZonemdDigestLength,  // RFC 8976 §2.2.4: at least 12 octets; SHA-384/512 exact
  NaptrRegexp,         // RFC 3403 §4.1: empty, or delim ERE delim replacement delim [i]
  X25Digits,           // RFC 1183 §3.1: the PSDN address is decimal digits
};

struct RdataLayout {
  std::array<FieldSpec, kMaxRdataFields> fields{};
  std::uint8_t count = 0;
  RdataRule rule = RdataRule::None;
};

// The layout for `type`, or nullptr (RFC 3597 generic only).
[[nodiscard]] const RdataLayout* rdata_layout(RRType type) noexcept;

// The functions below are defined in rdata.cpp, next to the codecs they share
// rules with.

inline constexpr std::size_t kBadFieldLength = static_cast<std::size_t>(-1);

// Wire length of one uncompressed field at the start of `rest` (the rest of
// the rdata), or kBadFieldLength. `rdata` is the whole rdata (or at least its
// first two octets, which select the shape of IPSECKEY, AMTRELAY and A6 fields).
[[nodiscard]] std::size_t rdata_field_length(const FieldSpec& spec,
                                             std::span<const std::uint8_t> rest,
                                             std::span<const std::uint8_t> rdata) noexcept;

// rdata_from_message() without the copy: checks rdata at `pos` in `message`
// (names compressed where RFC 3597 §4 allows), allocating nothing.
[[nodiscard]] WireError rdata_check_in_message(RRType type, std::span<const std::uint8_t> message,
                                               std::size_t pos, std::uint16_t rdlength) noexcept;

}  // namespace zoned::dns
