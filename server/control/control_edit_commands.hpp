#pragma once
// zonectl's transaction commands on the control channel, each a thin handler
// over ZoneEditor (server/zones/zone_editor.hpp):
//   zone-begin ZONE
//   zone-set ZONE OWNER TTL TYPE RDATA...
//   zone-unset ZONE OWNER [TYPE [RDATA...]]
//   zone-diff ZONE, zone-commit ZONE, zone-abort ZONE
// RDATA arguments are joined with spaces and read as master-file text.
// Reply bodies (records as {"owner", "ttl", "class", "type", "rdata"}, the
// zone-read form):
//   zone-begin: {"zone", "serial", "begun_at"}
//   zone-set, zone-unset: {"zone", "added": [...], "removed": [...]}
//   zone-diff, zone-commit, zone-abort: {"zone", "old_serial", "new_serial",
//       "begun_at", "added": [...], "removed": [...]}, the SOA first in both lists.
#include "server/control/control_server.hpp"
#include "server/zones/zone_editor.hpp"

namespace zoned::server {

void register_edit_commands(ControlServer& control, ZoneEditor& editor);

}  // namespace zoned::server
