#include "command.hpp"

namespace zoned::ctl {

std::span<const Command> commands() {
  static const Command table[] = {
      {"check-zone", "check a zone file offline (syntax and zone rules)", kCheckZoneHelp,
       &run_check_zone},
  };
  return table;
}

}  // namespace zoned::ctl
