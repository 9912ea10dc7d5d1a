#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "dns/encoding.hpp"
#include "dns/name.hpp"
#include "dns/rdata.hpp"
#include "dns/rdata_fields.hpp"
#include "dns/rdata_loc.hpp"
#include "dns/rdata_svcb.hpp"
#include "dns/type_bitmap.hpp"

// Presentation input of rdata: tokens as the master-file tokenizer gives them.

namespace zoned::dns {

using namespace rdata_internal;

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (era-based arithmetic).
std::int64_t days_from_date(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
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
  if (auto m = algorithm_from_mnemonic(s)) return *m;
  return std::nullopt;
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
  if (spec.quoted && !tokens[i].quoted) {
    return text_error(i, "the " + std::string(spec.name) + " must be a quoted string");
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
      } else if (auto m = cert_type_from_mnemonic(t)) {
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
    const char* what = layout->rule == RdataRule::NaptrRegexp
                           ? "expected a NAPTR regexp as delim ERE delim replacement delim [i]"
                           : (layout->rule == RdataRule::X25Digits
                                  ? "expected a PSDN address of decimal digits"
                                  : "digest length does not match the digest type");
    return text_error(tokens.size() - 1, what);
  }
  return std::nullopt;
}

}  // namespace zoned::dns
