#include "server/query/query_engine.hpp"

#include <algorithm>

#include "server/query/chaos.hpp"
#include "server/query/response_builder.hpp"

namespace zoned::server {
namespace {

using dns::Rcode;
using dns::RRType;

// Header bits copied from a QUERY into its response: the opcode and RD (RFC
// 1035 §4.1.1) and CD (RFC 4035 §3.1.6: the name server side MUST copy it).
// AA, TC, RA, AD and Z of a query mean nothing in an answer and are cleared.
constexpr std::uint16_t kCopiedFlags = dns::flag::kOpcodeMask | dns::flag::RD | dns::flag::CD;

bool is_transfer(RRType t) noexcept { return t == RRType::AXFR || t == RRType::IXFR; }

// As knotd: zone transfers are answered NOTAUTH while zoned serves none;
// AXFR over UDP is NOTIMP (RFC 5936 §4.2).
Rcode refuse_transfer(RRType qtype, Transport transport) noexcept {
  return qtype == RRType::AXFR && transport == Transport::Udp ? Rcode::NOTIMP : Rcode::NOTAUTH;
}

}  // namespace

QueryEngine::QueryEngine(const zone::ZoneSet& zones,
                         const std::atomic<const EngineSettings*>& settings) noexcept
    : zones_(zones), settings_(settings) {}

Outcome QueryEngine::answer(const Request& request, std::span<std::uint8_t> out) noexcept {
  const EngineSettings& settings = *settings_.load(std::memory_order_acquire);
  dns::MessageReader reader(request.message);
  const dns::ParseError parsed = reader.parse();
  // No ID to answer with, or a response: never answer (RFC 1035 §4.1.1; loops).
  if (dns::should_drop(parsed) || reader.has_flag(dns::flag::QR)) return {};

  // An OPT that broke parsing (a second OPT, bad options) is not answered
  // with one: that query had no valid EDNS.
  if (parsed == dns::ParseError::BadOpt) {
    edns_.reset();
  } else {
    edns_.read(reader, request, settings);
  }
  std::size_t limit = kMaxResponseSize;
  if (request.transport == Transport::Udp) {
    limit = edns_.present() ? edns_.udp_limit(settings.udp_max_payload) : dns::kClassicUdpSize;
  }
  dns::MessageWriter writer(out.first(std::min(out.size(), kMaxResponseSize)), limit);
  writer.set_id(reader.id());
  // An opcode we do not implement gets NOTIMP as a bare header with only the
  // opcode echoed (RFC 1035 §4.1.1, RFC 6895 §2), as named answers: its
  // flags and sections have no meaning we know, so none is copied.
  const bool implemented = reader.opcode() == dns::Opcode::QUERY;
  const std::uint16_t copied = implemented ? kCopiedFlags : dns::flag::kOpcodeMask;
  writer.set_flags(static_cast<std::uint16_t>(dns::flag::QR | (reader.flags() & copied)));

  Outcome outcome;
  outcome.opcode = static_cast<std::uint8_t>(reader.opcode());
  const bool has_question = implemented && reader.has_question() &&
                            reader.question_name(qname_) == dns::WireError::Ok &&
                            writer.add_question(qname_, reader.qtype(), reader.qclass());

  if (has_question) outcome.qtype = reader.qtype();
  zone_ = nullptr;
  Rcode rcode = Rcode::FORMERR;
  if (parsed != dns::ParseError::Ok || edns_.malformed()) {
    outcome.malformed = true;
  } else if (!implemented) {
    rcode = Rcode::NOTIMP;
  } else if (!has_question) {
    outcome.malformed = true;
  } else if (edns_.bad_version()) {
    rcode = Rcode::BADVERS;
  } else {
    const std::size_t opt_size = reserve_opt(writer);
    rcode = dispatch(reader, qname_, request.transport, settings, writer);
    writer.release(opt_size);
  }
  // A FORMERR carries a bare OPT; other errors keep NSID and COOKIE (as knotd,
  // RFC 7873 §5.4).
  if (outcome.malformed) edns_.clear_options();
  writer.set_rcode(rcode);
  finish_opt(writer, settings);

  outcome.size = writer.size();
  outcome.rcode = rcode;
  outcome.truncated = (writer.flags() & dns::flag::TC) != 0;
  outcome.edns = edns_.present();
  outcome.do_bit = edns_.dnssec_ok();
  outcome.cookie_valid = edns_.cookie_valid();
  outcome.zone = zone_;
  classify(rcode, outcome);
  return outcome;
}

void QueryEngine::classify(Rcode rcode, Outcome& outcome) const noexcept {
  const std::span<const std::uint8_t> apex =
      zone_ != nullptr ? zone_->apex().wire() : std::span<const std::uint8_t>{};
  if (rcode == Rcode::NXDOMAIN) {
    outcome.kind = ResponseKind::Nxdomain;
    outcome.rrl_name = apex;
    return;
  }
  if (rcode != Rcode::NOERROR) {
    outcome.kind = ResponseKind::Error;
    outcome.rrl_name = apex;
    return;
  }
  outcome.rrl_name = qname_.wire();
  outcome.kind = ResponseKind::Answer;
  // NOERROR without a zone is a CH answer; with one, follow_chain ran.
  if (zone_ == nullptr || chain_.size == 0) return;
  const zone::LookupResult& first = chain_.steps[0];
  if (chain_.size == 1 && first.kind == zone::LookupResult::Kind::Referral) {
    outcome.kind = ResponseKind::Referral;
    outcome.rrl_name = first.cut->owner;
    return;
  }
  if (chain_.size == 1 && (first.kind == zone::LookupResult::Kind::NoData ||
                           first.kind == zone::LookupResult::Kind::WildcardNoData)) {
    outcome.kind = ResponseKind::Nodata;
  }
  // Answers made from a wildcard share its bucket, as in BIND: random
  // labels under it are one response, not many. A wildcard that is an
  // empty non-terminal has no owner to name: its zone stands in.
  if (first.wildcard != nullptr) {
    outcome.rrl_name = first.wildcard->owner;
  } else if (first.kind == zone::LookupResult::Kind::WildcardNoData) {
    outcome.rrl_name = apex;
  }
}

std::size_t QueryEngine::reserve_opt(dns::MessageWriter& writer) noexcept {
  if (!edns_.present()) return 0;
  const std::size_t size = dns::opt_wire_size(edns_.opt(0, 0));
  if (writer.reserve(size)) return size;
  // Options too big for this limit (a long NSID): a bare OPT, which always
  // fits beside header and question in 512 bytes.
  edns_.clear_options();
  (void)writer.reserve(dns::kOptFixedSize);
  return dns::kOptFixedSize;
}

void QueryEngine::finish_opt(dns::MessageWriter& writer, const EngineSettings& settings) noexcept {
  if (!edns_.present()) return;
  if (dns::write_opt(writer, edns_.opt(writer.ext_rcode(), settings.udp_max_payload))) return;
  // Only an option added after the room was kept (EDE on a small REFUSED)
  // can overflow; the bare OPT always fits.
  edns_.clear_options();
  (void)dns::write_opt(writer, edns_.opt(writer.ext_rcode(), settings.udp_max_payload));
}

Rcode QueryEngine::dispatch(const dns::MessageReader& reader, const dns::Name& qname,
                            Transport transport, const EngineSettings& settings,
                            dns::MessageWriter& writer) noexcept {
  const RRType qtype = reader.qtype();
  // QTYPE 0 is reserved (RFC 6895 §3.1); other meta types get ordinary
  // (NODATA) answers, as from knotd.
  if (static_cast<std::uint16_t>(qtype) == 0) return Rcode::NOTIMP;
  if (is_transfer(qtype)) return refuse_transfer(qtype, transport);
  switch (reader.qclass()) {
    case dns::RRClass::IN:
    case dns::RRClass::ANY:  // QCLASS * (RFC 1035 §3.2.5): our data is all IN, as knotd
      break;
    case dns::RRClass::CH:
      return answer_chaos(writer, qname, qtype, settings);
    default:
      return Rcode::REFUSED;
  }
  return answer_from_zone(qname, qtype, writer);
}

Rcode QueryEngine::answer_from_zone(const dns::Name& qname, RRType qtype,
                                    dns::MessageWriter& writer) noexcept {
  // RFC 4035 §3.1.4.1: DS lives in the parent; if we do not serve the parent,
  // the child answers (NODATA).
  zone::KeyBuffer key_buffer;
  const std::span<const std::uint8_t> qname_key = zone::make_lookup_key(qname.wire(), key_buffer);
  const zone::ZoneSet::Zone* zone = qtype == RRType::DS ? zones_.find_zone_for_ds(qname_key) : nullptr;
  if (zone == nullptr) zone = zones_.find_zone(qname_key);
  if (zone == nullptr) {
    edns_.add_extended_error(extended_error::kNotAuthoritative);  // as knotd
    return Rcode::REFUSED;
  }
  zone_ = zone;
  const zone::ZoneVersion* version = zone->current();
  if (version == nullptr) return Rcode::SERVFAIL;  // served but not loaded (docs/DECISIONS.md)

  zone::follow_chain(*version, qname, qname_key, qtype, chain_);
  const SectionsResult sections = ResponseBuilder(writer, *version, edns_.dnssec_ok()).write(chain_, qtype);
  writer.set_flag(dns::flag::AA, sections.authoritative);
  writer.set_flag(dns::flag::TC, sections.truncated);
  return sections.rcode;
}

}  // namespace zoned::server
