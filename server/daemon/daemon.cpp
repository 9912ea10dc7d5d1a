#include "server/daemon/daemon.hpp"

#include <pthread.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <ctime>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "server/base/version.hpp"
#include "server/control/control_commands.hpp"
#include "server/control/control_edit_commands.hpp"
#include "server/daemon/logging.hpp"
#include "server/daemon/privileges.hpp"

namespace zoned::server {
namespace {

// Blocks the daemon's signals in this thread while alive, so that threads
// started meanwhile (workers, zone loaders) inherit the block and every
// signal reaches the control thread's signal_set instead.
class SignalBlock {
 public:
  SignalBlock() {
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&set, signal);
    pthread_sigmask(SIG_BLOCK, &set, &previous_);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t previous_{};
};

// Settings the running Network and process were built with: a reload can
// only report that they changed.
// Keys bound at start-up (sockets, threads, privileges, pid file, control
// socket) keep their running values until a restart, so that what the
// daemon reports and advertises (edns-tcp-keepalive) is what it does.
void keep_restart_only_keys(const Config& running, Config& next) {
  const auto keep = [](const char* key, const auto& running_value, auto& next_value) {
    if (running_value == next_value) return;
    spdlog::warn("config: {} changed; it takes effect after a restart", key);
    next_value = running_value;
  };
  keep("server.listen", running.server.listen, next.server.listen);
  keep("server.workers", running.server.workers, next.server.workers);
  keep("server.tcp", running.server.tcp, next.server.tcp);
  keep("server.user", running.server.user, next.server.user);
  keep("server.pid-file", running.server.pid_file, next.server.pid_file);
  keep("control", running.control, next.control);
  keep("metrics", running.metrics, next.metrics);
}

}  // namespace

Daemon::Daemon(Config config)
    : config_(std::move(config)),
      signals_(io_, SIGHUP, SIGTERM, SIGINT),
      tick_(io_),
      next_cookie_rotation_(std::chrono::steady_clock::now() + kCookieSecretLifetime),
      stats_(make_network_settings(config_.server).workers,
             make_network_settings(config_.server).threads_per_worker()) {}

Daemon::~Daemon() = default;

int Daemon::run() {
  if (!start()) {
    if (network_) network_->stop();
    return 1;
  }
  wait_for_signal();
  schedule_tick();
  io_.run();
  return 0;
}

bool Daemon::start() {
  const SignalBlock block;
  spdlog::info("zoned {} starting with {}", kZonedVersion, config_.path.string());
  auto secret = random_cookie_secret();
  if (!secret) {
    spdlog::critical("{}", secret.error());
    return false;
  }
  cookies_.current = *secret;
  settings_ = std::make_unique<PublishedSettings>(
      domain_, std::make_unique<const EngineSettings>(make_engine_settings(config_.server, cookies_)));

  manager_.apply(config_.zones);
  rrl_.configure(config_.server.rrl);

  network_ = std::make_unique<Network>(make_network_settings(config_.server), zones_, domain_,
                                       settings_->pointer(), rrl_, stats_);
  if (auto started = network_->start(); !started) {
    spdlog::critical("cannot serve: {}", started.error());
    return false;
  }
  if (auto started = metrics_.start(config_.metrics); !started) {
    spdlog::critical("cannot serve metrics: {}", started.error());
    return false;
  }
  register_control_commands();
  if (auto started = control_.start(config_.control); !started) {
    spdlog::critical("cannot serve the control channel: {}", started.error());
    return false;
  }
  if (!config_.server.pid_file.empty()) {
    if (auto written = pid_file_.write(config_.server.pid_file); !written) {
      spdlog::critical("{}", written.error());
      return false;
    }
  }
  // After binding (port 53 needs root) and the pid file (often in /run).
  if (!config_.server.user.empty()) {
    if (auto dropped = drop_privileges(config_.server.user); !dropped) {
      spdlog::critical("{}", dropped.error());
      return false;
    }
  }
  log_summary();
  return true;
}

void Daemon::log_summary() const {
  const auto statuses = manager_.status();
  std::size_t failed = 0;
  for (const auto& zone : statuses) {
    if (zone.serial) {
      spdlog::info("  zone {} serial {}, {} records ({}){}", zone.domain.to_text(), *zone.serial,
                   zone.records, zone.source, zone.error ? " [last reload failed]" : "");
    } else {
      ++failed;
      spdlog::error("  zone {} NOT LOADED, answering SERVFAIL ({})", zone.domain.to_text(),
                    zone.source);
    }
  }
  for (const auto& socket : network_->describe_sockets()) spdlog::info("  listening {}", socket);
  if (const std::string metrics = metrics_.describe(); !metrics.empty())
    spdlog::info("  metrics {}", metrics);
  if (const std::string control = control_.describe(); !control.empty())
    spdlog::info("  control {}", control);
  spdlog::info("zoned {} serving {} zone(s) ({} failed to load) with {} worker(s), pid {}",
               kZonedVersion, statuses.size() - failed, failed,
               make_network_settings(config_.server).workers, ::getpid());
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;  // cancelled: stopping
    if (signal == SIGHUP) {
      (void)reload("SIGHUP");
      wait_for_signal();
      return;
    }
    spdlog::info("{}: stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    stop();
  });
}

