#include "server/stats/stats.hpp"

#include <algorithm>

namespace zoned::server {

std::size_t StatsLayout::qtype_bucket(dns::RRType qtype) noexcept {
  return static_cast<std::size_t>(std::find(kCountedQtypes.begin(), kCountedQtypes.end(), qtype) -
                                  kCountedQtypes.begin());
}

std::size_t StatsLayout::rcode_bucket(dns::Rcode rcode) noexcept {
  return std::min<std::size_t>(static_cast<std::size_t>(rcode), kRcodes - 1);
}

namespace {

[[nodiscard]] zone::ZoneCounterSlot::Counter zone_rcode_counter(dns::Rcode rcode) noexcept {
  const auto value = static_cast<std::size_t>(rcode);
  return value <= static_cast<std::size_t>(dns::Rcode::REFUSED)
             ? static_cast<zone::ZoneCounterSlot::Counter>(zone::ZoneCounterSlot::NoError + value)
             : zone::ZoneCounterSlot::OtherRcode;
}

}  // namespace

void WorkerCounters::record(Transport transport, const Outcome& outcome,
                            RrlAction action) noexcept {
  add(StatsLayout::kTransportBase + static_cast<std::size_t>(transport));
  add(StatsLayout::kQtypeBase + StatsLayout::qtype_bucket(outcome.qtype));
  add(StatsLayout::kOpcodeBase + (outcome.opcode & 0x0f));
  if (outcome.edns) add(StatsEvent::Edns);
  if (outcome.do_bit) add(StatsEvent::DoBit);
  if (outcome.malformed) add(StatsEvent::Malformed);
  if (action == RrlAction::Drop) add(StatsEvent::RrlDropped);
  if (action == RrlAction::Slip) add(StatsEvent::RrlSlipped);
  const bool sent = outcome.size != 0 && action != RrlAction::Drop;
  if (outcome.size == 0) add(StatsEvent::NoResponse);
  if (sent) {
    add(StatsLayout::kRcodeBase + StatsLayout::rcode_bucket(outcome.rcode));
    if (outcome.truncated) add(StatsEvent::Truncated);
  }
  // The daemon sizes every zone's slots to its answering threads; the check
  // only keeps a mismatch from writing out of bounds.
  if (outcome.zone != nullptr && thread_ < outcome.zone->counter_slots()) {
    zone::ZoneCounterSlot& slot = outcome.zone->counters(thread_);
    slot.add(zone::ZoneCounterSlot::Queries);
    if (sent) slot.add(zone_rcode_counter(outcome.rcode));
  }
}

ServerStats::ServerStats(unsigned workers, unsigned threads_per_worker)
    : workers_(workers),
      threads_(workers * threads_per_worker),
      counters_(std::make_unique<WorkerCounters[]>(threads_)),
      started_at_(std::chrono::system_clock::now()) {
  for (unsigned i = 0; i < threads_; ++i) counters_[i].thread_ = i;
}

ServerStats::~ServerStats() = default;

StatsSnapshot ServerStats::snapshot() const noexcept {
  StatsSnapshot sum;
  for (unsigned t = 0; t < threads_; ++t) {
    for (std::size_t i = 0; i < StatsLayout::kSize; ++i) {
      sum.values[i] += counters_[t].values_[i].load(std::memory_order_relaxed);
    }
  }
  return sum;
}

std::array<std::uint64_t, zone::ZoneCounterSlot::kCount> zone_counts(
    const zone::ZoneSet::Zone& zone) noexcept {
  std::array<std::uint64_t, zone::ZoneCounterSlot::kCount> sum{};
  for (unsigned s = 0; s < zone.counter_slots(); ++s) {
    for (std::size_t i = 0; i < sum.size(); ++i) {
      sum[i] += zone.counters(s).get(static_cast<zone::ZoneCounterSlot::Counter>(i));
    }
  }
  return sum;
}

}  // namespace zoned::server
