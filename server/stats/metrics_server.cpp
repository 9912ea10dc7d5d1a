#include "server/stats/metrics_server.hpp"

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <utility>

#include "server/stats/stats_report.hpp"

namespace zoned::server {

namespace http = boost::beast::http;

namespace {

constexpr HttpLimits kMetricsLimits{};

HttpResponse text_response(http::status status, boost::beast::string_view content_type,
                           std::string body) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  return response;
}

}  // namespace

MetricsServer::MetricsServer(boost::asio::io_context& io, const ServerStats& stats,
                             const ZoneManager& zones)
    : stats_(stats), zones_(zones), listener_(io) {}

MetricsServer::~MetricsServer() { stop(); }

Result<bool> MetricsServer::start(const MetricsConfig& config) {
  if (!config.listen) return true;
  const std::string where = config.listen->address + "@" + std::to_string(config.listen->port);
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(config.listen->address, error);
  if (error) return Error{"metrics listen " + where + ": not an IP address"};
  const boost::asio::ip::tcp::endpoint endpoint{address, config.listen->port};
  auto& acceptor = listener_.acceptor();
  if (acceptor.open(endpoint.protocol(), error) ||
      acceptor.set_option(boost::asio::socket_base::reuse_address(true), error) ||
      acceptor.bind(endpoint, error) ||
      acceptor.listen(boost::asio::socket_base::max_listen_connections, error)) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return Error{"cannot listen for metrics on " + where + ": " + error.message()};
  }
  const auto bound = acceptor.local_endpoint(error);
  description_ = "http " + config.listen->address + "@" +
                 std::to_string(error ? config.listen->port : bound.port()) + " /metrics";
  listener_.start([this](boost::asio::ip::tcp::socket socket) { serve(std::move(socket)); });
  return true;
}

void MetricsServer::stop() {
  listener_.close();
  for (const auto& weak : sessions_) {
    if (const auto session = weak.lock()) session->close();
  }
  sessions_.clear();
  description_.clear();
}

std::string MetricsServer::describe() const { return description_; }

HttpResponse MetricsServer::respond(const HttpRequest& request) const {
  const boost::beast::string_view target = request.target();
  const boost::beast::string_view path = target.substr(0, target.find('?'));
  if (path != "/metrics") {
    return text_response(http::status::not_found, "text/plain; charset=utf-8",
                         "not found: the metrics are at /metrics\n");
  }
  if (request.method() != http::verb::get) {
    auto response = text_response(http::status::method_not_allowed, "text/plain; charset=utf-8",
                                  "method not allowed\n");
    response.set(http::field::allow, "GET");
    return response;
  }
  return text_response(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                       prometheus_text(stats_, zones_));
}

void MetricsServer::serve(boost::asio::ip::tcp::socket socket) {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  if (sessions_.size() < kMaxMetricsConnections) {
    auto session = std::make_shared<HttpSession>(
        std::move(socket), kMetricsLimits,
        [this](const HttpRequest& request) { return respond(request); });
    sessions_.push_back(session);
    session->start();
  }  // else over the cap: `socket` closes here
}

}  // namespace zoned::server
