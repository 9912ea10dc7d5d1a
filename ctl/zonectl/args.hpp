#pragma once
// Command-line handling shared by the zonectl commands: boolean flags,
// -h/--help, positional arguments, and usage errors in one format.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zoned::ctl {

struct CommandSpec {
  std::string_view name;   // "import"
  std::string_view usage;  // "usage: zonectl import [--json] ZONE FILE DATABASE"
  std::string_view help;   // printed for -h / --help
};

struct Flag {
  std::string_view name;  // "--json"
  bool* value;
};

// Sets the given flags and collects positional arguments. Returns an exit
// code when the command must stop now (help printed, or a usage error).
[[nodiscard]] std::optional<int> parse_args(const CommandSpec& spec,
                                            std::span<const std::string_view> args,
                                            std::span<const Flag> flags,
                                            std::vector<std::string_view>& positional);

// Prints "zonectl NAME: MESSAGE" and the usage line; returns kExitUsage.
int usage_error(const CommandSpec& spec, const std::string& message);

}  // namespace zoned::ctl
