#include "server/zones/zone_edit_record.hpp"


#include "dns/rdata.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"

namespace zoned::server {
namespace {

// Command arguments are single fields: a line break would smuggle in a second
// record or a directive.
[[nodiscard]] bool one_line(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}

// The first error of a parse, as one line.
[[nodiscard]] std::string first_error(const zone::ParseOutcome& outcome) {
  for (const auto& d : outcome.diagnostics)
    if (d.severity == zone::Severity::Error) return d.message;
  return "not a valid record";
}

}  // namespace

Result<dns::Name> parse_edit_owner(const dns::Name& zone, std::string_view owner) {
  if (owner.empty() || !one_line(owner)) return Error{"owner '" + std::string(owner) + "' is not a name"};
  auto name = dns::Name::parse(owner, &zone);
  if (!name) return Error{"owner '" + std::string(owner) + "' is not a name: " + name.error()};
  if (!name->is_subdomain_of(zone))
    return Error{"owner " + name->to_text() + " is outside the zone " + zone.to_text()};
  return name->lowercased();
}

Result<dns::RRType> parse_edit_type(std::string_view type) {
  const auto parsed = dns::type_from_text(type);
  if (!parsed) return Error{"unknown type '" + std::string(type) + "'"};
  if (dns::is_meta_type(*parsed))
    return Error{"type " + dns::type_to_text(*parsed) + " cannot be zone data (RFC 6895 §3.1)"};
  return *parsed;
}

Result<zone::DiffRecord> parse_edit_record(const dns::Name& zone, std::string_view owner,
                                           std::string_view ttl, std::string_view type,
                                           std::string_view rdata) {
  auto name = parse_edit_owner(zone, owner);
  if (!name) return Error{name.error()};
  auto rrtype = parse_edit_type(type);
  if (!rrtype) return Error{rrtype.error()};
  if (!one_line(ttl) || !one_line(rdata)) return Error{"a record is one line of text"};

  // The owner goes in absolute (escaped) form; a leading '$' is escaped so the
  // line cannot read as a directive.
  std::string line = name->to_text();
  if (line.front() == '$') line.insert(0, 1, '\\');
  line += ' ';
  line += ttl;
  line += " IN ";
  line += dns::type_to_text(*rrtype);
  line += ' ';
  line += rdata;
  line += '\n';

  zone::ParseOptions options;
  options.origin = zone;
  options.allow_include = false;
  options.max_errors = 1;
  zone::RecordList parsed;
  const auto outcome = zone::parse_master_text(line, "command line", options, parsed);
  if (!outcome.ok())
    return Error{"bad " + dns::type_to_text(*rrtype) + " record: " + first_error(outcome)};
  if (parsed.size() != 1) return Error{"expected exactly one record"};

  const auto& rec = parsed[0];
  zone::DiffRecord rr;
  const auto wire = parsed.owner_wire(rec);
  rr.owner.assign(wire.begin(), wire.end());
  rr.type = rec.type;
  rr.rclass = dns::RRClass::IN;
  rr.ttl = rec.ttl;
  const auto data = parsed.rdata(rec);
  rr.rdata.assign(data.begin(), data.end());
  return rr;
}

}  // namespace zoned::server
