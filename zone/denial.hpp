#pragma once
// Authenticated denial of existence: which NSEC or NSEC3 records (with their
// RRSIGs, reached through RRset::rrsigs) prove a lookup result, for the
// authority section of an answer with the DO bit. NSEC per RFC 4035 §3.1.3,
// NSEC3 per RFC 5155 §7.2; wildcard answers also carry the proof that no
// closer match exists (RFC 4035 §3.1.3.3, RFC 5155 §7.2.6). Allocation-free:
// NSEC3 hashes are computed on the stack.
#include <array>
#include <cstddef>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "zone/lookup.hpp"
#include "zone/zone_version.hpp"

namespace zoned::zone {

// One NSEC or NSEC3 RRset to write under `node`'s owner.
struct DenialRecord {
  const Node* node = nullptr;
  const RRset* rrset = nullptr;
};

// Enough for the longest CNAME chain (one wildcard proof per step) ending in
// an NSEC3 NXDOMAIN proof.
inline constexpr std::size_t kMaxDenialRecords = 2 * (kMaxCnameChain + 1) + 3;

struct DenialProof {
  std::array<DenialRecord, kMaxDenialRecords> records{};
  std::size_t count = 0;
  // Adds `rrset` at `node` unless already present (the same NSEC often
  // proves two things); ignores a null rrset.
  void add(const Node* node, const RRset* rrset) noexcept;
};

// Adds to `out` the records that prove `step`, the result of looking up
// `qname` / `qtype` in `version`:
//   NxDomain          qname and *.<closest encloser> do not exist
//   NoData            the type is absent at qname (also an empty non-terminal,
//                     and DS at a delegation without DS)
//   WildcardAnswer,
//   WildcardCname     no closer match than the wildcard
//   WildcardNoData    no closer match, and the wildcard lacks the type
//   Referral          without DS at the cut: the cut has no DS (NSEC, or
//                     NSEC3 matching the cut, or an opt-out proof)
// and nothing for other kinds, or when the version has neither an NSEC at
// the apex nor an NSEC3 chain (an unsigned zone). In an NSEC3 zone, a name
// that should have an NSEC3 but lies in an opt-out span (RFC 5155 §6) is
// proven by its closest provable encloser instead (§7.2.4, §7.2.7).
void add_denial(const ZoneVersion& version, const dns::Name& qname, dns::RRType qtype,
                const LookupResult& step, DenialProof& out) noexcept;

}  // namespace zoned::zone
