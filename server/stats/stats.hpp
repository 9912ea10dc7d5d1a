#pragma once
// Server statistics: counters kept per answering thread (each written by
// that thread only, so counting is a plain relaxed load and store, no shared
// atomic increment, no lock, no allocation) and summed when read by the
// control thread. Per-zone counters live in the zones themselves
// (zone::ZoneCounterSlot, one slot per answering thread, indexed by the
// thread's number).
//
// A worker's counters and their sum share one flat layout (StatsLayout), so
// summing is one loop and a new counter is one more index.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "dns/rrtype.hpp"
#include "server/query/query_engine.hpp"
#include "server/rrl/rrl.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

// The query types counted on their own; any other type counts as "other".
inline constexpr std::array kCountedQtypes{
    dns::RRType::A,     dns::RRType::NS,     dns::RRType::CNAME,  dns::RRType::SOA,
    dns::RRType::PTR,   dns::RRType::MX,     dns::RRType::TXT,    dns::RRType::AAAA,
    dns::RRType::SRV,   dns::RRType::NAPTR,  dns::RRType::DS,     dns::RRType::RRSIG,
    dns::RRType::NSEC,  dns::RRType::DNSKEY, dns::RRType::NSEC3PARAM, dns::RRType::SVCB,
    dns::RRType::HTTPS, dns::RRType::CAA,    dns::RRType::IXFR,   dns::RRType::AXFR,
    dns::RRType::ANY,
};

// Things counted once each, besides the per-kind buckets.
enum class StatsEvent : std::size_t {
  Edns,          // queries with an OPT record
  DoBit,         // queries with the DO bit
  Truncated,     // responses sent with TC because the answer did not fit
  Malformed,     // FORMERR answers and queries dropped as unparseable
  NoResponse,    // queries the engine answered with nothing (unparseable)
  RrlDropped,    // responses RRL dropped
  RrlSlipped,    // responses RRL replaced by a truncated one
  TcpAccepted,   // TCP connections taken
  TcpRefused,    // TCP connections closed at once, over a connection limit
  TcpRefusedPerClient,  // of those, over the per-client limit
  kCount,
};

// Index ranges in the flat counter array.
struct StatsLayout {
  static constexpr std::size_t kTransports = 2;  // Transport::Udp, Transport::Tcp
  static constexpr std::size_t kQtypes = kCountedQtypes.size() + 1;  // + other
  static constexpr std::size_t kOpcodes = 16;
  static constexpr std::size_t kRcodes = 24 + 1;  // 0..23 (BADCOOKIE) + other
  static constexpr std::size_t kEvents = static_cast<std::size_t>(StatsEvent::kCount);

  static constexpr std::size_t kTransportBase = 0;
  static constexpr std::size_t kQtypeBase = kTransportBase + kTransports;
  static constexpr std::size_t kOpcodeBase = kQtypeBase + kQtypes;
  static constexpr std::size_t kRcodeBase = kOpcodeBase + kOpcodes;  // of responses sent
  static constexpr std::size_t kEventBase = kRcodeBase + kRcodes;
  static constexpr std::size_t kSize = kEventBase + kEvents;

  // The bucket of `qtype` among kQtypes (kQtypes - 1: other).
  [[nodiscard]] static std::size_t qtype_bucket(dns::RRType qtype) noexcept;
  // The bucket of `rcode` among kRcodes (kRcodes - 1: other).
  [[nodiscard]] static std::size_t rcode_bucket(dns::Rcode rcode) noexcept;
};

// The sum of every worker's counters at one moment: plain numbers.
struct StatsSnapshot {
  [[nodiscard]] std::uint64_t queries(Transport t) const noexcept {
    return values[StatsLayout::kTransportBase + static_cast<std::size_t>(t)];
  }
  [[nodiscard]] std::span<const std::uint64_t, StatsLayout::kQtypes> qtypes() const noexcept {
    return std::span(values).subspan<StatsLayout::kQtypeBase, StatsLayout::kQtypes>();
  }
  [[nodiscard]] std::span<const std::uint64_t, StatsLayout::kOpcodes> opcodes() const noexcept {
    return std::span(values).subspan<StatsLayout::kOpcodeBase, StatsLayout::kOpcodes>();
  }
  [[nodiscard]] std::span<const std::uint64_t, StatsLayout::kRcodes> rcodes() const noexcept {
    return std::span(values).subspan<StatsLayout::kRcodeBase, StatsLayout::kRcodes>();
  }
  [[nodiscard]] std::uint64_t event(StatsEvent e) const noexcept {
    return values[StatsLayout::kEventBase + static_cast<std::size_t>(e)];
  }

  std::array<std::uint64_t, StatsLayout::kSize> values{};
};

// One answering thread's counters, on cache lines of their own (no false
// sharing between threads). Written by that thread only.
class alignas(64) WorkerCounters {
 public:
  // One query answered (or dropped) on `transport`, after RRL: also counted
  // for its zone (outcome.zone) in that zone's slot for this thread.
  void record(Transport transport, const Outcome& outcome, RrlAction action) noexcept;
  void tcp_accepted() noexcept { add(StatsEvent::TcpAccepted); }
  void tcp_refused() noexcept { add(StatsEvent::TcpRefused); }  // over a connection limit
  void tcp_refused_per_client() noexcept {  // over the per-client limit (counted in tcp_refused too)
    add(StatsEvent::TcpRefused);
    add(StatsEvent::TcpRefusedPerClient);
  }

 private:
  friend class ServerStats;
  void add(std::size_t index) noexcept {
    auto& value = values_[index];
    value.store(value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void add(StatsEvent e) noexcept { add(StatsLayout::kEventBase + static_cast<std::size_t>(e)); }

  std::array<std::atomic<std::uint64_t>, StatsLayout::kSize> values_{};
  unsigned thread_ = 0;  // the zone counter slot this thread writes
};

class ServerStats {
 public:
  // Counters for `workers` × `threads_per_worker` answering threads.
  explicit ServerStats(unsigned workers, unsigned threads_per_worker = 1);
  ~ServerStats();
  ServerStats(const ServerStats&) = delete;
  ServerStats& operator=(const ServerStats&) = delete;

  [[nodiscard]] unsigned workers() const noexcept { return workers_; }
  [[nodiscard]] unsigned threads() const noexcept { return threads_; }
  // Answering thread `index`'s counters (index < threads()).
  [[nodiscard]] WorkerCounters& thread(unsigned index) noexcept { return counters_[index]; }
  // When the counting started (the daemon's start).
  [[nodiscard]] std::chrono::system_clock::time_point started_at() const noexcept {
    return started_at_;
  }

  // Any thread: every worker's counters summed. Counts written meanwhile may
  // or may not be included; each counter only ever grows.
  [[nodiscard]] StatsSnapshot snapshot() const noexcept;

 private:
  unsigned workers_;
  unsigned threads_;
  std::unique_ptr<WorkerCounters[]> counters_;
  std::chrono::system_clock::time_point started_at_;
};

// A zone's counters summed over its slots (ZoneCounterSlot::Counter order).
[[nodiscard]] std::array<std::uint64_t, zone::ZoneCounterSlot::kCount> zone_counts(
    const zone::ZoneSet::Zone& zone) noexcept;

}  // namespace zoned::server
