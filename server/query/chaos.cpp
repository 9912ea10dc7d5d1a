#include "server/query/chaos.hpp"

#include <array>
#include <cstdint>
#include <span>

#include "server/query/query_engine.hpp"

namespace zoned::server {
namespace {

// Uncompressed wire forms of the names answered.
constexpr std::array<std::uint8_t, 14> kVersionBind{7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0};
constexpr std::array<std::uint8_t, 16> kVersionServer{7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 6, 's', 'e', 'r', 'v', 'e', 'r', 0};
constexpr std::array<std::uint8_t, 11> kIdServer{2, 'i', 'd', 6, 's', 'e', 'r', 'v', 'e', 'r', 0};
constexpr std::array<std::uint8_t, 15> kHostnameBind{8, 'h', 'o', 's', 't', 'n', 'a', 'm', 'e', 4, 'b', 'i', 'n', 'd', 0};

bool same_name(const dns::Name& qname, std::span<const std::uint8_t> wire) noexcept {
  const std::span<const std::uint8_t> q = qname.wire();
  if (q.size() != wire.size()) return false;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (dns::ascii_lower(q[i]) != wire[i]) return false;
  }
  return true;
}

// The configured text for `qname`; empty when not configured or not a name we answer.
std::string_view text_for(const dns::Name& qname, const EngineSettings& settings) noexcept {
  if (same_name(qname, kVersionBind) || same_name(qname, kVersionServer)) return settings.version;
  if (same_name(qname, kIdServer) || same_name(qname, kHostnameBind)) return settings.identity;
  return {};
}

}  // namespace

dns::Rcode answer_chaos(dns::MessageWriter& writer, const dns::Name& qname, dns::RRType qtype,
                        const EngineSettings& settings) noexcept {
  const std::string_view text = text_for(qname, settings);
  // As knotd: only TXT is answered, without AA (the data is not from a zone).
  if (text.empty() || qtype != dns::RRType::TXT) return dns::Rcode::REFUSED;

  // TXT rdata: character-strings of at most 255 bytes each.
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t size = text.size() < kMaxChaosText ? text.size() : kMaxChaosText;
  std::array<std::uint8_t, kMaxChaosStrings> lengths{};
  std::array<std::span<const std::uint8_t>, 2 * kMaxChaosStrings> parts{};
  std::size_t part_count = 0;
  for (std::size_t pos = 0, s = 0; pos < size; pos += lengths[s++]) {
    lengths[s] = static_cast<std::uint8_t>(size - pos < 255 ? size - pos : 255);
    parts[part_count++] = std::span<const std::uint8_t>(&lengths[s], 1);
    parts[part_count++] = std::span<const std::uint8_t>(bytes + pos, lengths[s]);
  }
  // TTL 0: the answer describes this server, not data to cache.
  if (!writer.add_rr_parts(dns::Section::Answer, qname.wire(), dns::RRType::TXT, dns::RRClass::CH, 0,
                           std::span<const std::span<const std::uint8_t>>(parts.data(), part_count))) {
    writer.set_flag(dns::flag::TC);
  }
  return dns::Rcode::NOERROR;
}

}  // namespace zoned::server
