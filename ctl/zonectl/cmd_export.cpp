// zonectl export: load a zone from a SQLite zone database offline, check it as
// zoned would before serving it, and print it as a canonical master file.
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "args.hpp"
#include "json.hpp"
#include "zone_report.hpp"
#include "zone/checked_zone.hpp"
#include "zone/record_list.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/zone_check.hpp"
#include "zone/zone_dump.hpp"

namespace zoned::ctl {

const std::string_view kExportHelp =
    "NAME\n"
    "    zonectl export - print a zone of a SQLite zone database as a master file\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl export [--json] ZONE DATABASE\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads the records of zone ZONE from DATABASE (see 'zonectl help import'\n"
    "    for the schema) and checks them as zoned does before serving the zone:\n"
    "    every row must hold an owner name inside the zone, class IN, a TTL in\n"
    "    0..2^31-1 and rdata valid for its type; then the zone as a whole must\n"
    "    pass the checks of 'zonectl check-zone' (one SOA at the apex, no CNAME\n"
    "    beside other data, ...). A bad row is reported with the zone, its owner\n"
    "    and type, and its row id, as\n"
    "        DATABASE: error: example.com.: www.example.com. A: malformed rdata (...) (row 17)\n"
    "    and nothing is printed on standard output.\n"
    "\n"
    "    A valid zone is printed on standard output as a canonical master file,\n"
    "    exactly as 'zonectl check-zone --dump' prints the file it came from: one\n"
    "    RR per line, absolute names, 'owner TTL CLASS TYPE rdata', the SOA first\n"
    "    and then DNSSEC canonical order (RFC 4034 section 6). Warnings go to\n"
    "    standard error and do not stop the export.\n"
    "\n"
    "OPTIONS\n"
    "    --json    print one JSON object on standard output instead: {\"zone\",\n"
    "              \"database\", \"valid\", \"records\", \"errors\", \"warnings\",\n"
    "              \"diagnostics\": [{\"severity\", \"file\", \"line\", \"column\",\n"
    "              \"message\"}], \"master_file\" when valid, and \"error\" when the\n"
    "              database cannot be read or does not hold the zone}.\n"
    "    -h, --help\n"
    "              print this help.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 the zone was printed (warnings allowed), 1 the database cannot be\n"
    "    read, does not hold the zone, or the zone has errors, 2 usage error.\n"
    "\n"
    "EXAMPLES\n"
    "    zonectl export example.com /var/lib/zoned/zones.sqlite > example.com.zone\n";

namespace {

const CommandSpec kSpec{"export", "usage: zonectl export [--json] ZONE DATABASE", kExportHelp};

}  // namespace

int run_export(std::span<const std::string_view> args) {
  bool json = false;
  const Flag flags[] = {{"--json", &json}};
  std::vector<std::string_view> positional;
  if (auto stop = parse_args(kSpec, args, flags, positional)) return *stop;
  if (positional.size() != 2) return usage_error(kSpec, "expected ZONE and DATABASE");
  auto origin = zone_argument(positional[0]);
  if (!origin) return usage_error(kSpec, "bad zone name: " + origin.error());
  const std::string database(positional[1]);

  // The zone-level checks run only on rows that are all valid, as for a
  // master file whose records all parsed.
  auto checked = zone::load_sqlite_zone(database, *origin, zone::ZoneLimits{});
  const zone::RecordList& records = checked.records;
  const std::vector<zone::Diagnostic>& diags = checked.diagnostics;
  std::size_t errors = 0, warnings = 0;
  count_diagnostics(diags, errors, warnings);
  const bool valid = checked.ok();

  if (json) {
    JsonWriter w;
    w.begin_object();
    w.key("zone").value(origin->to_text());
    w.key("database").value(database);
    w.key("valid").value(valid);
    w.key("records").value(std::uint64_t{valid ? records.size() : 0});
    w.key("errors").value(std::uint64_t{errors});
    w.key("warnings").value(std::uint64_t{warnings});
    write_json_diagnostics(w, diags);
    if (checked.read_error) w.key("error").value(*checked.read_error);
    if (valid) {
      std::string text;
      zone::dump_zone(records, text);
      w.key("master_file").value(text);
    }
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    return valid ? kExitOk : kExitFailure;
  }

  if (checked.read_error) {
    std::fprintf(stderr, "zonectl export: %s\n", checked.read_error->c_str());
    return kExitFailure;
  }
  print_diagnostics(diags);
  if (!valid) {
    std::fprintf(stderr, "zone %s: %zu error(s) in %s, not exported\n",
                 origin->to_text().c_str(), errors, database.c_str());
    return kExitFailure;
  }
  if (!zone::dump_zone(records, stdout)) {
    std::fprintf(stderr, "zonectl export: write error on standard output\n");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace zoned::ctl
