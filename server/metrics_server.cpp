#include "server/metrics_server.hpp"

namespace zoned::server {

MetricsServer::MetricsServer(boost::asio::io_context& io, const ServerStats& stats,
                             const ZoneManager& zones)
    : io_(io), stats_(stats), zones_(zones) {}

MetricsServer::~MetricsServer() { stop(); }

Result<bool> MetricsServer::start(const MetricsConfig&) { return true; }

void MetricsServer::stop() {}

std::string MetricsServer::describe() const { return {}; }

}  // namespace zoned::server
