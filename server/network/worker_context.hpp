#pragma once
// What one answering thread owns (a worker's TCP thread, or one of its UDP
// sockets' threads): its QueryEngine, its response buffer, its counters and
// its ReaderHandle. Used by that thread only, so nothing here locks.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>

#include "server/query/query_engine.hpp"
#include "server/rrl/rrl.hpp"
#include "server/stats/stats.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

struct WorkerContext {
  WorkerContext(const zone::ZoneSet& zones, const std::atomic<const EngineSettings*>& settings,
                RateLimiter& rate_limiter, WorkerCounters& worker_counters)
      : engine(zones, settings),
        response(new std::uint8_t[kMaxResponseSize]),
        rrl(rate_limiter),
        counters(worker_counters) {}

  [[nodiscard]] std::span<std::uint8_t> response_buffer() noexcept {
    return {response.get(), kMaxResponseSize};
  }

  QueryEngine engine;
  std::unique_ptr<std::uint8_t[]> response;  // kMaxResponseSize, not zeroed
  RateLimiter& rrl;          // shared by all workers (UDP only)
  WorkerCounters& counters;  // this thread's
  // Registered by the worker thread itself when it starts.
  zone::ReclaimDomain::ReaderHandle reader;
};

// Holds the thread online while it reads zone data: an answering thread is
// offline whenever it waits (in recvmmsg or in the reactor), so an idle one
// never holds reclamation back (zone/qsbr.hpp). One online() per wake-up,
// not per query.
class OnlineSection {
 public:
  explicit OnlineSection(zone::ReclaimDomain::ReaderHandle& reader) noexcept : reader_(reader) {
    reader_.online();
  }
  ~OnlineSection() { reader_.offline(); }
  OnlineSection(const OnlineSection&) = delete;
  OnlineSection& operator=(const OnlineSection&) = delete;

 private:
  zone::ReclaimDomain::ReaderHandle& reader_;
};

}  // namespace zoned::server
