#include <algorithm>
#include <array>

#include "dns/name.hpp"
#include "dns/rdata.hpp"
#include "dns/rdata_fields.hpp"
#include "dns/rdata_loc.hpp"
#include "dns/rdata_svcb.hpp"
#include "dns/type_bitmap.hpp"

// Wire side of the rdata codecs: field shapes, checks, decompression from
// messages, canonical form and embedded names.

namespace zoned::dns {

namespace rdata_internal {

bool equals_ci(std::string_view a, std::string_view upper) noexcept {
  if (a.size() != upper.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != upper[i]) return false;
  }
  return true;
}

// WKS and NXT bitmaps print as lists of set bits, which cannot show trailing
// zero octets; refusing them keeps wire -> text -> wire exact.
bool ends_in_nonzero_octet(std::span<const std::uint8_t> bitmap) noexcept {
  return bitmap.empty() || bitmap.back() != 0;
}

// Length of an uncompressed name at the start of `rem`, or kBad.
std::size_t name_length(std::span<const std::uint8_t> rem) noexcept {
  std::size_t pos = 0;
  while (true) {
    if (pos >= rem.size()) return kBad;
    std::uint8_t len = rem[pos];
    if (len == 0) return pos + 1 <= Name::kMaxWireLength ? pos + 1 : kBad;
    if (len > Name::kMaxLabelLength) return kBad;  // also rejects pointers here
    pos += 1u + len;
    if (pos >= Name::kMaxWireLength) return kBad;
  }
}

// Wire length of field `k` at the start of `rem` (the rest of the rdata), or
// kBad. `head` holds the rdata's first octets.
std::size_t field_length(const FieldSpec& spec, std::span<const std::uint8_t> rem,
                         Head head) noexcept {
  auto fixed = [&](std::size_t n) { return rem.size() >= n ? n : kBad; };
  if (spec.optional && rem.empty()) return 0;
  switch (spec.kind) {
    case Field::NameCompress:
    case Field::NameDecompress:
    case Field::NameCanonical:
    case Field::Name: return name_length(rem);
    case Field::U8:
    case Field::Algorithm:
    case Field::CertAlgorithm: return fixed(1);
    case Field::U16:
    case Field::Type:
    case Field::CertType: return fixed(2);
    case Field::U32:
    case Field::Time:
    case Field::Ttl:
    case Field::IPv4: return fixed(4);
    case Field::IPv6: return fixed(16);
    case Field::Eui48: return fixed(6);
    case Field::Eui64:
    case Field::Ilnp64: return fixed(8);
    case Field::CharString:
    case Field::HexLen8:
      return rem.empty() ? kBad : fixed(1u + rem[0]);
    case Field::Base32Len8:
      return rem.empty() || rem[0] == 0 ? kBad : fixed(1u + rem[0]);
    case Field::CaaTag: {
      if (rem.empty() || rem[0] == 0 || rem.size() < 1u + rem[0]) return kBad;
      for (std::size_t i = 1; i <= rem[0]; ++i) {
        if (!is_alnum(rem[i])) return kBad;
      }
      return 1u + rem[0];
    }
    case Field::CharStrings: {
      if (rem.empty()) return kBad;
      std::size_t pos = 0;
      while (pos < rem.size()) {
        pos += 1u + rem[pos];
        if (pos > rem.size()) return kBad;
      }
      return pos;
    }
    case Field::Base64:
    case Field::Hex:
      return rem.empty() ? kBad : rem.size();
    case Field::RemainderString:
    case Field::Base64OrDash: return rem.size();
    case Field::Bitmap: return type_bitmap_valid(rem) ? rem.size() : kBad;
    case Field::NxtBitmap:
      // RFC 2535 §5.2: bit 0 set would announce another format.
      if (rem.size() > 16 || (!rem.empty() && (rem[0] & 0x80) != 0)) return kBad;
      return ends_in_nonzero_octet(rem) ? rem.size() : kBad;
    case Field::A6Suffix: {
      if (head.b0 > kA6MaxPrefix) return kBad;
      std::size_t n = a6_suffix_length(head.b0);
      if (rem.size() < n) return kBad;
      // RFC 2874 §3.1.1: pad bits (those of the prefix) are zero.
      unsigned pad = head.b0 % 8;
      if (n > 0 && pad != 0 && (rem[0] >> (8 - pad)) != 0) return kBad;
      return n;
    }
    case Field::A6Prefix: return head.b0 == 0 ? 0 : name_length(rem);
    case Field::WksProtocol: return fixed(1);
    case Field::WksBitmap:
      return rem.size() <= 8192 && ends_in_nonzero_octet(rem) ? rem.size() : kBad;
    case Field::AplItems: {
      std::size_t pos = 0;
      while (pos < rem.size()) {
        if (rem.size() - pos < 4) return kBad;
        unsigned family = static_cast<unsigned>(rem[pos] << 8 | rem[pos + 1]);
        unsigned prefix = rem[pos + 2];
        std::size_t len = rem[pos + 3] & 0x7Fu;
        std::size_t max = family == 1 ? 4 : (family == 2 ? 16 : 0);
        if (max == 0 || prefix > max * 8 || len > max || rem.size() - pos - 4 < len) return kBad;
        // RFC 3123 §4.1: trailing zero octets of the address are not sent.
        if (len > 0 && rem[pos + 3 + len] == 0) return kBad;
        pos += 4 + len;
      }
      return pos;
    }
    case Field::NsapHex: return rem.empty() ? kBad : rem.size();
    case Field::Hip: {
      if (rem.size() < 4) return kBad;
      std::size_t hit_len = rem[0];
      std::size_t pk_len = static_cast<std::size_t>(rem[2] << 8 | rem[3]);
      if (hit_len == 0 || pk_len == 0 || rem.size() - 4 < hit_len + pk_len) return kBad;
      std::size_t pos = 4 + hit_len + pk_len;
      while (pos < rem.size()) {
        std::size_t n = name_length(rem.subspan(pos));
        if (n == kBad) return kBad;
        pos += n;
      }
      return pos;
    }
    case Field::AmtType: return fixed(1);
    case Field::AmtRelay:
      switch (head.b1 & 0x7F) {
        case 0: return 0;
        case 1: return fixed(4);
        case 2: return fixed(16);
        case 3: return name_length(rem);
        default: return kBad;
      }
    case Field::IpsecGateway:
      switch (head.b1) {
        case 0: return 0;
        case 1: return fixed(4);
        case 2: return fixed(16);
        case 3: return name_length(rem);
        default: return kBad;
      }
    case Field::SvcParams:
      return svcb::params_check(rem) == WireError::Ok ? rem.size() : kBad;
    case Field::Loc:
      return loc::check(rem) == WireError::Ok ? rem.size() : kBad;
  }
  return kBad;
}

namespace {

// Expected digest length for a digest type, or 0 when the type is unknown
// (then any length is accepted).
std::size_t ds_digest_length(std::uint8_t digest_type) noexcept {
  switch (digest_type) {
    case 1: return 20;  // SHA-1
    case 2: return 32;  // SHA-256 (RFC 4509)
    case 3: return 32;  // GOST R 34.11-94 (RFC 5933)
    case 4: return 48;  // SHA-384 (RFC 6605)
    default: return 0;
  }
}

constexpr std::size_t kZonemdMinDigest = 12;  // RFC 8976 §2.2.4

}  // namespace

// RFC 3403 §4.1 substitution expression: delim-char ERE delim-char repl
// delim-char *flags, where the only flag is "i" and backreferences in repl
// name existing subexpressions. Checked as BIND checks it.
bool naptr_regexp_valid(std::span<const std::uint8_t> re) noexcept {
  if (re.empty()) return true;
  const std::uint8_t delim = re[0];
  if ((delim >= '0' && delim <= '9') || delim == '\\' || delim == 'i') return false;
  unsigned delims = 1;
  unsigned groups = 0;
  bool flag_seen = false;
  for (std::size_t i = 1; i < re.size(); ++i) {
    const std::uint8_t c = re[i];
    if (delims == 3) {  // only flags may follow the last delimiter
      if (c != 'i' || flag_seen) return false;
      flag_seen = true;
      continue;
    }
    if (c == '\\') {
      if (++i >= re.size()) return false;
      const std::uint8_t e = re[i];
      if (delims == 2 && e >= '0' && e <= '9' && static_cast<unsigned>(e - '0') > groups) return false;
      continue;
    }
    if (c == delim) {
      ++delims;
    } else if (delims == 1 && c == '(') {
      ++groups;
    }
  }
  return delims == 3;
}

// The layout's whole-rdata rule on rdata whose fields already match.
bool rule_holds(RdataRule rule, std::span<const std::uint8_t> rdata) noexcept {
  switch (rule) {
    case RdataRule::None: return true;
    case RdataRule::DsDigestLength: {
      std::size_t want = ds_digest_length(rdata[3]);
      return want == 0 || rdata.size() - 4 == want;
    }
    case RdataRule::SshfpDigestLength: {
      std::size_t want = rdata[1] == 1 ? 20 : (rdata[1] == 2 ? 32 : 0);
      return want == 0 || rdata.size() - 2 == want;
    }
    case RdataRule::NaptrRegexp: {
      // order, preference, then three character-strings: flags, services, regexp.
      std::size_t pos = 4;
      pos += 1u + rdata[pos];
      pos += 1u + rdata[pos];
      return naptr_regexp_valid(rdata.subspan(pos + 1, rdata[pos]));
    }
    case RdataRule::X25Digits:
      return std::all_of(rdata.begin() + 1, rdata.end(),
                         [](std::uint8_t c) { return c >= '0' && c <= '9'; });
    case RdataRule::ZonemdDigestLength: {
      std::size_t digest = rdata.size() - 6;
      if (digest < kZonemdMinDigest) return false;
      if (rdata[4] == 1 && rdata[5] == 1) return digest == 48;  // SIMPLE, SHA-384
      if (rdata[4] == 1 && rdata[5] == 2) return digest == 64;  // SIMPLE, SHA-512
      return true;
    }
  }
  return true;
}

// Splits valid rdata into its fields; false if it does not match the layout.
bool split_fields(const RdataLayout& layout, std::span<const std::uint8_t> rdata,
                  FieldParts& parts) noexcept {
  std::size_t pos = 0;
  const Head head = head_of(rdata);
  for (std::size_t i = 0; i < layout.count; ++i) {
    std::size_t n = field_length(layout.fields[i], rdata.subspan(pos), head);
    if (n == kBad) return false;
    parts[i] = rdata.subspan(pos, n);
    pos += n;
  }
  return pos == rdata.size() && rule_holds(layout.rule, rdata);
}

namespace {

struct Mnemonic {
  std::string_view name;
  std::uint16_t value;
};

// DNSSEC algorithm numbers (IANA registry, as BIND spells them).
constexpr std::array kAlgorithms = std::to_array<Mnemonic>({
    {"RSAMD5", 1}, {"DH", 2}, {"DSA", 3}, {"RSASHA1", 5}, {"DSA-NSEC3-SHA1", 6},
    {"NSEC3DSA", 6}, {"RSASHA1-NSEC3-SHA1", 7}, {"NSEC3RSASHA1", 7}, {"RSASHA256", 8},
    {"RSASHA512", 10}, {"ECC-GOST", 12}, {"ECCGOST", 12}, {"ECDSAP256SHA256", 13},
    {"ECDSAP384SHA384", 14}, {"ED25519", 15}, {"ED448", 16}, {"INDIRECT", 252},
    {"PRIVATEDNS", 253}, {"PRIVATEOID", 254},
});

// RFC 4398 §2.1 certificate types.
constexpr std::array kCertTypes = std::to_array<Mnemonic>({
    {"PKIX", 1}, {"SPKI", 2}, {"PGP", 3}, {"IPKIX", 4}, {"ISPKI", 5}, {"IPGP", 6},
    {"ACPKIX", 7}, {"IACPKIX", 8}, {"URI", 253}, {"OID", 254},
});

template <std::size_t N>
std::string_view mnemonic_of(const std::array<Mnemonic, N>& table, std::uint16_t v) noexcept {
  for (const auto& e : table) {
    if (e.value == v) return e.name;
  }
  return {};
}


template <std::size_t N>
std::optional<std::uint16_t> mnemonic_value(const std::array<Mnemonic, N>& table,
                                            std::string_view text) noexcept {
  for (const auto& e : table) {
    if (equals_ci(text, e.name)) return e.value;
  }
  return std::nullopt;
}


}  // namespace

std::string_view algorithm_mnemonic(std::uint8_t algorithm) noexcept {
  return mnemonic_of(kAlgorithms, algorithm);
}
std::optional<std::uint8_t> algorithm_from_mnemonic(std::string_view text) noexcept {
  auto v = mnemonic_value(kAlgorithms, text);
  if (!v) return std::nullopt;
  return static_cast<std::uint8_t>(*v);
}
std::string_view cert_type_mnemonic(std::uint16_t type) noexcept {
  return mnemonic_of(kCertTypes, type);
}
std::optional<std::uint16_t> cert_type_from_mnemonic(std::string_view text) noexcept {
  return mnemonic_value(kCertTypes, text);
}

}  // namespace rdata_internal

