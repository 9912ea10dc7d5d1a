#pragma once
// Class CH queries: the server's identity and version as TXT records
// (version.bind, version.server, id.server, hostname.bind; RFC 4892 §2.2),
// answered only when configured.
#include <string_view>

#include "dns/header.hpp"
#include "dns/message_writer.hpp"
#include "dns/name.hpp"
#include "dns/rrtype.hpp"

namespace zoned::server {

struct EngineSettings;

// Longest configured text that is answered: four TXT character-strings.
inline constexpr std::size_t kMaxChaosStrings = 4;
inline constexpr std::size_t kMaxChaosText = kMaxChaosStrings * 255;

// Writes the answer to a CH query after the question; returns its rcode
// (REFUSED for other names and types, and for values not configured).
[[nodiscard]] dns::Rcode answer_chaos(dns::MessageWriter& writer, const dns::Name& qname,
                                      dns::RRType qtype, const EngineSettings& settings) noexcept;

}  // namespace zoned::server
