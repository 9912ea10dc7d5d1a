#pragma once
// SvcParams of SVCB and HTTPS rdata (RFC 9460 §2; dohpath RFC 9461, ohttp
// RFC 9540): presentation <-> wire and wire validation. dns/rdata.cpp handles
// SvcPriority and TargetName and delegates the parameter list here.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/rdata.hpp"

namespace zoned::dns::svcb {

// Parses the SvcParam tokens (after SvcPriority and TargetName), sorts them by
// key and appends their wire form to `out`. Error token indexes are relative
// to `tokens`. Rejects what params_check() would reject.
[[nodiscard]] std::optional<RdataTextError> params_from_text(std::span<const TextToken> tokens,
                                                             std::vector<std::uint8_t>& out);

// Appends the presentation form of wire SvcParams, each preceded by one space,
// formatted as BIND prints them. Never reads out of bounds, even on bad input.
void params_to_text(std::span<const std::uint8_t> params, std::string& out);

// Validates untrusted wire SvcParams (RFC 9460 §2.2 and the per-key rules).
[[nodiscard]] WireError params_check(std::span<const std::uint8_t> params);

}  // namespace zoned::dns::svcb
