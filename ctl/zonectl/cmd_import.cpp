// zonectl import: parse and check a master file offline, as check-zone does,
// then replace the zone's records in a SQLite database in one transaction.
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "args.hpp"
#include "json.hpp"
#include "zone_report.hpp"
#include "zone/checked_zone.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/zone_check.hpp"

namespace zoned::ctl {

const std::string_view kImportHelp =
    "NAME\n"
    "    zonectl import - load a zone file into a SQLite zone database\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl import [--json] ZONE FILE DATABASE\n"
    "\n"
    "DESCRIPTION\n"
    "    Parses FILE as the master file of zone ZONE and checks it exactly as\n"
    "    'zonectl check-zone' does. A zone with errors is not imported: the\n"
    "    findings are printed as check-zone prints them and the database is\n"
    "    left untouched. Otherwise every record of ZONE in DATABASE is replaced\n"
    "    by the file's records in one transaction: a reader (zoned, or\n"
    "    'zonectl export') sees either the old zone or the new one, never a mix,\n"
    "    and the change is on disk when the command returns.\n"
    "\n"
    "    DATABASE is created with its schema when it does not exist. Records are\n"
    "    stored in canonical form: owner names lowercased, duplicates merged,\n"
    "    each RRset with one TTL. Warnings are printed and do not stop the\n"
    "    import. On success the command prints\n"
    "        imported N records into DATABASE\n"
    "\n"
    "    The schema (PRAGMA user_version 1), for programs that edit the zone:\n"
    "        zones(id, name)        name: 'example.com.', lowercased\n"
    "        records(id, zone_id, owner, type, class, ttl, rdata)\n"
    "            owner: the name in uncompressed wire form, lowercased (BLOB)\n"
    "            type, class (1 = IN), ttl: integers\n"
    "            rdata: uncompressed wire form (BLOB), as in RFC 3597 \\# syntax\n"
    "\n"
    "OPTIONS\n"
    "    --json    print one JSON object on standard output instead: {\"zone\",\n"
    "              \"file\", \"database\", \"valid\", \"imported\", \"records\", \"errors\",\n"
    "              \"warnings\", \"diagnostics\": [{\"severity\", \"file\", \"line\",\n"
    "              \"column\", \"message\"}], and \"error\" when the database failed}.\n"
    "    -h, --help\n"
    "              print this help.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 the zone was imported (warnings allowed), 1 the zone has errors, the\n"
    "    file cannot be read or the database cannot be written, 2 usage error.\n"
    "\n"
    "EXAMPLES\n"
    "    zonectl import example.com db.example /var/lib/zoned/zones.sqlite\n"
    "    zonectl export example.com /var/lib/zoned/zones.sqlite\n";

namespace {

const CommandSpec kSpec{"import", "usage: zonectl import [--json] ZONE FILE DATABASE", kImportHelp};

}  // namespace

int run_import(std::span<const std::string_view> args) {
  bool json = false;
  const Flag flags[] = {{"--json", &json}};
  std::vector<std::string_view> positional;
  if (auto stop = parse_args(kSpec, args, flags, positional)) return *stop;
  if (positional.size() != 3) return usage_error(kSpec, "expected ZONE, FILE and DATABASE");
  auto origin = zone_argument(positional[0]);
  if (!origin) return usage_error(kSpec, "bad zone name: " + origin.error());
  const std::string file(positional[1]);
  const std::string database(positional[2]);

  zone::ParseOptions options;
  options.origin = *origin;
  auto checked = zone::load_master_file(file, options, zone::ZoneLimits{});
  const zone::RecordList& records = checked.records;
  const bool valid = checked.ok();
  std::size_t errors = 0, warnings = 0;
  count_diagnostics(checked.diagnostics, errors, warnings);

  // Only a zone that check-zone accepts reaches the database.
  std::string db_error;
  std::size_t imported = 0;
  if (valid) {
    auto r = zone::import_zone(database, *origin, records);
    if (r)
      imported = *r;
    else
      db_error = r.error();
  }
  const bool ok = valid && db_error.empty();

  if (json) {
    JsonWriter w;
    w.begin_object();
    w.key("zone").value(origin->to_text());
    w.key("file").value(file);
    w.key("database").value(database);
    w.key("valid").value(valid);
    w.key("imported").value(ok);
    w.key("records").value(std::uint64_t{imported});
    w.key("errors").value(std::uint64_t{errors});
    w.key("warnings").value(std::uint64_t{warnings});
    write_json_diagnostics(w, checked.diagnostics);
    if (!db_error.empty()) w.key("error").value(db_error);
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    return ok ? kExitOk : kExitFailure;
  }

  print_diagnostics(checked.diagnostics);
  if (!valid) {
    if (errors >= options.max_errors)
      std::fprintf(stderr, "zonectl import: stopped after %zu errors\n", errors);
    std::fprintf(stderr, "zone %s: %zu error(s), not imported\n", origin->to_text().c_str(),
                 errors);
    return kExitFailure;
  }
  if (!db_error.empty()) {
    std::fprintf(stderr, "zonectl import: %s\n", db_error.c_str());
    return kExitFailure;
  }
  std::printf("imported %zu records into %s\n", imported, database.c_str());
  return kExitOk;
}

}  // namespace zoned::ctl
