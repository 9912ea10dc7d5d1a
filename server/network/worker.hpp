#pragma once
// Worker: one UDP socket per listen address, each served by its own thread
// (UdpWorker), and one thread running an io_context for the worker's TCP
// listening sockets (one per listen address) and connections. Each of these
// threads has its own QueryEngine, response buffer, ReaderHandle and
// counters (WorkerContext). Sockets are added before start(); after stop()
// the worker is done.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/config/config.hpp"
#include "server/network/connection_limiter.hpp"
#include "server/network/socket_util.hpp"
#include "server/network/tcp_listener.hpp"
#include "server/network/udp_worker.hpp"
#include "server/network/worker_context.hpp"

namespace zoned::server {

class Worker {
 public:
  // `tcp_counters`: the TCP thread's.
  Worker(const zone::ZoneSet& zones, zone::ReclaimDomain& domain,
         const std::atomic<const EngineSettings*>& engine_settings, const TcpLimits& limits,
         ConnectionLimiter& limiter, RateLimiter& rrl, WorkerCounters& tcp_counters);
  ~Worker();  // stops if running
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // `counters`: the socket's thread's; `name` ("127.0.0.1@53") for logs.
  void add_udp(UniqueFd fd, std::string name, bool destination_control, WorkerCounters& counters);
  void add_tcp(UniqueFd fd);

  // Starts the threads (throws std::system_error if one cannot start).
  void start();
  // Stops the threads and closes every socket, connections included.
  // Idempotent.
  void stop();

 private:
  // A UDP socket with what its thread answers with.
  struct UdpSocket {
    UdpSocket(const zone::ZoneSet& zones, const std::atomic<const EngineSettings*>& settings,
              RateLimiter& rrl, WorkerCounters& counters, UniqueFd fd, std::string name,
              bool destination_control)
        : context(zones, settings, rrl, counters),
          worker(std::move(fd), std::move(name), destination_control, context) {}
    WorkerContext context;
    UdpWorker worker;
  };

  void run();

  const zone::ZoneSet& zones_;
  zone::ReclaimDomain& domain_;
  const std::atomic<const EngineSettings*>& engine_settings_;
  RateLimiter& rrl_;
  const TcpLimits& limits_;
  ConnectionLimiter& limiter_;
  // The TCP thread's. Declared before io_: connections destroyed with io_'s
  // pending handlers still refer to it.
  WorkerContext context_;
  std::optional<boost::asio::io_context> io_;  // one thread runs it; reset by stop()
  std::vector<std::unique_ptr<UdpSocket>> udp_;
  std::vector<std::unique_ptr<TcpListener>> tcp_;
  std::thread thread_;
};

}  // namespace zoned::server
