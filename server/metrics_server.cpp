#include "server/metrics_server.hpp"

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <utility>

#include "server/stats_report.hpp"

namespace zoned::server {

namespace http = boost::beast::http;

namespace {

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
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
    : io_(io), stats_(stats), zones_(zones), acceptor_(io), retry_timer_(io) {}

MetricsServer::~MetricsServer() { stop(); }

Result<bool> MetricsServer::start(const MetricsConfig& config) {
  if (!config.listen) return true;
  const std::string where = config.listen->address + "@" + std::to_string(config.listen->port);
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(config.listen->address, error);
  if (error) return Error{"metrics listen " + where + ": not an IP address"};
  const boost::asio::ip::tcp::endpoint endpoint{address, config.listen->port};
  if (acceptor_.open(endpoint.protocol(), error) ||
      acceptor_.set_option(boost::asio::socket_base::reuse_address(true), error) ||
      acceptor_.bind(endpoint, error) ||
      acceptor_.listen(boost::asio::socket_base::max_listen_connections, error)) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return Error{"cannot listen for metrics on " + where + ": " + error.message()};
  }
  const auto bound = acceptor_.local_endpoint(error);
  description_ = "http " + config.listen->address + "@" +
                 std::to_string(error ? config.listen->port : bound.port()) + " /metrics";
  accept_next();
  return true;
}

void MetricsServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
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

void MetricsServer::accept_next() {
  acceptor_.async_accept(io_, [this](const boost::system::error_code& error,
                                     boost::asio::ip::tcp::socket socket) {
    on_accept(error, std::move(socket));
  });
}

void MetricsServer::on_accept(const boost::system::error_code& error,
                              boost::asio::ip::tcp::socket socket) {
  if (error == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) {
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](const boost::system::error_code& cancelled) {
      if (!cancelled) accept_next();
    });
    return;
  }
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  if (sessions_.size() < kMaxMetricsConnections) {
    auto session = std::make_shared<HttpSession>(
        std::move(socket), kMetricsLimits,
        [this](const HttpRequest& request) { return respond(request); });
    sessions_.push_back(session);
    session->start();
  }  // else over the cap: `socket` closes here
  accept_next();
}

}  // namespace zoned::server
