#pragma once
// The Prometheus endpoint: HTTP/1.1 (Boost.Beast) on the control thread's
// io_context, GET /metrics answers the text exposition format built from
// ServerStats and the zone manager's status (stats_report.hpp). Off unless
// `metrics: listen:`. Other paths get 404, other methods 405; each
// connection carries one request (http_session.hpp has the limits) and at
// most kMaxMetricsConnections are open at once (more are closed at once).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "dns/result.hpp"
#include "server/base/accept_loop.hpp"
#include "server/config/config.hpp"
#include "server/stats/http_session.hpp"
#include "server/stats/stats.hpp"
#include "server/zones/zone_manager.hpp"

namespace zoned::server {

inline constexpr std::size_t kMaxMetricsConnections = 16;

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

  // The response to one request (GET /metrics, else 404 or 405).
  [[nodiscard]] HttpResponse respond(const HttpRequest& request) const;

 private:
  void serve(boost::asio::ip::tcp::socket socket);

  const ServerStats& stats_;
  const ZoneManager& zones_;
  AcceptLoop<boost::asio::ip::tcp> listener_;
  std::vector<std::weak_ptr<HttpSession>> sessions_;  // open connections, for stop() and the cap
  std::string description_;
};

}  // namespace zoned::server
