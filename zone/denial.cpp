// Selection of NSEC / NSEC3 denial records (denial.hpp).
#include "zone/denial.hpp"

#include <algorithm>
#include <cstring>

#include "zone/nsec3.hpp"

namespace zoned::zone {

namespace {

using Kind = LookupResult::Kind;
using Wire = std::span<const std::uint8_t>;

// The kinds that carry a denial; a referral only when its cut has no DS
// (RFC 4035 §3.1.4: the proof that the delegation is unsigned).
bool needs_proof(const LookupResult& step) noexcept {
  switch (step.kind) {
    case Kind::NxDomain:
    case Kind::NoData:
    case Kind::WildcardAnswer:
    case Kind::WildcardCname:
    case Kind::WildcardNoData:
      return true;
    case Kind::Referral:
      return step.cut != nullptr && step.cut->find(dns::RRType::DS) == nullptr;
    default:
      return false;
  }
}

void add_nsec(const Node* node, DenialProof& out) noexcept {
  if (node != nullptr) out.add(node, node->find(dns::RRType::NSEC));
}

// RFC 4035 §3.1.3: NSEC proofs. Each name without a node of its own is
// proven by the NSEC of the node before it, which lookup() reports.
void add_nsec_denial(const LookupResult& step, DenialProof& out) noexcept {
  switch (step.kind) {
    case Kind::NxDomain:  // §3.1.3.2: qname and the wildcard do not exist
      add_nsec(step.previous, out);
      add_nsec(step.wildcard_previous, out);
      break;
    case Kind::NoData:  // §3.1.3.1 (an empty non-terminal: the NSEC before it)
      add_nsec(step.node != nullptr ? step.node : step.previous, out);
      break;
    case Kind::WildcardAnswer:
    case Kind::WildcardCname:  // §3.1.3.3: no closer match
      add_nsec(step.previous, out);
      break;
    case Kind::WildcardNoData:  // §3.1.3.4: no closer match, no type at the wildcard
      add_nsec(step.previous, out);
      add_nsec(step.wildcard != nullptr ? step.wildcard : step.wildcard_previous, out);
      break;
    case Kind::Referral:  // §3.1.4: the NSEC of an unsigned cut shows no DS
      add_nsec(step.cut, out);
      break;
    default:
      break;
  }
}

// RFC 5155 §7.2 proofs about one name (qname, or the cut of a referral) and
// its ancestors, each hashed at most once.
class Nsec3Prover {
 public:
  // `name` lies at or below the origin, which has `origin_labels` labels.
  Nsec3Prover(const Nsec3Chain& chain, Wire name, std::size_t origin_labels, DenialProof& out) noexcept
      : chain_(chain), name_(name), origin_labels_(origin_labels), out_(out) {
    for (std::size_t p = 0; p < name.size() && name[p] != 0 && labels_ < dns::Name::kMaxLabels;
         p += name[p] + 1u)
      offsets_[labels_++] = static_cast<std::uint8_t>(p);
    offsets_[labels_] = static_cast<std::uint8_t>(name.empty() ? 0 : std::min<std::size_t>(name.size() - 1, 0xff));
  }

  [[nodiscard]] std::size_t labels() const noexcept { return labels_; }

  // The NSEC3 whose owner hash is that of the ancestor with `k` labels (null
  // when the name has fewer labels: a lookup result that does not fit it).
  const Nsec3Entry* matching(std::size_t k) noexcept { return k <= labels_ ? chain_.matching(hash(k)) : nullptr; }
  void add_covering(std::size_t k) noexcept {
    if (k <= labels_) add(chain_.covering(hash(k)));
  }

  // §7.2.1: the NSEC3 matching the closest encloser (`k` labels) and the one
  // covering the next closer name. An encloser without an NSEC3 (an empty
  // non-terminal leading only to opt-out delegations, §7.1) is replaced by
  // the closest provable encloser, the nearest ancestor with one (at worst
  // the apex); the next closer is then the name one label below that
  // (§7.2.4, §7.2.7). With k = the name's labels: the name's own NSEC3, if any.
  // Returns the label count of the encloser proven.
  std::size_t add_closest_provable_encloser_proof(std::size_t k) noexcept {
    for (std::size_t n = k + 1; n-- > origin_labels_;) {
      if (const Nsec3Entry* e = matching(n)) {
        add(e);
        add_covering(n + 1);  // none when n is the whole name
        return n;
      }
    }
    return origin_labels_;
  }

