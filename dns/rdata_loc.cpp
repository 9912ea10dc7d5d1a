#include "dns/rdata_loc.hpp"

#include <array>
#include <cstdio>
#include <string_view>

namespace zoned::dns::loc {

namespace {

// RFC 1876 §2 wire layout.
constexpr std::size_t kRdataLength = 16;
constexpr std::uint8_t kVersion = 0;
constexpr std::size_t kOffSize = 1, kOffHorizPre = 2, kOffVertPre = 3;
constexpr std::size_t kOffLatitude = 4, kOffLongitude = 8, kOffAltitude = 12;

// Coordinates are thousandths of an arc second offset by 2^31 (equator, prime meridian).
constexpr std::uint32_t kCoordOrigin = 1u << 31;
constexpr std::uint32_t kMsPerSecond = 1000;
constexpr std::uint32_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::uint32_t kMsPerDegree = 60 * kMsPerMinute;
constexpr std::uint32_t kMaxLatitudeDegrees = 90;
constexpr std::uint32_t kMaxLongitudeDegrees = 180;

// Altitude is centimetres above a base 100,000 m below the WGS 84 spheroid.
constexpr std::int64_t kAltitudeBaseCm = 10'000'000;
constexpr std::int64_t kMaxAltitudeCm = 0xFFFFFFFFLL - kAltitudeBaseCm;  // 42849672.95 m

// Precisions: mantissa and power-of-ten exponent of centimetres, both 0-9.
constexpr std::uint64_t kMaxPrecisionCm = 9'000'000'000ULL;  // 9e9 cm = 90,000 km
constexpr std::uint8_t kMaxDigit = 9;
// RFC 1876 §3 defaults: size 1 m, horizontal 10,000 m, vertical 10 m.
constexpr std::uint8_t kDefaultSize = 0x12;
constexpr std::uint8_t kDefaultHorizPre = 0x16;
constexpr std::uint8_t kDefaultVertPre = 0x13;

constexpr std::size_t kMaxIntegerDigits = 12;  // keeps scaled values far from overflow

constexpr std::array<std::uint64_t, 10> kPow10 = {
    1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000};

std::uint32_t get_u32(std::span<const std::uint8_t> b, std::size_t pos) noexcept {
  return std::uint32_t{b[pos]} << 24 | std::uint32_t{b[pos + 1]} << 16 |
         std::uint32_t{b[pos + 2]} << 8 | std::uint32_t{b[pos + 3]};
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool parse_integer(std::string_view t, std::uint32_t& out) noexcept {
  if (t.empty() || t.size() > 3) return false;  // degrees and minutes have at most 3 digits
  std::uint32_t v = 0;
  for (char c : t) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  out = v;
  return true;
}

// A decimal number with at most `frac_digits` decimals, returned scaled by
// 10^frac_digits. Accepts "5", "5.", ".5", "5.25"; a sign only if allowed.
bool parse_decimal(std::string_view t, std::size_t frac_digits, bool allow_sign, bool& negative,
                   std::uint64_t& scaled) noexcept {
  negative = false;
  if (allow_sign && !t.empty() && (t.front() == '-' || t.front() == '+')) {
    negative = t.front() == '-';
    t.remove_prefix(1);
  }
  const std::size_t dot = t.find('.');
  const std::string_view ip = t.substr(0, dot);
  const std::string_view fp = dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  if ((ip.empty() && fp.empty()) || ip.size() > kMaxIntegerDigits || fp.size() > frac_digits)
    return false;
  std::uint64_t v = 0;
  for (char c : ip) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  for (std::size_t k = 0; k < frac_digits; ++k) {
    char c = k < fp.size() ? fp[k] : '0';
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  scaled = v;
  return true;
}

std::string_view strip_metres(std::string_view t) noexcept {
  if (!t.empty() && t.back() == 'm') t.remove_suffix(1);
  return t;
}

// Encodes centimetres as RFC 1876 mantissa/exponent, truncating extra digits
// as the RFC's reference code and BIND do (25 m becomes 2e3 cm).
std::uint8_t encode_precision(std::uint64_t cm) noexcept {
  std::uint8_t exponent = 0;
  while (exponent < kMaxDigit && cm >= kPow10[exponent + 1u]) ++exponent;
  const auto mantissa = static_cast<std::uint8_t>(cm / kPow10[exponent]);
  return static_cast<std::uint8_t>(mantissa << 4 | exponent);
}

bool precision_valid(std::uint8_t b) noexcept {
  const int mantissa = b >> 4, exponent = b & 0x0F;
  // A zero mantissa with a non-zero exponent means 0 too, but would not
  // survive a text round trip; nothing produces it.
  return mantissa <= kMaxDigit && exponent <= kMaxDigit && (mantissa != 0 || exponent == 0);
}

RdataTextError error_at(std::size_t token, const char* message) { return {token, message}; }

// `d [m [s]] H`: returns the wire coordinate or an error; advances `i`.
std::optional<RdataTextError> parse_coordinate(std::span<const TextToken> tokens, std::size_t& i,
                                               std::uint32_t max_degrees, char positive,
                                               char negative, std::uint32_t& out) {
  auto is_hemisphere = [&](std::size_t k) {
    return k < tokens.size() && tokens[k].text.size() == 1 &&
           (tokens[k].text[0] == positive || tokens[k].text[0] == negative);
  };
  const std::size_t first = i;
  std::uint32_t degrees = 0, minutes = 0;
  std::uint64_t millis = 0;
  if (i >= tokens.size() || !parse_integer(tokens[i].text, degrees))
    return error_at(i, "expected degrees");
  if (degrees > max_degrees) return error_at(i, "degrees out of range");
  ++i;
  if (i < tokens.size() && !is_hemisphere(i)) {
    if (!parse_integer(tokens[i].text, minutes)) return error_at(i, "expected minutes");
    if (minutes >= 60) return error_at(i, "minutes out of range");
    ++i;
    if (i < tokens.size() && !is_hemisphere(i)) {
      bool neg = false;
      if (!parse_decimal(tokens[i].text, 3, false, neg, millis))
        return error_at(i, "expected seconds with at most 3 decimals");
      if (millis >= kMsPerMinute) return error_at(i, "seconds out of range");
      ++i;
    }
  }
  if (!is_hemisphere(i))
    return error_at(i, positive == 'N' ? "expected N or S" : "expected E or W");
  const std::uint64_t total = std::uint64_t{degrees} * kMsPerDegree + minutes * kMsPerMinute + millis;
  if (total > std::uint64_t{max_degrees} * kMsPerDegree) return error_at(first, "coordinate out of range");
  const auto t32 = static_cast<std::uint32_t>(total);
  out = tokens[i].text[0] == positive ? kCoordOrigin + t32 : kCoordOrigin - t32;
  ++i;
  return std::nullopt;
}

void append_coordinate(std::uint32_t v, char positive, char negative, std::string& out) {
  const bool pos = v >= kCoordOrigin;
  const std::uint32_t a = pos ? v - kCoordOrigin : kCoordOrigin - v;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%u %u %u.%03u %c", a / kMsPerDegree, a / kMsPerMinute % 60,
                a / kMsPerSecond % 60, a % kMsPerSecond, pos ? positive : negative);
  out += buf;
}

void append_precision(std::uint8_t b, std::string& out) {
  const unsigned mantissa = b >> 4, exponent = b & 0x0Fu;
  char buf[32];
  if (exponent >= 2) {
    std::snprintf(buf, sizeof buf, "%llum",
                  static_cast<unsigned long long>(mantissa * kPow10[exponent - 2]));
  } else {
    std::snprintf(buf, sizeof buf, "0.%02llum",
                  static_cast<unsigned long long>(mantissa * kPow10[exponent]));
  }
  out += buf;
}

}  // namespace

std::optional<RdataTextError> from_text(std::span<const TextToken> tokens,
                                        std::vector<std::uint8_t>& out) {
  std::size_t i = 0;
  std::uint32_t latitude = 0, longitude = 0;
  if (auto e = parse_coordinate(tokens, i, kMaxLatitudeDegrees, 'N', 'S', latitude)) return e;
  if (auto e = parse_coordinate(tokens, i, kMaxLongitudeDegrees, 'E', 'W', longitude)) return e;

  if (i >= tokens.size()) return error_at(i, "expected altitude");
  bool negative = false;
  std::uint64_t cm = 0;
  if (!parse_decimal(strip_metres(tokens[i].text), 2, true, negative, cm))
    return error_at(i, "expected altitude in metres with at most 2 decimals");
  const std::int64_t alt_cm = negative ? -static_cast<std::int64_t>(cm) : static_cast<std::int64_t>(cm);
  if (alt_cm < -kAltitudeBaseCm || alt_cm > kMaxAltitudeCm) return error_at(i, "altitude out of range");
  ++i;

  std::array<std::uint8_t, 3> precisions = {kDefaultSize, kDefaultHorizPre, kDefaultVertPre};
  for (std::uint8_t& p : precisions) {
    if (i >= tokens.size()) break;
    bool neg = false;
    if (!parse_decimal(strip_metres(tokens[i].text), 2, false, neg, cm))
      return error_at(i, "expected a size or precision in metres with at most 2 decimals");
    if (cm > kMaxPrecisionCm) return error_at(i, "size or precision out of range (90000000m max)");
    p = encode_precision(cm);
    ++i;
  }
  if (i < tokens.size()) return error_at(i, "unexpected token after LOC vertical precision");

  out.push_back(kVersion);
  out.insert(out.end(), precisions.begin(), precisions.end());
  put_u32(out, latitude);
  put_u32(out, longitude);
  put_u32(out, static_cast<std::uint32_t>(alt_cm + kAltitudeBaseCm));
  return std::nullopt;
}

void to_text(std::span<const std::uint8_t> rdata, std::string& out) {
  if (rdata.size() != kRdataLength) return;  // contract: valid rdata only
  append_coordinate(get_u32(rdata, kOffLatitude), 'N', 'S', out);
  out += ' ';
  append_coordinate(get_u32(rdata, kOffLongitude), 'E', 'W', out);
  const std::int64_t alt = std::int64_t{get_u32(rdata, kOffAltitude)} - kAltitudeBaseCm;
  const std::uint64_t a = static_cast<std::uint64_t>(alt < 0 ? -alt : alt);
  char buf[40];
  std::snprintf(buf, sizeof buf, " %s%llu.%02llum", alt < 0 ? "-" : "",
                static_cast<unsigned long long>(a / 100), static_cast<unsigned long long>(a % 100));
  out += buf;
  for (std::size_t off : {kOffSize, kOffHorizPre, kOffVertPre}) {
    out += ' ';
    append_precision(rdata[off], out);
  }
}

WireError check(std::span<const std::uint8_t> rdata) {
  if (rdata.size() < kRdataLength) return WireError::Truncated;
  if (rdata.size() > kRdataLength) return WireError::BadRdata;
  // RFC 1876 §2: only version 0 is defined.
  if (rdata[0] != kVersion) return WireError::BadRdata;
  for (std::size_t off : {kOffSize, kOffHorizPre, kOffVertPre})
    if (!precision_valid(rdata[off])) return WireError::BadRdata;
  auto in_range = [](std::uint32_t v, std::uint32_t max_degrees) {
    const std::uint32_t a = v >= kCoordOrigin ? v - kCoordOrigin : kCoordOrigin - v;
    return a <= max_degrees * kMsPerDegree;
  };
  if (!in_range(get_u32(rdata, kOffLatitude), kMaxLatitudeDegrees) ||
      !in_range(get_u32(rdata, kOffLongitude), kMaxLongitudeDegrees))
    return WireError::BadRdata;
  return WireError::Ok;
}

}  // namespace zoned::dns::loc
