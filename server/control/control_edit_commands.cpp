#include "server/control/control_edit_commands.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "dns/rdata.hpp"
#include "server/control/control_commands.hpp"

namespace zoned::server {
namespace {

using ctl::Reply;
using nlohmann::json;
using Args = ControlServer::Args;

json record_json(const zone::DiffRecord& rr) {
  dns::Name owner;
  std::string rdata;
  dns::rdata_to_display_text(rr.type, rr.rdata, rdata);
  return {{"owner", dns::Name::from_uncompressed(rr.owner, owner) ? owner.to_text() : "?"},
          {"ttl", rr.ttl},
          {"class", dns::class_to_text(rr.rclass)},
          {"type", dns::type_to_text(rr.type)},
          {"rdata", rdata}};
}

json records_json(const std::vector<zone::DiffRecord>& records) {
  json out = json::array();
  for (const auto& rr : records) out.push_back(record_json(rr));
  return out;
}

json change_json(const ZoneEditor::Change& change) {
  return {{"zone", change.zone.to_text()},
          {"old_serial", change.old_serial},
          {"new_serial", change.new_serial},
          {"begun_at", iso_time(change.begun_at)},
          {"added", records_json(change.added)},
          {"removed", records_json(change.removed)}};
}

json edit_json(const dns::Name& zone, const ZoneEditor::Edit& edit) {
  return {{"zone", zone.to_text()},
          {"added", records_json(edit.added)},
          {"removed", records_json(edit.removed)}};
}

// The RDATA arguments as one master-file field list.
std::string joined(Args args) {
  std::string text;
  for (const auto& arg : args) {
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text;
}

Reply usage(std::string_view synopsis) { return Reply::failure("usage: " + std::string(synopsis)); }

// Runs `command` on the zone named by args[0]; the handlers differ in the rest.
template <class Command>
Reply on_zone(Args args, Command&& command) {
  const auto zone = parse_zone_name(args[0]);
  if (!zone) return Reply::failure(zone.error());
  return command(*zone);
}

}  // namespace

void register_edit_commands(ControlServer& control, ZoneEditor& editor) {
  control.add("zone-begin", [&editor](Args args) {
    if (args.size() != 1) return usage("zone-begin ZONE");
    return on_zone(args, [&](const dns::Name& zone) {
      auto begun = editor.begin(zone);
      if (!begun) return Reply::failure(one_line(begun.error()));
      spdlog::info("zonectl: transaction begun on zone {} at serial {}", zone.to_text(),
                   begun->old_serial);
      return Reply::success({{"zone", zone.to_text()},
                             {"serial", begun->old_serial},
                             {"begun_at", iso_time(begun->begun_at)}});
    });
  });
  control.add("zone-set", [&editor](Args args) {
    if (args.size() < 5) return usage("zone-set ZONE OWNER TTL TYPE RDATA");
    return on_zone(args, [&](const dns::Name& zone) {
      auto edit = editor.set(zone, args[1], args[2], args[3], joined(args.subspan(4)));
      if (!edit) return Reply::failure(one_line(edit.error()));
      return Reply::success(edit_json(zone, *edit));
    });
  });
  control.add("zone-unset", [&editor](Args args) {
    if (args.size() < 2) return usage("zone-unset ZONE OWNER [TYPE [RDATA]]");
    return on_zone(args, [&](const dns::Name& zone) {
      const std::string type = args.size() > 2 ? args[2] : std::string();
      const std::string rdata = joined(args.subspan(std::min<std::size_t>(3, args.size())));
      auto edit = editor.unset(zone, args[1], type, rdata);
      if (!edit) return Reply::failure(one_line(edit.error()));
      return Reply::success(edit_json(zone, *edit));
    });
  });
  control.add("zone-diff", [&editor](Args args) {
    if (args.size() != 1) return usage("zone-diff ZONE");
    return on_zone(args, [&](const dns::Name& zone) {
      auto change = editor.diff(zone);
      if (!change) return Reply::failure(one_line(change.error()));
      return Reply::success(change_json(*change));
    });
  });
  control.add("zone-commit", [&editor](Args args) {
    if (args.size() != 1) return usage("zone-commit ZONE");
    return on_zone(args, [&](const dns::Name& zone) {
      auto change = editor.commit(zone);
      if (!change) {
        spdlog::warn("zonectl: {}", one_line(change.error()));
        return Reply::failure(one_line(change.error()));
      }
      return Reply::success(change_json(*change));
    });
  });
  control.add("zone-abort", [&editor](Args args) {
    if (args.size() != 1) return usage("zone-abort ZONE");
    return on_zone(args, [&](const dns::Name& zone) {
      auto dropped = editor.abort(zone);
      if (!dropped) return Reply::failure(one_line(dropped.error()));
      spdlog::info("zonectl: transaction on zone {} aborted", zone.to_text());
      return Reply::success(change_json(*dropped));
    });
  });
}

}  // namespace zoned::server
