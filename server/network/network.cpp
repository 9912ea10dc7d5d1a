#include "server/network/network.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <system_error>

#include "server/network/connection_limiter.hpp"
#include "server/network/socket_util.hpp"
#include "server/network/worker.hpp"

namespace zoned::server {

struct Network::Impl {
  Impl(const NetworkSettings& s, const zone::ZoneSet& z, zone::ReclaimDomain& d,
       const std::atomic<const EngineSettings*>& e, RateLimiter& r, ServerStats& st)
      : settings(s),
        zones(z),
        domain(d),
        engine_settings(e),
        rrl(r),
        stats(st),
        limiter(s.tcp.max_connections, s.tcp.max_connections_per_client) {}

  [[nodiscard]] unsigned worker_count() const { return std::max(settings.workers, 1u); }
  [[nodiscard]] Result<bool> open_sockets();

  const NetworkSettings settings;
  const zone::ZoneSet& zones;
  zone::ReclaimDomain& domain;
  const std::atomic<const EngineSettings*>& engine_settings;
  RateLimiter& rrl;
  ServerStats& stats;
  // Outlives the workers: their connections hold its tickets.
  ConnectionLimiter limiter;
  std::vector<std::unique_ptr<Worker>> workers;
  // log_tcp_refusals(): when the refusals now counted began, and the earliest
  // next summary.
  std::chrono::steady_clock::time_point refusals_since = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_refusal_log{};
};

Network::Network(const NetworkSettings& settings, const zone::ZoneSet& zones,
                 zone::ReclaimDomain& domain,
                 const std::atomic<const EngineSettings*>& engine_settings, RateLimiter& rrl,
                 ServerStats& stats)
    : impl_(std::make_unique<Impl>(settings, zones, domain, engine_settings, rrl, stats)) {}

Network::~Network() { stop(); }

void Network::log_tcp_refusals(std::chrono::steady_clock::time_point now) {
  Impl& s = *impl_;
  if (now < s.next_refusal_log) return;
  const TcpRefusals refused = s.limiter.take_refusals();
  const auto seconds =
      std::max<std::int64_t>(1, std::chrono::round<std::chrono::seconds>(now - s.refusals_since).count());
  s.refusals_since = now;
  if (refused.count() == 0) return;
  spdlog::warn("tcp: refused {} connection(s) in the last {} s: {} over max-connections ({}), {} over "
               "max-connections-per-client ({}); most from {} ({})",
               refused.count(), seconds, refused.over_total, s.settings.tcp.max_connections,
               refused.over_per_client, s.settings.tcp.max_connections_per_client, refused.busiest_client,
               refused.busiest_count);
  s.next_refusal_log = now + kTcpRefusalLogInterval;
}

Result<bool> Network::Impl::open_sockets() {
  for (const ListenAddress& address : settings.listen) {
    for (const SocketKind kind : {SocketKind::Udp, SocketKind::Tcp}) {
      if (auto free = probe_exclusive(address, kind); !free) return Error{free.error()};
    }
  }
  const unsigned per_worker = settings.threads_per_worker();
  if (stats.threads() < worker_count() * per_worker) {
    return Error{"statistics have fewer counters than answering threads"};
  }
  // Worker i's threads use counters i × per_worker (TCP) and the next ones
  // (its UDP sockets, in listen order).
  for (unsigned i = 0; i < worker_count(); ++i) {
    workers.push_back(std::make_unique<Worker>(zones, domain, engine_settings, settings.tcp,
                                               limiter, rrl, stats.thread(i * per_worker)));
  }
  for (unsigned a = 0; a < settings.listen.size(); ++a) {
    const ListenAddress& address = settings.listen[a];
    const auto where = resolve(address);
    if (!where) return Error{where.error()};
    for (unsigned i = 0; i < worker_count(); ++i) {
      auto udp = open_listen_socket(address, SocketKind::Udp);
      if (!udp) return Error{udp.error()};
      auto tcp = open_listen_socket(address, SocketKind::Tcp);
      if (!tcp) return Error{tcp.error()};
      workers[i]->add_udp(std::move(*udp), describe(address), is_wildcard(*where),
                          stats.thread(i * per_worker + 1 + a));
      try {  // registering with the reactor (epoll) can fail
        workers[i]->add_tcp(std::move(*tcp));
      } catch (const boost::system::system_error& e) {
        return Error{describe(address) + ": " + e.what()};
      }
    }
  }
  return true;
}

Result<bool> Network::start() {
  if (!impl_->workers.empty()) return Error{"network already started"};
  if (auto opened = impl_->open_sockets(); !opened) {
    impl_->workers.clear();  // closes whatever was opened
    return opened;
  }
  try {
    for (auto& worker : impl_->workers) worker->start();
  } catch (const std::system_error& e) {
    stop();
    return Error{std::string("cannot start a worker thread: ") + e.what()};
  }
  return true;
}

void Network::stop() {
  for (auto& worker : impl_->workers) worker->stop();
  impl_->workers.clear();
}

std::vector<std::string> Network::describe_sockets() const {
  std::vector<std::string> lines;
  const std::string per_worker = " x" + std::to_string(impl_->worker_count());
  for (const ListenAddress& address : impl_->settings.listen) {
    lines.push_back("udp " + describe(address) + per_worker);
    lines.push_back("tcp " + describe(address) + per_worker);
  }
  return lines;
}

}  // namespace zoned::server
