#include "server/control/control_commands.hpp"

#include <unistd.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "server/base/utc_time.hpp"
#include "server/base/version.hpp"
#include "server/stats/stats_report.hpp"
#include "server/zones/zone_edit_record.hpp"
#include "zone/lookup_key.hpp"
#include "zone/record_list.hpp"
#include "zone/version_records.hpp"
#include "zone/zone_dump.hpp"

namespace zoned::server {
namespace {

using nlohmann::json;
using ctl::Reply;
using Args = ControlServer::Args;

template <class T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

Reply usage(std::string_view synopsis) {
  return Reply::failure("usage: " + std::string(synopsis));
}

Reply unknown_zone(const dns::Name& zone) {
  return Reply::failure("unknown zone " + zone.to_text() + " (not in zoned's config)");
}

const ZoneConfig* find_config(const Config& config, const dns::Name& zone) {
  const auto it = std::find_if(config.zones.begin(), config.zones.end(),
                               [&](const ZoneConfig& z) { return z.domain == zone; });
  return it == config.zones.end() ? nullptr : &*it;
}

json zone_json(const ZoneManager::Status& status, const Config& config) {
  const ZoneConfig* zone = find_config(config, status.domain);
  const bool secondary = zone != nullptr && zone->role == ZoneRole::Secondary;
  const bool sqlite = zone != nullptr && !zone->sqlite.empty();
  return {{"zone", status.domain.to_text()},
          {"role", secondary ? "secondary" : "primary"},
          {"backend", sqlite ? "sqlite" : "file"},
          {"source", status.source},
          {"serial", or_null(status.serial)},
          {"records", status.records},
          {"loaded_at", status.loaded_at ? json(iso_time(*status.loaded_at)) : json(nullptr)},
          {"error", or_null(status.error)}};
}

std::optional<ZoneManager::Status> zone_status(const ZoneManager& manager, const dns::Name& zone) {
  for (auto& status : manager.status())
    if (status.domain == zone) return std::move(status);
  return std::nullopt;
}

json status_json(const DaemonControl& d, const ControlServer& control) {
  const auto statuses = d.manager.status();
  const auto loaded = std::count_if(statuses.begin(), statuses.end(),
                                    [](const auto& s) { return s.serial.has_value(); });
  const auto failing = std::count_if(statuses.begin(), statuses.end(),
                                     [](const auto& s) { return s.error.has_value(); });
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - d.started);
  return {{"version", std::string(kZonedVersion)},
          {"pid", ::getpid()},
          {"started_at", iso_time(d.stats.started_at())},
          {"uptime_seconds", uptime.count()},
          {"config", d.config.path.string()},
          {"workers", d.workers},
          {"zones", {{"configured", statuses.size()},
                     {"loaded", loaded},
                     {"not_loaded", static_cast<long>(statuses.size()) - loaded},
                     {"failing", failing}}},
          {"listen", d.network.describe_sockets()},
          {"control", control.describe()},
          {"metrics", d.metrics.describe()}};
}

Reply reload(const DaemonControl& d) {
  auto loaded = d.reload();
  if (!loaded) return Reply::failure("config not reloaded, the running one stays: " + one_line(loaded.error()));
  json failed = json::array();
  std::string first_failure;
  const auto statuses = d.manager.status();
  for (const auto& status : statuses) {
    if (!status.error) continue;
    if (first_failure.empty()) first_failure = status.domain.to_text() + ": " + one_line(*status.error);
    failed.push_back({{"zone", status.domain.to_text()}, {"error", *status.error}});
  }
  json body{{"config", d.config.path.string()},
            {"zones_loaded", *loaded},
            {"zones_configured", statuses.size()},
            {"failed", failed}};
  if (failed.empty()) return Reply::success(std::move(body));
  Reply reply = Reply::failure("config reloaded, but " + std::to_string(failed.size()) +
                               " zone(s) did not load: " + first_failure);
  reply.body = std::move(body);
  return reply;
}

Reply zone_status_command(const DaemonControl& d, Args args) {
  if (args.size() > 1) return usage("zone-status [ZONE]");
  json zones = json::array();
  if (args.empty()) {
    for (const auto& status : d.manager.status()) zones.push_back(zone_json(status, d.config));
    return Reply::success({{"zones", zones}});
  }
  const auto name = parse_zone_name(args[0]);
  if (!name) return Reply::failure(name.error());
  const auto status = zone_status(d.manager, *name);
  if (!status) return unknown_zone(*name);
  zones.push_back(zone_json(*status, d.config));
  return Reply::success({{"zones", zones}});
}

Reply zone_reload_command(const DaemonControl& d, Args args) {
  if (args.size() != 1) return usage("zone-reload ZONE");
  const auto name = parse_zone_name(args[0]);
  if (!name) return Reply::failure(name.error());
  if (!zone_status(d.manager, *name)) return unknown_zone(*name);
  spdlog::info("zonectl: reloading zone {}", name->to_text());
  const auto reloaded = d.manager.reload_zone(*name);
  const auto status = zone_status(d.manager, *name);
  if (!status) return unknown_zone(*name);
  if (!reloaded) {
    const std::string serving = status->serial ? "still serving serial " + std::to_string(*status->serial)
                                               : "not loaded, answering SERVFAIL";
    return Reply::failure("zone " + name->to_text() + " not reloaded (" + serving +
                          "): " + one_line(reloaded.error()));
  }
  return Reply::success(zone_json(*status, d.config));
}

// The node's RRsets (with their RRSIGs) of `type`, or all of them.
void add_node(const zone::Node& node, std::optional<dns::RRType> type, zone::RecordList& out) {
  const dns::Name owner = node.owner_name();
  zone::for_each_record(node, [&](dns::RRType t, std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
    if (!type || *type == t) out.add(owner, t, dns::RRClass::IN, ttl, rdata);
  });
}

// Records as zone::dump_zone writes them (the check-zone --dump form), one
// object per line: {"owner", "ttl", "class", "type", "rdata"}.
json records_json(zone::RecordList& records) {
  records.sort();
  std::string text;
  zone::dump_zone(records, text);
  json lines = json::array();
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    std::array<std::string_view, 5> fields{};
    std::string_view tail = line;
    for (std::size_t i = 0; i < 4; ++i) {
      const auto tab = tail.find('\t');
      fields[i] = tail.substr(0, tab);
      tail.remove_prefix(tab == std::string_view::npos ? tail.size() : tab + 1);
    }
    fields[4] = tail;
    lines.push_back({{"owner", fields[0]},
                     {"ttl", std::stoul(std::string(fields[1]))},
                     {"class", fields[2]},
                     {"type", fields[3]},
                     {"rdata", fields[4]}});
  }
  return lines;
}

