#include "server/network/worker.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <exception>

namespace zoned::server {

Worker::Worker(const zone::ZoneSet& zones, zone::ReclaimDomain& domain,
               const std::atomic<const EngineSettings*>& engine_settings,
               const TcpLimits& limits, ConnectionLimiter& limiter, RateLimiter& rrl,
               WorkerCounters& tcp_counters)
    : zones_(zones),
      domain_(domain),
      engine_settings_(engine_settings),
      rrl_(rrl),
      limits_(limits),
      limiter_(limiter),
      context_(zones, engine_settings, rrl, tcp_counters) {
  io_.emplace(1);
}

Worker::~Worker() { stop(); }

void Worker::add_udp(UniqueFd fd, std::string name, bool destination_control,
                     WorkerCounters& counters) {
  udp_.push_back(std::make_unique<UdpSocket>(zones_, engine_settings_, rrl_, counters,
                                             std::move(fd), std::move(name), destination_control));
}

void Worker::add_tcp(UniqueFd fd) {
  tcp_.push_back(std::make_unique<TcpListener>(*io_, std::move(fd), context_, limits_, limiter_));
}

void Worker::start() {
  for (auto& udp : udp_) udp->worker.start(domain_);
  for (auto& tcp : tcp_) tcp->start();
  thread_ = std::thread([this] { run(); });
  (void)::pthread_setname_np(thread_.native_handle(), "zoned-tcp");  // for top -H, ps -L
}

void Worker::run() {
  // Registered from this thread, which alone uses the handle; offline until
  // a handler has queries to answer (OnlineSection).
  context_.reader = domain_.register_reader();
  context_.reader.offline();
  for (;;) {
    try {
      io_->run();
      break;  // stopped
    } catch (const std::exception& e) {
      // Only allocation failures can throw from a handler: the worker and
      // its other clients go on (run() resumes where it was). OnlineSection
      // has put the reader offline while unwinding.
      spdlog::error("worker: {}", e.what());
    }
  }
  context_.reader = {};
}

void Worker::stop() {
  if (!io_) return;
  for (auto& udp : udp_) udp->worker.stop();
  udp_.clear();
  io_->stop();
  if (thread_.joinable()) thread_.join();
  // Nothing runs the io_context any more: close the listening sockets, then
  // destroy the handlers still pending, and with them the connections.
  tcp_.clear();
  io_.reset();
}

}  // namespace zoned::server
