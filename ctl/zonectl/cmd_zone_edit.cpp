// zonectl zone-begin, zone-set, zone-unset, zone-diff, zone-commit and
// zone-abort: editing a served zone in a transaction (server/zones/zone_editor.hpp
// in the daemon; docs/zone-editing.md for operators).
#include <string>

#include "command.hpp"
#include "daemon_command.hpp"

namespace zoned::ctl {

#define ZONECTL_EDIT_RECORD_JSON \
  "{\"owner\", \"ttl\", \"class\", \"type\", \"rdata\"} (as zone-read gives them)"
#define ZONECTL_EDIT_CHANGE_JSON                                                  \
  "              The JSON object: {\"zone\", \"old_serial\", \"new_serial\",\n"   \
  "              \"begun_at\" (UTC, ISO 8601), \"removed\": [RECORD...],\n"       \
  "              \"added\": [RECORD...]}, the SOA first in both lists, each\n"    \
  "              RECORD " ZONECTL_EDIT_RECORD_JSON ".\n"

const std::string_view kZoneBeginHelp =
    "NAME\n"
    "    zonectl zone-begin - open a transaction on a zone\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-begin [-s SOCKET | -c CONFIG] [--json] ZONE\n"
    "\n"
    "DESCRIPTION\n"
    "    Starts editing ZONE: zone-set and zone-unset then collect changes,\n"
    "    zone-diff shows them, zone-commit checks, writes and publishes them\n"
    "    at once, zone-abort drops them. Until the commit nothing is served or\n"
    "    written, and the transaction lives only in zoned's memory: if zoned\n"
    "    stops, it is lost and the zone stays as it was. A zone has at most\n"
    "    one transaction; a second zone-begin is refused until the first is\n"
    "    committed or aborted. Refused too: a zone that is not loaded, whose\n"
    "    last load failed, whose source changed since it was loaded (reload it\n"
    "    first), or that is read from several files ($INCLUDE).\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"zone\", \"serial\" (served now),\n"
    "              \"begun_at\" (UTC, ISO 8601)}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-begin example.com\n"
    "    zonectl zone-set example.com www 3600 A 192.0.2.10\n"
    "    zonectl zone-diff example.com\n"
    "    zonectl zone-commit example.com\n";

const std::string_view kZoneSetHelp =
    "NAME\n"
    "    zonectl zone-set - add a record in a zone's open transaction\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-set [-s SOCKET | -c CONFIG] [--json] ZONE OWNER TTL TYPE RDATA...\n"
    "\n"
    "DESCRIPTION\n"
    "    Adds one record to the transaction opened by zone-begin. OWNER, TTL,\n"
    "    TYPE and RDATA are read as one master-file line with ZONE as origin:\n"
    "    '@' is the apex, a name without a final dot is relative to ZONE, TTL\n"
    "    takes units (1h), RDATA names may be relative. The RDATA arguments are\n"
    "    joined with spaces, so quote what the master file would quote:\n"
    "    zone-set example.com txt 300 TXT '\"two words\"'. An owner outside the\n"
    "    zone or bad rdata is refused and changes nothing.\n"
    "\n"
    "    A TTL other than that of the records already in the RRset changes the\n"
    "    whole RRset's TTL (RFC 2181 5.2). An SOA replaces the zone's SOA; its\n"
    "    serial is kept if it differs from the served one. A record already in\n"
    "    the zone is an error. Conflicts between records (a CNAME beside other\n"
    "    data, a missing NS at the apex, ...) are found by zone-commit.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"zone\", \"added\": [RECORD...],\n"
    "              \"removed\": [RECORD...]}: what this command changed, each\n"
    "              RECORD " ZONECTL_EDIT_RECORD_JSON ".\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-set example.com www 3600 A 192.0.2.10\n"
    "    zonectl zone-set example.com @ 1d MX 10 mail\n"
    "    zonectl zone-set example.com @ 3600 SOA ns1 hostmaster 2026113001 7200 3600 1209600 300\n";

const std::string_view kZoneUnsetHelp =
    "NAME\n"
    "    zonectl zone-unset - remove records in a zone's open transaction\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-unset [-s SOCKET | -c CONFIG] [--json] ZONE OWNER [TYPE [RDATA...]]\n"
    "\n"
    "DESCRIPTION\n"
    "    Removes, in the transaction opened by zone-begin, every record at\n"
    "    OWNER; with TYPE, the records of that type there; with RDATA too, that\n"
    "    one record. Names and rdata read as in zone-set. Nothing matching is\n"
    "    an error. The SOA cannot be removed (zone-set a new one instead).\n"
    "    Unsetting a record the transaction added undoes the addition.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"zone\", \"added\": [], \"removed\":\n"
    "              [RECORD...]}, each RECORD " ZONECTL_EDIT_RECORD_JSON ".\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-unset example.com old-host\n"
    "    zonectl zone-unset example.com www AAAA\n"
    "    zonectl zone-unset example.com @ MX 10 mail\n";

const std::string_view kZoneDiffHelp =
    "NAME\n"
    "    zonectl zone-diff - show the pending change of a zone's transaction\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-diff [-s SOCKET | -c CONFIG] [--json] ZONE\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints the serial change and the records the commit would remove\n"
    "    ('-') and add ('+'), against the version served now. The SOA is\n"
    "    always part of it: a commit that leaves the serial alone bumps it by\n"
    "    one (RFC 1982 arithmetic, 4294967295 wraps to 0).\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS ZONECTL_EDIT_CHANGE_JSON
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-diff example.com\n";

const std::string_view kZoneCommitHelp =
    "NAME\n"
    "    zonectl zone-commit - check, write and publish a zone's transaction\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-commit [-s SOCKET | -c CONFIG] [--json] ZONE\n"
    "\n"
    "DESCRIPTION\n"
    "    Applies the transaction to the version served now (a reload since\n"
    "    zone-begin is fine unless it changed the same records), checks the\n"
    "    result as a zone load does (CNAME beside other data, SOA and NS at\n"
    "    the apex, ...), bumps the SOA serial unless the transaction set a new\n"
    "    one, writes the change durably and then serves it. SQLite zones: the\n"
    "    rows change in one database transaction. Master-file zones: the file\n"
    "    is rewritten atomically in canonical form; its comments and layout\n"
    "    are not kept. Once this command succeeds the change survives a crash.\n"
    "\n"
    "    A commit that fails changes nothing, neither the source nor what is\n"
    "    served, and the transaction stays open: fix it with zone-set and\n"
    "    zone-unset, or drop it with zone-abort.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS ZONECTL_EDIT_CHANGE_JSON
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-commit example.com\n";

const std::string_view kZoneAbortHelp =
    "NAME\n"
    "    zonectl zone-abort - drop a zone's transaction\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-abort [-s SOCKET | -c CONFIG] [--json] ZONE\n"
    "\n"
    "DESCRIPTION\n"
    "    Ends the transaction on ZONE without changing the zone.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS ZONECTL_EDIT_CHANGE_JSON
    "              (what was dropped).\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-abort example.com\n";

namespace {

std::string serial_text(const nlohmann::json& body, const char* field) {
  return std::to_string(body.at(field).get<std::uint32_t>());
}

void print_records(const nlohmann::json& records, std::string_view sign, std::string& out) {
  for (const auto& record : records) {
    out += sign;
    out += record.at("owner").get<std::string>() + ' ' +
           std::to_string(record.at("ttl").get<std::uint32_t>()) + ' ' +
           record.at("class").get<std::string>() + ' ' + record.at("type").get<std::string>() +
           ' ' + record.at("rdata").get<std::string>() + '\n';
  }
}

void print_change_records(const nlohmann::json& body, std::string& out) {
  print_records(body.at("removed"), "- ", out);
  print_records(body.at("added"), "+ ", out);
}

void print_begin(const nlohmann::json& body, std::string& out) {
  out += "transaction open on " + body.at("zone").get<std::string>() + " (serial " +
         serial_text(body, "serial") + ")\n";
}

void print_diff(const nlohmann::json& body, std::string& out) {
  out += body.at("zone").get<std::string>() + ": serial " + serial_text(body, "old_serial") +
         " -> " + serial_text(body, "new_serial") + " (transaction begun " +
         body.at("begun_at").get<std::string>() + ")\n";
  print_change_records(body, out);
}

void print_commit(const nlohmann::json& body, std::string& out) {
  // Both lists start with the SOA, which is not counted as a record change.
  const auto records = [&](const char* list) { return std::to_string(body.at(list).size() - 1); };
  out += body.at("zone").get<std::string>() + " committed: serial " +
         serial_text(body, "old_serial") + " -> " + serial_text(body, "new_serial") + " (+" +
         records("added") + " -" + records("removed") + " records)\n";
  print_change_records(body, out);
}

void print_abort(const nlohmann::json& body, std::string& out) {
  out += "transaction on " + body.at("zone").get<std::string>() +
         " aborted; the zone is unchanged\n";
}

const DaemonCommand kZoneBegin{
    {"zone-begin", "usage: zonectl zone-begin [-s SOCKET | -c CONFIG] [--json] ZONE",
     kZoneBeginHelp},
    1, 1, &print_begin};
const DaemonCommand kZoneSet{
    {"zone-set",
     "usage: zonectl zone-set [-s SOCKET | -c CONFIG] [--json] ZONE OWNER TTL TYPE RDATA...",
     kZoneSetHelp},
    5, kAnyCount, &print_change_records};
const DaemonCommand kZoneUnset{
    {"zone-unset",
     "usage: zonectl zone-unset [-s SOCKET | -c CONFIG] [--json] ZONE OWNER [TYPE [RDATA...]]",
     kZoneUnsetHelp},
    2, kAnyCount, &print_change_records};
const DaemonCommand kZoneDiff{
    {"zone-diff", "usage: zonectl zone-diff [-s SOCKET | -c CONFIG] [--json] ZONE", kZoneDiffHelp},
    1, 1, &print_diff};
const DaemonCommand kZoneCommit{
    {"zone-commit", "usage: zonectl zone-commit [-s SOCKET | -c CONFIG] [--json] ZONE",
     kZoneCommitHelp},
    1, 1, &print_commit};
const DaemonCommand kZoneAbort{
    {"zone-abort", "usage: zonectl zone-abort [-s SOCKET | -c CONFIG] [--json] ZONE",
     kZoneAbortHelp},
    1, 1, &print_abort};

}  // namespace

int run_zone_begin(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneBegin, args);
}
int run_zone_set(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneSet, args);
}
int run_zone_unset(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneUnset, args);
}
int run_zone_diff(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneDiff, args);
}
int run_zone_commit(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneCommit, args);
}
int run_zone_abort(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneAbort, args);
}

}  // namespace zoned::ctl
