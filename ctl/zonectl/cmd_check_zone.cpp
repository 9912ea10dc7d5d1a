// zonectl check-zone: parse a master file offline, run the zone checks, and
// print a summary, the findings, or the canonical dump.
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>

#include "command.hpp"
#include "args.hpp"
#include "dnssec_report.hpp"
#include "json.hpp"
#include "zone_report.hpp"
#include "dns/encoding.hpp"
#include "zone/checked_zone.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/signature_expiry.hpp"
#include "zone/zone_check.hpp"
#include "zone/zone_dump.hpp"

namespace zoned::ctl {

const std::string_view kCheckZoneHelp =
    "NAME\n"
    "    zonectl check-zone - check a zone file without a running server\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl check-zone [--dump] [--json] [--max-records-per-type N]\n"
    "                       [--max-nsec3-iterations N] ZONE FILE\n"
    "\n"
    "DESCRIPTION\n"
    "    Parses FILE as the master file (RFC 1035 section 5) of zone ZONE, with\n"
    "    $ORIGIN, $TTL, $INCLUDE (relative to the including file's directory)\n"
    "    and $GENERATE, then checks the zone as a whole:\n"
    "      - exactly one SOA, at the apex, and NS records at the apex;\n"
    "      - no CNAME beside other data except DNSSEC records, at most one CNAME\n"
    "        per name (RFC 2181 section 10.1);\n"
    "      - no data outside the zone, and no NS target below a DNAME;\n"
    "      - no RRset with more records than --max-records-per-type, and no\n"
    "        NSEC3 or NSEC3PARAM with more iterations than --max-nsec3-iterations\n"
    "        (the caps zoned applies when it loads the zone; docs/CONFIG.md);\n"
    "    and warns about data occluded by a delegation or a DNAME, delegations\n"
    "    missing glue, in-zone NS targets without addresses, and RRsets whose\n"
    "    records have different TTLs (the first TTL is used, as BIND does).\n"
    "    Identical records are merged silently.\n"
    "\n"
    "    For a signed zone it also warns when an RRSIG has expired or expires\n"
    "    within 7 days (RRSIG times are compared with the current time in\n"
    "    serial-number arithmetic, RFC 4034 section 3.1.5), and when NSEC3 uses\n"
    "    more than 0 extra iterations (RFC 9276 section 3.1 recommends 0;\n"
    "    validators may treat more than 100 as insecure).\n"
    "\n"
    "    Without $TTL, a record without a TTL takes the last explicit TTL; if\n"
    "    there is none and the record is the SOA, its MINIMUM becomes the default\n"
    "    (with a warning), as named-checkzone does. TTLs above 2^31-1 load as 0.\n"
    "\n"
    "    Findings are printed one per line as\n"
    "        FILE:LINE:COLUMN: error: MESSAGE\n"
    "        FILE:LINE:COLUMN: warning: MESSAGE\n"
    "    on standard error, followed (when there are no errors) by a summary on\n"
    "    standard output: records, names, RRsets, whether the zone is signed\n"
    "    (DNSKEY or RRSIG present) with NSEC or NSEC3, the NSEC3 parameters\n"
    "    (iterations, salt, whether any NSEC3 record has opt-out; from the apex\n"
    "    NSEC3PARAM), and the earliest RRSIG expiration as UTC time with the\n"
    "    owner and covered type of that signature. Parsing continues after an\n"
    "    error and stops after 20 errors.\n"
    "\n"
    "OPTIONS\n"
    "    --dump    print the zone as a canonical master file on standard output\n"
    "              instead of the summary: one RR per line, absolute names,\n"
    "              'owner TTL CLASS TYPE rdata', in DNSSEC canonical order\n"
    "              (RFC 4034 section 6), duplicates merged.\n"
    "    --json    print one JSON object on standard output instead: {\"zone\",\n"
    "              \"file\", \"valid\", \"errors\", \"warnings\", \"diagnostics\": [{\"severity\",\n"
    "              \"file\", \"line\", \"column\", \"message\"}], \"summary\": {\"records\",\n"
    "              \"names\", \"rrsets\", \"signed\", \"denial\" (\"nsec\", \"nsec3\" or \"none\"),\n"
    "              \"expired_signatures\", \"expiring_signatures\", and when present\n"
    "              \"nsec3\": {\"iterations\", \"salt\" (hex, \"\" for none), \"opt_out\"},\n"
    "              \"earliest_expiration\": {\"time\" (UTC, ISO 8601), \"owner\", \"type\"}}}.\n"
    "    --max-records-per-type N\n"
    "              the most records one RRset may hold (default 1000, as zoned's\n"
    "              zone key of the same name).\n"
    "    --max-nsec3-iterations N\n"
    "              the most NSEC3 hash iterations (default 100, as zoned's zone\n"
    "              key of the same name).\n"
    "    -h, --help\n"
    "              print this help.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 the zone is valid (warnings allowed), 1 the zone has errors or the\n"
    "    file cannot be read, 2 usage error.\n"
    "\n"
    "EXAMPLES\n"
    "    zonectl check-zone example.com /etc/zoned/zones/example.com.zone\n"
    "    zonectl check-zone --dump example.com db.example > canonical.zone\n";

namespace {

const CommandSpec kSpec{"check-zone",
                        "usage: zonectl check-zone [--dump] [--json] [--max-records-per-type N] "
                        "[--max-nsec3-iterations N] ZONE FILE",
                        kCheckZoneHelp};

// A cap given on the command line: a whole number from 0 to `most`.
[[nodiscard]] bool parse_cap(std::string_view text, std::uint64_t most, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && out <= most;
}

[[nodiscard]] std::string salt_text(const Nsec3Summary& nsec3) {
  std::string hex;
  dns::hex_encode(nsec3.salt, hex);
  return hex;
}

void write_json_dnssec(JsonWriter& w, const DnssecReport& report) {
  const auto& signatures = report.signatures;
  w.key("expired_signatures").value(std::uint64_t{signatures.expired});
  w.key("expiring_signatures").value(std::uint64_t{signatures.expiring_soon});
  if (report.nsec3) {
    w.key("nsec3").begin_object();
    w.key("iterations").value(std::uint64_t{report.nsec3->iterations});
    w.key("salt").value(salt_text(*report.nsec3));
    w.key("opt_out").value(report.nsec3->opt_out);
    w.end_object();
  }
  if (signatures.earliest) {
    w.key("earliest_expiration").begin_object();
    w.key("time").value(zone::utc_text(signatures.earliest->expiration));
    w.key("owner").value(signatures.earliest->owner.to_text());
    w.key("type").value(dns::type_to_text(signatures.earliest->covered));
    w.end_object();
  }
}

void print_dnssec(const DnssecReport& report) {
  if (report.nsec3) {
    const std::string salt = salt_text(*report.nsec3);
    std::printf("  nsec3:   iterations %u, salt %s, opt-out %s\n",
                unsigned{report.nsec3->iterations}, salt.empty() ? "-" : salt.c_str(),
                report.nsec3->opt_out ? "yes" : "no");
  }
  if (const auto& earliest = report.signatures.earliest)
    std::printf("  expires: %s (first RRSIG: %s %s)\n", zone::utc_text(earliest->expiration).c_str(),
                earliest->owner.to_text().c_str(), dns::type_to_text(earliest->covered).c_str());
}

}  // namespace

int run_check_zone(std::span<const std::string_view> args) {
  bool dump = false;
  bool json = false;
  std::string_view max_records, max_iterations;
  const Flag flags[] = {{"--dump", &dump}, {"--json", &json}};
  const ValueOption options[] = {{"", "--max-records-per-type", &max_records},
                                 {"", "--max-nsec3-iterations", &max_iterations}};
  std::vector<std::string_view> positional;
  if (auto stop = parse_args(kSpec, args, flags, positional, options)) return *stop;
  if (positional.size() != 2) return usage_error(kSpec, "expected ZONE and FILE");
  zone::ZoneLimits limits;
  std::uint64_t cap = 0;
  if (!max_records.empty()) {
    if (!parse_cap(max_records, 65535, cap) || cap == 0)
      return usage_error(kSpec, "--max-records-per-type takes a number from 1 to 65535");
    limits.max_records_per_type = cap;
  }
  if (!max_iterations.empty()) {
    if (!parse_cap(max_iterations, 2500, cap))
      return usage_error(kSpec, "--max-nsec3-iterations takes a number from 0 to 2500");
    limits.max_nsec3_iterations = static_cast<std::uint16_t>(cap);
  }
  if (dump && json) return usage_error(kSpec, "--dump and --json cannot be combined");
  auto origin = zone_argument(positional[0]);
  if (!origin) return usage_error(kSpec, "bad zone name: " + origin.error());

  zone::ParseOptions parse_options;
  parse_options.origin = *origin;
  auto checked = zone::load_master_file(std::string(positional[1]), parse_options, limits);
  const zone::RecordList& records = checked.records;
  DnssecReport dnssec;
  if (checked.checked) {
    dnssec = inspect_dnssec(records, *origin, checked.files, std::time(nullptr));
    add_dnssec_warnings(dnssec, checked.files, checked.diagnostics);
  }
  const bool valid = checked.ok();
  std::size_t errors = 0, warnings = 0;
  count_diagnostics(checked.diagnostics, errors, warnings);

  if (json) {
    JsonWriter w;
    w.begin_object();
    w.key("zone").value(origin->to_text());
    w.key("file").value(positional[1]);
    w.key("valid").value(valid);
    w.key("errors").value(std::uint64_t{errors});
    w.key("warnings").value(std::uint64_t{warnings});
    write_json_diagnostics(w, checked.diagnostics);
    if (valid) {
      const auto s = zone::summarize(records);
      w.key("summary").begin_object();
      w.key("records").value(std::uint64_t{s.records});
      w.key("names").value(std::uint64_t{s.names});
      w.key("rrsets").value(std::uint64_t{s.rrsets});
      w.key("signed").value(s.is_signed());
      w.key("denial").value(s.has_nsec3 ? "nsec3" : (s.has_nsec ? "nsec" : "none"));
      write_json_dnssec(w, dnssec);
      w.end_object();
    }
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    return valid ? kExitOk : kExitFailure;
  }

  print_diagnostics(checked.diagnostics);
  if (!valid) {
    if (errors >= parse_options.max_errors)
      std::fprintf(stderr, "zonectl check-zone: stopped after %zu errors\n", errors);
    std::fprintf(stderr, "zone %s: %zu error(s), not loadable\n", origin->to_text().c_str(),
                 errors);
    return kExitFailure;
  }
  if (dump) {
    if (!zone::dump_zone(records, stdout)) {
      std::fprintf(stderr, "zonectl check-zone: write error on standard output\n");
      return kExitFailure;
    }
    return kExitOk;
  }
  const auto s = zone::summarize(records);
  std::printf("zone %s: OK\n", origin->to_text().c_str());
  std::printf("  records: %zu\n  names:   %zu\n  rrsets:  %zu\n", s.records, s.names, s.rrsets);
  std::printf("  signed:  %s%s\n", s.is_signed() ? "yes" : "no",
              s.has_nsec3 ? " (NSEC3)" : (s.has_nsec ? " (NSEC)" : ""));
  print_dnssec(dnssec);
  if (warnings != 0) std::printf("  warnings: %zu\n", warnings);
  return kExitOk;
}

}  // namespace zoned::ctl
