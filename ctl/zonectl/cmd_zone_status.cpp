// zonectl zone-status and zone-reload: one zone's (or every zone's) state.
#include <string>

#include "command.hpp"
#include "daemon_command.hpp"

namespace zoned::ctl {

const std::string_view kZoneStatusHelp =
    "NAME\n"
    "    zonectl zone-status - show the state of the served zones\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-status [-s SOCKET | -c CONFIG] [--json] [ZONE]\n"
    "\n"
    "DESCRIPTION\n"
    "    For ZONE, or every configured zone, prints its role (primary or\n"
    "    secondary), its backend (the master file or SQLite database it is read\n"
    "    from), the serial and record count of the version served, when that\n"
    "    version was loaded, and the last error: why the last load failed. A\n"
    "    zone with a last error keeps serving the version shown; a zone with no\n"
    "    serial never loaded and answers SERVFAIL. ZONE may be written with or\n"
    "    without its final dot.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"zones\": [{\"zone\", \"role\", \"backend\"\n"
    "              (\"file\" or \"sqlite\"), \"source\", \"serial\" (null when not\n"
    "              loaded), \"records\", \"loaded_at\" (UTC, ISO 8601, or null),\n"
    "              \"error\" (null when the last load succeeded)}]}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "    An unknown ZONE is an error (exit status 1).\n"
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-status\n"
    "    zonectl zone-status example.com\n"
    "    zonectl --json zone-status | jq -r '.zones[] | select(.error) | .zone'\n";

const std::string_view kZoneReloadHelp =
    "NAME\n"
    "    zonectl zone-reload - read one zone again from its file or database\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-reload [-s SOCKET | -c CONFIG] [--json] ZONE\n"
    "\n"
    "DESCRIPTION\n"
    "    Loads ZONE from its source now, whether or not the source changed, and\n"
    "    serves the new version (the diff is logged). When the zone does not\n"
    "    load (a syntax error, a missing SOA, ...), the version served stays,\n"
    "    the command fails with the first error, and 'zonectl zone-status'\n"
    "    shows it as the zone's last error. The config is not read again: use\n"
    "    'zonectl reload' for zones added to or removed from it.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object is the zone's entry of 'zonectl zone-status'.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    vi /etc/zoned/db.example && zonectl zone-reload example.com\n";

namespace {

std::string text_or(const nlohmann::json& value, std::string_view absent) {
  return value.is_string() ? value.get<std::string>() : std::string(absent);
}

void print_zone(const nlohmann::json& zone, std::string& out) {
  const auto row = [&out](std::string_view label, const std::string& value) {
    out += "    ";
    out += label;
    out.append(12 - label.size(), ' ');
    out += value + "\n";
  };
  out += zone.at("zone").get<std::string>() + "\n";
  row("role", zone.at("role").get<std::string>());
  row("backend", zone.at("source").get<std::string>());
  const auto& serial = zone.at("serial");
  row("serial", serial.is_number() ? std::to_string(serial.get<std::uint32_t>())
                                   : "none: NOT LOADED, answering SERVFAIL");
  row("records", std::to_string(zone.at("records").get<std::size_t>()));
  row("loaded at", text_or(zone.at("loaded_at"), "never"));
  // A load error may span lines (one per zone file error): indent them all.
  std::string error = text_or(zone.at("error"), "none");
  for (std::size_t at = error.find('\n'); at != std::string::npos; at = error.find('\n', at + 17))
    error.insert(at + 1, 16, ' ');
  row("last error", error);
}

void print_zone_status(const nlohmann::json& body, std::string& out) {
  bool first = true;
  for (const auto& zone : body.at("zones")) {
    if (!first) out += "\n";
    first = false;
    print_zone(zone, out);
  }
}

void print_zone_reload(const nlohmann::json& body, std::string& out) {
  out += body.at("zone").get<std::string>() + " reloaded: serial " +
         std::to_string(body.at("serial").get<std::uint32_t>()) + ", " +
         std::to_string(body.at("records").get<std::size_t>()) + " records\n";
}

const DaemonCommand kZoneStatus{
    {"zone-status", "usage: zonectl zone-status [-s SOCKET | -c CONFIG] [--json] [ZONE]",
     kZoneStatusHelp},
    0, 1, &print_zone_status};
const DaemonCommand kZoneReload{
    {"zone-reload", "usage: zonectl zone-reload [-s SOCKET | -c CONFIG] [--json] ZONE",
     kZoneReloadHelp},
    1, 1, &print_zone_reload};

}  // namespace

int run_zone_status(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneStatus, args);
}
int run_zone_reload(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneReload, args);
}

}  // namespace zoned::ctl