void Daemon::schedule_tick() {
  tick_.expires_after(kControlTick);
  tick_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    on_tick();
    schedule_tick();
  });
}

void Daemon::on_tick() {
  const auto now = std::chrono::steady_clock::now();
  manager_.poll(now);
  rrl_.sweep(static_cast<std::uint32_t>(std::time(nullptr)));  // the workers' clock
  rrl_.log_activity(now);
  if (network_) network_->log_tcp_refusals(now);
  if (now >= next_cookie_rotation_) {
    if (auto rotated = rotate(cookies_)) {
      cookies_ = *rotated;
      publish_engine_settings();
      spdlog::info("server cookie secret rotated");
    } else {
      spdlog::error("{}; keeping the current one", rotated.error());
    }
    next_cookie_rotation_ = now + kCookieSecretLifetime;
  }
  domain_.reclaim();
}

Result<std::size_t> Daemon::reload(std::string_view trigger) {
  spdlog::info("{}: reloading {}", trigger, config_.path.string());
  auto next = load_config(config_.path);
  if (!next) {
    spdlog::error("config not reloaded, the running config stays:\n{}", next.error());
    return Error{next.error()};
  }
  // Always: this reopens a log file that logrotate moved away.
  if (auto logging = configure_logging(next->log); !logging)
    spdlog::error("log settings not changed: {}", logging.error());
  keep_restart_only_keys(config_, *next);
  config_ = std::move(*next);
  publish_engine_settings();
  rrl_.configure(config_.server.rrl);
  const std::size_t loaded = manager_.apply(config_.zones);
  domain_.reclaim();
  spdlog::info("reload done: {} zone(s) loaded, {} served", loaded, zones_.size());
  return loaded;
}

void Daemon::register_control_commands() {
  register_daemon_commands(
      control_, DaemonControl{config_, manager_, zones_, *network_, metrics_, stats_,
                              make_network_settings(config_.server).workers, started_,
                              [this] { return reload("zonectl"); }, [this] { stop(); }});
  register_edit_commands(control_, editor_);
}

void Daemon::publish_engine_settings() {
  settings_->publish(
      std::make_unique<const EngineSettings>(make_engine_settings(config_.server, cookies_)));
}

void Daemon::stop() {
  signals_.cancel();
  tick_.cancel();
  metrics_.stop();
  control_.stop();
  network_->stop();
  if (auto removed = pid_file_.remove(); !removed) spdlog::warn("{}", removed.error());
  spdlog::info("zoned stopped");
}

int check_config(const std::filesystem::path& path) {
  auto config = load_config(path);
  if (!config) {
    std::cerr << config.error() << '\n';
    return 1;
  }
  std::vector<const ZoneConfig*> zones;
  for (const auto& zone : config->zones) zones.push_back(&zone);
  auto results = load_in_parallel(zones);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < zones.size(); ++i) {
    const std::string name = zones[i]->domain.to_text();
    if (!results[i]) {
      ++failed;
      std::cerr << "zone " << name << " (" << describe_source(*zones[i])
                << ") does not load:\n" << results[i].error() << '\n';
      continue;
    }
    for (const auto& warning : results[i]->warnings)
      std::cerr << "zone " << name << ": " << warning.to_string() << '\n';
    std::cout << "zone " << name << ": serial " << results[i]->version->serial() << ", "
              << results[i]->version->record_count() << " records\n";
  }
  if (failed != 0) {
    std::cerr << config->path.string() << ": " << failed << " of " << zones.size()
              << " zone(s) do not load\n";
    return 1;
  }
  std::cout << config->path.string() << ": config OK, " << zones.size() << " zone(s) load\n";
  return 0;
}

}  // namespace zoned::server
