#pragma once
// The client side of a daemon command, shared by all of them: parse the
// common options (-c CONFIG, -s SOCKET, --json) and the arguments, send the
// request, print the reply, choose the exit status.
//
// How to add a daemon command (e.g. in ctl/zonectl/cmd_zone_edit.cpp):
//   const DaemonCommand kZoneBegin{
//       {"zone-begin", "usage: zonectl zone-begin [OPTIONS] ZONE", kZoneBeginHelp},
//       1, 1,                                            // argument count: min, max
//       [](const nlohmann::json& body, std::string& out) {  // human output
//         out += "transaction open on " + body.value("zone", "") + "\n";
//       }};
//   int run_zone_begin(std::span<const std::string_view> args) {
//     return run_daemon_command(kZoneBegin, args);
//   }
// then declare run_zone_begin and kZoneBeginHelp in command.hpp and add a
// row to commands.cpp. The request sent is spec.name with the arguments;
// the daemon's handler is registered under the same name
// (server/control/control_server.hpp). Help texts put ZONECTL_DAEMON_OPTIONS in
// their OPTIONS section and end with ZONECTL_DAEMON_EXIT_STATUS.
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ctl/zonectl/args.hpp"

namespace zoned::ctl {

struct DaemonCommand {
  CommandSpec spec;
  std::size_t min_args = 0;
  std::size_t max_args = 0;  // kAnyCount: no upper bound
  // Appends the reply body as text for a human (not called with --json).
  void (*print)(const nlohmann::json& body, std::string& out) = nullptr;
};
inline constexpr std::size_t kAnyCount = std::numeric_limits<std::size_t>::max();

// Exit status: kExitOk on success; kExitFailure with "zonectl: REASON" on
// standard error when zoned cannot be reached or refuses (with --json, also
// {"error": REASON} on standard output); kExitUsage for bad arguments.
int run_daemon_command(const DaemonCommand& command, std::span<const std::string_view> args);

// Help text shared by the daemon commands (string literals, so that each
// command's help is one constant).
#define ZONECTL_DAEMON_OPTIONS                                                   \
  "    -s, --socket SOCKET\n"                                                    \
  "              zoned's control socket.\n"                                      \
  "    -c, --config CONFIG\n"                                                    \
  "              use the control: socket: of zoned's config file CONFIG.\n"       \
  "              Without -s and -c: that of /etc/zoned/zoned.yaml when it\n"      \
  "              exists, else /run/zoned/zoned.sock.\n"                          \
  "    --json    print the reply as JSON on standard output (on failure:\n"      \
  "              {\"error\": REASON}).\n"                                        \
  "    -h, --help\n"                                                             \
  "              print this help.\n"
#define ZONECTL_DAEMON_EXIT_STATUS                                               \
  "EXIT STATUS\n"                                                               \
  "    0 success; 1 zoned cannot be reached (not running, permission denied)\n" \
  "    or refused the command, with the reason on one line on standard error;\n" \
  "    2 usage error.\n"

// "3d 4h 5m 6s"-style duration for human output.
[[nodiscard]] std::string format_duration(std::uint64_t seconds);

}  // namespace zoned::ctl
