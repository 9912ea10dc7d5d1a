// Server statistics: every counter class, the sum over workers, per-zone
// slots, no allocation when counting, and two workers counting while the
// control thread reads (run under TSan: "stats" is in scripts/test.sh's regex).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "alloc_counter.hpp"
#include "server/stats/stats.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_set.hpp"

using namespace zoned;
using namespace zoned::server;
using dns::Rcode;
using dns::RRType;
using Counter = zone::ZoneCounterSlot::Counter;

namespace {

Outcome answered(RRType qtype, Rcode rcode, const zone::ZoneSet::Zone* zone = nullptr) {
  Outcome outcome;
  outcome.size = 100;
  outcome.rcode = rcode;
  outcome.qtype = qtype;
  outcome.zone = zone;
  return outcome;
}

std::uint64_t qtype_count(const StatsSnapshot& s, RRType t) {
  return s.qtypes()[StatsLayout::qtype_bucket(t)];
}
std::uint64_t rcode_count(const StatsSnapshot& s, Rcode r) {
  return s.rcodes()[StatsLayout::rcode_bucket(r)];
}

dns::Name name(std::string_view text) { return dns::Name::parse(text).value(); }

}  // namespace

TEST_CASE("stats: each query is counted by transport, qtype, opcode and rcode") {
  ServerStats stats(1);
  WorkerCounters& w = stats.thread(0);
  w.record(Transport::Udp, answered(RRType::A, Rcode::NOERROR), RrlAction::Pass);
  w.record(Transport::Udp, answered(RRType::AAAA, Rcode::NXDOMAIN), RrlAction::Pass);
  w.record(Transport::Tcp, answered(RRType::A, Rcode::REFUSED), RrlAction::Pass);
  w.record(Transport::Udp, answered(RRType::HINFO, Rcode::BADVERS), RrlAction::Pass);
  w.record(Transport::Udp, answered(static_cast<RRType>(65280), static_cast<Rcode>(0x123)),
           RrlAction::Pass);
  Outcome notify = answered(RRType::SOA, Rcode::NOTIMP);
  notify.opcode = 4;
  w.record(Transport::Udp, notify, RrlAction::Pass);

  const StatsSnapshot s = stats.snapshot();
  CHECK(s.queries(Transport::Udp) == 5);
  CHECK(s.queries(Transport::Tcp) == 1);
  CHECK(qtype_count(s, RRType::A) == 2);
  CHECK(qtype_count(s, RRType::AAAA) == 1);
  CHECK(qtype_count(s, RRType::SOA) == 1);
  CHECK(s.qtypes().back() == 2);  // HINFO and a private type: other
  CHECK(qtype_count(s, RRType::HINFO) == s.qtypes().back());
  CHECK(s.opcodes()[0] == 5);
  CHECK(s.opcodes()[4] == 1);
  CHECK(rcode_count(s, Rcode::NOERROR) == 1);
  CHECK(rcode_count(s, Rcode::NXDOMAIN) == 1);
  CHECK(rcode_count(s, Rcode::REFUSED) == 1);
  CHECK(rcode_count(s, Rcode::NOTIMP) == 1);
  CHECK(rcode_count(s, Rcode::BADVERS) == 1);  // extended rcodes have their own bucket
  CHECK(s.rcodes().back() == 1);               // beyond BADCOOKIE: other
  CHECK(s.event(StatsEvent::Edns) == 0);
  CHECK(s.event(StatsEvent::NoResponse) == 0);
}

