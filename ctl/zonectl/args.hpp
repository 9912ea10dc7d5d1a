#pragma once
// Command-line handling shared by the zonectl commands: boolean flags,
// options with a value (-s SOCKET), -h/--help, positional arguments ("--"
// ends the options, for RDATA that starts with '-'), and usage errors in
// one format.
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

// An option followed by its value: "-s PATH" or "--socket PATH".
struct ValueOption {
  std::string_view short_name;  // "-s"
  std::string_view long_name;   // "--socket"
  std::string_view* value;
};

// Sets the given flags and options and collects positional arguments.
// Returns an exit code when the command must stop now (help printed, or a
// usage error).
[[nodiscard]] std::optional<int> parse_args(const CommandSpec& spec,
                                            std::span<const std::string_view> args,
                                            std::span<const Flag> flags,
                                            std::vector<std::string_view>& positional,
                                            std::span<const ValueOption> options = {});

// Prints "zonectl NAME: MESSAGE" and the usage line; returns kExitUsage.
int usage_error(const CommandSpec& spec, const std::string& message);

}  // namespace zoned::ctl
