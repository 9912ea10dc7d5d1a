#pragma once
// Network: the worker threads and their sockets (DESIGN.md "Threads").
// Each worker owns one SO_REUSEPORT UDP socket per listen address, drained in
// batches with recvmmsg/sendmmsg when the Asio reactor reports it readable,
// and serves its share of TCP connections (RFC 7766: pipelining, framing,
// idle/IO timeouts, connection limits). Each worker has its own QueryEngine
// and a ReaderHandle on the zone set's ReclaimDomain, passing a quiescent
// point after every batch and going offline while it waits.
#include <atomic>
#include <memory>
#include <vector>

#include "dns/result.hpp"
#include "server/config.hpp"
#include "server/query/query_engine.hpp"
#include "server/rrl.hpp"
#include "server/stats.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

struct NetworkSettings {
  std::vector<ListenAddress> listen;
  unsigned workers = 1;  // resolved (never 0)
  TcpLimits tcp;
};

class Network {
 public:
  // `stats` has a slot for each of settings.workers; `rrl` is shared by all.
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zoned::server
