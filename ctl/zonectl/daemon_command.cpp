#include "ctl/zonectl/daemon_command.hpp"

#include <cstdio>
#include <vector>

#include "ctl/zonectl/command.hpp"
#include "ctl/zonectl/daemon_client.hpp"

namespace zoned::ctl {
namespace {

void write_out(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

int fail(bool json, const std::string& reason) {
  std::fprintf(stderr, "zonectl: %s\n", reason.c_str());
  if (json) write_out(nlohmann::json{{"error", reason}}.dump() + "\n");
  return kExitFailure;
}

}  // namespace

int run_daemon_command(const DaemonCommand& command, std::span<const std::string_view> args) {
  const CommandSpec& spec = command.spec;
  bool json = false;
  std::string_view socket;
  std::string_view config;
  const Flag flags[] = {{"--json", &json}};
  const ValueOption options[] = {{"-s", "--socket", &socket}, {"-c", "--config", &config}};
  std::vector<std::string_view> positional;
  if (auto exit = parse_args(spec, args, flags, positional, options)) return *exit;
  if (!socket.empty() && !config.empty()) return usage_error(spec, "give -s or -c, not both");
  if (positional.size() < command.min_args) return usage_error(spec, "missing arguments");
  if (positional.size() > command.max_args) return usage_error(spec, "too many arguments");

  const auto path = find_socket({socket, config});
  if (!path) return fail(json, path.error());
  Request request{std::string(spec.name), {}};
  for (auto arg : positional) request.args.emplace_back(arg);
  const auto reply = call_daemon(*path, request);
  if (!reply) return fail(json, reply.error());
  if (!reply->ok) return fail(json, reply->error);

  std::string out;
  if (json) {
    out = reply->body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    try {
      command.print(reply->body, out);
    } catch (const nlohmann::json::exception& e) {
      // A zoned of another version may shape its reply differently.
      return fail(json, std::string("unexpected reply from zoned (") + e.what() + "); try --json");
    }
  }
  write_out(out);
  return kExitOk;
}

std::string format_duration(std::uint64_t seconds) {
  const std::uint64_t days = seconds / 86400, hours = seconds / 3600 % 24,
                      minutes = seconds / 60 % 60, rest = seconds % 60;
  std::string out;
  const auto part = [&out](std::uint64_t n, char unit) {
    if (!out.empty()) out += ' ';
    out += std::to_string(n);
    out += unit;
  };
  if (days) part(days, 'd');
  if (days || hours) part(hours, 'h');
  if (days || hours || minutes) part(minutes, 'm');
  part(rest, 's');
  return out;
}

}  // namespace zoned::ctl
