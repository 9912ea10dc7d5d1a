#pragma once
// zonectl subcommands: each lives in its own cmd_*.cpp and registers one
// Command row in commands.cpp; main.cpp only dispatches.
#include <span>
#include <string_view>

namespace zoned::ctl {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found errors / failed
inline constexpr int kExitUsage = 2;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `zonectl --help`
  std::string_view help;     // full text for `zonectl help NAME`
  int (*run)(std::span<const std::string_view> args);  // args exclude the command name
  bool needs_daemon = false;  // talks to zoned (daemon_command.hpp), else offline
};

[[nodiscard]] std::span<const Command> commands();

// The commands (declared here, defined in their cmd_*.cpp).
int run_check_zone(std::span<const std::string_view> args);
extern const std::string_view kCheckZoneHelp;
int run_import(std::span<const std::string_view> args);
extern const std::string_view kImportHelp;
int run_export(std::span<const std::string_view> args);
extern const std::string_view kExportHelp;
int run_tsig_keygen(std::span<const std::string_view> args);
extern const std::string_view kTsigKeygenHelp;

// Daemon commands (daemon_command.hpp).
int run_status(std::span<const std::string_view> args);
extern const std::string_view kStatusHelp;
int run_reload(std::span<const std::string_view> args);
extern const std::string_view kReloadHelp;
int run_stop(std::span<const std::string_view> args);
extern const std::string_view kStopHelp;
int run_zone_status(std::span<const std::string_view> args);
extern const std::string_view kZoneStatusHelp;
int run_zone_reload(std::span<const std::string_view> args);
extern const std::string_view kZoneReloadHelp;
int run_zone_read(std::span<const std::string_view> args);
extern const std::string_view kZoneReadHelp;
int run_stats(std::span<const std::string_view> args);
extern const std::string_view kStatsHelp;
// Transactions (cmd_zone_edit.cpp).
int run_zone_begin(std::span<const std::string_view> args);
int run_zone_set(std::span<const std::string_view> args);
int run_zone_unset(std::span<const std::string_view> args);
int run_zone_diff(std::span<const std::string_view> args);
int run_zone_commit(std::span<const std::string_view> args);
int run_zone_abort(std::span<const std::string_view> args);
extern const std::string_view kZoneBeginHelp, kZoneSetHelp, kZoneUnsetHelp, kZoneDiffHelp,
    kZoneCommitHelp, kZoneAbortHelp;

}  // namespace zoned::ctl
