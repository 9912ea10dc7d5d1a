#include "command.hpp"

namespace zoned::ctl {

// Defined in cmd_import.cpp / cmd_export.cpp (declarations to move to command.hpp).

std::span<const Command> commands() {
  static const Command table[] = {
      {"check-zone", "check a zone file offline (syntax and zone rules)", kCheckZoneHelp,
       &run_check_zone},
      {"import", "load a zone file into a SQLite zone database (offline)", kImportHelp,
       &run_import},
      {"export", "print a zone of a SQLite zone database as a master file", kExportHelp,
       &run_export},
  };
  return table;
}

}  // namespace zoned::ctl
