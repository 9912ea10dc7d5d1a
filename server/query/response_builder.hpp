#pragma once
// ResponseBuilder: turns the result of zone::follow_chain into the answer,
// authority and additional sections of a response, within the writer's limit.
//
// The answering choices (truncation, additional data, CNAME bound, ANY,
// malformed queries, opcodes, classes, EDNS, cookies), each with its reason
// and where it differs from knotd, are listed in docs/DECISIONS.md,
// "Answering".
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "dns/header.hpp"
#include "dns/message_writer.hpp"
#include "dns/rrtype.hpp"
#include "zone/lookup.hpp"
#include "zone/zone_version.hpp"

namespace zoned::server {

// Distinct targets whose addresses go into the additional section.
inline constexpr std::size_t kMaxAdditionalTargets = 32;

struct SectionsResult {
  dns::Rcode rcode = dns::Rcode::NOERROR;
  bool authoritative = true;  // false for a referral
  bool truncated = false;
};

class ResponseBuilder {
 public:
  // `writer` holds the header and question; sections follow in order.
  ResponseBuilder(dns::MessageWriter& writer, const zone::ZoneVersion& version) noexcept
      : writer_(writer), version_(version) {}

  [[nodiscard]] SectionsResult write(const zone::Chain& chain, dns::RRType qtype) noexcept;

 private:
  // Writes one stored RRset under `owner`; false (nothing written) if it does not fit.
  [[nodiscard]] bool add_rrset(dns::Section section, std::span<const std::uint8_t> owner,
                               const zone::RRset& rrset) noexcept;
  // The answer records of one chain step; false if they do not fit.
  [[nodiscard]] bool write_step(const zone::Chain& chain, std::size_t i, dns::RRType qtype) noexcept;
  [[nodiscard]] bool write_node_answer(std::span<const std::uint8_t> owner, const zone::Node& node,
                                       const zone::RRset* rrset, dns::RRType qtype) noexcept;
  [[nodiscard]] bool write_synthesized_cname(const zone::Chain& chain, std::size_t i) noexcept;
  void note_additional(const zone::RRset& rrset) noexcept;
  void write_additional() noexcept;
  // Glue of a referral: false when in-bailiwick glue did not fit.
  [[nodiscard]] bool write_glue(const zone::Node& cut) noexcept;
  void add_addresses(const zone::Node& target) noexcept;

  dns::MessageWriter& writer_;
  const zone::ZoneVersion& version_;
  // RRsets of the answer whose targets get addresses in the additional section.
  std::array<const zone::RRset*, zone::kMaxCnameChain + 1> additional_sources_{};
  std::size_t additional_source_count_ = 0;
  std::array<const zone::Node*, kMaxAdditionalTargets> additional_targets_{};
  std::size_t additional_target_count_ = 0;
};

}  // namespace zoned::server
