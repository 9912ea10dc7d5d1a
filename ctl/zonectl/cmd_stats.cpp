// zonectl stats: the daemon's query counters, whole and per zone.
#include <algorithm>
#include <array>
#include <string>

#include "command.hpp"
#include "daemon_command.hpp"

namespace zoned::ctl {

const std::string_view kStatsHelp =
    "NAME\n"
    "    zonectl stats - print zoned's query statistics\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl stats [-s SOCKET | -c CONFIG] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints the counters zoned keeps since it started (all workers summed):\n"
    "    queries by transport, query type, opcode and response code, EDNS and\n"
    "    DO-bit queries, truncated answers, malformed queries, queries left\n"
    "    unanswered, responses dropped or slipped by response rate limiting,\n"
    "    TCP connections accepted and refused; then per zone its queries and\n"
    "    response codes. Counters only grow; the Prometheus endpoint (metrics:\n"
    "    in the config) exports the same numbers.\n"
    "\n"
    "OPTIONS\n" ZONECTL_DAEMON_OPTIONS
    "              The JSON object: {\"workers\", \"started_at\" (Unix seconds),\n"
    "              \"queries\": {\"udp\", \"tcp\"}, \"qtypes\", \"opcodes\",\n"
    "              \"rcodes\" (name: count), \"edns\", \"do\", \"truncated\",\n"
    "              \"malformed\", \"no_response\", \"rrl\": {\"dropped\", \"slipped\"},\n"
    "              \"tcp_connections\": {\"accepted\", \"refused\",\n"
    "              \"refused_over_max_connections\",\n"
    "              \"refused_over_max_connections_per_client\"}, \"zones\":\n"
    "              [{\"zone\", \"queries\", \"rcodes\", \"serial\", \"records\",\n"
    "              \"loaded_at\", \"error\"}]}.\n"
    "\n" ZONECTL_DAEMON_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "    zonectl stats\n"
    "    zonectl --json stats | jq '.rcodes'\n";

namespace {

// Counters first in this order; keys a newer zoned adds follow.
constexpr std::array<std::string_view, 13> kOrder = {
    "workers", "queries", "qtypes", "opcodes", "rcodes", "edns", "do",
    "truncated", "malformed", "no_response", "rrl", "tcp_connections", "zones"};

// "udp 10, tcp 2" for an object of counters; the ones at zero are left out.
std::string counters(const nlohmann::json& object) {
  if (!object.is_object()) return object.dump();
  std::string out;
  for (const auto& [name, value] : object.items()) {
    if (value == 0) continue;
    if (!out.empty()) out += ", ";
    out += name + " " + value.dump();
  }
  return out.empty() ? "0" : out;
}

void print_row(std::string_view label, const std::string& value, std::string& out) {
  out += label;
  out.append(label.size() < 16 ? 16 - label.size() : 1, ' ');
  out += value + "\n";
}

void print_stats(const nlohmann::json& body, std::string& out) {
  std::vector<std::string> keys;
  for (auto name : kOrder)
    if (body.contains(name)) keys.emplace_back(name);
  for (const auto& [name, value] : body.items())
    if (name != "started_at" && std::find(kOrder.begin(), kOrder.end(), name) == kOrder.end())
      keys.push_back(name);
  for (const auto& key : keys) {
    if (key != "zones") print_row(key, counters(body.at(key)), out);
  }
  for (const auto& zone : body.value("zones", nlohmann::json::array())) {
    out += "\nzone " + zone.at("zone").get<std::string>() + "\n";
    print_row("  queries", zone.at("queries").dump(), out);
    print_row("  rcodes", counters(zone.at("rcodes")), out);
  }
}

const DaemonCommand kStats{
    {"stats", "usage: zonectl stats [-s SOCKET | -c CONFIG] [--json]", kStatsHelp}, 0, 0,
    &print_stats};

}  // namespace

int run_stats(std::span<const std::string_view> args) { return run_daemon_command(kStats, args); }

}  // namespace zoned::ctl
