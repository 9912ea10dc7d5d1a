#pragma once
// The running daemon: owns the zone set, the published engine settings and
// the Network, and runs the control thread (the calling thread) until
// SIGTERM or SIGINT. The control io_context handles signals, timers, the
// control channel and metrics; workers only answer queries
// (docs/ARCHITECTURE.md, "Threads").
//
//   SIGHUP   reload the config (a config with errors is rejected and the
//            running one kept), reopen the log, reload changed zones, add and
//            remove zones; listen/worker/TCP changes need a restart.
//   SIGTERM, SIGINT   stop: close sockets, join workers, remove the pid file.
//
// The control channel (`control: socket:`, server/control/control_server.hpp) runs on
// the same thread: `zonectl reload` and `zonectl stop` do what the signals do
// and report the outcome.
//
// Every second the control thread frees retired zone versions and settings
// (ReclaimDomain::reclaim), polls SQLite zones that ask for it and logs a
// summary of what RRL limited (RateLimiter::log_activity); server
// cookie secrets are rotated daily (RFC 9018 §4.3).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "server/config/config.hpp"
#include "server/control/control_server.hpp"
#include "server/daemon/pid_file.hpp"
#include "server/daemon/settings.hpp"
#include "server/network/network.hpp"
#include "server/rrl/rrl.hpp"
#include "server/stats/metrics_server.hpp"
#include "server/stats/stats.hpp"
#include "server/zones/zone_editor.hpp"
#include "server/zones/zone_manager.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

inline constexpr std::chrono::seconds kControlTick{1};
inline constexpr std::chrono::hours kCookieSecretLifetime{24};

class Daemon {
 public:
  // Logging must already be configured from `config.log`.
  explicit Daemon(Config config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Loads the zones, starts serving and runs until stopped. Returns the
  // process exit status: 0 after a clean stop, 1 when start-up failed.
  [[nodiscard]] int run();

 private:
  [[nodiscard]] bool start();
  void log_summary() const;
  void wait_for_signal();
  void schedule_tick();
  void on_tick();
  // `trigger` names who asked ("SIGHUP", "zonectl") in the log. Returns how
  // many zones were (re)loaded, or why the new config was rejected.
  Result<std::size_t> reload(std::string_view trigger);
  void stop();
  void register_control_commands();
  void publish_engine_settings();

  Config config_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer tick_;
  // Declaration order is teardown order reversed: the Network (whose workers
  // read everything above it) goes first.
  zone::ReclaimDomain domain_;
  // One counter slot per answering thread in every zone (per-zone statistics).
  zone::ZoneSet zones_{domain_, make_network_settings(config_.server).answering_threads()};
  ZoneManager manager_{zones_};
  ZoneEditor editor_{manager_};  // zonectl transactions, on the control thread
  CookieRotation cookies_;
  std::chrono::steady_clock::time_point next_cookie_rotation_;
  std::unique_ptr<PublishedSettings> settings_;
  RateLimiter rrl_{domain_};
  ServerStats stats_;
  std::unique_ptr<Network> network_;
  MetricsServer metrics_{io_, stats_, manager_};
  ControlServer control_{io_};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  PidFile pid_file_;
};

// `zoned --check-config`: loads the config and every zone as start-up would,
// printing each error (FILE:LINE:COLUMN) to stderr and a summary to stdout.
// Opens no socket. Returns 0 when all is well, 1 otherwise.
[[nodiscard]] int check_config(const std::filesystem::path& path);

}  // namespace zoned::server
