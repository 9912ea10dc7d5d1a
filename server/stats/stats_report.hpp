#pragma once
// The statistics report: one snapshot of the server's counters and of every
// served zone (its counters and load status), rendered as JSON (`zonectl
// stats`) or as the Prometheus text exposition format (GET /metrics). Both
// render the same StatsReport, so they never disagree. Control thread only
// (it reads the ZoneManager).
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/stats/stats.hpp"
#include "server/zones/zone_manager.hpp"

namespace zoned::server {

struct ZoneReport {
  std::string zone;  // presentation form, "example.com."
  std::array<std::uint64_t, zone::ZoneCounterSlot::kCount> counts{};  // since the zone was added
  std::optional<std::uint32_t> serial;  // of the version served, if any
  std::size_t records = 0;
  std::optional<std::chrono::system_clock::time_point> loaded_at;  // of the version served
  std::optional<std::string> error;  // why the last load failed
};

struct StatsReport {
  unsigned workers = 0;
  std::chrono::system_clock::time_point started_at;
  StatsSnapshot totals;
  std::vector<ZoneReport> zones;  // in the ZoneManager's order
};

[[nodiscard]] StatsReport collect_stats(const ServerStats& stats, const ZoneManager& zones);

// {"workers", "started_at" (Unix seconds), "queries": {"udp", "tcp"},
//  "qtypes": {"A": n, ..., "other": n}, "opcodes": {"QUERY": n, ...},
//  "rcodes": {"NOERROR": n, ..., "other": n}, "edns", "do", "truncated",
//  "malformed", "no_response", "rrl": {"dropped", "slipped"},
//  "tcp_connections": {"accepted", "refused", "refused_over_max_connections",
//                      "refused_over_max_connections_per_client"},
//  "zones": [{"zone", "queries", "rcodes": {...}, "serial" (null if none),
//             "records", "loaded_at" (Unix seconds or null), "error" (null if none)}]}
// Buckets that are not named (an unassigned rcode or opcode) appear by
// number, and only when not zero.
[[nodiscard]] nlohmann::json stats_json(const StatsReport& report);
[[nodiscard]] inline nlohmann::json stats_json(const ServerStats& stats, const ZoneManager& zones) {
  return stats_json(collect_stats(stats, zones));
}

// Prometheus text exposition format 0.0.4; docs/metrics.md lists the metrics.
[[nodiscard]] std::string prometheus_text(const StatsReport& report);
[[nodiscard]] inline std::string prometheus_text(const ServerStats& stats, const ZoneManager& zones) {
  return prometheus_text(collect_stats(stats, zones));
}

}  // namespace zoned::server
