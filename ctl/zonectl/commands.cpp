#include "command.hpp"

namespace zoned::ctl {

std::span<const Command> commands() {
  static const Command table[] = {
      // Daemon commands.
      {"status", "show version, uptime, workers, zones and sockets", kStatusHelp, &run_status,
       true},
      {"reload", "reload the config and every changed zone (as SIGHUP)", kReloadHelp,
       &run_reload, true},
      {"stop", "stop zoned (as SIGTERM)", kStopHelp, &run_stop, true},
      {"zone-status", "show role, backend, serial, records and errors of zones",
       kZoneStatusHelp, &run_zone_status, true},
      {"zone-reload", "read one zone again from its file or database", kZoneReloadHelp,
       &run_zone_reload, true},
      {"zone-read", "print the records served for a zone, name or type", kZoneReadHelp,
       &run_zone_read, true},
      {"stats", "print the query counters, whole and per zone", kStatsHelp, &run_stats, true},
      {"zone-begin", "open a transaction on a zone", kZoneBeginHelp, &run_zone_begin, true},
      {"zone-set", "add a record in the open transaction", kZoneSetHelp, &run_zone_set, true},
      {"zone-unset", "remove records in the open transaction", kZoneUnsetHelp, &run_zone_unset,
       true},
      {"zone-diff", "show the open transaction's changes", kZoneDiffHelp, &run_zone_diff, true},
      {"zone-commit", "check, write and serve the open transaction", kZoneCommitHelp,
       &run_zone_commit, true},
      {"zone-abort", "drop the open transaction", kZoneAbortHelp, &run_zone_abort, true},
      // Offline commands.
      {"check-zone", "check a zone file offline (syntax and zone rules)", kCheckZoneHelp,
       &run_check_zone},
      {"import", "load a zone file into a SQLite zone database (offline)", kImportHelp,
       &run_import},
      {"export", "print a zone of a SQLite zone database as a master file", kExportHelp,
       &run_export},
      {"tsig-keygen", "generate a TSIG key for zoned and its peers", kTsigKeygenHelp,
       &run_tsig_keygen},
  };
  return table;
}

}  // namespace zoned::ctl