using namespace rdata_internal;

namespace {

void lowercase_name(std::span<std::uint8_t> wire) noexcept {
  std::size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    std::size_t len = wire[pos];
    for (std::size_t i = pos + 1; i <= pos + len && i < wire.size(); ++i) {
      wire[i] = ascii_lower(wire[i]);
    }
    pos += len + 1;
  }
}

}  // namespace

WireError rdata_check(RRType type, std::span<const std::uint8_t> rdata) {
  const RdataLayout* layout = rdata_layout(type);
  if (layout == nullptr) return WireError::Ok;
  FieldParts parts;
  return split_fields(*layout, rdata, parts) ? WireError::Ok : WireError::BadRdata;
}

namespace {

// Shared by rdata_from_message() and rdata_check_in_message(): walks rdata at
// `pos` in `message`, decoding names that may be compressed; appends the
// uncompressed form to `out` when it is not null.
WireError walk_message_rdata(const RdataLayout& layout, std::span<const std::uint8_t> message,
                             std::size_t pos, std::size_t end,
                             std::vector<std::uint8_t>* out) noexcept {
  const std::size_t rdata_start = pos;
  std::size_t flat_size = 0;
  // Only IPSECKEY reads octet 1, and it has no compressible names, so the
  // message bytes there are the stored bytes.
  const Head head = head_of(message.subspan(rdata_start, end - rdata_start));
  for (std::size_t f = 0; f < layout.count; ++f) {
    const FieldSpec& spec = layout.fields[f];
    if (spec.kind == Field::NameCompress || spec.kind == Field::NameDecompress) {
      Name name;
      std::size_t p = pos;
      // A name may point anywhere before itself, but its own bytes must stay
      // inside the rdata: decode against the message cut at the rdata's end.
      WireError e = Name::from_wire(message.first(end), p, name);
      if (e != WireError::Ok) return e == WireError::Truncated ? WireError::BadRdata : e;
      auto w = name.wire();
      if (out != nullptr) out->insert(out->end(), w.begin(), w.end());
      flat_size += w.size();
      pos = p;
      continue;
    }
    std::size_t n = field_length(spec, message.subspan(pos, end - pos), head);
    if (n == kBad) return WireError::BadRdata;
    if (out != nullptr) {
      out->insert(out->end(), message.begin() + static_cast<std::ptrdiff_t>(pos),
                  message.begin() + static_cast<std::ptrdiff_t>(pos + n));
    }
    flat_size += n;
    pos += n;
  }
  if (pos != end) return WireError::BadRdata;
  // Rules read only fields before any compressible name, where message bytes
  // are the stored bytes.
  if (!rule_holds(layout.rule, message.subspan(rdata_start, end - rdata_start))) {
    return WireError::BadRdata;
  }
  return flat_size <= kMaxRdata ? WireError::Ok : WireError::TooLarge;
}

}  // namespace