TEST_CASE("stats: flags, no response, RRL and TCP connections") {
  ServerStats stats(1);
  WorkerCounters& w = stats.thread(0);
  Outcome edns = answered(RRType::A, Rcode::NOERROR);
  edns.edns = true;
  edns.do_bit = true;
  edns.truncated = true;
  w.record(Transport::Udp, edns, RrlAction::Pass);
  Outcome formerr = answered(RRType{}, Rcode::FORMERR);
  formerr.malformed = true;
  w.record(Transport::Udp, formerr, RrlAction::Pass);
  Outcome garbage{};  // unparseable: nothing sent
  garbage.malformed = true;
  w.record(Transport::Udp, garbage, RrlAction::Pass);
  w.record(Transport::Udp, answered(RRType::A, Rcode::NXDOMAIN), RrlAction::Drop);
  w.record(Transport::Udp, answered(RRType::A, Rcode::NXDOMAIN), RrlAction::Slip);
  w.tcp_accepted();
  w.tcp_accepted();
  w.tcp_refused();
  w.tcp_refused_per_client();

  const StatsSnapshot s = stats.snapshot();
  CHECK(s.queries(Transport::Udp) == 5);
  CHECK(s.event(StatsEvent::Edns) == 1);
  CHECK(s.event(StatsEvent::DoBit) == 1);
  CHECK(s.event(StatsEvent::Truncated) == 1);
  CHECK(s.event(StatsEvent::Malformed) == 2);
  CHECK(s.event(StatsEvent::NoResponse) == 1);
  CHECK(s.event(StatsEvent::RrlDropped) == 1);
  CHECK(s.event(StatsEvent::RrlSlipped) == 1);
  CHECK(s.event(StatsEvent::TcpAccepted) == 2);
  CHECK(s.event(StatsEvent::TcpRefused) == 2);  // per-client refusals count among all refusals
  CHECK(s.event(StatsEvent::TcpRefusedPerClient) == 1);
  // Responses are those sent: the dropped one and the unparseable one are not.
  CHECK(rcode_count(s, Rcode::NOERROR) == 1);
  CHECK(rcode_count(s, Rcode::FORMERR) == 1);
  CHECK(rcode_count(s, Rcode::NXDOMAIN) == 1);
  CHECK(qtype_count(s, RRType{}) == 2);  // no question: other
}

TEST_CASE("stats: the snapshot sums every worker") {
  ServerStats stats(3);
  for (unsigned w = 0; w < 3; ++w) {
    for (unsigned i = 0; i <= w; ++i) {
      stats.thread(w).record(Transport::Tcp, answered(RRType::MX, Rcode::NOERROR), RrlAction::Pass);
    }
    stats.thread(w).tcp_accepted();
  }
  const StatsSnapshot s = stats.snapshot();
  CHECK(s.queries(Transport::Tcp) == 6);
  CHECK(qtype_count(s, RRType::MX) == 6);
  CHECK(rcode_count(s, Rcode::NOERROR) == 6);
  CHECK(s.event(StatsEvent::TcpAccepted) == 3);
}

TEST_CASE("stats: per-zone counters use the worker's own slot and sum over slots") {
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain, 2);
  REQUIRE(zones.add_zone(name("example.com.")));
  REQUIRE(zones.add_zone(name("example.org.")));
  const auto* com = zones.find_exact(name("example.com."));
  const auto* org = zones.find_exact(name("example.org."));
  REQUIRE(com->counter_slots() == 2);

  ServerStats stats(2);
  stats.thread(0).record(Transport::Udp, answered(RRType::A, Rcode::NOERROR, com), RrlAction::Pass);
  stats.thread(1).record(Transport::Udp, answered(RRType::A, Rcode::NXDOMAIN, com), RrlAction::Pass);
  stats.thread(1).record(Transport::Tcp, answered(RRType::A, Rcode::SERVFAIL, com), RrlAction::Pass);
  stats.thread(1).record(Transport::Udp, answered(RRType::A, Rcode::NOERROR, com), RrlAction::Drop);
  stats.thread(0).record(Transport::Udp, answered(RRType::A, Rcode::NOTZONE, org), RrlAction::Pass);
  stats.thread(0).record(Transport::Udp, answered(RRType::A, Rcode::REFUSED), RrlAction::Pass);

  CHECK(com->counters(0).get(Counter::Queries) == 1);
  CHECK(com->counters(1).get(Counter::Queries) == 3);
  const auto c = zone_counts(*com);
  CHECK(c[Counter::Queries] == 4);
  CHECK(c[Counter::NoError] == 1);  // the RRL-dropped one was not sent
  CHECK(c[Counter::NxDomain] == 1);
  CHECK(c[Counter::ServFail] == 1);
  CHECK(c[Counter::Refused] == 0);
  const auto o = zone_counts(*org);
  CHECK(o[Counter::Queries] == 1);
  CHECK(o[Counter::OtherRcode] == 1);
  CHECK(o[Counter::NoError] == 0);
}

