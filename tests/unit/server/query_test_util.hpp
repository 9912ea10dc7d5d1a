#pragma once
// Helpers for the QueryEngine tests: zones from master-file text in a
// ZoneSet, queries built with MessageWriter, responses read back with
// MessageReader into comparable text ("owner ttl CLASS TYPE rdata").
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/edns.hpp"
#include "dns/message_reader.hpp"
#include "dns/message_writer.hpp"
#include "dns/rdata.hpp"
#include "server/query/query_engine.hpp"
#include "zone/master_file.hpp"
#include "zone/qsbr.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_set.hpp"
#include "zone/zone_version.hpp"

namespace zoned::server::test {

inline dns::Name name(std::string_view text) { return dns::Name::parse(text).value(); }

struct QueryOptions {
  std::uint16_t id = 0x1234;
  std::uint16_t flags = 0;
  dns::RRClass qclass = dns::RRClass::IN;
  dns::Opcode opcode = dns::Opcode::QUERY;
  bool edns = false;
  std::uint16_t udp_size = 1232;
  std::uint8_t version = 0;
  bool dnssec_ok = false;
  std::vector<dns::EdnsOption> options{};  // spans: their bytes must outlive the query's making
};

inline std::vector<std::uint8_t> make_query(std::string_view qname, dns::RRType qtype,
                                            const QueryOptions& o = {}) {
  std::vector<std::uint8_t> buf(dns::kMaxMessageSize);
  dns::MessageWriter w(buf);
  w.set_id(o.id);
  w.set_flags(o.flags);
  w.set_opcode(o.opcode);
  REQUIRE(w.add_question(name(qname), qtype, o.qclass));
  if (o.edns) {
    dns::EdnsWrite e;
    e.udp_size = o.udp_size;
    e.version = o.version;
    e.dnssec_ok = o.dnssec_ok;
    e.options = o.options;
    REQUIRE(dns::write_opt(w, e));
  }
  return {w.message().begin(), w.message().end()};
}

// `query` (without OPT) with an OPT record whose rdata is `options` appended,
// for option lists write_opt() refuses to build.
inline std::vector<std::uint8_t> with_raw_opt(std::vector<std::uint8_t> query,
                                              const std::vector<std::uint8_t>& options,
                                              std::uint16_t udp_size = 1232) {
  const std::uint8_t fixed[] = {0, 0, 41, static_cast<std::uint8_t>(udp_size >> 8), static_cast<std::uint8_t>(udp_size),
                                0, 0, 0, 0, static_cast<std::uint8_t>(options.size() >> 8),
                                static_cast<std::uint8_t>(options.size())};
  query.insert(query.end(), std::begin(fixed), std::end(fixed));
  query.insert(query.end(), options.begin(), options.end());
  ++query[11];  // ARCOUNT
  return query;
}

struct Response {
  std::size_t size = 0;
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  dns::Rcode rcode = dns::Rcode::NOERROR;
  std::string question;  // "name CLASS TYPE", name as sent (case kept)
  std::vector<std::string> answer, authority, additional;  // OPT not listed
  bool has_opt = false;
  std::uint16_t opt_udp_size = 0;
  bool opt_do = false;
  std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>> options;

