#pragma once
// Server statistics: counters kept per worker (each written by its worker
// thread only, so counting is a plain relaxed store, no shared atomic
// increment) and summed when read by the control thread.
#include <cstdint>
#include <memory>

#include "server/query/query_engine.hpp"
#include "server/rrl.hpp"

namespace zoned::server {

class WorkerCounters {
 public:
  // One answered (or dropped) query, after RRL.
  void record(Transport transport, const Outcome& outcome, RrlAction action) noexcept;
  void tcp_accepted() noexcept;
  void tcp_refused() noexcept;  // over a connection limit
};

class ServerStats {
 public:
  explicit ServerStats(unsigned workers);
  ~ServerStats();
  ServerStats(const ServerStats&) = delete;
  ServerStats& operator=(const ServerStats&) = delete;

  [[nodiscard]] unsigned workers() const noexcept { return workers_; }
  [[nodiscard]] WorkerCounters& worker(unsigned index) noexcept { return counters_[index]; }

 private:
  unsigned workers_;
  std::unique_ptr<WorkerCounters[]> counters_;
};

}  // namespace zoned::server