  // *.<ancestor with k labels>: its matching (wildcard NODATA, §7.2.5) or
  // covering (NXDOMAIN, §7.2.2) NSEC3.
  void add_wildcard(std::size_t k, bool match) noexcept {
    if (k > labels_) return;
    const Wire encloser = suffix(k);
    std::array<std::uint8_t, dns::Name::kMaxWireLength> wildcard;
    if (encloser.size() + 2 > wildcard.size()) return;  // *.<encloser> cannot exist
    Nsec3Hash h = chain_.origin_wildcard_hash();
    if (k != origin_labels_) {
      wildcard[0] = 1;
      wildcard[1] = '*';
      std::memcpy(wildcard.data() + 2, encloser.data(), encloser.size());
      h = nsec3_hash({wildcard.data(), encloser.size() + 2}, chain_.params());
    }
    add(match ? chain_.matching(h) : chain_.covering(h));
  }

 private:
  Wire suffix(std::size_t k) const noexcept { return name_.subspan(offsets_[labels_ - k]); }

  const Nsec3Hash& hash(std::size_t k) noexcept {
    if (k == origin_labels_) return chain_.origin_hash();
    if (!known_[k]) {
      hashes_[k] = nsec3_hash(suffix(k), chain_.params());
      known_[k] = true;
    }
    return hashes_[k];
  }

  void add(const Nsec3Entry* e) noexcept {
    if (e != nullptr) out_.add(e->node, e->rrset);
  }

  const Nsec3Chain& chain_;
  Wire name_;
  std::size_t origin_labels_;
  DenialProof& out_;
  std::size_t labels_ = 0;
  std::array<std::uint8_t, dns::Name::kMaxLabels + 1> offsets_{};  // label i starts at offsets_[i]
  std::array<bool, dns::Name::kMaxLabels + 1> known_{};             // by label count
  std::array<Nsec3Hash, dns::Name::kMaxLabels + 1> hashes_;         // valid where known_
};

void add_nsec3_denial(const Nsec3Chain& chain, std::size_t origin_labels, const dns::Name& qname,
                      const LookupResult& step, DenialProof& out) noexcept {
  // A referral's proofs are about its cut, the others' about qname.
  Nsec3Prover prover(chain, step.kind == Kind::Referral ? step.cut->owner : qname.wire(), origin_labels, out);
  const std::size_t encloser = step.closest_encloser_labels;
  switch (step.kind) {
    case Kind::NxDomain:  // §7.2.2; the wildcard is that of the encloser proven (§8.4)
      prover.add_wildcard(prover.add_closest_provable_encloser_proof(encloser), false);
      break;
    // §7.2.3, and §7.2.4 for DS at an opt-out delegation; the same fallback
    // serves an empty non-terminal that has no NSEC3 because it leads only to
    // opt-out delegations (§7.1), whatever the type.
    case Kind::NoData:
    // §7.2.7: the cut has its own NSEC3 (without DS), or lies in an opt-out span.
    case Kind::Referral:
      prover.add_closest_provable_encloser_proof(prover.labels());
      break;
    case Kind::WildcardAnswer:
    case Kind::WildcardCname:  // §7.2.6: the next closer name does not exist
      prover.add_covering(encloser + 1);
      break;
    case Kind::WildcardNoData:  // §7.2.5
      prover.add_closest_provable_encloser_proof(encloser);
      prover.add_wildcard(encloser, true);
      break;
    default:
      break;
  }
}

}  // namespace

void DenialProof::add(const Node* node, const RRset* rrset) noexcept {
  if (rrset == nullptr || count == records.size()) return;
  const auto end = records.begin() + static_cast<std::ptrdiff_t>(count);
  if (std::any_of(records.begin(), end, [&](const DenialRecord& r) { return r.rrset == rrset; })) return;
  records[count++] = {node, rrset};
}

// qtype is not needed: the step's kind already tells DS at a cut (NoData)
// from a referral.
void add_denial(const ZoneVersion& version, const dns::Name& qname, dns::RRType /*qtype*/,
                const LookupResult& step, DenialProof& out) noexcept {
  if (version.node_count() == 0 || !needs_proof(step)) return;
  // A zone moving from NSEC to NSEC3 publishes its NSEC3PARAM once the NSEC3
  // chain is complete (RFC 5155 §10.4): from then on NSEC3 is the proof.
  if (const Nsec3Chain* chain = version.nsec3_chain()) {
    add_nsec3_denial(*chain, version.origin().label_count(), qname, step, out);
  } else if (version.apex().find(dns::RRType::NSEC) != nullptr) {
    add_nsec_denial(step, out);
  }
}

}  // namespace zoned::zone