  bool aa() const { return (flags & dns::flag::AA) != 0; }
  bool tc() const { return (flags & dns::flag::TC) != 0; }
  const std::vector<std::uint8_t>* option(std::uint16_t code) const {
    for (const auto& [c, data] : options)
      if (c == code) return &data;
    return nullptr;
  }
};

inline std::string rr_text(const dns::MessageReader& r, const dns::RRView& rr) {
  dns::Name owner;
  REQUIRE(r.owner_name(rr, owner) == dns::WireError::Ok);
  std::vector<std::uint8_t> rdata;
  REQUIRE(dns::rdata_from_message(rr.type, r.message(), rr.rdata_pos,
                                  static_cast<std::uint16_t>(rr.rdata.size()), rdata) == dns::WireError::Ok);
  std::string text = owner.to_text() + " " + std::to_string(rr.ttl) + " " + dns::class_to_text(rr.rclass) +
                     " " + dns::type_to_text(rr.type) + " ";
  dns::rdata_to_text(rr.type, rdata, text);
  return text;
}

inline Response read_response(std::span<const std::uint8_t> bytes) {
  Response out;
  out.size = bytes.size();
  dns::MessageReader r(bytes);
  REQUIRE(r.parse() == dns::ParseError::Ok);
  out.id = r.id();
  out.flags = r.flags();
  std::uint8_t ext = 0;
  if (r.has_opt()) {
    dns::Edns e;
    REQUIRE(dns::read_edns(r, e) == dns::WireError::Ok);
    out.has_opt = true;
    out.opt_udp_size = e.udp_size;
    out.opt_do = e.dnssec_ok();
    ext = e.ext_rcode;
    dns::EdnsOptionIterator it(e.options);
    dns::EdnsOption o;
    while (it.next(o)) out.options.emplace_back(o.code, std::vector<std::uint8_t>(o.data.begin(), o.data.end()));
  }
  out.rcode = dns::make_rcode(r.header_rcode(), ext);
  if (r.has_question()) {
    dns::Name q;
    REQUIRE(r.question_name(q) == dns::WireError::Ok);
    out.question = q.to_text() + " " + dns::class_to_text(r.qclass()) + " " + dns::type_to_text(r.qtype());
  }
  const auto fill = [&](dns::Section s, std::vector<std::string>& v) {
    for (const dns::RRView& rr : r.section(s))
      if (rr.type != dns::RRType::OPT) v.push_back(rr_text(r, rr));
  };
  fill(dns::Section::Answer, out.answer);
  fill(dns::Section::Authority, out.authority);
  fill(dns::Section::Additional, out.additional);
  return out;
}

using Lines = std::vector<std::string>;

// One engine over a ZoneSet, with settings the test may change before asking.
class Harness {
 public:
  Harness() : settings_ptr_(&settings), engine_(zones_, settings_ptr_), out_(kMaxResponseSize) {}

  void add_zone(std::string_view origin, std::string_view text) {
    zone::RecordList rl;
    zone::ParseOptions opt;
    opt.origin = name(origin);
    const zone::ParseOutcome parsed = zone::parse_master_text(text, "test.zone", opt, rl);
    for (const auto& d : parsed.diagnostics) REQUIRE_MESSAGE(d.severity != zone::Severity::Error, d.message);
    rl.sort();
    REQUIRE(zones_.add_zone(name(origin)));
    REQUIRE(zones_.publish(name(origin), zone::ZoneVersion::build(rl, name(origin))));
  }
  void add_unloaded_zone(std::string_view origin) { REQUIRE(zones_.add_zone(name(origin))); }

  Outcome raw(std::span<const std::uint8_t> query, Transport t = Transport::Udp) {
    Request req;
    req.message = query;
    req.transport = t;
    req.client_address = client_address;
    req.now = now;
    return engine_.answer(req, out_);
  }
  std::span<const std::uint8_t> last(const Outcome& o) const { return {out_.data(), o.size}; }

  Response ask(std::span<const std::uint8_t> query, Transport t = Transport::Udp) {
    const Outcome o = raw(query, t);
    REQUIRE(o.size > 0);
    last_outcome = o;
    return read_response(last(o));
  }
  Response ask(std::string_view qname, dns::RRType qtype, const QueryOptions& o = {},
               Transport t = Transport::Udp) {
    return ask(make_query(qname, qtype, o), t);
  }

  EngineSettings settings;
  std::vector<std::uint8_t> client_address{192, 0, 2, 100};
  std::uint32_t now = 1'700'000'000;
  Outcome last_outcome;

 private:
  zone::ReclaimDomain domain_;
  zone::ZoneSet zones_{domain_};
  std::atomic<const EngineSettings*> settings_ptr_;
  QueryEngine engine_;
  std::vector<std::uint8_t> out_;
};

}  // namespace zoned::server::test
