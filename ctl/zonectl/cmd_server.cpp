// zonectl status, reload, stop: the daemon as a whole.
#include <string>

#include "command.hpp"
#include "daemon_command.hpp"

namespace zoned::ctl {

const std::string_view kStatusHelp =
    "NAME\n"
    "    zonectl status - show what the running zoned is doing\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl status [-s SOCKET | -c CONFIG] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints zoned's version and process id, how long it has been up, its\n"
    "    config file, the number of worker threads, how many configured zones\n"
    "    are loaded (a zone that never loaded answers SERVFAIL; a zone whose\n"
    "    last reload failed keeps serving its previous version and counts as\n"
    "    failing), the sockets it answers on, its control socket and its\n"
    "    metrics endpoint. 'zonectl zone-status' tells which zones fail.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"version\", \"pid\", \"started_at\" (UTC,\n"
    "              ISO 8601), \"uptime_seconds\", \"config\", \"workers\", \"zones\":\n"
    "              {\"configured\", \"loaded\", \"not_loaded\", \"failing\"}, \"listen\":\n"
    "              [...], \"control\", \"metrics\" (empty when off)}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl -c /etc/zoned/zoned.yaml status\n"
    "    zonectl -s /run/zoned/zoned.sock --json status | jq .zones\n";

const std::string_view kReloadHelp =
    "NAME\n"
    "    zonectl reload - reload zoned's config and every changed zone\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl reload [-s SOCKET | -c CONFIG] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Does what SIGHUP does and waits for the outcome: zoned reads its config\n"
    "    file again, reopens its log, starts serving zones added to the config,\n"
    "    stops serving zones removed from it, and reloads every zone whose file\n"
    "    or database changed (or whose last load failed). A config with errors\n"
    "    is rejected and the running config stays: the first error is printed\n"
    "    and the command fails. A zone that does not load keeps serving its\n"
    "    previous version; the command then fails naming the zone. Changes to\n"
    "    server.listen, server.workers, server.tcp, server.user, pid-file,\n"
    "    control and metrics need a restart (zoned logs a warning).\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"config\", \"zones_loaded\" (how many were\n"
    "              read again), \"zones_configured\", \"failed\": [{\"zone\",\n"
    "              \"error\"}]}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl reload\n"
    "    vi /etc/zoned/zoned.yaml && zoned --check-config && zonectl reload\n";

const std::string_view kStopHelp =
    "NAME\n"
    "    zonectl stop - stop zoned\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl stop [-s SOCKET | -c CONFIG] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Does what SIGTERM does: zoned replies, then closes its sockets, lets\n"
    "    its workers finish, removes its pid file and control socket, and\n"
    "    exits with status 0. The command returns once zoned has replied; the\n"
    "    process may take a moment longer to exit. A supervisor configured to\n"
    "    restart zoned (systemd Restart=always) will start it again.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"stopping\": true, \"pid\"}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl stop\n";

namespace {

void print_status(const nlohmann::json& body, std::string& out) {
  out += "zoned " + body.at("version").get<std::string>() + ", pid " +
         std::to_string(body.at("pid").get<long>()) + ", up " +
         format_duration(body.at("uptime_seconds").get<std::uint64_t>()) + " (since " +
         body.at("started_at").get<std::string>() + ")\n";
  const auto row = [&out](std::string_view label, const std::string& value) {
    out += label;
    out.append(12 - label.size(), ' ');
    out += value + "\n";
  };
  row("config", body.at("config").get<std::string>());
  row("workers", std::to_string(body.at("workers").get<unsigned>()));
  const auto& zones = body.at("zones");
  std::string zone_line = std::to_string(zones.at("configured").get<std::size_t>()) +
                          " configured, " + std::to_string(zones.at("loaded").get<std::size_t>()) +
                          " loaded";
  if (const auto missing = zones.at("not_loaded").get<std::size_t>())
    zone_line += ", " + std::to_string(missing) + " NOT LOADED (answering SERVFAIL)";
  if (const auto failing = zones.at("failing").get<std::size_t>())
    zone_line += ", " + std::to_string(failing) + " failing to reload";
  row("zones", zone_line);
  std::string_view label = "listening";
  for (const auto& socket : body.at("listen")) {
    row(label, socket.get<std::string>());
    label = "";
  }
  const std::string control = body.at("control").get<std::string>();
  const std::string metrics = body.at("metrics").get<std::string>();
  row("control", control);
  row("metrics", metrics.empty() ? "off" : metrics);
}

void print_reload(const nlohmann::json& body, std::string& out) {
  out += "reloaded " + body.at("config").get<std::string>() + ": " +
         std::to_string(body.at("zones_loaded").get<std::size_t>()) + " zone(s) read again, " +
         std::to_string(body.at("zones_configured").get<std::size_t>()) + " configured\n";
}

void print_stop(const nlohmann::json& body, std::string& out) {
  out += "zoned (pid " + std::to_string(body.at("pid").get<long>()) + ") is stopping\n";
}

const DaemonCommand kStatus{
    {"status", "usage: zonectl status [-s SOCKET | -c CONFIG] [--json]", kStatusHelp}, 0, 0,
    &print_status};
const DaemonCommand kReload{
    {"reload", "usage: zonectl reload [-s SOCKET | -c CONFIG] [--json]", kReloadHelp}, 0, 0,
    &print_reload};
const DaemonCommand kStop{
    {"stop", "usage: zonectl stop [-s SOCKET | -c CONFIG] [--json]", kStopHelp}, 0, 0,
    &print_stop};

}  // namespace

int run_status(std::span<const std::string_view> args) { return run_daemon_command(kStatus, args); }
int run_reload(std::span<const std::string_view> args) { return run_daemon_command(kReload, args); }
int run_stop(std::span<const std::string_view> args) { return run_daemon_command(kStop, args); }

}  // namespace zoned::ctl
