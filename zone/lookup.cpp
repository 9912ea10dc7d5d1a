// The authoritative lookup (lookup.hpp). Ancestors of qname are prefixes of
// its key cut at label terminators, so walking down from the apex is a series
// of O(log n) searches with no name arithmetic and no allocation.
#include "zone/lookup.hpp"

#include <algorithm>
#include <cstring>

namespace zoned::zone {

namespace {

using Key = std::span<const std::uint8_t>;

bool is_prefix(Key prefix, Key key) noexcept {
  return prefix.size() <= key.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

bool same_key(Key a, Key b) noexcept { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// End of the label that starts at `pos` in a key, just past its 0 terminator.
std::size_t next_label_end(Key key, std::size_t pos) noexcept {
  while (pos < key.size() && key[pos] != 0) ++pos;
  return pos + 1;
}

// The last node before a name in an NSEC chain, given `p`, the last node
// before it in key order: occluded nodes are not in the chain (RFC 4035
// §2.3), so a predecessor below a cut or DNAME is replaced by that topmost
// cut / DNAME owner, which precedes all its descendants.
const Node* previous_in_chain(const ZoneVersion& v, const Node* p) noexcept {
  if (p == nullptr || !p->has(node_flag::kOccluded)) return p;
  const Key apex = v.apex().key;
  for (std::size_t end = apex.size(); end < p->key.size();) {
    end = next_label_end(p->key, end);
    const Node* a = v.find(p->key.first(end));
    if (a != nullptr && !a->has(node_flag::kOccluded) &&
        (a->has(node_flag::kDelegation) || a->has(node_flag::kHasDname)))
      return a;
  }
  return p;  // not reached for a consistent version
}

// Whether the node right after `n` in canonical order is in its page (n + 1):
// all but the page's last node.
bool follows_in_page(const Node& n) noexcept { return n.descendants_in_page > 0 || !n.subtree_reaches_page_end; }

// What the node right after a name in canonical order (`next`, null at
// the end of the zone) says of the name's child `*` (RFC 4592 §2.1.1): the
// children follow their parent in order of their first key byte, and '*'
// (0x2a) sorts before the usual name characters.
enum class WildcardChild : std::uint8_t { Found, Absent, Unknown };
WildcardChild wildcard_child(Key parent, const Node* next, const Node*& wildcard) noexcept {
  if (next == nullptr || next->key.size() <= parent.size() || !is_prefix(parent, next->key)) {
    return WildcardChild::Absent;  // no descendants
  }
  const std::size_t at = parent.size();
  const std::uint8_t byte = next->key[at];
  if (byte > '*') return WildcardChild::Absent;  // every child sorts after `*` and below it
  if (byte == '*' && next->key.size() == at + 2 && next->key[at + 1] == 0 && !next->has(node_flag::kNsec3Only)) {
    wildcard = next;
    return WildcardChild::Found;
  }
  return WildcardChild::Unknown;
}

// What a node answers for qtype (exact or wildcard match).
void answer_from(const Node& n, dns::RRType qtype, bool wildcard, LookupResult& r) noexcept {
  using K = LookupResult::Kind;
  r.node = &n;
  if (qtype == dns::RRType::ANY) {
    r.kind = wildcard ? K::WildcardAnswer : K::Answer;
    return;
  }
  if (qtype == dns::RRType::RRSIG) {
    // Signatures of present types hang off their sets; only those whose type
    // is absent form a set of their own. Any of them makes an answer.
    const bool any = std::any_of(n.rrsets.begin(), n.rrsets.end(), [](const RRset& s) {
      return s.rrsigs != nullptr || s.type == dns::RRType::RRSIG;
    });
    if (any) {
      r.kind = wildcard ? K::WildcardAnswer : K::Answer;
      r.rrset = n.find(dns::RRType::RRSIG);
      return;
    }
  }
  if (const RRset* s = n.find(qtype)) {
    r.kind = wildcard ? K::WildcardAnswer : K::Answer;
    r.rrset = s;
    return;
  }
  // RFC 1034 §4.3.2 step 3a: a CNAME at the name answers every other type.
  if (const RRset* c = n.find(dns::RRType::CNAME)) {
    r.kind = wildcard ? K::WildcardCname : K::Cname;
    r.rrset = c;
    return;
  }
  r.kind = wildcard ? K::WildcardNoData : K::NoData;
}

}  // namespace

LookupResult lookup(const ZoneVersion& version, const dns::Name& qname,
                    dns::RRType qtype) noexcept {
  KeyBuffer buf;
  return lookup(version, make_lookup_key(qname.wire(), buf), qtype);
}

LookupResult lookup(const ZoneVersion& version, const Key key, dns::RRType qtype) noexcept {
  using K = LookupResult::Kind;
  LookupResult r;
  if (version.node_count() == 0) {
    r.kind = K::NotInZone;
    return r;
  }
  const Node& apex = version.apex();
  if (!is_prefix(apex.key, key)) {
    r.kind = K::NotInZone;
    return r;
  }

  // Walk from the apex down the ancestors of qname. `n` is the node at the
  // current prefix, null for an empty non-terminal.
  std::size_t end = apex.key.size();
  std::size_t labels = version.origin().label_count();
  const Node* n = &apex;
  // The node right after the current prefix in canonical order (null: none),
  // when known: from the node's page, or the search that found no node.
  bool next_known = follows_in_page(apex);
  const Node* next_node = next_known ? &apex + 1 : nullptr;
  const Node* before_prefix = nullptr;  // for an empty non-terminal prefix: the node before it
  bool exists = true;
  // When qname does not exist: the last node before it. No node lies between
  // the first missing ancestor and qname (none is below that ancestor), so
  // the search for that ancestor already found it.
  const Node* before_qname = nullptr;
  for (;;) {
    const bool exact = end == key.size();
    if (n != nullptr) {
      // RFC 1034 §4.3.2 step 3b: the highest cut at or above qname refers,
      // except that DS at the cut belongs to the parent (RFC 4035 §3.1.4.1).
      if (n->has(node_flag::kDelegation) && !(exact && qtype == dns::RRType::DS)) {
        r = LookupResult{};
        r.kind = K::Referral;
        r.node = r.cut = n;
        r.rrset = n->find(dns::RRType::NS);
        return r;
      }
      // RFC 6672 §2.3: a DNAME redirects the names strictly below its owner.
      if (!exact && n->has(node_flag::kHasDname)) {
        r = LookupResult{};
        r.kind = K::Dname;
        r.node = n;
        r.rrset = n->find(dns::RRType::DNAME);
        return r;
      }
    }
    r.closest_encloser = n;
    r.closest_encloser_labels = static_cast<std::uint8_t>(labels);
    if (exact) break;
    // Below a node with no descendants nothing exists: no search needed.
    if (n != nullptr && next_known &&
        (next_node == nullptr || !is_prefix(key.first(end), next_node->key))) {
      exists = false;
      before_qname = n;
      break;
    }
    const std::size_t next = next_label_end(key, end);
    const Key prefix = key.first(next);
    // A name holding only an NSEC3 is treated as if it had no node (RFC 5155
    // §7.2.8): it does not exist unless names below it do.
    const auto located = version.locate(prefix);
    if (const Node* found = located.node; found != nullptr && !found->has(node_flag::kNsec3Only)) {
      n = found;
      next_known = follows_in_page(*found);
      next_node = next_known ? found + 1 : nullptr;
      end = next;
      ++labels;
      continue;
    }
    // No node: an empty non-terminal, or no such name.
    const auto nb = located.node == nullptr ? located.neighbours : version.neighbours(prefix);
    if (nb.after == nullptr || nb.after->key.size() <= prefix.size() || !is_prefix(prefix, nb.after->key)) {
      exists = false;
      before_qname = nb.at_or_before;
      break;
    }
    n = nullptr;  // empty non-terminal: its successor is below it
    next_known = true;
    next_node = nb.after;
    before_prefix = nb.at_or_before;
    end = next;
    ++labels;
  }

  if (exists) {
    if (n != nullptr) {
      answer_from(*n, qtype, false, r);
    } else {
      // RFC 4592 §2.2.2: an empty non-terminal exists; it has no data.
      r.kind = K::NoData;
      r.previous = previous_in_chain(version, version.neighbours(key).at_or_before);
    }
    return r;
  }

  // qname does not exist. RFC 4592 §3.3.1: the source of synthesis is
  // `*.<closest encloser>`, and only if that exact name has a node. The
  // node after the closest encloser mostly tells without a search.
  r.previous = previous_in_chain(version, before_qname);
  const Node* wildcard = nullptr;
  switch (next_known ? wildcard_child(key.first(end), next_node, wildcard) : WildcardChild::Unknown) {
    case WildcardChild::Found:
      r.wildcard = r.wildcard_previous = wildcard;
      answer_from(*wildcard, qtype, true, r);
      return r;
    case WildcardChild::Absent:
      // `*.<closest encloser>` would directly follow the encloser: after
      // its node, or after the node before it (an empty non-terminal).
      r.wildcard_previous = previous_in_chain(version, n != nullptr ? n : before_prefix);
      r.kind = K::NxDomain;
      return r;
    case WildcardChild::Unknown:
      break;
  }
  KeyBuffer wbuf;
  std::memcpy(wbuf.data(), key.data(), end);
  std::size_t wlen = end;
  if (wlen + 2 <= wbuf.size()) {
    wbuf[wlen++] = '*';
    wbuf[wlen++] = 0;
    const Key wkey(wbuf.data(), wlen);
    const auto nb = version.neighbours(wkey);
    r.wildcard_previous = previous_in_chain(version, nb.at_or_before);
    if (nb.at_or_before != nullptr && same_key(nb.at_or_before->key, wkey)) {
      r.wildcard = nb.at_or_before;
      answer_from(*nb.at_or_before, qtype, true, r);
      return r;
    }
    // RFC 4592 §4.9: a wildcard that is only an empty non-terminal still
    // exists and matches, with no data: NODATA (wildcard stays null).
    if (nb.after != nullptr && nb.after->key.size() > wkey.size() && is_prefix(wkey, nb.after->key)) {
      r.kind = K::WildcardNoData;
      return r;
    }
  }
  r.kind = K::NxDomain;
  return r;
}

namespace {

// Uncompressed wire names of the same length, `lower` lowercased.
bool same_name(std::span<const std::uint8_t> name, std::span<const std::uint8_t> lower) noexcept {
  if (name.size() != lower.size()) return false;
  if (std::memcmp(name.data(), lower.data(), name.size()) == 0) return true;  // zone data is mostly lowercase
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (dns::ascii_lower(name[i]) != lower[i]) return false;
  }
  return true;
}

// Past this many descendants a search beats the scan.
constexpr std::size_t kMaxDescendantScan = 16;

}  // namespace

bool name_at_or_below(std::span<const std::uint8_t> name, std::span<const std::uint8_t> ancestor) noexcept {
  if (name.size() < ancestor.size()) return false;
  for (std::size_t p = 0; p < name.size(); p += std::size_t{name[p]} + 1) {
    const std::size_t rest = name.size() - p;
    if (rest == ancestor.size()) return same_name(name.subspan(p), ancestor);
    if (rest < ancestor.size() || name[p] == 0) return false;
  }
  return false;
}

const Node* find_at_or_below(const ZoneVersion& version, const Node& ancestor,
                             std::span<const std::uint8_t> name) noexcept {
  if (same_name(name, ancestor.owner)) return &ancestor;
  if (!ancestor.subtree_reaches_page_end && ancestor.descendants_in_page <= kMaxDescendantScan) {
    for (const Node& n : ancestor.page_descendants()) {
      if (same_name(name, n.owner)) return &n;
    }
    return nullptr;  // the page holds the whole subtree
  }
  KeyBuffer buf;
  return version.find(make_lookup_key(name, buf));
}

bool synthesize_dname_target(const dns::Name& qname, const LookupResult& dname,
                             dns::Name& out) noexcept {
  if (dname.node == nullptr || dname.rrset == nullptr || dname.rrset->count == 0) return false;
  dns::Name owner, target;
  if (!dns::Name::from_uncompressed(dname.node->owner, owner)) return false;
  std::span<const std::uint8_t> rdata;
  dname.rrset->for_each_rdata([&](std::span<const std::uint8_t> rd) { rdata = rd; });
  if (!dns::Name::from_uncompressed(rdata, target)) return false;
  if (qname.label_count() <= owner.label_count()) return false;
  // The labels of qname above the owner, then the target (RFC 6672 §2.2).
  const auto q = qname.wire();
  std::size_t prefix = 0;
  for (std::size_t k = 0; k < qname.label_count() - owner.label_count(); ++k) prefix += q[prefix] + 1u;
  const auto t = target.wire();
  if (prefix + t.size() > dns::Name::kMaxWireLength) return false;
  std::array<std::uint8_t, dns::Name::kMaxWireLength> bytes{};
  std::memcpy(bytes.data(), q.data(), prefix);
  std::memcpy(bytes.data() + prefix, t.data(), t.size());
  return dns::Name::from_uncompressed({bytes.data(), prefix + t.size()}, out);
}

void follow_chain(const ZoneVersion& version, const dns::Name& qname, dns::RRType qtype,
                  Chain& out) noexcept {
  KeyBuffer buf;
  follow_chain(version, qname, make_lookup_key(qname.wire(), buf), qtype, out);
}

void follow_chain(const ZoneVersion& version, const dns::Name& qname, const Key qname_key,
                  dns::RRType qtype, Chain& out) noexcept {
  using K = LookupResult::Kind;
  out.size = 0;
  out.end = Chain::End::Done;
  // Each target is decoded straight into out.next, where LeftZone, Loop and
  // Capped report it: a name is copied once per step, into out.names.
  const dns::Name* cur = &qname;
  for (;;) {
    const LookupResult r = cur == &qname ? lookup(version, qname_key, qtype) : lookup(version, *cur, qtype);
    if (r.kind == K::NotInZone && out.size > 0) {
      out.end = Chain::End::LeftZone;  // out.next is *cur
      return;
    }
    out.names[out.size] = *cur;
    out.steps[out.size] = r;
    ++out.size;
    dns::Name& next = out.next;
    if (r.kind == K::Cname || r.kind == K::WildcardCname) {
      std::span<const std::uint8_t> rdata;
      r.rrset->for_each_rdata([&](std::span<const std::uint8_t> rd) {
        if (rdata.empty()) rdata = rd;
      });
      if (!dns::Name::from_uncompressed(rdata, next)) return;
    } else if (r.kind == K::Dname) {
      if (!synthesize_dname_target(out.names[out.size - 1], r, next)) {
        out.end = Chain::End::YxDomain;
        return;
      }
      // The synthesized CNAME answers a question for type CNAME (RFC 6672
      // §3.1, RFC 1034 §4.3.2 step 3a): its target is not chased.
      if (qtype == dns::RRType::CNAME) return;
    } else {
      return;  // Done
    }
    for (std::size_t i = 0; i < out.size; ++i) {
      if (out.names[i] == next) {
        out.end = Chain::End::Loop;
        return;
      }
    }
    if (out.size == out.steps.size()) {
      out.end = Chain::End::Capped;
      return;
    }
    cur = &next;
  }
}

}  // namespace zoned::zone
