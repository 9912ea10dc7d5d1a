#pragma once
// The Prometheus endpoint: HTTP/1.1 (Boost.Beast) on the control thread's
// io_context, GET /metrics answers the text exposition format built from
// ServerStats and the zone manager's status. Off unless `metrics: listen:`.
#include <boost/asio/io_context.hpp>
#include <string>

#include "dns/result.hpp"
#include "server/config.hpp"
#include "server/stats.hpp"
#include "server/zone_manager.hpp"

namespace zoned::server {

class MetricsServer {
 public:
  MetricsServer(boost::asio::io_context& io, const ServerStats& stats, const ZoneManager& zones);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Starts listening when `config.listen` is set (an error names the
  // address); a no-op otherwise.
  [[nodiscard]] Result<bool> start(const MetricsConfig& config);
  // Closes the listener and every open connection. Idempotent.
  void stop();
  // "http 127.0.0.1@9153 /metrics", or empty when off (start-up log).
  [[nodiscard]] std::string describe() const;

 private:
  boost::asio::io_context& io_;
  const ServerStats& stats_;
  const ZoneManager& zones_;
};

}  // namespace zoned::server
