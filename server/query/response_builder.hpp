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
#include "zone/denial.hpp"
#include "zone/lookup.hpp"
#include "zone/zone_version.hpp"

namespace zoned::server {

// Distinct targets whose addresses go into the additional section.
inline constexpr std::size_t kMaxAdditionalTargets = 32;
// Sibling glue address sets of one referral (optional data, RFC 9471 §2.1).
inline constexpr std::size_t kMaxSiblingGlue = 32;

struct SectionsResult {
  dns::Rcode rcode = dns::Rcode::NOERROR;
  bool authoritative = true;  // false for a referral
  bool truncated = false;
};

class ResponseBuilder {
 public:
  // `writer` holds the header and question; sections follow in order.
  // `dnssec`: the query had the DO bit (RFC 3225): RRSIGs go beside every
  // RRset that has them, with DS or denial proofs in the authority section.
  ResponseBuilder(dns::MessageWriter& writer, const zone::ZoneVersion& version, bool dnssec) noexcept
      : writer_(writer), version_(version), dnssec_(dnssec) {}

  [[nodiscard]] SectionsResult write(const zone::Chain& chain, dns::RRType qtype) noexcept;

 private:
  // Writes one stored RRset under `owner`, with its RRSIGs when dnssec_;
  // false (nothing written) if they do not all fit.
  [[nodiscard]] bool add_rrset(dns::Section section, std::span<const std::uint8_t> owner,
                               const zone::RRset& rrset) noexcept;
  [[nodiscard]] bool add_records(dns::Section section, std::span<const std::uint8_t> owner,
                                 const zone::RRset& rrset, std::uint32_t ttl) noexcept;
  // With DNSSEC: the NSEC/NSEC3 records proving the chain's negative or
  // wildcard steps (zone/denial.hpp); false if they do not fit.
  [[nodiscard]] bool write_denial(const zone::Chain& chain, dns::RRType qtype) noexcept;
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
  const bool dnssec_;
  // RRsets of the answer whose targets get addresses in the additional section.
  std::array<const zone::RRset*, zone::kMaxCnameChain + 1> additional_sources_{};
  std::size_t additional_source_count_ = 0;
  std::array<const zone::Node*, kMaxAdditionalTargets> additional_targets_{};
  std::size_t additional_target_count_ = 0;
};

}  // namespace zoned::server
