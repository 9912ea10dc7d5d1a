#include "ctl/zonectl/args.hpp"

#include <cstdio>

#include "ctl/zonectl/command.hpp"

namespace zoned::ctl {

std::optional<int> parse_args(const CommandSpec& spec, std::span<const std::string_view> args,
                              std::span<const Flag> flags,
                              std::vector<std::string_view>& positional,
                              std::span<const ValueOption> options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                        args.end());
      break;
    }
    if (a == "-h" || a == "--help") {
      std::fwrite(spec.help.data(), 1, spec.help.size(), stdout);
      return kExitOk;
    }
    bool matched = false;
    for (const Flag& f : flags) {
      if (a == f.name) {
        *f.value = true;
        matched = true;
      }
    }
    for (const ValueOption& o : options) {
      if (a != o.short_name && a != o.long_name) continue;
      if (i + 1 == args.size()) return usage_error(spec, "option '" + std::string(a) + "' needs a value");
      *o.value = args[++i];
      matched = true;
    }
    if (matched) continue;
    if (a.size() > 1 && a[0] == '-') return usage_error(spec, "unknown option '" + std::string(a) + "'");
    positional.push_back(a);
  }
  return std::nullopt;
}

int usage_error(const CommandSpec& spec, const std::string& message) {
  std::fprintf(stderr, "zonectl %.*s: %s\n%.*s\n", static_cast<int>(spec.name.size()),
               spec.name.data(), message.c_str(), static_cast<int>(spec.usage.size()),
               spec.usage.data());
  return kExitUsage;
}

}  // namespace zoned::ctl
