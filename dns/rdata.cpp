#include "dns/rdata.hpp"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "dns/encoding.hpp"
#include "dns/rdata_layout.hpp"
#include "dns/rdata_loc.hpp"
#include "dns/rdata_svcb.hpp"
#include "dns/type_bitmap.hpp"

namespace zoned::dns {

namespace {

constexpr std::size_t kBad = kBadFieldLength;
constexpr std::size_t kMaxCharString = 255;     // RFC 1035 §3.3
constexpr std::size_t kMaxRdata = 65535;

// ---------------------------------------------------------------------------
// Wire side

// The first two rdata octets, which select the shape of later fields
// (IPSECKEY and AMTRELAY gateway type in octet 1, A6 prefix length in octet 0).
struct Head {
  std::uint8_t b0 = 0;
  std::uint8_t b1 = 0;
};

Head head_of(std::span<const std::uint8_t> rdata) noexcept {
  return Head{rdata.size() > 0 ? rdata[0] : std::uint8_t{0},
              rdata.size() > 1 ? rdata[1] : std::uint8_t{0}};
}

constexpr std::size_t kA6MaxPrefix = 128;  // RFC 2874 §3.1.1

// Octets of A6 address suffix for a prefix length (RFC 2874 §3.1.1).
std::size_t a6_suffix_length(std::uint8_t prefix_len) noexcept {
  return (kA6MaxPrefix - prefix_len + 7) / 8;
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

bool is_name(Field k) noexcept {
  return k == Field::NameCompress || k == Field::NameDecompress || k == Field::NameCanonical ||
         k == Field::Name;
}

bool is_alnum(std::uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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
      return rem.size();
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
    case Field::WksBitmap: return rem.size() <= 8192 ? rem.size() : kBad;
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

using FieldParts = std::array<std::span<const std::uint8_t>, kMaxRdataFields>;

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

// ---------------------------------------------------------------------------
// Text output

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out.append(p, static_cast<std::size_t>(end - p));
}

std::uint32_t get_u32(std::span<const std::uint8_t> b) noexcept {
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}
std::uint16_t get_u16(std::span<const std::uint8_t> b) noexcept {
  return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

// Days since 1970-01-01 of a proleptic Gregorian date (era-based arithmetic).
std::int64_t days_from_date(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void date_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

void append_digits(std::string& out, std::uint64_t v, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

// RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC.
void append_time(std::string& out, std::uint32_t t) {
  std::int64_t y;
  unsigned m, d;
  date_from_days(t / 86400, y, m, d);
  std::uint32_t s = t % 86400;
  append_digits(out, static_cast<std::uint64_t>(y), 4);
  append_digits(out, m, 2);
  append_digits(out, d, 2);
  append_digits(out, s / 3600, 2);
  append_digits(out, s / 60 % 60, 2);
  append_digits(out, s % 60, 2);
}

void append_type(std::string& out, std::uint16_t t) {
  std::string_view m = type_mnemonic(static_cast<RRType>(t));
  if (!m.empty()) {
    out.append(m);
  } else {
    out.append("TYPE");
    append_uint(out, t);
  }
}

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

bool equals_ci(std::string_view a, std::string_view upper) noexcept {
  if (a.size() != upper.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != upper[i]) return false;
  }
  return true;
}

template <std::size_t N>
std::optional<std::uint16_t> mnemonic_value(const std::array<Mnemonic, N>& table,
                                            std::string_view text) noexcept {
  for (const auto& e : table) {
    if (equals_ci(text, e.name)) return e.value;
  }
  return std::nullopt;
}

// Inside quotes only '"', '\\' and non-printables need escapes; BIND prints
// ';', '(' and ')' there as they are.
void append_quoted(std::string& out, std::span<const std::uint8_t> bytes) {
  out.push_back('"');
  for (std::uint8_t c : bytes) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c > 0x7E) {
      char buf[4] = {'\\', static_cast<char>('0' + c / 100), static_cast<char>('0' + c / 10 % 10),
                     static_cast<char>('0' + c % 10)};
      out.append(buf, 4);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

void append_hex_lower_sep(std::string& out, std::span<const std::uint8_t> b, char sep) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i != 0 && sep != 0) out.push_back(sep);
    out.push_back(kDigits[b[i] >> 4]);
    out.push_back(kDigits[b[i] & 0xF]);
  }
}

void append_name(std::string& out, std::span<const std::uint8_t> wire) {
  Name n;
  if (Name::from_uncompressed(wire, n)) n.append_text(out);
}

// Appends one field's text (without a leading separator). Returns false if
// the field prints nothing (empty optional part, empty bitmap).
bool field_to_text(Field k, std::span<const std::uint8_t> b, Head head,
                   std::string& out) {
  switch (k) {
    case Field::NameCompress:
    case Field::NameDecompress:
    case Field::NameCanonical:
    case Field::Name: append_name(out, b); return true;
    case Field::U8:
    case Field::Algorithm: append_uint(out, b[0]); return true;
    case Field::U16: append_uint(out, get_u16(b)); return true;
    case Field::U32:
    case Field::Ttl: append_uint(out, get_u32(b)); return true;
    case Field::Time: append_time(out, get_u32(b)); return true;
    case Field::IPv4:
      for (std::size_t i = 0; i < 4; ++i) {
        if (i != 0) out.push_back('.');
        append_uint(out, b[i]);
      }
      return true;
    case Field::IPv6: {
      // inet_ntop follows RFC 5952 (longest zero run as "::"), as BIND does.
      char buf[INET6_ADDRSTRLEN];
      if (inet_ntop(AF_INET6, b.data(), buf, sizeof buf) != nullptr) out.append(buf);
      return true;
    }
    case Field::CharString: append_quoted(out, b.subspan(1)); return true;
    case Field::CharStrings: {
      std::size_t pos = 0;
      while (pos < b.size()) {
        if (pos != 0) out.push_back(' ');
        append_quoted(out, b.subspan(pos + 1, b[pos]));
        pos += 1u + b[pos];
      }
      return true;
    }
    case Field::Base64: base64_encode(b, out); return true;
    case Field::Base64OrDash:
      if (b.empty()) out.push_back('-'); else base64_encode(b, out);
      return true;
    case Field::Hex: hex_encode(b, out); return true;
    case Field::HexLen8:
      if (b.size() == 1) out.push_back('-'); else hex_encode(b.subspan(1), out);
      return true;
    case Field::Base32Len8: base32hex_encode(b.subspan(1), out); return true;
    case Field::Bitmap: {
      bool first = true;
      for_each_bitmap_type(b, [&](RRType t) {
        if (!first) out.push_back(' ');
        first = false;
        append_type(out, static_cast<std::uint16_t>(t));
      });
      return !first;
    }
    case Field::Type: append_type(out, get_u16(b)); return true;
    case Field::CertType: {
      std::string_view m = mnemonic_of(kCertTypes, get_u16(b));
      if (m.empty()) append_uint(out, get_u16(b)); else out.append(m);
      return true;
    }
    case Field::CertAlgorithm: {
      std::string_view m = mnemonic_of(kAlgorithms, b[0]);
      if (m.empty()) append_uint(out, b[0]); else out.append(m);
      return true;
    }
    case Field::RemainderString: append_quoted(out, b); return true;
    case Field::CaaTag: out.append(reinterpret_cast<const char*>(b.data() + 1), b.size() - 1); return true;
    case Field::Eui48:
    case Field::Eui64: append_hex_lower_sep(out, b, '-'); return true;
    case Field::Ilnp64: {
      // Groups without leading zeros, as BIND prints them.
      static constexpr char kDigits[] = "0123456789abcdef";
      for (std::size_t g = 0; g < 4; ++g) {
        if (g != 0) out.push_back(':');
        unsigned v = get_u16(b.subspan(g * 2, 2));
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
          unsigned d = (v >> shift) & 0xF;
          if (d == 0 && !started && shift != 0) continue;
          started = true;
          out.push_back(kDigits[d]);
        }
      }
      return true;
    }
    case Field::NxtBitmap: {
      bool first = true;
      for (std::size_t i = 0; i < b.size(); ++i) {
        for (unsigned bit = 0; bit < 8; ++bit) {
          if ((b[i] & (0x80u >> bit)) == 0) continue;
          if (!first) out.push_back(' ');
          first = false;
          append_type(out, static_cast<std::uint16_t>(i * 8 + bit));
        }
      }
      return !first;
    }
    case Field::A6Suffix: {
      std::array<std::uint8_t, 16> addr{};
      std::copy(b.begin(), b.end(), addr.end() - static_cast<std::ptrdiff_t>(b.size()));
      return field_to_text(Field::IPv6, addr, head, out);
    }
    case Field::A6Prefix:
      if (b.empty()) return false;
      append_name(out, b);
      return true;
    case Field::WksProtocol: append_uint(out, b[0]); return true;
    case Field::WksBitmap: {
      bool first = true;
      for (std::size_t i = 0; i < b.size(); ++i) {
        for (unsigned bit = 0; bit < 8; ++bit) {
          if ((b[i] & (0x80u >> bit)) == 0) continue;
          if (!first) out.push_back(' ');
          first = false;
          append_uint(out, i * 8 + bit);
        }
      }
      return !first;
    }
    case Field::AplItems: {
      std::size_t pos = 0;
      while (pos < b.size()) {
        unsigned family = static_cast<unsigned>(b[pos] << 8 | b[pos + 1]);
        std::size_t len = b[pos + 3] & 0x7Fu;
        if (pos != 0) out.push_back(' ');
        if ((b[pos + 3] & 0x80) != 0) out.push_back('!');
        append_uint(out, family);
        out.push_back(':');
        std::array<std::uint8_t, 16> addr{};
        std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(pos + 4), len, addr.begin());
        if (family == 1) {
          field_to_text(Field::IPv4, std::span(addr).first(4), head, out);
        } else {
          field_to_text(Field::IPv6, addr, head, out);
        }
        out.push_back('/');
        append_uint(out, b[pos + 2]);
        pos += 4 + len;
      }
      return !b.empty();
    }
    case Field::NsapHex:
      out.append("0x");
      append_hex_lower_sep(out, b, 0);
      return true;
    case Field::Hip: {
      std::size_t hit_len = b[0];
      std::size_t pk_len = static_cast<std::size_t>(b[2] << 8 | b[3]);
      append_uint(out, b[1]);
      out.push_back(' ');
      hex_encode(b.subspan(4, hit_len), out);
      out.push_back(' ');
      base64_encode(b.subspan(4 + hit_len, pk_len), out);
      std::size_t pos = 4 + hit_len + pk_len;
      while (pos < b.size()) {
        std::size_t n = name_length(b.subspan(pos));
        out.push_back(' ');
        append_name(out, b.subspan(pos, n));
        pos += n;
      }
      return true;
    }
    case Field::AmtType:
      out.push_back((b[0] & 0x80) != 0 ? '1' : '0');
      out.push_back(' ');
      append_uint(out, b[0] & 0x7Fu);
      return true;
    case Field::AmtRelay:
      if ((head.b1 & 0x7F) == 0) {
        out.push_back('.');
        return true;
      }
      return field_to_text((head.b1 & 0x7F) == 1 ? Field::IPv4
                                                 : ((head.b1 & 0x7F) == 2 ? Field::IPv6 : Field::Name),
                           b, head, out);
    case Field::IpsecGateway:
      if (head.b1 == 0) {
        out.push_back('.');
        return true;
      }
      return field_to_text(head.b1 == 1 ? Field::IPv4 : (head.b1 == 2 ? Field::IPv6 : Field::Name),
                           b, head, out);
    case Field::SvcParams:
      // params_to_text puts a space before each parameter itself.
      if (b.empty()) return false;
      if (!out.empty() && out.back() == ' ') out.pop_back();
      svcb::params_to_text(b, out);
      return true;
    case Field::Loc:
      loc::to_text(b, out);
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Text input

std::optional<RdataTextError> text_error(std::size_t token, std::string message) {
  return RdataTextError{token, std::move(message)};
}

bool parse_decimal(std::string_view s, std::uint64_t max, std::uint64_t& v) noexcept {
  if (s.empty() || s.size() > 20) return false;
  v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    std::uint64_t next = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (next > max || next < v) return false;
    v = next;
  }
  return true;
}

// BIND-style TTL: plain seconds, or number+unit groups like 1w2d3h4m5s.
bool parse_ttl(std::string_view s, std::uint32_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t total = 0;
  std::size_t i = 0;
  bool any_unit = false;
  while (i < s.size()) {
    std::uint64_t v = 0;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (v > 0xFFFFFFFFu) return false;
      ++i;
    }
    if (i == start) return false;
    std::uint64_t mult = 1;
    if (i < s.size()) {
      switch (s[i] | 0x20) {
        case 'w': mult = 604800; break;
        case 'd': mult = 86400; break;
        case 'h': mult = 3600; break;
        case 'm': mult = 60; break;
        case 's': mult = 1; break;
        default: return false;
      }
      ++i;
      any_unit = true;
    } else if (any_unit) {
      return false;  // "1h30": BIND wants a unit on every part once one has one
    }
    total += v * mult;
    if (total > 0xFFFFFFFFu) return false;
  }
  out = static_cast<std::uint32_t>(total);
  return true;
}

bool parse_time(std::string_view s, std::uint32_t& out) noexcept {
  if (s.size() == 14) {
    std::uint64_t v;
    if (!parse_decimal(s, 99999999999999ull, v)) return false;
    auto num = [&](std::size_t at, std::size_t n) {
      unsigned r = 0;
      for (std::size_t i = at; i < at + n; ++i) r = r * 10 + static_cast<unsigned>(s[i] - '0');
      return r;
    };
    unsigned y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(8, 2), mi = num(10, 2),
             se = num(12, 2);
    static constexpr unsigned kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > kDaysInMonth[mo - 1] || h > 23 ||
        mi > 59 || se > 60) {
      return false;
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) return false;
    std::int64_t t = days_from_date(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    out = static_cast<std::uint32_t>(static_cast<std::uint64_t>(t) & 0xFFFFFFFFu);  // RFC 4034 §3.1.5 serial arithmetic
    return true;
  }
  std::uint64_t v;
  if (!parse_decimal(s, 0xFFFFFFFFu, v)) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

// Unescapes `\X` and `\DDD` (RFC 1035 §5.1), appending to out. False on a
// bad escape or when more than `max` octets result.
bool unescape(std::string_view s, std::size_t max, std::vector<std::uint8_t>& out) {
  std::size_t start = out.size();
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out.push_back(static_cast<std::uint8_t>(c));
    } else {
      if (i + 1 >= s.size()) return false;
      char e = s[i + 1];
      if (e >= '0' && e <= '9') {
        if (i + 3 >= s.size()) return false;  // \DDD needs three digits
        unsigned v = 0;
        for (std::size_t j = i + 1; j <= i + 3; ++j) {
          if (j >= s.size() || s[j] < '0' || s[j] > '9') return false;
          v = v * 10 + static_cast<unsigned>(s[j] - '0');
        }
        if (v > 255) return false;
        out.push_back(static_cast<std::uint8_t>(v));
        i += 3;
      } else {
        out.push_back(static_cast<std::uint8_t>(e));
        i += 1;
      }
    }
    if (out.size() - start > max) return false;
  }
  return true;
}

