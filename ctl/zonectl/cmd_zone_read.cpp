// zonectl zone-read: the records zoned serves, as master-file lines.
#include <string>

#include "command.hpp"
#include "daemon_command.hpp"

namespace zoned::ctl {

const std::string_view kZoneReadHelp =
    "NAME\n"
    "    zonectl zone-read - print the records zoned serves for a zone\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl zone-read [-s SOCKET | -c CONFIG] [--json] ZONE [OWNER [TYPE]]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints the records of the version of ZONE being served (not the file\n"
    "    on disk), in the form of 'zonectl check-zone --dump': one record per\n"
    "    line, 'owner TTL CLASS TYPE rdata' separated by tabs, absolute names,\n"
    "    the SOA first and then DNSSEC canonical order. With OWNER, only the\n"
    "    records at that name; with TYPE too, only that type (RRSIG selects the\n"
    "    signatures at OWNER). OWNER is relative to ZONE unless it ends in a dot;\n"
    "    '@' is the apex. Nothing at OWNER (or no TYPE there) is an error.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"zone\", \"serial\", \"records\": [{\"owner\",\n"
    "              \"ttl\", \"class\", \"type\", \"rdata\"}]}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "    Errors: an unknown zone, a zone that is not loaded, an owner outside\n"
    "    the zone, an unknown type, no matching records.\n"
    "\n"
    "EXAMPLES\n"
    "    zonectl zone-read example.com > served.zone\n"
    "    zonectl zone-read example.com www AAAA\n"
    "    zonectl zone-read example.com @ SOA\n";

namespace {

void print_records(const nlohmann::json& body, std::string& out) {
  for (const auto& record : body.at("records")) {
    out += record.at("owner").get<std::string>() + '\t' +
           std::to_string(record.at("ttl").get<std::uint32_t>()) + '\t' +
           record.at("class").get<std::string>() + '\t' + record.at("type").get<std::string>() +
           '\t' + record.at("rdata").get<std::string>() + '\n';
  }
}

const DaemonCommand kZoneRead{
    {"zone-read",
     "usage: zonectl zone-read [-s SOCKET | -c CONFIG] [--json] ZONE [OWNER [TYPE]]",
     kZoneReadHelp},
    1, 3, &print_records};

}  // namespace

int run_zone_read(std::span<const std::string_view> args) {
  return run_daemon_command(kZoneRead, args);
}

}  // namespace zoned::ctl
