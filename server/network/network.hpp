#pragma once
// Network: the workers and their sockets (docs/ARCHITECTURE.md, "Threads").
// Each worker owns one SO_REUSEPORT UDP socket per listen address, each with
// a thread that waits in recvmmsg and answers in batches (sendmmsg), and one
// thread serving its share of TCP connections through an io_context (RFC 7766:
// pipelining, framing, idle/IO timeouts, connection limits). Each of these
// answering threads has its own QueryEngine, counters and ReaderHandle on
// the zone set's ReclaimDomain, online only while it answers.
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "dns/result.hpp"
#include "server/config/config.hpp"
#include "server/query/query_engine.hpp"
#include "server/rrl/rrl.hpp"
#include "server/stats/stats.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

inline constexpr std::chrono::seconds kTcpRefusalLogInterval{10};

struct NetworkSettings {
  std::vector<ListenAddress> listen;
  unsigned workers = 1;  // resolved (never 0)
  TcpLimits tcp;

  // Answering threads per worker: one per UDP socket, and the TCP thread.
  [[nodiscard]] unsigned threads_per_worker() const noexcept {
    return static_cast<unsigned>(listen.size()) + 1;
  }
  [[nodiscard]] unsigned answering_threads() const noexcept {
    return workers * threads_per_worker();
  }
};

class Network {
 public:
  // `stats` has counters for settings.workers × threads_per_worker() answering
  // threads (and so has every zone); `rrl` is shared by all.
  Network(const NetworkSettings& settings, const zone::ZoneSet& zones, zone::ReclaimDomain& domain,
          const std::atomic<const EngineSettings*>& engine_settings, RateLimiter& rrl,
          ServerStats& stats);
  ~Network();  // stops if running
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Binds every socket (an error names the address: "127.0.0.1@53: Address
  // already in use"), then starts the worker threads. Nothing is left open
  // on error.
  [[nodiscard]] Result<bool> start();
  // Stops accepting, closes every socket, joins the workers. Idempotent.
  void stop();

  // "udp 127.0.0.1@5353 x2", ... for the start-up log.
  [[nodiscard]] std::vector<std::string> describe_sockets() const;

  // Control thread, once a second: logs the TCP connections refused over a
  // connection limit, with the client refused most, at most every
  // kTcpRefusalLogInterval (the first refusals of a run at once).
  void log_tcp_refusals(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zoned::server
