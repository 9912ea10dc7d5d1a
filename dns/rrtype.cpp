#include "dns/rrtype.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace zoned::dns {

namespace {

struct TypeName {
  std::string_view name;  // upper case
  std::uint16_t value;
};

// Sorted by name for binary search in type_from_text().
constexpr std::array kTypeNames = std::to_array<TypeName>({
    {"A", 1}, {"A6", 38}, {"AAAA", 28}, {"AFSDB", 18},
    {"AMTRELAY", 260}, {"ANY", 255}, {"APL", 42}, {"ATMA", 34},
    {"AVC", 258}, {"AXFR", 252}, {"CAA", 257}, {"CDNSKEY", 60},
    {"CDS", 59}, {"CERT", 37}, {"CNAME", 5}, {"CSYNC", 62},
    {"DHCID", 49}, {"DLV", 32769}, {"DNAME", 39}, {"DNSKEY", 48},
    {"DOA", 259}, {"DS", 43}, {"EID", 31}, {"EUI48", 108},
    {"EUI64", 109}, {"GPOS", 27}, {"HINFO", 13}, {"HIP", 55},
    {"HTTPS", 65}, {"IPSECKEY", 45}, {"ISDN", 20}, {"IXFR", 251},
    {"KEY", 25}, {"KX", 36}, {"L32", 105}, {"L64", 106},
    {"LOC", 29}, {"LP", 107}, {"MAILA", 254}, {"MAILB", 253},
    {"MB", 7}, {"MD", 3}, {"MF", 4}, {"MG", 8},
    {"MINFO", 14}, {"MR", 9}, {"MX", 15}, {"NAPTR", 35},
    {"NID", 104}, {"NIMLOC", 32}, {"NINFO", 56}, {"NS", 2},
    {"NSAP", 22}, {"NSAP-PTR", 23}, {"NSEC", 47}, {"NSEC3", 50},
    {"NSEC3PARAM", 51}, {"NULL", 10}, {"NXT", 30}, {"OPENPGPKEY", 61},
    {"OPT", 41}, {"PTR", 12}, {"PX", 26}, {"RESINFO", 261},
    {"RKEY", 57}, {"RP", 17}, {"RRSIG", 46}, {"RT", 21},
    {"SIG", 24}, {"SINK", 40}, {"SMIMEA", 53}, {"SOA", 6},
    {"SPF", 99}, {"SRV", 33}, {"SSHFP", 44}, {"SVCB", 64},
    {"TA", 32768}, {"TALINK", 58}, {"TKEY", 249}, {"TLSA", 52},
    {"TSIG", 250}, {"TXT", 16}, {"UINFO", 100}, {"UNSPEC", 103},
    {"URI", 256}, {"WALLET", 262}, {"WKS", 11}, {"X25", 19},
    {"ZONEMD", 63},
});

constexpr std::uint16_t kLowTableSize = 263;  // mnemonics 0..262 by direct index

constexpr std::array<std::string_view, kLowTableSize> make_low_table() {
  std::array<std::string_view, kLowTableSize> t{};
  for (const auto& e : kTypeNames) {
    if (e.value < kLowTableSize) t[e.value] = e.name;
  }
  return t;
}
constexpr auto kLowTable = make_low_table();

constexpr bool names_sorted() {
  for (std::size_t i = 1; i < kTypeNames.size(); ++i) {
    if (!(kTypeNames[i - 1].name < kTypeNames[i].name)) return false;
  }
  return true;
}
static_assert(names_sorted(), "kTypeNames must stay sorted for binary search");

// <0, 0, >0 comparing `text` case-insensitively against upper-case `upper`.
int compare_upper(std::string_view text, std::string_view upper) noexcept {
  std::size_t n = std::min(text.size(), upper.size());
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != upper[i]) return static_cast<unsigned char>(c) < static_cast<unsigned char>(upper[i]) ? -1 : 1;
  }
  return text.size() < upper.size() ? -1 : (text.size() > upper.size() ? 1 : 0);
}

bool starts_with_ci(std::string_view text, std::string_view upper_prefix) noexcept {
  return text.size() >= upper_prefix.size() &&
         compare_upper(text.substr(0, upper_prefix.size()), upper_prefix) == 0;
}

// Decimal 0..65535 with no sign, no leading '+', at least one digit.
std::optional<std::uint16_t> parse_u16(std::string_view digits) noexcept {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v > 0xFFFF) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

std::string_view type_mnemonic(RRType t) noexcept {
  auto v = static_cast<std::uint16_t>(t);
  if (v < kLowTableSize) return kLowTable[v];
  if (v == 32768) return "TA";
  if (v == 32769) return "DLV";
  return {};
}

std::string type_to_text(RRType t) {
  std::string_view m = type_mnemonic(t);
  if (!m.empty()) return std::string(m);
  return "TYPE" + std::to_string(static_cast<std::uint16_t>(t));
}

std::optional<RRType> type_from_text(std::string_view text) noexcept {
  std::size_t lo = 0, hi = kTypeNames.size();
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    int c = compare_upper(text, kTypeNames[mid].name);
    if (c == 0) return static_cast<RRType>(kTypeNames[mid].value);
    if (c < 0) hi = mid; else lo = mid + 1;
  }
  if (starts_with_ci(text, "TYPE")) {
    if (auto v = parse_u16(text.substr(4))) return static_cast<RRType>(*v);
  }
  return std::nullopt;
}

std::string class_to_text(RRClass c) {
  switch (c) {
    case RRClass::IN: return "IN";
    case RRClass::CH: return "CH";
    case RRClass::HS: return "HS";
    case RRClass::NONE: return "NONE";
    case RRClass::ANY: return "ANY";
  }
  return "CLASS" + std::to_string(static_cast<std::uint16_t>(c));
}

std::optional<RRClass> class_from_text(std::string_view text) noexcept {
  if (compare_upper(text, "IN") == 0) return RRClass::IN;
  if (compare_upper(text, "CH") == 0 || compare_upper(text, "CHAOS") == 0) return RRClass::CH;
  if (compare_upper(text, "HS") == 0 || compare_upper(text, "HESIOD") == 0) return RRClass::HS;
  if (compare_upper(text, "NONE") == 0) return RRClass::NONE;
  if (compare_upper(text, "ANY") == 0) return RRClass::ANY;
  if (starts_with_ci(text, "CLASS")) {
    if (auto v = parse_u16(text.substr(5))) return static_cast<RRClass>(*v);
  }
  return std::nullopt;
}

}  // namespace zoned::dns
