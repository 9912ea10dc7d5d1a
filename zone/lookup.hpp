#pragma once
// The authoritative lookup of RFC 1034 §4.3.2 over one ZoneVersion, with the
// clarifications of RFC 4592 (wildcards), RFC 6672 (DNAME) and RFC 4035 §3.1.4
// (DS at a cut). Pure functions: no allocation, no locks, no side effects.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "zone/lookup_key.hpp"
#include "zone/zone_version.hpp"

namespace zoned::zone {

struct LookupResult {
  enum class Kind : std::uint8_t {
    // node has rrset of qtype. qtype ANY: rrset is null, the node holds the
    // data. qtype RRSIG: the node has signatures; rrset is the set of those
    // whose covered type is absent (may be null), the rest hang off RRset::rrsigs.
    Answer,
    NoData,          // the name exists (node, or an empty non-terminal: node null) but not the type
    NxDomain,        // no such name and no wildcard
    Referral,        // at or below a zone cut: cut/node = the cut, rrset = its NS
    Cname,           // node owns a CNAME and qtype is not CNAME; rrset = the CNAME
    Dname,           // a DNAME strictly above qname (RFC 6672 §2.3); node/rrset = the DNAME
    WildcardAnswer,  // RFC 4592: synthesized from wildcard (node = wildcard), rrset = qtype set
    WildcardNoData,  // the wildcard exists but has no qtype set
    WildcardCname,   // the wildcard owns a CNAME; rrset = the CNAME
    NotInZone,       // qname is not at or below the origin
  };
  Kind kind = Kind::NxDomain;
  const Node* node = nullptr;
  const RRset* rrset = nullptr;
  // The deepest existing ancestor-or-self of qname (RFC 4592 §3.3.1); null when
  // it is an empty non-terminal. Its label count is always set (absolute, root
  // = 0), so the next closer name is qname.parent(qname labels - labels - 1).
  const Node* closest_encloser = nullptr;
  std::uint8_t closest_encloser_labels = 0;
  const Node* wildcard = nullptr;  // the source of synthesis, when it has a node (null for
                                   // WildcardNoData at an empty-non-terminal wildcard)
  const Node* cut = nullptr;       // Referral only
  // For names without a node of their own (NxDomain, NoData at an empty
  // non-terminal, wildcard kinds): the last node before qname in canonical
  // order that an NSEC chain would hold (occluded nodes are skipped).
  const Node* previous = nullptr;
  // NxDomain and the wildcard kinds: the same for *.<closest encloser>, at or
  // before it (the node whose NSEC proves there is no wildcard, or the
  // wildcard itself).
  const Node* wildcard_previous = nullptr;
};

[[nodiscard]] LookupResult lookup(const ZoneVersion& version, const dns::Name& qname,
                                  dns::RRType qtype) noexcept;
// The same from qname's key (make_lookup_key), when the caller has it.
[[nodiscard]] LookupResult lookup(const ZoneVersion& version, std::span<const std::uint8_t> qname_key,
                                  dns::RRType qtype) noexcept;

// The DNAME substitution of RFC 6672 §2.2: qname with the DNAME owner suffix
// replaced by the DNAME target. False when the result would exceed 255
// octets (the answer is then YXDOMAIN, RFC 6672 §2.2).
[[nodiscard]] bool synthesize_dname_target(const dns::Name& qname, const LookupResult& dname,
                                           dns::Name& out) noexcept;

// CNAME (and DNAME) chain following inside one zone. The server follows at
// most kMaxCnameChain indirections; loops stop at the first repeated name.
inline constexpr std::size_t kMaxCnameChain = 8;  // loop guard; NSD crashed on long chains
struct Chain {
  enum class End : std::uint8_t {
    Done,       // answered: the last step is not a CNAME/DNAME (answer, NoData, NxDomain,
                // referral), or is a DNAME for qtype CNAME (next: the synthesized target)
    LeftZone,   // the last step's target is outside this zone
    Loop,       // the last step's target was already visited
    Capped,     // kMaxCnameChain indirections followed, the chain goes on
    YxDomain,   // a DNAME substitution overflowed 255 octets
  };
  std::array<dns::Name, kMaxCnameChain + 1> names{};  // names[i] was looked up in step i
  std::array<LookupResult, kMaxCnameChain + 1> steps{};
  std::size_t size = 0;
  End end = End::Done;
  dns::Name next;  // for LeftZone: the target outside the zone
};
void follow_chain(const ZoneVersion& version, const dns::Name& qname, dns::RRType qtype,
                  Chain& out) noexcept;
// The same, given qname's key (make_lookup_key) for the first step.
void follow_chain(const ZoneVersion& version, const dns::Name& qname,
                  std::span<const std::uint8_t> qname_key, dns::RRType qtype, Chain& out) noexcept;

// True when the uncompressed wire name `name` (any case) is `ancestor` (a
// lowercased owner) or below it.
[[nodiscard]] bool name_at_or_below(std::span<const std::uint8_t> name,
                                    std::span<const std::uint8_t> ancestor) noexcept;
// The node named `name`, which is at or below `ancestor`'s owner (checked by
// the caller), or null: from `ancestor`'s page when it holds that subtree,
// else by a search.
[[nodiscard]] const Node* find_at_or_below(const ZoneVersion& version, const Node& ancestor,
                                           std::span<const std::uint8_t> name) noexcept;

// Calls fn(const Node& target, const RRset& address_set, bool in_bailiwick)
// for the A and AAAA sets of every NS target of `cut` that has a node in
// this zone, occluded or not, in NS order (RFC 9471 §2.1: in-bailiwick glue,
// at or below the cut, is required; sibling glue elsewhere in the zone is
// optional). A target outside the zone costs no search, one below the cut
// mostly none (it follows the cut in its page).
template <class Fn>
void glue_for(const ZoneVersion& version, const Node& cut, Fn&& fn) {
  const RRset* ns = cut.find(dns::RRType::NS);
  if (ns == nullptr) return;
  ns->for_each_rdata([&](std::span<const std::uint8_t> target) {
    const bool in_bailiwick = name_at_or_below(target, cut.owner);
    const Node* n = nullptr;
    if (in_bailiwick) {
      n = find_at_or_below(version, cut, target);
    } else if (name_at_or_below(target, version.apex().owner)) {
      n = find_at_or_below(version, version.apex(), target);
    }
    if (n == nullptr) return;
    if (const RRset* a = n->find(dns::RRType::A)) fn(*n, *a, in_bailiwick);
    if (const RRset* aaaa = n->find(dns::RRType::AAAA)) fn(*n, *aaaa, in_bailiwick);
  });
}

}  // namespace zoned::zone
