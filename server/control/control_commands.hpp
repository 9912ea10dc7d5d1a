#pragma once
// The daemon's own control commands (zonectl status, reload, stop,
// zone-status, zone-reload, zone-read, stats): handlers registered on the
// ControlServer, reading the daemon's parts through DaemonControl. Reply
// bodies are documented in docs/zonectl.md; zonectl renders them.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "dns/result.hpp"
#include "server/config/config.hpp"
#include "server/control/control_server.hpp"
#include "server/network/network.hpp"
#include "server/stats/metrics_server.hpp"
#include "server/stats/stats.hpp"
#include "server/zones/zone_manager.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

// What the commands read and do. References into the Daemon, which outlives
// its ControlServer; `config` is the running config (replaced by a reload).
struct DaemonControl {
  const Config& config;
  ZoneManager& manager;
  const zone::ZoneSet& zones;
  const Network& network;
  const MetricsServer& metrics;
  const ServerStats& stats;
  unsigned workers = 0;
  std::chrono::steady_clock::time_point started;
  // Reloads the config and the changed zones as SIGHUP does: how many zones
  // were (re)loaded, or why the new config was rejected.
  std::function<Result<std::size_t>()> reload;
  std::function<void()> stop;
};

void register_daemon_commands(ControlServer& control, DaemonControl daemon);

// "example.com" or "example.com." → the zone's name, lowercased.
[[nodiscard]] Result<dns::Name> parse_zone_name(std::string_view text);
// "2026-11-30T07:21:00Z": times in replies are UTC, ISO 8601.
[[nodiscard]] std::string iso_time(std::chrono::system_clock::time_point time);
// Multi-line error text (a zone file's errors) as one line for a reply.
[[nodiscard]] std::string one_line(std::string_view text);

}  // namespace zoned::server
