#include "dns/rdata_svcb.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "dns/encoding.hpp"

namespace zoned::dns::svcb {

namespace {

// Registered SvcParamKeys: RFC 9460 §14.3.2, dohpath RFC 9461 §5, ohttp RFC 9540 §4.
constexpr std::uint16_t kKeyMandatory = 0;
constexpr std::uint16_t kKeyAlpn = 1;
constexpr std::uint16_t kKeyNoDefaultAlpn = 2;
constexpr std::uint16_t kKeyPort = 3;
constexpr std::uint16_t kKeyIpv4Hint = 4;
constexpr std::uint16_t kKeyEch = 5;
constexpr std::uint16_t kKeyIpv6Hint = 6;
constexpr std::uint16_t kKeyDohPath = 7;
constexpr std::uint16_t kKeyOhttp = 8;
constexpr std::uint16_t kKeyInvalid = 65535;  // RFC 9460 §14.3.2: "Invalid key"

constexpr std::array<std::string_view, 9> kKeyNames = {
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint",
    "ech",       "ipv6hint", "dohpath", "ohttp"};

constexpr std::size_t kParamHeader = 4;           // SvcParamKey + SvcParamValue length
constexpr std::size_t kMaxValueLength = 65535;    // the length field is 16 bits
constexpr std::size_t kMaxAlpnId = 255;           // alpn-id length is one octet
constexpr std::size_t kPortLength = 2;
constexpr std::size_t kIpv4Length = 4;
constexpr std::size_t kIpv6Length = 16;
constexpr std::size_t kMaxKeyDigits = 5;          // "key65534"

std::uint16_t get_u16(std::span<const std::uint8_t> b, std::size_t pos) noexcept {
  return static_cast<std::uint16_t>(b[pos] << 8 | b[pos + 1]);
}

// One SvcParam read from wire, bounds-checked.
struct Param {
  std::uint16_t key = 0;
  std::span<const std::uint8_t> value;
};

// Reads the param at `pos`; false when the remaining bytes cannot hold it.
bool next_param(std::span<const std::uint8_t> params, std::size_t& pos, Param& p) noexcept {
  if (pos > params.size() || params.size() - pos < kParamHeader) return false;
  const std::uint16_t key = get_u16(params, pos);
  const std::size_t len = get_u16(params, pos + 2);
  if (params.size() - pos - kParamHeader < len) return false;
  p.key = key;
  p.value = params.subspan(pos + kParamHeader, len);
  pos += kParamHeader + len;
  return true;
}

bool has_key(std::span<const std::uint8_t> params, std::uint16_t key) noexcept {
  std::size_t pos = 0;
  Param p;
  while (next_param(params, pos, p))
    if (p.key == key) return true;
  return false;
}

bool valid_utf8(std::span<const std::uint8_t> v) noexcept {
  std::size_t i = 0;
  while (i < v.size()) {
    const std::uint8_t c = v[i];
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1Fu; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0Fu; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07u; }
    else return false;
    if (v.size() - i - 1 < extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((v[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (v[i + k] & 0x3Fu);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (RFC 3629 §3).
    static constexpr std::array<std::uint32_t, 4> kMinForLength = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += 1 + extra;
  }
  return true;
}

// RFC 9461 §5: dohpath is a relative URI Template (RFC 6570) that MUST contain
// the "dns" variable.
bool valid_dohpath(std::span<const std::uint8_t> v) noexcept {
  if (!valid_utf8(v)) return false;
  const std::string_view t(reinterpret_cast<const char*>(v.data()), v.size());
  std::size_t pos = 0;
  while ((pos = t.find('{', pos)) != std::string_view::npos) {
    const std::size_t end = t.find('}', pos);
    if (end == std::string_view::npos) return false;
    std::string_view expr = t.substr(pos + 1, end - pos - 1);
    if (!expr.empty() && std::string_view("+#./;?&").find(expr.front()) != std::string_view::npos)
      expr.remove_prefix(1);
    while (!expr.empty()) {
      const std::size_t comma = expr.find(',');
      std::string_view var = expr.substr(0, comma);
      var = var.substr(0, var.find(':'));               // prefix modifier
      if (!var.empty() && var.back() == '*') var.remove_suffix(1);  // explode modifier
      if (var == "dns") return true;
      if (comma == std::string_view::npos) break;
      expr.remove_prefix(comma + 1);
    }
    pos = end + 1;
  }
  return false;
}

// Rules a value must meet on its own (RFC 9460 §7, §8); nullptr when it does.
const char* value_format_problem(std::uint16_t key, std::span<const std::uint8_t> v) noexcept {
  switch (key) {
    case kKeyMandatory: {
      if (v.empty() || v.size() % 2 != 0) return "mandatory needs a non-empty list of keys";
      std::int32_t prev = -1;
      for (std::size_t i = 0; i < v.size(); i += 2) {
        const std::uint16_t k = get_u16(v, i);
        if (k == kKeyMandatory) return "mandatory must not list itself";  // RFC 9460 §8
        if (static_cast<std::int32_t>(k) <= prev) return "mandatory keys must be sorted and unique";
        prev = k;
      }
      return nullptr;
    }
    case kKeyAlpn: {
      if (v.empty()) return "alpn needs at least one protocol id";
      std::size_t pos = 0;
      while (pos < v.size()) {
        const std::size_t len = v[pos];
        if (len == 0) return "alpn protocol ids must not be empty";
        if (v.size() - pos - 1 < len) return "alpn protocol id overruns the value";
        pos += 1 + len;
      }
      return nullptr;
    }
    case kKeyNoDefaultAlpn: return v.empty() ? nullptr : "no-default-alpn takes no value";
    case kKeyPort: return v.size() == kPortLength ? nullptr : "port must be one 16-bit number";
    case kKeyIpv4Hint:
      return !v.empty() && v.size() % kIpv4Length == 0 ? nullptr : "ipv4hint needs IPv4 addresses";
    case kKeyIpv6Hint:
      return !v.empty() && v.size() % kIpv6Length == 0 ? nullptr : "ipv6hint needs IPv6 addresses";
    case kKeyDohPath:
      return valid_dohpath(v) ? nullptr : "dohpath must be a UTF-8 URI template with a {?dns} variable";
    case kKeyOhttp: return v.empty() ? nullptr : "ohttp takes no value";
    case kKeyInvalid: return "key65535 is reserved as the invalid key";
    default: return nullptr;  // ech and unknown keys: opaque
  }
}

struct Problem {
  WireError error = WireError::Ok;
  std::uint16_t key = 0;
  const char* message = nullptr;
};

// RFC 9460 §2.2: keys strictly increasing, each value valid for its key, and
// the cross-parameter rules of §8 (mandatory keys present) and §7.1.1
// (no-default-alpn needs alpn; BIND refuses such zones too).
Problem find_problem(std::span<const std::uint8_t> params) noexcept {
  std::size_t pos = 0;
  std::int32_t prev = -1;
  Param p;
  while (pos < params.size()) {
    if (!next_param(params, pos, p)) return {WireError::Truncated, 0, "truncated SvcParam"};
    if (static_cast<std::int32_t>(p.key) <= prev)
      return {WireError::BadRdata, p.key, "SvcParamKeys must be unique and in increasing order"};
    prev = p.key;
    if (const char* m = value_format_problem(p.key, p.value)) return {WireError::BadRdata, p.key, m};
    if (p.key == kKeyMandatory) {
      for (std::size_t i = 0; i < p.value.size(); i += 2)
        if (!has_key(params, get_u16(p.value, i)))
          return {WireError::BadRdata, p.key, "a key listed in mandatory is missing"};
    }
    if (p.key == kKeyNoDefaultAlpn && !has_key(params, kKeyAlpn))
      return {WireError::BadRdata, p.key, "no-default-alpn requires alpn"};
  }
  return {};
}

// ---------------------------------------------------------------------------
// Text side

struct ParsedKey {
  std::uint16_t key = 0;
  bool generic = false;  // keyNNNNN form: the value is the raw wire value
};

std::optional<ParsedKey> key_from_text(std::string_view t) noexcept {
  for (std::size_t i = 0; i < kKeyNames.size(); ++i)
    if (t == kKeyNames[i]) return ParsedKey{static_cast<std::uint16_t>(i), false};
  // RFC 9460 §2.1: "key" followed by the decimal number, no leading zeros.
  if (t.size() <= 3 || t.substr(0, 3) != "key") return std::nullopt;
  const std::string_view digits = t.substr(3);
  if (digits.size() > kMaxKeyDigits || (digits.size() > 1 && digits.front() == '0'))
    return std::nullopt;
  std::uint32_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v >= kKeyInvalid) return std::nullopt;
  return ParsedKey{static_cast<std::uint16_t>(v), true};
}

void key_to_text(std::uint16_t key, bool generic, std::string& out) {
  if (!generic && key < kKeyNames.size()) {
    out += kKeyNames[key];
  } else {
    out += "key";
    out += std::to_string(key);
  }
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// RFC 1035 §5.1 character-string decoding of a value (`\DDD`, `\X`). The value
// may be wrapped in one pair of quotes; any other unescaped quote is an error.
bool decode_value(std::string_view raw, std::vector<std::uint8_t>& out) {
  if (!raw.empty() && raw.front() == '"') {
    if (raw.size() < 2 || raw.back() != '"') return false;
    raw = raw.substr(1, raw.size() - 2);
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '"') return false;
    if (c != '\\') {
      out.push_back(static_cast<std::uint8_t>(c));
      continue;
    }
    if (i + 1 >= raw.size()) return false;
    if (is_digit(raw[i + 1])) {
      if (i + 3 >= raw.size() || !is_digit(raw[i + 2]) || !is_digit(raw[i + 3])) return false;
      const int v = (raw[i + 1] - '0') * 100 + (raw[i + 2] - '0') * 10 + (raw[i + 3] - '0');
      if (v > 255) return false;
      out.push_back(static_cast<std::uint8_t>(v));
      i += 3;
    } else {
      out.push_back(static_cast<std::uint8_t>(raw[i + 1]));
      ++i;
    }
  }
  // A trailing quote inside a value that did not start with one was caught above.
  return true;
}

std::string_view as_text(std::span<const std::uint8_t> v) noexcept {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

// RFC 9460 Appendix A.1 simple comma-separated list: no empty items.
template <class F>
bool for_each_item(std::string_view list, F&& f) {
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    if (item.empty() || !f(item)) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

const char* parse_mandatory(std::string_view text, std::vector<std::uint8_t>& v) {
  std::vector<std::uint16_t> keys;
  if (!for_each_item(text, [&](std::string_view item) {
        auto k = key_from_text(item);
        if (!k) return false;
        keys.push_back(k->key);
        return true;
      }))
    return "expected a comma-separated list of SvcParamKeys";
  // Wire order is increasing (RFC 9460 §8); sort like BIND, refuse repeats.
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end())
    return "mandatory lists a key twice";
  for (std::uint16_t k : keys) put_u16(v, k);
  return nullptr;
}

// RFC 9460 Appendix A.1 value-list: "\," and "\\" escape within an item.
const char* parse_alpn(std::string_view text, std::vector<std::uint8_t>& v) {
  std::size_t item_start = v.size();
  v.push_back(0);
  auto close_item = [&]() {
    const std::size_t len = v.size() - item_start - 1;
    if (len == 0 || len > kMaxAlpnId) return false;
    v[item_start] = static_cast<std::uint8_t>(len);
    return true;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size() || (text[i + 1] != ',' && text[i + 1] != '\\'))
        return "alpn: only \\, and \\\\ may be escaped inside the list";
      v.push_back(static_cast<std::uint8_t>(text[++i]));
    } else if (c == ',') {
      if (!close_item()) return "alpn protocol ids must be 1 to 255 octets";
      item_start = v.size();
      v.push_back(0);
    } else {
      v.push_back(static_cast<std::uint8_t>(c));
    }
  }
  if (!close_item()) return "alpn protocol ids must be 1 to 255 octets";
  return nullptr;
}

const char* parse_port(std::string_view text, std::vector<std::uint8_t>& v) {
  if (text.empty() || text.size() > 5) return "expected a port number";
  std::uint32_t n = 0;
  for (char c : text) {
    if (!is_digit(c)) return "expected a port number";
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (n > 65535) return "port number out of range";
  put_u16(v, static_cast<std::uint16_t>(n));
  return nullptr;
}

const char* parse_hints(std::string_view text, int af, std::vector<std::uint8_t>& v) {
  const bool ok = for_each_item(text, [&](std::string_view item) {
    char buf[64];
    if (item.size() >= sizeof buf) return false;
    std::copy(item.begin(), item.end(), buf);
    buf[item.size()] = '\0';
    std::array<std::uint8_t, kIpv6Length> addr{};
    if (inet_pton(af, buf, addr.data()) != 1) return false;
    v.insert(v.end(), addr.begin(), addr.begin() + (af == AF_INET ? kIpv4Length : kIpv6Length));
    return true;
  });
  if (ok) return nullptr;
  return af == AF_INET ? "expected a comma-separated list of IPv4 addresses"
                       : "expected a comma-separated list of IPv6 addresses";
}

// Turns the decoded presentation value of a named key into its wire value.
const char* typed_value(std::uint16_t key, std::span<const std::uint8_t> decoded,
                        std::vector<std::uint8_t>& v) {
  const std::string_view text = as_text(decoded);
  switch (key) {
    case kKeyMandatory: return parse_mandatory(text, v);
    case kKeyAlpn: return parse_alpn(text, v);
    case kKeyPort: return parse_port(text, v);
    case kKeyIpv4Hint: return parse_hints(text, AF_INET, v);
    case kKeyIpv6Hint: return parse_hints(text, AF_INET6, v);
    case kKeyEch:
      // ECHConfigList in base64 (RFC 9460 §9 / ECH draft); empty is allowed.
      return base64_decode(text, v) ? nullptr : "ech: expected base64";
    default:  // no-default-alpn, ohttp, dohpath: the value is taken as is.
      v.insert(v.end(), decoded.begin(), decoded.end());
      return nullptr;
  }
}

struct Pending {
  std::uint16_t key = 0;
  std::size_t token = 0;
  std::vector<std::uint8_t> value;
};

RdataTextError error_at(std::size_t token, std::string message) {
  return RdataTextError{token, std::move(message)};
}

void append_decimal(std::uint32_t v, std::string& out) { out += std::to_string(v); }

// Presentation of an opaque value inside quotes. `escape_space` mimics BIND,
// which writes a space in alpn as \032 but in other values as is.
void append_escaped_byte(std::uint8_t b, bool escape_space, std::string& out) {
  if (b == '"' || b == '\\') {
    out += '\\';
    out += static_cast<char>(b);
  } else if (b < 0x20 || b >= 0x7F || (escape_space && b == ' ')) {
    char buf[5] = {'\\', static_cast<char>('0' + b / 100), static_cast<char>('0' + b / 10 % 10),
                   static_cast<char>('0' + b % 10), '\0'};
    out += buf;
  } else {
    out += static_cast<char>(b);
  }
}

void generic_to_text(std::uint16_t key, bool generic, std::span<const std::uint8_t> v,
                     std::string& out) {
  key_to_text(key, generic, out);
  if (v.empty()) return;
  out += "=\"";
  for (std::uint8_t b : v) append_escaped_byte(b, false, out);
  out += '"';
}

void hints_to_text(std::span<const std::uint8_t> v, int af, std::size_t step, std::string& out) {
  for (std::size_t i = 0; i + step <= v.size(); i += step) {
    if (i != 0) out += ',';
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(af, v.data() + i, buf, sizeof buf) != nullptr) out += buf;
  }
}

void param_to_text(std::uint16_t key, std::span<const std::uint8_t> v, std::string& out) {
  // A value that breaks its key's rules is printed opaquely, so it reads back
  // as the same bytes.
  if (value_format_problem(key, v) != nullptr) return generic_to_text(key, true, v, out);
  switch (key) {
    case kKeyMandatory:
      out += "mandatory=";
      for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
        if (i != 0) out += ',';
        key_to_text(get_u16(v, i), false, out);
      }
      return;
    case kKeyAlpn: {
      out += "alpn=\"";
      std::size_t pos = 0;
      while (pos < v.size()) {
        if (pos != 0) out += ',';
        const std::size_t len = v[pos];
        for (std::size_t i = pos + 1; i <= pos + len && i < v.size(); ++i) {
          // value-list escaping (Appendix A.1), then character-string escaping.
          if (v[i] == ',') out += "\\\\,";
          else if (v[i] == '\\') out += "\\\\\\\\";
          else append_escaped_byte(v[i], true, out);
        }
        pos += 1 + len;
      }
      out += '"';
      return;
    }
    case kKeyNoDefaultAlpn:
    case kKeyOhttp: key_to_text(key, false, out); return;
    case kKeyPort:
      out += "port=";
      append_decimal(get_u16(v, 0), out);
      return;
    case kKeyIpv4Hint:
      out += "ipv4hint=";
      hints_to_text(v, AF_INET, kIpv4Length, out);
      return;
    case kKeyEch:
      out += "ech";
      if (!v.empty()) {
        out += '=';
        base64_encode(v, out);
      }
      return;
    case kKeyIpv6Hint:
      out += "ipv6hint=";
      hints_to_text(v, AF_INET6, kIpv6Length, out);
      return;
    case kKeyDohPath: generic_to_text(key, false, v, out); return;
    default: generic_to_text(key, true, v, out); return;
  }
}

}  // namespace

std::optional<RdataTextError> params_from_text(std::span<const TextToken> tokens,
                                               std::vector<std::uint8_t>& out) {
  std::vector<Pending> params;
  params.reserve(tokens.size());
  std::vector<std::uint8_t> decoded;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const TextToken& tok = tokens[i];
    // RFC 9460 §2.1: each SvcParam is one key=value token; a value may be
    // quoted but the key may not (BIND refuses `"alpn=h2"` and `alpn= "h2"`).
    if (tok.quoted) return error_at(i, "expected an SvcParam key=value, not a quoted string");
    const std::size_t eq = tok.text.find('=');
    const std::string_view key_text = tok.text.substr(0, eq);
    auto key = key_from_text(key_text);
    if (!key) return error_at(i, "unknown SvcParamKey '" + std::string(key_text) + "'");
    decoded.clear();
    if (eq != std::string_view::npos && !decode_value(tok.text.substr(eq + 1), decoded))
      return error_at(i, "malformed SvcParamValue string");
    Pending p{key->key, i, {}};
    if (key->generic) {
      p.value = decoded;
    } else if (const char* m = typed_value(key->key, decoded, p.value)) {
      return error_at(i, m);
    }
    if (p.value.size() > kMaxValueLength) return error_at(i, "SvcParamValue longer than 65535 octets");
    params.push_back(std::move(p));
  }
  // RFC 9460 §2.2 wants increasing key order on the wire; presentation order
  // is free, so sort (as BIND does) and refuse duplicates.
  std::stable_sort(params.begin(), params.end(),
                   [](const Pending& a, const Pending& b) { return a.key < b.key; });
  for (std::size_t i = 1; i < params.size(); ++i) {
    if (params[i].key == params[i - 1].key) {
      const std::size_t later = std::max(params[i].token, params[i - 1].token);
      return error_at(later, "SvcParamKey appears twice");
    }
  }
  const std::size_t start = out.size();
  for (const Pending& p : params) {
    put_u16(out, p.key);
    put_u16(out, static_cast<std::uint16_t>(p.value.size()));
    out.insert(out.end(), p.value.begin(), p.value.end());
  }
  const Problem problem = find_problem(std::span<const std::uint8_t>(out).subspan(start));
  if (problem.error != WireError::Ok) {
    for (const Pending& p : params)
      if (p.key == problem.key) return error_at(p.token, problem.message);
    return error_at(0, problem.message);
  }
  return std::nullopt;
}

void params_to_text(std::span<const std::uint8_t> params, std::string& out) {
  std::size_t pos = 0;
  Param p;
  while (next_param(params, pos, p)) {
    out += ' ';
    param_to_text(p.key, p.value, out);
  }
}

WireError params_check(std::span<const std::uint8_t> params) {
  return find_problem(params).error;
}

}  // namespace zoned::dns::svcb