bool parse_ip(int af, std::string_view s, std::vector<std::uint8_t>& out) {
  char buf[64];
  if (s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  std::uint8_t addr[16];
  if (inet_pton(af, buf, addr) != 1) return false;
  out.insert(out.end(), addr, addr + (af == AF_INET ? 4 : 16));
  return true;
}

bool parse_hex_pairs(std::string_view s, std::size_t octets, char sep,
                     std::vector<std::uint8_t>& out) {
  if (s.size() != octets * 3 - 1) return false;
  for (std::size_t i = 0; i < octets; ++i) {
    if (i != 0 && s[i * 3 - 1] != sep) return false;
    int hi = hex_digit(s[i * 3]), lo = hex_digit(s[i * 3 + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

bool parse_ilnp64(std::string_view s, std::vector<std::uint8_t>& out) {
  std::size_t pos = 0;
  for (int g = 0; g < 4; ++g) {
    if (g != 0) {
      if (pos >= s.size() || s[pos] != ':') return false;
      ++pos;
    }
    unsigned v = 0;
    std::size_t start = pos;
    while (pos < s.size() && pos - start < 5 && hex_digit(s[pos]) >= 0) {
      v = v << 4 | static_cast<unsigned>(hex_digit(s[pos]));
      ++pos;
    }
    if (pos == start || pos - start > 4) return false;
    put_u16(out, static_cast<std::uint16_t>(v));
  }
  return pos == s.size();
}

// Hex over tokens [i, n), pairs may straddle tokens. Returns bytes written or kBad.
std::size_t parse_hex_tokens(std::span<const TextToken> tokens, std::size_t i,
                             std::vector<std::uint8_t>& out, std::size_t& bad_token) {
  std::size_t start = out.size();
  int pending = -1;
  for (; i < tokens.size(); ++i) {
    for (char c : tokens[i].text) {
      int v = hex_digit(c);
      if (v < 0) {
        bad_token = i;
        return kBad;
      }
      if (pending < 0) {
        pending = v;
      } else {
        out.push_back(static_cast<std::uint8_t>(pending << 4 | v));
        pending = -1;
      }
    }
  }
  if (pending >= 0) {
    bad_token = tokens.size() - 1;
    return kBad;
  }
  return out.size() - start;
}

bool parse_base64_tokens(std::span<const TextToken> tokens, std::size_t i,
                         std::vector<std::uint8_t>& out) {
  if (tokens.size() - i == 1) return base64_decode(tokens[i].text, out);
  // Split keys: join into a per-thread buffer so nothing is allocated per field
  // once it has grown.
  thread_local std::string joined;
  joined.clear();
  for (; i < tokens.size(); ++i) joined.append(tokens[i].text);
  return base64_decode(joined, out);
}

std::optional<std::uint16_t> parse_algorithm(std::string_view s) noexcept {
  std::uint64_t v;
  if (parse_decimal(s, 255, v)) return static_cast<std::uint16_t>(v);
  return mnemonic_value(kAlgorithms, s);
}

// Parses the field at tokens[i]; advances i past what it used.
std::optional<RdataTextError> field_from_text(const FieldSpec& spec, std::span<const TextToken> tokens,
                                              std::size_t& i, const Name& origin,
                                              std::size_t rdata_start,
                                              std::vector<std::uint8_t>& out) {
  const Field k = spec.kind;
  if (i >= tokens.size()) {
    if (spec.optional) return std::nullopt;
    // These may be empty: no types, ports or items, or an A6 without prefix.
    if (k == Field::Bitmap || k == Field::NxtBitmap || k == Field::WksBitmap ||
        k == Field::AplItems) {
      return std::nullopt;
    }
    if (k == Field::A6Prefix && (out.size() <= rdata_start || out[rdata_start] == 0)) {
      return std::nullopt;
    }
    return text_error(tokens.size(), "missing rdata field '" + std::string(spec.name) + "'");
  }
  const std::string_view t = tokens[i].text;
  const std::size_t at = i;
  auto number = [&](std::uint64_t max, const char* what) -> std::optional<RdataTextError> {
    std::uint64_t v;
    if (!parse_decimal(t, max, v)) return text_error(at, what);
    if (max == 0xFF) put_u8(out, static_cast<std::uint8_t>(v));
    else if (max == 0xFFFF) put_u16(out, static_cast<std::uint16_t>(v));
    else put_u32(out, static_cast<std::uint32_t>(v));
    ++i;
    return std::nullopt;
  };
  switch (k) {
    case Field::NameCompress:
    case Field::NameDecompress:
    case Field::NameCanonical:
    case Field::Name: {
      auto name = Name::parse(t, &origin);
      if (!name) {
        return text_error(at, "expected a domain name for '" + std::string(spec.name) +
                                  "': " + name.error());
      }
      auto w = name->wire();
      out.insert(out.end(), w.begin(), w.end());
      ++i;
      return std::nullopt;
    }
    case Field::U8: return number(0xFF, "expected a number from 0 to 255");
    case Field::U16: return number(0xFFFF, "expected a number from 0 to 65535");
    case Field::U32: return number(0xFFFFFFFFu, "expected a number from 0 to 4294967295");
    case Field::Ttl: {
      std::uint32_t v;
      if (!parse_ttl(t, v)) return text_error(at, "expected a TTL value");
      put_u32(out, v);
      ++i;
      return std::nullopt;
    }
    case Field::Time: {
      std::uint32_t v;
      if (!parse_time(t, v)) return text_error(at, "expected a time as YYYYMMDDHHmmSS or seconds");
      put_u32(out, v);
      ++i;
      return std::nullopt;
    }
    case Field::IPv4:
      if (!parse_ip(AF_INET, t, out)) return text_error(at, "expected an IPv4 address");
      ++i;
      return std::nullopt;
    case Field::IPv6:
      if (!parse_ip(AF_INET6, t, out)) return text_error(at, "expected an IPv6 address");
      ++i;
      return std::nullopt;
    case Field::CharString: {
      std::size_t len_at = out.size();
      out.push_back(0);
      if (!unescape(t, kMaxCharString, out)) {
        return text_error(at, "character-string longer than 255 octets or bad escape");
      }
      out[len_at] = static_cast<std::uint8_t>(out.size() - len_at - 1);
      ++i;
      return std::nullopt;
    }
    case Field::CharStrings:
      for (; i < tokens.size(); ++i) {
        std::size_t len_at = out.size();
        out.push_back(0);
        if (!unescape(tokens[i].text, kMaxCharString, out)) {
          return text_error(i, "character-string longer than 255 octets or bad escape");
        }
        out[len_at] = static_cast<std::uint8_t>(out.size() - len_at - 1);
      }
      return std::nullopt;
    case Field::RemainderString:
      if (!unescape(t, kMaxRdata, out)) return text_error(at, "bad escape in string");
      ++i;
      return std::nullopt;
    case Field::CaaTag: {
      if (t.empty() || t.size() > kMaxCharString) return text_error(at, "expected a CAA tag");
      for (char c : t) {
        if (!is_alnum(static_cast<std::uint8_t>(c))) {
          return text_error(at, "expected a CAA tag of letters and digits");
        }
      }
      out.push_back(static_cast<std::uint8_t>(t.size()));
      out.insert(out.end(), t.begin(), t.end());
      ++i;
      return std::nullopt;
    }
    case Field::Base64OrDash:
      if (t == "-" && i + 1 == tokens.size()) {
        ++i;
        return std::nullopt;
      }
      [[fallthrough]];
    case Field::Base64:
      if (!parse_base64_tokens(tokens, i, out)) return text_error(at, "expected base64 data");
      i = tokens.size();
      return std::nullopt;
    case Field::Hex: {
      std::size_t bad = 0;
      if (parse_hex_tokens(tokens, i, out, bad) == kBad) return text_error(bad, "expected hex data");
      i = tokens.size();
      return std::nullopt;
    }
    case Field::HexLen8: {
      std::size_t len_at = out.size();
      out.push_back(0);
      if (t != "-") {
        if (t.size() > 2 * kMaxCharString || !hex_decode(t, out)) {
          return text_error(at, "expected hex data of at most 255 octets or '-'");
        }
      }
      out[len_at] = static_cast<std::uint8_t>(out.size() - len_at - 1);
      ++i;
      return std::nullopt;
    }
    case Field::Base32Len8: {
      std::size_t len_at = out.size();
      out.push_back(0);
      if (t.empty() || t.size() > 408 || !base32hex_decode(t, out)) {
        return text_error(at, "expected base32hex data");
      }
      out[len_at] = static_cast<std::uint8_t>(out.size() - len_at - 1);
      ++i;
      return std::nullopt;
    }
    case Field::Bitmap: {
      TypeBitmapBuilder bitmap;
      for (; i < tokens.size(); ++i) {
        auto type = type_from_text(tokens[i].text);
        if (!type) return text_error(i, "expected an RR type");
        bitmap.add(*type);
      }
      bitmap.write(out);
      return std::nullopt;
    }
    case Field::Type: {
      auto type = type_from_text(t);
      if (!type) return text_error(at, "expected an RR type");
      put_u16(out, static_cast<std::uint16_t>(*type));
      ++i;
      return std::nullopt;
    }
    case Field::Algorithm:
    case Field::CertAlgorithm: {
      auto v = parse_algorithm(t);
      if (!v) return text_error(at, "expected an algorithm number or mnemonic");
      put_u8(out, static_cast<std::uint8_t>(*v));
      ++i;
      return std::nullopt;
    }
    case Field::CertType: {
      std::uint64_t v;
      if (parse_decimal(t, 0xFFFF, v)) {
        put_u16(out, static_cast<std::uint16_t>(v));
      } else if (auto m = mnemonic_value(kCertTypes, t)) {
        put_u16(out, *m);
      } else {
        return text_error(at, "expected a certificate type");
      }
      ++i;
      return std::nullopt;
    }
    case Field::Eui48:
      if (!parse_hex_pairs(t, 6, '-', out)) return text_error(at, "expected an EUI-48 address");
      ++i;
      return std::nullopt;
    case Field::Eui64:
      if (!parse_hex_pairs(t, 8, '-', out)) return text_error(at, "expected an EUI-64 address");
      ++i;
      return std::nullopt;
    case Field::Ilnp64:
      if (!parse_ilnp64(t, out)) return text_error(at, "expected a 64-bit locator as x:x:x:x");
      ++i;
      return std::nullopt;
    case Field::NxtBitmap: {
      std::array<std::uint8_t, 16> bits{};
      std::size_t used = 0;
      for (; i < tokens.size(); ++i) {
        auto type = type_from_text(tokens[i].text);
        auto v = type ? static_cast<std::uint16_t>(*type) : 0;
        if (v == 0 || v > 127) return text_error(i, "expected an RR type from 1 to 127");
        bits[v / 8] = static_cast<std::uint8_t>(bits[v / 8] | (0x80u >> (v % 8)));
        used = std::max<std::size_t>(used, v / 8u + 1);
      }
      out.insert(out.end(), bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(used));
      return std::nullopt;
    }
    case Field::A6Suffix: {
      std::uint8_t prefix_len = out.size() > rdata_start ? out[rdata_start] : 0;
      if (prefix_len > kA6MaxPrefix) return text_error(at - 1, "expected a prefix length from 0 to 128");
      std::vector<std::uint8_t>::size_type mark = out.size();
      if (!parse_ip(AF_INET6, t, out)) return text_error(at, "expected an IPv6 address");
      std::size_t n = a6_suffix_length(prefix_len);
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(mark),
                out.begin() + static_cast<std::ptrdiff_t>(mark + 16 - n));
      if (n > 0 && prefix_len % 8 != 0) {
        out[mark] = static_cast<std::uint8_t>(out[mark] & (0xFFu >> (prefix_len % 8)));
      }
      ++i;
      return std::nullopt;
    }
    case Field::A6Prefix: {
      std::uint8_t prefix_len = out.size() > rdata_start ? out[rdata_start] : 0;
      if (prefix_len == 0) return std::nullopt;  // then no prefix name follows
      return field_from_text({Field::NameCanonical, spec.name}, tokens, i, origin, rdata_start, out);
    }
    case Field::WksProtocol: {
      std::uint64_t v;
      if (equals_ci(t, "TCP")) v = 6;
      else if (equals_ci(t, "UDP")) v = 17;
      else if (!parse_decimal(t, 255, v)) return text_error(at, "expected a protocol number, tcp or udp");
      put_u8(out, static_cast<std::uint8_t>(v));
      ++i;
      return std::nullopt;
    }
    case Field::WksBitmap: {
      std::uint8_t protocol = out.size() > rdata_start + 4 ? out[rdata_start + 4] : 0;
      const std::size_t base = out.size();
      for (; i < tokens.size(); ++i) {
        std::uint64_t port;
        if (!parse_decimal(tokens[i].text, 65535, port)) {
          // Service names as BIND takes them, from the system's services table.
          char name[64];
          std::string_view sv = tokens[i].text;
          if (sv.size() >= sizeof name) return text_error(i, "expected a port number or service");
          std::memcpy(name, sv.data(), sv.size());
          name[sv.size()] = 0;
          servent entry{};
          servent* found = nullptr;
          char buf[1024];
          const char* proto = protocol == 6 ? "tcp" : (protocol == 17 ? "udp" : nullptr);
          if (proto == nullptr ||
              getservbyname_r(name, proto, &entry, buf, sizeof buf, &found) != 0 || found == nullptr) {
            return text_error(i, "expected a port number or service");
          }
          port = ntohs(static_cast<std::uint16_t>(found->s_port));
        }
        std::size_t octet = base + port / 8;
        if (out.size() <= octet) out.resize(octet + 1, 0);
        out[octet] = static_cast<std::uint8_t>(out[octet] | (0x80u >> (port % 8)));
      }
      return std::nullopt;
    }
    case Field::AplItems:
      for (; i < tokens.size(); ++i) {
        std::string_view item = tokens[i].text;
        bool negate = !item.empty() && item[0] == '!';
        if (negate) item.remove_prefix(1);
        std::size_t colon = item.find(':');
        std::size_t slash = item.rfind('/');
        std::uint64_t family, prefix;
        if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon ||
            !parse_decimal(item.substr(0, colon), 2, family) || family == 0 ||
            !parse_decimal(item.substr(slash + 1), family == 1 ? 32 : 128, prefix)) {
          return text_error(i, "expected an APL item as [!]afi:address/prefix");
        }
        std::vector<std::uint8_t>::size_type mark = out.size();
        put_u16(out, static_cast<std::uint16_t>(family));
        put_u8(out, static_cast<std::uint8_t>(prefix));
        put_u8(out, 0);
        if (!parse_ip(family == 1 ? AF_INET : AF_INET6, item.substr(colon + 1, slash - colon - 1), out)) {
          return text_error(i, "expected an APL item as [!]afi:address/prefix");
        }
        while (out.size() > mark + 4 && out.back() == 0) out.pop_back();  // RFC 3123 §4.1
        out[mark + 3] = static_cast<std::uint8_t>((negate ? 0x80u : 0u) | (out.size() - mark - 4));
      }
      return std::nullopt;
    case Field::NsapHex: {
      if (t.size() < 3 || t[0] != '0' || (t[1] | 0x20) != 'x') return text_error(at, "expected NSAP hex as 0x...");
      int pending = -1;
      for (char c : t.substr(2)) {
        if (c == '.') continue;
        int v = hex_digit(c);
        if (v < 0) return text_error(at, "expected NSAP hex as 0x...");
        if (pending < 0) {
          pending = v;
        } else {
          out.push_back(static_cast<std::uint8_t>(pending << 4 | v));
          pending = -1;
        }
      }
      if (pending >= 0 || out.size() == rdata_start) return text_error(at, "expected NSAP hex as 0x...");
      ++i;
      return std::nullopt;
    }
    case Field::Hip: {
      auto alg = parse_algorithm(t);
      if (!alg) return text_error(at, "expected a public key algorithm number");
      if (i + 2 >= tokens.size()) {
        return text_error(tokens.size(), "missing rdata field 'hit' or 'public key'");
      }
      std::size_t mark = out.size();
      out.insert(out.end(), {0, static_cast<std::uint8_t>(*alg), 0, 0});
      std::string_view hit = tokens[i + 1].text;
      if (hit.empty() || hit.size() > 2 * kMaxCharString || !hex_decode(hit, out)) {
        return text_error(i + 1, "expected a HIT in hex");
      }
      out[mark] = static_cast<std::uint8_t>(out.size() - mark - 4);
      std::size_t pk_start = out.size();
      if (!base64_decode(tokens[i + 2].text, out) || out.size() == pk_start ||
          out.size() - pk_start > 0xFFFF) {
        return text_error(i + 2, "expected a public key in base64");
      }
      std::size_t pk_len = out.size() - pk_start;
      out[mark + 2] = static_cast<std::uint8_t>(pk_len >> 8);
      out[mark + 3] = static_cast<std::uint8_t>(pk_len);
      for (i += 3; i < tokens.size();) {
        if (auto err = field_from_text({Field::Name, "rendezvous server"}, tokens, i, origin,
                                       rdata_start, out)) {
          return err;
        }
      }
      return std::nullopt;
    }
    case Field::AmtType: {
      std::uint64_t d, type;
      if (t != "0" && t != "1") return text_error(at, "expected the discovery optional bit, 0 or 1");
      d = t == "1" ? 1 : 0;
      if (i + 1 >= tokens.size()) return text_error(tokens.size(), "missing rdata field 'relay type'");
      if (!parse_decimal(tokens[i + 1].text, 127, type)) {
        return text_error(i + 1, "expected a relay type from 0 to 127");
      }
      put_u8(out, static_cast<std::uint8_t>(d << 7 | type));
      i += 2;
      return std::nullopt;
    }
    case Field::AmtRelay:
    case Field::IpsecGateway: {
      std::uint8_t gateway_type = out.size() > rdata_start + 1 ? out[rdata_start + 1] : 0xFF;
      if (k == Field::AmtRelay) gateway_type &= 0x7F;
      const std::size_t type_token = k == Field::AmtRelay ? at - 1 : at - 2;
      switch (gateway_type) {
        case 0:
          if (t != ".") return text_error(at, "expected '.' for gateway type 0");
          ++i;
          return std::nullopt;
        case 1: return field_from_text({Field::IPv4, spec.name}, tokens, i, origin, rdata_start, out);
        case 2: return field_from_text({Field::IPv6, spec.name}, tokens, i, origin, rdata_start, out);
        case 3: return field_from_text({Field::Name, spec.name}, tokens, i, origin, rdata_start, out);
        default: return text_error(type_token, "expected a gateway type from 0 to 3");
      }
    }
    case Field::SvcParams: {
      auto err = svcb::params_from_text(tokens.subspan(i), out);
      if (err) {
        err->token += i;
        return err;
      }
      i = tokens.size();
      return std::nullopt;
    }
    case Field::Loc: {
      auto err = loc::from_text(tokens.subspan(i), out);
      if (err) {
        err->token += i;
        return err;
      }
      i = tokens.size();
      return std::nullopt;
    }
  }
  return text_error(at, "unsupported field");
}

bool is_generic_marker(const TextToken& t) noexcept { return !t.quoted && t.text == "\\#"; }

// RFC 3597 §5: \# <length> <hex...>.
std::optional<RdataTextError> generic_from_text(const RdataLayout* layout,
                                                std::span<const TextToken> tokens,
                                                std::vector<std::uint8_t>& out) {
  if (tokens.size() < 2) return text_error(tokens.size(), "missing rdata length after \\#");
  std::uint64_t len;
  if (!parse_decimal(tokens[1].text, kMaxRdata, len)) {
    return text_error(1, "expected an rdata length from 0 to 65535");
  }
  std::size_t start = out.size();
  std::size_t bad = 0;
  std::size_t n = parse_hex_tokens(tokens, 2, out, bad);
  if (n == kBad) return text_error(bad, "expected hex data");
  if (n != len) return text_error(tokens.size() > 2 ? 2 : 1, "rdata length does not match the hex data");
  if (layout != nullptr) {
    FieldParts parts;
    if (!split_fields(*layout, std::span(out).subspan(start), parts)) {
      return text_error(2, "generic rdata does not match the type's format");
    }
  }
  return std::nullopt;
}

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

std::optional<RdataTextError> rdata_from_text(RRType type, std::span<const TextToken> tokens,
                                              const Name& origin, std::vector<std::uint8_t>& out) {
  const RdataLayout* layout = rdata_layout(type);
  if (!tokens.empty() && is_generic_marker(tokens[0])) return generic_from_text(layout, tokens, out);
  if (layout == nullptr) {
    return text_error(0, "type " + type_to_text(type) + " needs the RFC 3597 \\# form");
  }
  const std::size_t start = out.size();
  std::size_t i = 0;
  for (std::size_t f = 0; f < layout->count; ++f) {
    if (auto err = field_from_text(layout->fields[f], tokens, i, origin, start, out)) return err;
  }
  if (i < tokens.size()) return text_error(i, "too many tokens");
  if (out.size() - start > kMaxRdata) return text_error(0, "rdata longer than 65535 octets");
  if (!rule_holds(layout->rule, std::span(out).subspan(start))) {
    return text_error(tokens.size() - 1, "digest length does not match the digest type");
  }
  return std::nullopt;
}

void rdata_to_generic_text(std::span<const std::uint8_t> rdata, std::string& out) {
  out.append("\\# ");
  append_uint(out, rdata.size());
  if (!rdata.empty()) {
    out.push_back(' ');
    hex_encode(rdata, out);
  }
}

void rdata_to_text(RRType type, std::span<const std::uint8_t> rdata, std::string& out) {
  const RdataLayout* layout = rdata_layout(type);
  FieldParts parts;
  if (layout == nullptr || !split_fields(*layout, rdata, parts)) {
    rdata_to_generic_text(rdata, out);
    return;
  }
  const Head head = head_of(rdata);
  for (std::size_t f = 0; f < layout->count; ++f) {
    const FieldSpec& spec = layout->fields[f];
    if (spec.optional && parts[f].empty()) continue;
    std::size_t mark = out.size();
    if (f != 0) out.push_back(' ');
    if (!field_to_text(spec.kind, parts[f], head, out)) out.resize(mark);
  }
}

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
  // Rules apply to types without compressible names: message bytes are stored bytes.
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

std::size_t rdata_embedded_names(RRType type, std::span<const std::uint8_t> rdata,
                                 std::span<RdataName, kMaxRdataNames> out) noexcept {
  const RdataLayout* layout = rdata_layout(type);
  if (layout == nullptr) return 0;
  FieldParts parts;
  if (!split_fields(*layout, rdata, parts)) return 0;
  std::size_t count = 0;
  const Head head = head_of(rdata);
  for (std::size_t f = 0; f < layout->count && count < kMaxRdataNames; ++f) {
    Field k = layout->fields[f].kind;
    bool name = is_name(k) || (k == Field::IpsecGateway && head.b1 == 3) ||
                (k == Field::AmtRelay && (head.b1 & 0x7F) == 3) ||
                (k == Field::A6Prefix && !parts[f].empty());
    if (!name) continue;
    out[count++] = RdataName{static_cast<std::uint16_t>(parts[f].data() - rdata.data()),
                             static_cast<std::uint16_t>(parts[f].size()),
                             k == Field::NameCompress};
  }
  return count;
}

}  // namespace zoned::dns
