// zonectl: the operator CLI. Dispatches `zonectl COMMAND ARGS...` to the
// command table (command.hpp); `zonectl --help` and `zonectl help COMMAND`.
#include <cstdio>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace {

using zoned::ctl::commands;

void print_commands(std::FILE* f, bool needs_daemon) {
  for (const auto& c : commands())
    if (c.needs_daemon == needs_daemon)
      std::fprintf(f, "    %-16.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                   static_cast<int>(c.summary.size()), c.summary.data());
}

void print_usage(std::FILE* f) {
  std::fputs(
      "NAME\n"
      "    zonectl - control and check zoned, the authoritative DNS server\n"
      "\n"
      "SYNOPSIS\n"
      "    zonectl [-s SOCKET | -c CONFIG] [--json] COMMAND [ARGS...]\n"
      "    zonectl help COMMAND\n"
      "\n"
      "DESCRIPTION\n"
      "    Daemon commands talk to a running zoned over its control socket, the\n"
      "    control: socket: of zoned's config. Whoever may open that socket may\n"
      "    control zoned: zoned creates it mode 0660, and the permissions of its\n"
      "    directory decide who reaches it. Offline commands need no daemon.\n"
      "\n"
      "OPTIONS\n"
      "    Options may come before or after the command name.\n"
      "    -s, --socket SOCKET\n"
      "              zoned's control socket (daemon commands).\n"
      "    -c, --config CONFIG\n"
      "              read the socket's path from zoned's config file CONFIG.\n"
      "              Without -s and -c: the control: socket: of\n"
      "              /etc/zoned/zoned.yaml when that file exists, else\n"
      "              /run/zoned/zoned.sock.\n"
      "    --json    print the result as JSON on standard output, for scripts\n"
      "              (every daemon command; offline commands say in their help).\n"
      "    -h, --help\n"
      "              print this page, or after a command that command's page.\n"
      "\n"
      "DAEMON COMMANDS\n",
      f);
  print_commands(f, true);
  std::fputs("\nOFFLINE COMMANDS\n", f);
  print_commands(f, false);
  std::fputs(
      "\n"
      "EXIT STATUS\n"
      "    0 success. 1 the command failed: zoned is not running or the socket\n"
      "    is not ours to open, an unknown zone, a bad record, errors found in a\n"
      "    zone; the reason is one line on standard error. 2 usage error.\n"
      "\n"
      "EXAMPLES\n"
      "    zonectl -c /etc/zoned/zoned.yaml status\n"
      "    zonectl zone-status example.com\n"
      "    zonectl zone-read example.com www AAAA\n"
      "    zonectl --json stats | jq .\n"
      "    zonectl check-zone example.com db.example\n"
      "\n"
      "Run 'zonectl help COMMAND' for the page of one command; docs/zonectl.md\n"
      "is the operator's guide.\n",
      f);
}

const zoned::ctl::Command* find(std::string_view name) {
  for (const auto& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

bool is_global_option(std::string_view arg) {
  return arg == "-s" || arg == "--socket" || arg == "-c" || arg == "--config" || arg == "--json";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  // Options before the command (`zonectl -s SOCKET status`) go to the
  // command, as if written after its name.
  std::vector<std::string_view> global;
  while (!args.empty() && is_global_option(args[0])) {
    const std::size_t take = args[0] == "--json" || args.size() == 1 ? 1 : 2;
    global.insert(global.end(), args.begin(), args.begin() + static_cast<std::ptrdiff_t>(take));
    args.erase(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(take));
  }
  if (args.empty()) {
    print_usage(stderr);
    return zoned::ctl::kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    print_usage(stdout);
    return zoned::ctl::kExitOk;
  }
  if (args[0] == "help") {
    if (args.size() == 1) {
      print_usage(stdout);
      return zoned::ctl::kExitOk;
    }
    if (const auto* c = find(args[1])) {
      std::fwrite(c->help.data(), 1, c->help.size(), stdout);
      return zoned::ctl::kExitOk;
    }
    std::fprintf(stderr, "zonectl: unknown command '%.*s' (see zonectl --help)\n",
                 static_cast<int>(args[1].size()), args[1].data());
    return zoned::ctl::kExitUsage;
  }
  if (const auto* c = find(args[0])) {
    global.insert(global.end(), args.begin() + 1, args.end());
    return c->run(global);
  }
  std::fprintf(stderr, "zonectl: unknown command '%.*s' (see zonectl --help)\n",
               static_cast<int>(args[0].size()), args[0].data());
  return zoned::ctl::kExitUsage;
}
