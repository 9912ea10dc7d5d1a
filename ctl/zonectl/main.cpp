// zonectl: the operator CLI. Dispatches `zonectl COMMAND ARGS...` to the
// command table (command.hpp); `zonectl --help` and `zonectl help COMMAND`.
#include <cstdio>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace {

using zoned::ctl::commands;

void print_usage(std::FILE* f) {
  std::fputs(
      "NAME\n"
      "    zonectl - control and check zoned, the authoritative DNS server\n"
      "\n"
      "SYNOPSIS\n"
      "    zonectl [--help] COMMAND [ARGS...]\n"
      "    zonectl help COMMAND\n"
      "\n"
      "COMMANDS\n",
      f);
  for (const auto& c : commands())
    std::fprintf(f, "    %-16.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  std::fputs(
      "\n"
      "EXIT STATUS\n"
      "    0 success, 1 the command failed or found errors, 2 usage error.\n"
      "\n"
      "Run 'zonectl help COMMAND' for the options of one command.\n",
      f);
}

const zoned::ctl::Command* find(std::string_view name) {
  for (const auto& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
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
    std::fprintf(stderr, "zonectl: unknown command '%.*s'\n", static_cast<int>(args[1].size()),
                 args[1].data());
    return zoned::ctl::kExitUsage;
  }
  if (const auto* c = find(args[0]))
    return c->run(std::span<const std::string_view>(args).subspan(1));
  std::fprintf(stderr, "zonectl: unknown command '%.*s' (see zonectl --help)\n",
               static_cast<int>(args[0].size()), args[0].data());
  return zoned::ctl::kExitUsage;
}