WireError rdata_from_message(RRType type, std::span<const std::uint8_t> message, std::size_t pos,
                             std::uint16_t rdlength, std::vector<std::uint8_t>& out) {
  if (pos > message.size() || message.size() - pos < rdlength) return WireError::Truncated;
  const std::size_t end = pos + rdlength;
  const RdataLayout* layout = rdata_layout(type);
  if (layout == nullptr) {
    out.insert(out.end(), message.begin() + static_cast<std::ptrdiff_t>(pos),
               message.begin() + static_cast<std::ptrdiff_t>(end));
    return WireError::Ok;
  }
  return walk_message_rdata(*layout, message, pos, end, &out);
}

WireError rdata_check_in_message(RRType type, std::span<const std::uint8_t> message,
                                 std::size_t pos, std::uint16_t rdlength) noexcept {
  if (pos > message.size() || message.size() - pos < rdlength) return WireError::Truncated;
  const RdataLayout* layout = rdata_layout(type);
  if (layout == nullptr) return WireError::Ok;
  return walk_message_rdata(*layout, message, pos, pos + rdlength, nullptr);
}

std::size_t rdata_field_length(const FieldSpec& spec, std::span<const std::uint8_t> rest,
                               std::span<const std::uint8_t> rdata) noexcept {
  return field_length(spec, rest, head_of(rdata));
}

