#include "server/query/response_builder.hpp"

namespace zoned::server {
namespace {

using Kind = zone::LookupResult::Kind;
using dns::RRType;
using dns::Section;

// Offset of the target name in the rdata of types whose targets get
// additional addresses (knotd's list); -1 for other types.
int additional_target_offset(RRType type) noexcept {
  switch (type) {
    case RRType::NS: return 0;
    case RRType::MX: return 2;      // preference
    case RRType::SRV: return 6;     // priority, weight, port
    case RRType::SVCB:
    case RRType::HTTPS: return 2;   // SvcPriority (RFC 9460 §2.2)
    default: return -1;
  }
}

}  // namespace

bool ResponseBuilder::add_records(Section section, std::span<const std::uint8_t> owner,
                                  const zone::RRset& rrset, std::uint32_t ttl) noexcept {
  bool ok = true;
  rrset.for_each_rdata([&](std::span<const std::uint8_t> rdata) {
    ok = ok && writer_.add_rr(section, owner, rrset.type, dns::RRClass::IN, ttl, rdata);
  });
  return ok;
}

bool ResponseBuilder::add_rrset(Section section, std::span<const std::uint8_t> owner,
                                const zone::RRset& rrset) noexcept {
  const dns::MessageWriter::Mark m = writer_.mark();
  // RFC 4034 §3: an RRSIG's TTL is that of the RRset it covers (which for
  // the negative-answer SOA is the lowered one, RFC 2308 §3).
  const bool ok = add_records(section, owner, rrset, rrset.ttl) &&
                  (!dnssec_ || rrset.rrsigs == nullptr || add_records(section, owner, *rrset.rrsigs, rrset.ttl));
  if (!ok) writer_.rollback(m);
  return ok;
}

SectionsResult ResponseBuilder::write(const zone::Chain& chain, RRType qtype) noexcept {
  SectionsResult result;
  if (chain.size == 0) return result;
  const dns::MessageWriter::Mark after_question = writer_.mark();
  const auto truncate = [&]() noexcept {
    writer_.rollback(after_question);
    result.truncated = true;
    return result;
  };

  for (std::size_t i = 0; i < chain.size; ++i) {
    if (!write_step(chain, i, qtype)) return truncate();
  }

  const zone::LookupResult& last = chain.steps[chain.size - 1];
  if (chain.end == zone::Chain::End::YxDomain) {
    result.rcode = dns::Rcode::YXDOMAIN;
    return result;
  }
  if (chain.end != zone::Chain::End::Done) {  // left the zone, loop or cap
    if (!write_denial(chain, qtype)) return truncate();  // for wildcard CNAMEs on the way
    return result;
  }

  switch (last.kind) {
    case Kind::NxDomain:
      result.rcode = dns::Rcode::NXDOMAIN;
      [[fallthrough]];
    case Kind::NoData:
    case Kind::WildcardNoData:
      // RFC 2308 §3: the SOA, TTL already min(SOA TTL, MINIMUM).
      if (!add_rrset(Section::Authority, version_.apex().owner, version_.negative_soa()) ||
          !write_denial(chain, qtype)) {
        return truncate();
      }
      break;
    case Kind::Referral: {
      // RFC 1034 §4.3.2 step 3b: not authoritative unless a CNAME led here.
      result.authoritative = chain.size > 1;
      if (!add_rrset(Section::Authority, last.cut->owner, *last.rrset)) return truncate();
      // RFC 4035 §3.1.4: the signed DS of a secure delegation, else the
      // proof that there is none (write_denial).
      const zone::RRset* ds = dnssec_ ? last.cut->find(RRType::DS) : nullptr;
      if (ds != nullptr && !add_rrset(Section::Authority, last.cut->owner, *ds)) return truncate();
      if (!write_denial(chain, qtype)) return truncate();
      if (!write_glue(*last.cut)) result.truncated = true;
      return result;
    }
    default:
      // Wildcard answers prove that no closer name exists (RFC 4035 §3.1.3.3).
      if (!write_denial(chain, qtype)) return truncate();
      break;
  }
  write_additional();
  return result;
}

bool ResponseBuilder::write_denial(const zone::Chain& chain, RRType qtype) noexcept {
  if (!dnssec_) return true;
  zone::DenialProof proof;
  for (std::size_t i = 0; i < chain.size; ++i) {
    zone::add_denial(version_, chain.names[i], qtype, chain.steps[i], proof);
  }
  for (std::size_t i = 0; i < proof.count; ++i) {
    const zone::DenialRecord& r = proof.records[i];
    if (!add_rrset(Section::Authority, r.node->owner, *r.rrset)) return false;
  }
  return true;
}

bool ResponseBuilder::write_step(const zone::Chain& chain, std::size_t i, RRType qtype) noexcept {
  const zone::LookupResult& step = chain.steps[i];
  const std::span<const std::uint8_t> owner = chain.names[i].wire();
  switch (step.kind) {
    case Kind::Answer:
    case Kind::WildcardAnswer:
      return write_node_answer(owner, *step.node, step.rrset, qtype);
    case Kind::Cname:
    case Kind::WildcardCname:
      return add_rrset(Section::Answer, owner, *step.rrset);
    case Kind::Dname:
      return add_rrset(Section::Answer, step.node->owner, *step.rrset) &&
             write_synthesized_cname(chain, i);
    default:
      return true;  // negative answers and referrals write no answer records
  }
}

bool ResponseBuilder::write_node_answer(std::span<const std::uint8_t> owner, const zone::Node& node,
                                        const zone::RRset* rrset, RRType qtype) noexcept {
  if (qtype == RRType::ANY) {
    // RFC 8482 §4.2: one RRset is enough; the first in type order.
    if (node.rrsets.empty()) return true;
    note_additional(node.rrsets.front());
    return add_rrset(Section::Answer, owner, node.rrsets.front());
  }
  if (qtype == RRType::RRSIG) {
    // Every signature at the node: those of absent types, then per type.
    if (rrset != nullptr && !add_rrset(Section::Answer, owner, *rrset)) return false;
    for (const zone::RRset& set : node.rrsets) {
      if (set.rrsigs != nullptr && !add_rrset(Section::Answer, owner, *set.rrsigs)) return false;
    }
    return true;
  }
  if (rrset == nullptr) return true;
  note_additional(*rrset);
  return add_rrset(Section::Answer, owner, *rrset);
}

bool ResponseBuilder::write_synthesized_cname(const zone::Chain& chain, std::size_t i) noexcept {
  // The target is the next name looked up, or the one the chain stopped at.
  if (chain.end == zone::Chain::End::YxDomain && i + 1 == chain.size) return true;
  const dns::Name& target = i + 1 < chain.size ? chain.names[i + 1] : chain.next;
  const std::span<const std::uint8_t> rdata = target.wire();
  return writer_.add_rr(Section::Answer, chain.names[i].wire(), RRType::CNAME, dns::RRClass::IN,
                        chain.steps[i].rrset->ttl, rdata);
}

void ResponseBuilder::note_additional(const zone::RRset& rrset) noexcept {
  if (additional_target_offset(rrset.type) < 0 || additional_source_count_ == additional_sources_.size()) {
    return;
  }
  additional_sources_[additional_source_count_++] = &rrset;
}

void ResponseBuilder::add_addresses(const zone::Node& target) noexcept {
  for (std::size_t i = 0; i < additional_target_count_; ++i) {
    if (additional_targets_[i] == &target) return;
  }
  if (additional_target_count_ == additional_targets_.size()) return;
  additional_targets_[additional_target_count_++] = &target;
  // Optional data: what does not fit is left out (RFC 2181 §9).
  if (const zone::RRset* a = target.find(RRType::A)) (void)add_rrset(Section::Additional, target.owner, *a);
  if (const zone::RRset* aaaa = target.find(RRType::AAAA)) {
    (void)add_rrset(Section::Additional, target.owner, *aaaa);
  }
}

void ResponseBuilder::write_additional() noexcept {
  for (std::size_t s = 0; s < additional_source_count_; ++s) {
    const zone::RRset& rrset = *additional_sources_[s];
    const auto offset = static_cast<std::size_t>(additional_target_offset(rrset.type));
    rrset.for_each_rdata([&](std::span<const std::uint8_t> rdata) {
      if (rdata.size() <= offset) return;
      zone::KeyBuffer buf;
      const zone::Node* target = version_.find(zone::make_lookup_key(rdata.subspan(offset), buf));
      if (target != nullptr) add_addresses(*target);
    });
  }
}

bool ResponseBuilder::write_glue(const zone::Node& cut) noexcept {
  // RFC 9471 §3: all in-bailiwick glue or TC; then sibling glue if it fits.
  // One pass over the NS set writes the first and keeps the second.
  struct Glue {
    const zone::Node* target;
    const zone::RRset* addresses;
  };
  std::array<Glue, kMaxSiblingGlue> siblings;  // [0, sibling_count) filled
  std::size_t sibling_count = 0;
  bool complete = true;
  zone::glue_for(version_, cut, [&](const zone::Node& target, const zone::RRset& addresses, bool in_bailiwick) {
    if (in_bailiwick) {
      if (!add_rrset(Section::Additional, target.owner, addresses)) complete = false;
    } else if (sibling_count < siblings.size()) {
      siblings[sibling_count++] = {&target, &addresses};
    }
  });
  if (!complete) return false;
  for (std::size_t i = 0; i < sibling_count; ++i) {
    (void)add_rrset(Section::Additional, siblings[i].target->owner, *siblings[i].addresses);
  }
  return true;
}

}  // namespace zoned::server
