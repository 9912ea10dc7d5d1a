#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "dns/encoding.hpp"
#include "dns/name.hpp"
#include "dns/rdata.hpp"
#include "dns/rdata_fields.hpp"
#include "dns/rdata_loc.hpp"
#include "dns/rdata_svcb.hpp"
#include "dns/type_bitmap.hpp"

// Presentation output of rdata, formatted as BIND's named-compilezone prints it.

namespace zoned::dns {

using namespace rdata_internal;

namespace {

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

// Prints the numbers of the set bits of a WKS or NXT bitmap, bit 0 being the
// most significant bit of the first octet (RFC 1035 §3.4.2, RFC 2535 §5.2),
// space-separated, each with `append_item`. False when no bit is set.
template <typename AppendItem>
bool append_set_bits(std::string& out, std::span<const std::uint8_t> b, AppendItem append_item) {
  bool first = true;
  for (std::size_t i = 0; i < b.size(); ++i) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((b[i] & (0x80u >> bit)) == 0) continue;
      if (!first) out.push_back(' ');
      first = false;
      append_item(out, i * 8 + bit);
    }
  }
  return !first;
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
      std::string_view m = cert_type_mnemonic(get_u16(b));
      if (m.empty()) append_uint(out, get_u16(b)); else out.append(m);
      return true;
    }
    case Field::CertAlgorithm: {
      std::string_view m = algorithm_mnemonic(b[0]);
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
    case Field::NxtBitmap:
      return append_set_bits(out, b, [](std::string& o, std::size_t type) {
        append_type(o, static_cast<std::uint16_t>(type));
      });
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
    case Field::WksBitmap:
      return append_set_bits(out, b, [](std::string& o, std::size_t port) { append_uint(o, port); });
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

}  // namespace

void rdata_to_generic_text(std::span<const std::uint8_t> rdata, std::string& out) {
  out.append("\\# ");
  append_uint(out, rdata.size());
  if (!rdata.empty()) {
    out.push_back(' ');
    hex_encode(rdata, out);
  }
}

void rdata_to_display_text(RRType type, std::span<const std::uint8_t> rdata, std::string& out) {
  if (rdata_check(type, rdata) == WireError::Ok) {
    rdata_to_text(type, rdata, out);
  } else {
    rdata_to_generic_text(rdata, out);
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

}  // namespace zoned::dns