void rdata_to_canonical(RRType type, std::span<std::uint8_t> rdata) noexcept {
  const RdataLayout* layout = rdata_layout(type);
  if (layout == nullptr) return;
  FieldParts parts;
  if (!split_fields(*layout, rdata, parts)) return;
  for (std::size_t f = 0; f < layout->count; ++f) {
    Field k = layout->fields[f].kind;
    if (k == Field::NameCompress || k == Field::NameDecompress || k == Field::NameCanonical ||
        k == Field::A6Prefix) {
      auto offset = static_cast<std::size_t>(parts[f].data() - rdata.data());
      lowercase_name(rdata.subspan(offset, parts[f].size()));
    }
  }
}

CompressibleNames compressible_names(RRType type) noexcept {
  // Every layout with a NameCompress field has a type code below 256.
  static const std::array<CompressibleNames, 256> table = [] {
    std::array<CompressibleNames, 256> t{};
    for (std::size_t code = 0; code < t.size(); ++code) {
      const RdataLayout* layout = rdata_layout(static_cast<RRType>(code));
      if (layout == nullptr) continue;
      std::size_t f = 0, skip = 0;
      for (; f < layout->count && layout->fields[f].kind != Field::NameCompress; ++f) {
        skip += layout->fields[f].kind == Field::U16 ? 2 : 0;
      }
      std::size_t names = 0;
      while (f + names < layout->count && layout->fields[f + names].kind == Field::NameCompress) ++names;
      t[code] = {static_cast<std::uint8_t>(skip), static_cast<std::uint8_t>(names)};
    }
    return t;
  }();
  const auto code = static_cast<std::uint16_t>(type);
  return code < table.size() ? table[code] : CompressibleNames{};
}

}  // namespace zoned::dns
