#include "server/config/config_values.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

#include "server/config/config.hpp"

namespace zoned::server {
namespace {

using std::chrono::milliseconds;

// Keeps number × unit far inside int64 milliseconds (10^9 h ≈ 3.6·10^15 ms).
constexpr std::uint64_t kMaxDurationNumber = 1'000'000'000;
// Beyond this many edits a key is not a typo of another.
constexpr std::size_t kMaxTypoDistance = 2;

struct DurationUnit {
  std::string_view suffix;
  milliseconds length;
};
// Longest first, so that "ms" is not read as "m" followed by junk, and so that
// format_duration picks the largest exact unit.
constexpr std::array<DurationUnit, 4> kDurationUnits{{
    {"h", std::chrono::hours(1)},
    {"m", std::chrono::minutes(1)},
    {"s", std::chrono::seconds(1)},
    {"ms", milliseconds(1)},
}};

[[nodiscard]] std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(),
                                     [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

[[nodiscard]] std::string normalized_key(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    if (c == '_') c = '-';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<milliseconds> parse_duration(std::string_view text) {
  const auto digits_end = std::find_if(text.begin(), text.end(),
                                       [](char c) { return c < '0' || c > '9'; });
  const std::string_view digits(text.begin(), digits_end);
  const std::string_view suffix(digits_end, text.end());
  const auto number = parse_decimal(digits);
  if (!number || *number > kMaxDurationNumber) return std::nullopt;
  if (suffix.empty()) return std::chrono::seconds(*number);
  for (const DurationUnit& unit : kDurationUnits) {
    if (suffix == unit.suffix) return unit.length * static_cast<std::int64_t>(*number);
  }
  return std::nullopt;
}

std::string format_duration(milliseconds duration) {
  if (duration == milliseconds(0)) return "0s";
  for (const DurationUnit& unit : kDurationUnits) {
    if (duration.count() % unit.length.count() == 0) {
      return std::to_string(duration.count() / unit.length.count()) + std::string(unit.suffix);
    }
  }
  return std::to_string(duration.count()) + "ms";  // not reached: every count divides by 1ms
}

std::string backticked(std::string_view text) {
  std::string quoted(1, '`');
  quoted.append(text).push_back('`');
  return quoted;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string_view closest_key(std::string_view key, std::span<const std::string_view> allowed) {
  const std::string wanted = normalized_key(key);
  std::string_view best;
  std::size_t best_distance = kMaxTypoDistance + 1;
  for (const std::string_view candidate : allowed) {
    const std::size_t distance = edit_distance(wanted, candidate);
    // A short key two edits away from another short key is a different word.
    if (distance < best_distance && distance < std::max(wanted.size(), candidate.size())) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  // The last '@' splits: an IPv6 address never contains one.
  const std::size_t at = text.rfind('@');
  const std::string address(text.substr(0, at));
  ListenAddress result;
  if (at != std::string_view::npos) {
    const auto port = parse_decimal(text.substr(at + 1));
    if (!port || *port == 0 || *port > 65535) {
      return Error{"bad port " + backticked(text.substr(at + 1)) +
                   " (expected a number from 1 to 65535)"};
    }
    result.port = static_cast<std::uint16_t>(*port);
  }
  if (address.starts_with('[')) {
    return Error{backticked(text) + ": write IPv6 addresses without brackets, as ::1@5353"};
  }
  // Stored in inet_ntop's canonical form, so that "::0001" and "::1" compare equal.
  std::array<unsigned char, 16> binary{};
  std::array<char, INET6_ADDRSTRLEN> canonical{};
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, address.c_str(), binary.data()) == 1 &&
        inet_ntop(family, binary.data(), canonical.data(), canonical.size()) != nullptr) {
      result.address = canonical.data();
      return result;
    }
  }
  return Error{backticked(address) + " is not a numeric IPv4 or IPv6 address (expected ADDR@PORT, " +
               "like 127.0.0.1@5353 or ::1@5353; host names are not looked up)"};
}

Result<AddressPrefix> parse_address_prefix(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  AddressPrefix prefix;
  if (inet_pton(AF_INET, address.c_str(), prefix.address.data()) == 1) {
    prefix.length = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), prefix.address.data()) == 1) {
    prefix.ipv6 = true;
    prefix.length = 128;
  } else {
    return Error{backticked(text) + " is not an address prefix (expected ADDR/LEN, like " +
                 "192.0.2.0/24 or 2001:db8::/32)"};
  }
  if (slash != std::string_view::npos) {
    const auto length = parse_decimal(text.substr(slash + 1));
    if (!length || *length > prefix.length) {
      return Error{backticked(text) + ": the prefix length must be 0.." +
                   std::to_string(prefix.length)};
    }
    prefix.length = static_cast<std::uint8_t>(*length);
  }
  for (std::size_t bit = prefix.length; bit < 128; ++bit) {
    if ((prefix.address[bit / 8] & (0x80u >> (bit % 8))) != 0) {
      return Error{backticked(text) + " has bits set past its /" + std::to_string(prefix.length) +
                   " (did you mean the network address?)"};
    }
  }
  return prefix;
}

}  // namespace zoned::server
