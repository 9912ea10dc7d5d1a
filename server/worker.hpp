#pragma once
// Worker: one thread running its own io_context, with its own QueryEngine,
// response buffer and ReaderHandle (WorkerContext), its UDP sockets and its
// TCP listening sockets (one of each per listen address). Sockets are added
// before start(); after stop() the worker is done.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "server/config.hpp"
#include "server/connection_limiter.hpp"
#include "server/socket_util.hpp"
#include "server/tcp_listener.hpp"
#include "server/udp_worker.hpp"
#include "server/worker_context.hpp"

namespace zoned::server {

class Worker {
 public:
  Worker(const zone::ZoneSet& zones, zone::ReclaimDomain& domain,
         const std::atomic<const EngineSettings*>& engine_settings, const TcpLimits& limits,
         ConnectionLimiter& limiter, RateLimiter& rrl, WorkerCounters& counters);
  ~Worker();  // stops if running
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void add_udp(UniqueFd fd, bool destination_control);
  void add_tcp(UniqueFd fd);

  // Starts the thread (throws std::system_error if it cannot).
  void start();
  // Stops the io_context, joins, and closes every socket, connections
  // included. Idempotent.
  void stop();

 private:
  void run();

  zone::ReclaimDomain& domain_;
  const TcpLimits& limits_;
  ConnectionLimiter& limiter_;
  // Declared before io_: connections destroyed with io_'s pending handlers
  // still refer to it.
  WorkerContext context_;
  std::optional<boost::asio::io_context> io_;  // one thread runs it; reset by stop()
  std::vector<std::unique_ptr<UdpWorker>> udp_;
  std::vector<std::unique_ptr<TcpListener>> tcp_;
  std::thread thread_;
};

}  // namespace zoned::server