Reply zone_read_command(const DaemonControl& d, Args args) {
  if (args.empty() || args.size() > 3) return usage("zone-read ZONE [OWNER [TYPE]]");
  const auto name = parse_zone_name(args[0]);
  if (!name) return Reply::failure(name.error());
  const auto* zone = d.zones.find_exact(*name);
  if (zone == nullptr) return unknown_zone(*name);
  // The control thread publishes and reclaims versions: this one stays valid
  // while the handler runs.
  const zone::ZoneVersion* version = zone->current();
  if (version == nullptr)
    return Reply::failure("zone " + name->to_text() + " is not loaded (it answers SERVFAIL)");
  std::optional<dns::RRType> type;
  if (args.size() == 3) {
    type = dns::type_from_text(args[2]);
    if (!type) return Reply::failure("unknown record type '" + args[2] + "'");
  }

  zone::RecordList records;
  if (args.size() == 1) {
    version->for_each_node([&](const zone::Node& node) { add_node(node, type, records); });
  } else {
    const auto owner = parse_edit_owner(*name, args[1]);
    if (!owner) return Reply::failure(owner.error());
    zone::KeyBuffer buffer;
    const zone::Node* node = version->find(zone::make_lookup_key(owner->wire(), buffer));
    if (node != nullptr) add_node(*node, type, records);
    if (records.empty())
      return Reply::failure("no " + (type ? dns::type_to_text(*type) + " " : std::string()) +
                            "records at " + owner->to_text() + " in zone " + name->to_text());
  }
  return Reply::success(
      {{"zone", name->to_text()}, {"serial", version->serial()}, {"records", records_json(records)}});
}

}  // namespace

std::string iso_time(std::chrono::system_clock::time_point time) { return format_utc(time, "%Y-%m-%dT%H:%M:%SZ"); }

Result<dns::Name> parse_zone_name(std::string_view text) {
  const dns::Name root;
  auto name = dns::Name::parse(text, &root);
  if (!name) return Error{"bad zone name '" + std::string(text) + "': " + name.error()};
  return name->lowercased();
}

std::string one_line(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return std::string(text);
  const auto more = std::count(text.begin() + static_cast<std::ptrdiff_t>(newline), text.end(), '\n');
  return std::string(text.substr(0, newline)) + " (and " + std::to_string(more) +
         " more line(s) in zoned's log)";
}

void register_daemon_commands(ControlServer& control, DaemonControl daemon) {
  auto d = std::make_shared<const DaemonControl>(std::move(daemon));
  control.add("status", [d, &control](Args args) {
    if (!args.empty()) return usage("status");
    return Reply::success(status_json(*d, control));
  });
  control.add("reload", [d](Args args) {
    if (!args.empty()) return usage("reload");
    return reload(*d);
  });
  control.add("stop", [d, &control](Args args) {
    if (!args.empty()) return usage("stop");
    spdlog::info("zonectl stop: stopping");
    control.after_reply(d->stop);
    return Reply::success({{"stopping", true}, {"pid", ::getpid()}});
  });
  control.add("zone-status", [d](Args args) { return zone_status_command(*d, args); });
  control.add("zone-reload", [d](Args args) { return zone_reload_command(*d, args); });
  control.add("zone-read", [d](Args args) { return zone_read_command(*d, args); });
  control.add("stats", [d](Args args) {
    if (!args.empty()) return usage("stats");
    return Reply::success(stats_json(d->stats, d->manager));
  });
}

}  // namespace zoned::server
