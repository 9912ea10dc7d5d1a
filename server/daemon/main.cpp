// zoned: the authoritative DNS server. Parses the command line, loads the
// config and hands over to the Daemon (server/daemon/daemon.hpp).
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "server/base/version.hpp"
#include "server/config/config.hpp"
#include "server/daemon/daemon.hpp"
#include "server/daemon/logging.hpp"

namespace {

using zoned::server::kZonedVersion;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr const char* kDefaultConfig = "/etc/zoned/zoned.yaml";

constexpr std::string_view kHelp = R"help(NAME
    zoned - authoritative DNS server

SYNOPSIS
    zoned [-c FILE]
    zoned --check-config [-c FILE]
    zoned --help | --version

DESCRIPTION
    zoned serves the zones listed in its YAML config file over UDP and TCP
    (RFC 1035, RFC 7766), from master files or SQLite databases. It runs in
    the foreground and logs where the config's `log` section says (standard
    error by default); run it under systemd or a similar supervisor.

    At start-up every zone is loaded and checked. A zone that fails to load
    is logged with FILE:LINE:COLUMN and answers SERVFAIL until a reload fixes
    it; the other zones are served. docs/CONFIG.md describes every key.

OPTIONS
    -c, --config FILE
        The config file (default /etc/zoned/zoned.yaml). Relative paths in it
        are relative to its directory.
    --check-config
        Load the config and every zone as start-up would, print each error
        and a summary, and exit. Opens no socket, changes nothing.
    -h, --help
        Print this help and exit.
    -V, --version
        Print the version and exit.

SIGNALS
    SIGHUP
        Reload: read the config again (one with errors is rejected and the
        running one stays), reopen the log file, load every zone whose file
        or database changed, start and stop serving zones added to or removed
        from the config. A zone that fails to reload keeps serving its
        previous version. Changes to server.listen, workers, tcp, user,
        pid-file and control need a restart.
    SIGTERM, SIGINT
        Stop: close the sockets, finish the queries in hand, remove the pid
        file, exit 0.

    SQLite zones with `sqlite-poll` are reloaded without a signal when the
    SOA serial in the database changes.

FILES
    /etc/zoned/zoned.yaml
        Default config file.
    server.pid-file
        Written after the sockets are bound, removed at a clean stop (put it
        in a directory that `server.user` may write, or it stays behind).

EXIT STATUS
    0   stopped cleanly by SIGTERM or SIGINT; --check-config found no error
    1   the config or a zone has errors (--check-config), or start-up failed
        (config error, address in use, pid file, user)
    2   bad command line

EXAMPLES
    zoned --check-config -c zones-example/zoned.yaml
    zoned -c zones-example/zoned.yaml
    kill -HUP "$(cat /run/zoned.pid)"
)help";

struct Options {
  std::filesystem::path config = kDefaultConfig;
  bool check_config = false;
  bool help = false;
  bool version = false;
};

struct UsageError {
  std::string message;
};

[[nodiscard]] std::optional<UsageError> parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-c" || arg == "--config") {
      if (i + 1 == argc) return UsageError{"option " + std::string(arg) + " needs a FILE"};
      options.config = argv[++i];
    } else if (arg.starts_with("--config=")) {
      options.config = std::string(arg.substr(arg.find('=') + 1));
    } else if (arg == "--check-config") {
      options.check_config = true;
    } else if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (arg == "-V" || arg == "--version") {
      options.version = true;
    } else if (arg.starts_with("-")) {
      return UsageError{"unknown option " + std::string(arg)};
    } else {
      return UsageError{"unexpected argument " + std::string(arg)};
    }
  }
  if (options.config.empty()) return UsageError{"the config FILE is empty"};
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (auto error = parse_options(argc, argv, options)) {
    std::cerr << "zoned: " << error->message << " (zoned --help shows the usage)\n";
    return kExitUsage;
  }
  if (options.help) {
    std::cout << kHelp;
    return kExitOk;
  }
  if (options.version) {
    std::cout << "zoned " << kZonedVersion << '\n';
    return kExitOk;
  }
  if (options.check_config) return zoned::server::check_config(options.config);

  auto config = zoned::server::load_config(options.config);
  if (!config) {
    std::cerr << config.error() << '\n';
    return kExitFailure;
  }
  if (auto logging = zoned::server::configure_logging(config->log); !logging) {
    std::cerr << "zoned: " << logging.error() << '\n';
    return kExitFailure;
  }
  // A client closing its TCP connection must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  zoned::server::Daemon daemon(std::move(*config));
  return daemon.run();
}
