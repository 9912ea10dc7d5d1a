#pragma once
// Internal to the rdata codecs (rdata_wire.cpp, rdata_text_in.cpp,
// rdata_text_out.cpp): the per-field wire rules every direction shares, and
// the mnemonic tables text input and output share. Not a public API.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "dns/rdata_layout.hpp"

namespace zoned::dns::rdata_internal {

inline constexpr std::size_t kBad = kBadFieldLength;
inline constexpr std::size_t kMaxCharString = 255;  // RFC 1035 §3.3
inline constexpr std::size_t kMaxRdata = 65535;     // rdlength is 16 bits
inline constexpr std::size_t kA6MaxPrefix = 128;    // RFC 2874 §3.1.1

// The first two rdata octets, which select the shape of later fields
// (IPSECKEY and AMTRELAY gateway type in octet 1, A6 prefix length in octet 0).
struct Head {
  std::uint8_t b0 = 0;
  std::uint8_t b1 = 0;
};

inline Head head_of(std::span<const std::uint8_t> rdata) noexcept {
  return Head{rdata.size() > 0 ? rdata[0] : std::uint8_t{0},
              rdata.size() > 1 ? rdata[1] : std::uint8_t{0}};
}

// Octets of A6 address suffix for a prefix length (RFC 2874 §3.1.1).
inline std::size_t a6_suffix_length(std::uint8_t prefix_len) noexcept {
  return (kA6MaxPrefix - prefix_len + 7) / 8;
}

inline bool is_name(Field k) noexcept {
  return k == Field::NameCompress || k == Field::NameDecompress || k == Field::NameCanonical ||
         k == Field::Name;
}

inline bool is_alnum(std::uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of an uncompressed name at the start of `rem`, or kBad.
[[nodiscard]] std::size_t name_length(std::span<const std::uint8_t> rem) noexcept;

// Wire length of a field at the start of `rem` (the rest of the rdata), or kBad.
[[nodiscard]] std::size_t field_length(const FieldSpec& spec, std::span<const std::uint8_t> rem,
                                       Head head) noexcept;

// The layout's whole-rdata rule on rdata whose fields already match.
[[nodiscard]] bool rule_holds(RdataRule rule, std::span<const std::uint8_t> rdata) noexcept;

using FieldParts = std::array<std::span<const std::uint8_t>, kMaxRdataFields>;

// Splits rdata into its fields; false if it does not match the layout.
[[nodiscard]] bool split_fields(const RdataLayout& layout, std::span<const std::uint8_t> rdata,
                                FieldParts& parts) noexcept;

// DNSSEC algorithm (IANA registry, as BIND spells them) and RFC 4398 §2.1
// certificate type mnemonics: empty / nullopt when unknown.
[[nodiscard]] std::string_view algorithm_mnemonic(std::uint8_t algorithm) noexcept;
[[nodiscard]] std::optional<std::uint8_t> algorithm_from_mnemonic(std::string_view text) noexcept;
[[nodiscard]] std::string_view cert_type_mnemonic(std::uint16_t type) noexcept;
[[nodiscard]] std::optional<std::uint16_t> cert_type_from_mnemonic(std::string_view text) noexcept;

// Case-insensitive comparison against an upper-case constant.
[[nodiscard]] bool equals_ci(std::string_view text, std::string_view upper) noexcept;

}  // namespace zoned::dns::rdata_internal
