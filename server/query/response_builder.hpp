#pragma once
// ResponseBuilder: turns the result of zone::follow_chain into the answer,
// authority and additional sections of a response, within the writer's limit.
//
// Answering choices (where RFCs leave freedom, or where we differ from knotd;
// compared with knotd 3.2 on the same zone, byte for byte where they agree):
// - Truncation: the answer and authority sections are all or nothing. If any
//   of their RRsets does not fit, the response is header + question (+ OPT)
//   with TC=1 (knotd keeps the RRsets that fitted). Additional data that does
//   not fit is left out without TC, except in-bailiwick referral glue
//   (RFC 9471 §3), which sets TC; sibling glue is optional and written after it.
// - Positive answers carry no NS in authority (as knotd 3.x). Additional A/AAAA
//   are added for in-zone targets of NS, MX, SRV, SVCB and HTTPS records (as
//   knotd), each target once (knotd repeats a target named twice, e.g. by two
//   MX), at most kMaxAdditionalTargets distinct targets per response.
// - CNAME chains are followed inside the zone only; the rcode is that of the
//   last step (RFC 6604 §3): NXDOMAIN for a chain ending at a missing name.
//   Loops and over-long chains end with the CNAMEs written so far, NOERROR.
// - DNAME: the DNAME and the synthesized CNAME (TTL of the DNAME, RFC 6672
//   §3.1); a substitution longer than 255 octets answers YXDOMAIN (§2.2).
// - qtype ANY (RFC 8482 §4.2): one RRset of the node, the first in type order,
//   over UDP and TCP alike (knotd 3.2 answers the same).
// - qtype RRSIG: every signature at the name (DNSSEC answers come with [DNSSEC]).
// Choices made in QueryEngine (query_engine.cpp), listed here in one place:
// - Header: only RD and the opcode are copied; CD, AD, Z, RA, AA, TC of the
//   query are not echoed (as knotd, which clears CD too).
// - Malformed queries (anything but a short header or QR=1, which are
//   dropped) get FORMERR, with the question when it was read, and a bare OPT
//   when the query's OPT was valid (knotd drops many of them and never adds
//   an OPT to FORMERR). QDCOUNT 0 or >= 2: FORMERR (RFC 9619).
// - Opcodes other than QUERY, NOTIFY and UPDATE included: NOTIMP (knotd
//   answers NOTIFY/UPDATE NOTAUTH when no ACL allows them).
// - QTYPE 0: NOTIMP; other meta types are ordinary lookups (NODATA), as knotd.
//   AXFR over UDP: NOTIMP; AXFR over TCP and IXFR: NOTAUTH until transfers
//   exist (knotd with no transfer ACL answers the same).
// - QCLASS IN and * (ANY) are answered from the zones (as knotd); CH only
//   for TXT version.bind/version.server/id.server/hostname.bind when
//   configured, TTL 0, without AA (as knotd); anything else REFUSED.
// - No served zone: REFUSED with Extended DNS Error 20 (RFC 8914), as knotd.
//   A zone served but not loaded: SERVFAIL.
// - EDNS: our OPT advertises udp_max_payload; NSID and COOKIE go into every
//   response with an OPT except FORMERR (BADVERS, NOTIMP, REFUSED included, as
//   knotd). edns-tcp-keepalive only over TCP to clients that sent it.
// - Cookies: every response to a COOKIE carries a fresh server cookie, whether
//   the one received was valid or not; BADCOOKIE is never sent (RFC 7873 §5.2.3,
//   §5.2.5 allow answering normally). Validity is reported in the Outcome.
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