TEST_CASE("stats: a worker beyond a zone's slots is not counted for the zone") {
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain);  // one slot
  REQUIRE(zones.add_zone(name("example.com.")));
  const auto* com = zones.find_exact(name("example.com."));
  ServerStats stats(2);
  stats.thread(1).record(Transport::Udp, answered(RRType::A, Rcode::NOERROR, com), RrlAction::Pass);
  CHECK(zone_counts(*com)[Counter::Queries] == 0);
  CHECK(stats.snapshot().queries(Transport::Udp) == 1);
}

TEST_CASE("stats: counting allocates nothing") {
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain, 1);
  REQUIRE(zones.add_zone(name("example.com.")));
  const auto* com = zones.find_exact(name("example.com."));
  ServerStats stats(1);
  Outcome outcome = answered(RRType::AAAA, Rcode::NXDOMAIN, com);
  outcome.edns = outcome.do_bit = outcome.truncated = outcome.malformed = true;
  const zoned::test::AllocationCounter allocations;
  for (int i = 0; i < 1000; ++i) {
    stats.thread(0).record(Transport::Udp, outcome, RrlAction::Slip);
    stats.thread(0).record(Transport::Tcp, outcome, RrlAction::Pass);
    stats.thread(0).tcp_accepted();
    stats.thread(0).tcp_refused();
  }
  CHECK(allocations.count() == 0);
  CHECK(stats.snapshot().queries(Transport::Udp) == 1000);
}

TEST_CASE("stats: two workers count while the control thread sums") {
  constexpr unsigned kWorkers = 2;
  constexpr std::uint64_t kQueries = 200000;
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain, kWorkers);
  REQUIRE(zones.add_zone(name("example.com.")));
  const auto* com = zones.find_exact(name("example.com."));
  ServerStats stats(kWorkers);

  std::atomic<bool> done{false};
  bool monotonic = true;
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (std::uint64_t i = 0; i < kQueries; ++i) {
        stats.thread(w).record(Transport::Udp, answered(RRType::A, Rcode::NOERROR, com),
                               RrlAction::Pass);
      }
    });
  }
  std::thread reader([&] {
    // Sums read while counting never go backwards.
    std::uint64_t last = 0;
    while (!done.load()) {
      const std::uint64_t now = stats.snapshot().queries(Transport::Udp);
      monotonic = monotonic && now >= last;
      last = now;
      (void)zone_counts(*com);
    }
  });
  for (auto& t : workers) t.join();
  done = true;
  reader.join();
  CHECK(monotonic);
  const StatsSnapshot s = stats.snapshot();
  CHECK(s.queries(Transport::Udp) == kWorkers * kQueries);  // no count lost
  CHECK(rcode_count(s, Rcode::NOERROR) == kWorkers * kQueries);
  CHECK(zone_counts(*com)[Counter::Queries] == kWorkers * kQueries);
}

TEST_CASE("stats: workers' counters do not share cache lines") {
  CHECK(alignof(WorkerCounters) >= 64);
  CHECK(sizeof(WorkerCounters) % 64 == 0);
  CHECK(sizeof(zone::ZoneCounterSlot) == 64);
}
