#pragma once
// LOC rdata (RFC 1876): presentation <-> wire and wire validation. Only
// version 0 exists; other versions are refused by check().
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/rdata.hpp"

namespace zoned::dns::loc {

// Parses all LOC rdata tokens
// `d1 [m1 [s1]] {N|S} d2 [m2 [s2]] {E|W} alt[m] [siz[m] [hp[m] [vp[m]]]]`
// and appends the 16-octet wire form to `out`.
[[nodiscard]] std::optional<RdataTextError> from_text(std::span<const TextToken> tokens,
                                                      std::vector<std::uint8_t>& out);

// Appends the presentation form of valid LOC rdata, formatted as BIND prints it.
void to_text(std::span<const std::uint8_t> rdata, std::string& out);

// 16 octets, version 0, precisions with digits 0-9, coordinates in range.
[[nodiscard]] WireError check(std::span<const std::uint8_t> rdata);

}  // namespace zoned::dns::loc
