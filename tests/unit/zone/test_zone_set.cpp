// ZoneSet: longest-match zone lookup, DS redirection to the parent, atomic
// publication with deferred reclamation, and a reader/writer stress test
// (zone/zone_set.hpp).
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "zone/record_list.hpp"
#include "zone/zone_set.hpp"
#include "alloc_counter.hpp"
#include "zone_test_util.hpp"

namespace {

using zoned::zone::BasicZoneSet;
using zoned::zone::ReclaimDomain;
using zoned::zone::ZoneKeyIndex;
using namespace zoned::zone::test;

// A stand-in version: every element of `data` equals `serial`, so a reader
// that sees a mix of two versions (or freed memory, under ASan) notices.
struct FakeVersion {
  static inline std::atomic<long> live{0};
  static inline std::atomic<long> made{0};
  std::uint32_t serial;
  std::vector<std::uint32_t> data;
  explicit FakeVersion(std::uint32_t s) : serial(s), data(16, s) {
    live.fetch_add(1, std::memory_order_relaxed);
    made.fetch_add(1, std::memory_order_relaxed);
  }
  ~FakeVersion() { live.fetch_sub(1, std::memory_order_relaxed); }
  FakeVersion(const FakeVersion&) = delete;
  FakeVersion& operator=(const FakeVersion&) = delete;
  [[nodiscard]] bool consistent() const noexcept {
    for (std::uint32_t x : data)
      if (x != serial) return false;
    return true;
  }
};

using FakeSet = BasicZoneSet<FakeVersion>;

std::string apex_text(const FakeSet::Zone* z) { return z == nullptr ? "-" : z->apex().to_text(); }

}  // namespace

TEST_CASE("zone set: longest match with parent and child zones served") {
  ReclaimDomain d;
  FakeSet set(d);
  CHECK(set.find_zone(name("example.com.")) == nullptr);
  CHECK(set.add_zone(name("example.com.")));
  CHECK(set.add_zone(name("Child.Example.com.")));
  CHECK(set.add_zone(name("example.org.")));
  CHECK_FALSE(set.add_zone(name("EXAMPLE.com.")));  // already served
  CHECK(set.size() == 3);

  CHECK(apex_text(set.find_zone(name("example.com."))) == "example.com.");
  CHECK(apex_text(set.find_zone(name("www.example.com."))) == "example.com.");
  CHECK(apex_text(set.find_zone(name("child.example.com."))) == "child.example.com.");
  CHECK(apex_text(set.find_zone(name("a.b.CHILD.example.com."))) == "child.example.com.");
  CHECK(apex_text(set.find_zone(name("xchild.example.com."))) == "example.com.");
  CHECK(apex_text(set.find_zone(name("child.example.com.x."))) == "-");
  CHECK(apex_text(set.find_zone(name("com."))) == "-");
  CHECK(apex_text(set.find_zone(name("."))) == "-");
  CHECK(apex_text(set.find_zone(name("example.net."))) == "-");
  CHECK(apex_text(set.find_exact(name("www.example.com."))) == "-");
  CHECK(apex_text(set.find_exact(name("example.ORG."))) == "example.org.");

  // DS for a served child's apex belongs to the parent (RFC 4035 §3.1.4.1).
  CHECK(apex_text(set.find_zone_for_ds(name("child.example.com."))) == "example.com.");
  CHECK(apex_text(set.find_zone_for_ds(name("x.child.example.com."))) == "child.example.com.");
  CHECK(apex_text(set.find_zone_for_ds(name("example.com."))) == "-");  // parent not served
  CHECK(apex_text(set.find_zone_for_ds(name("www.example.com."))) == "example.com.");
  // The same from keys (the query path's way).
  for (const char* q : {"a.b.CHILD.example.com.", "xchild.example.com.", "com.", "child.example.com."}) {
    CAPTURE(q);
    zoned::zone::KeyBuffer buf;
    const auto key = zoned::zone::make_lookup_key(name(q).wire(), buf);
    CHECK(set.find_zone(key) == set.find_zone(name(q)));
    CHECK(set.find_zone_for_ds(key) == set.find_zone_for_ds(name(q)));
  }

  // The root zone, when served, encloses everything.
  CHECK(set.add_zone(name(".")));
  CHECK(apex_text(set.find_zone(name("example.net."))) == ".");
  CHECK(apex_text(set.find_zone(name("."))) == ".");
  CHECK(apex_text(set.find_zone_for_ds(name("example.com."))) == ".");
  CHECK(apex_text(set.find_zone_for_ds(name("."))) == "-");

  // Lookups (the query path) allocate nothing.
  {
    const auto q = name("a.b.c.d.child.example.com.");
    const auto apex = name("child.example.com.");
    const FakeSet::Zone* z1 = nullptr;
    const FakeSet::Zone* z2 = nullptr;
    const FakeSet::Zone* z3 = nullptr;
    {
      zoned::test::AllocationCounter allocations;
      z1 = set.find_zone(q);
      z2 = set.find_zone_for_ds(apex);
      z3 = set.find_exact(apex);
      CHECK(allocations.count() == 0);
    }
    CHECK(z1 == z3);
    CHECK(z2 != nullptr);
    // The counter works: an allocation while counting is seen.
    {
      zoned::test::AllocationCounter allocations;
      auto probe = std::make_unique<int>(1);
      CHECK(allocations.count() == 1);
    }
  }

  CHECK(set.remove_zone(name("child.example.com.")));
  CHECK_FALSE(set.remove_zone(name("child.example.com.")));
  CHECK(apex_text(set.find_zone(name("a.child.example.com."))) == "example.com.");
  CHECK(set.size() == 3);
}

TEST_CASE("zone set: labels with escaped bytes sort and match correctly") {
  ReclaimDomain d;
  FakeSet set(d);
  CHECK(set.add_zone(name("a.x.")));
  CHECK(set.add_zone(name("a\\000.x.")));
  CHECK(set.add_zone(name("\\001.x.")));
  CHECK(apex_text(set.find_zone(name("q.a.x."))) == "a.x.");
  CHECK(apex_text(set.find_zone(name("q.a\\000.x."))) == "a\\000.x.");
  CHECK(apex_text(set.find_zone(name("q.\\001.x."))) == "\\001.x.");
  CHECK(apex_text(set.find_zone(name("q.\\000.x."))) == "-");
}

TEST_CASE("zone set: publish retires the old version, and freed after readers move on") {
  FakeVersion::live = 0;
  ReclaimDomain d;
  {
    auto reader = d.register_reader();
    FakeSet set(d);
    CHECK(set.add_zone(name("example.com.")));
    CHECK_FALSE(set.publish(name("example.net."), std::make_unique<const FakeVersion>(9)));
    CHECK(FakeVersion::live == 0);  // dropped

    const FakeSet::Zone* z = set.find_zone(name("www.example.com."));
    REQUIRE(z != nullptr);
    CHECK(z->current() == nullptr);
    CHECK(set.publish(name("example.com."), std::make_unique<const FakeVersion>(1)));
    const FakeVersion* v1 = z->current();
    REQUIRE(v1 != nullptr);
    CHECK(v1->serial == 1);

    CHECK(set.publish(name("example.com."), std::make_unique<const FakeVersion>(2)));
    CHECK(z->current()->serial == 2);
    d.reclaim();
    CHECK(FakeVersion::live == 2);  // the reader may still use v1
    CHECK(v1->consistent());
    reader.quiescent();
    d.reclaim();
    CHECK(FakeVersion::live == 1);

    // Removing the zone: its current version goes when the old table goes.
    CHECK(set.remove_zone(name("example.com.")));
    CHECK(set.find_zone(name("example.com.")) == nullptr);
    d.reclaim();
    CHECK(FakeVersion::live == 1);
    reader.quiescent();
    d.reclaim();
    CHECK(FakeVersion::live == 0);

    CHECK(set.add_zone(name("example.com.")));
    CHECK(set.publish(name("example.com."), std::make_unique<const FakeVersion>(3)));
  }
  // The set's destructor freed the live version and its table.
  CHECK(FakeVersion::live == 0);
}

TEST_CASE("zone set: stress: readers always see one whole version") {
  constexpr int kReaders = 3;
  constexpr std::uint32_t kVersions = 5000;
  constexpr int kQuiescentEvery = 16;
  FakeVersion::live = 0;
  FakeVersion::made = 0;
  ReclaimDomain d;
  {
    FakeSet set(d);
    CHECK(set.add_zone(name("example.com.")));
    CHECK(set.add_zone(name("child.example.com.")));
    CHECK(set.publish(name("example.com."), std::make_unique<const FakeVersion>(0)));
    CHECK(set.publish(name("child.example.com."), std::make_unique<const FakeVersion>(0)));

    std::atomic<bool> stop{false};
    std::atomic<long> bad{0};
    std::atomic<long> reads{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&, r] {
        auto h = d.register_reader();
        const auto q1 = name("www.example.com.");
        const auto q2 = name("a.child.example.com.");
        const auto q3 = name("x.extra.example.com.");
        long n = 0;
        std::uint32_t last1 = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          for (const auto* q : {&q1, &q2, &q3}) {
            const FakeSet::Zone* z = set.find_zone(*q);
            if (z == nullptr) {
              bad.fetch_add(1);
              continue;
            }
            const FakeVersion* v = z->current();
            if (v == nullptr) continue;  // extra.example.com. not yet published
            if (!v->consistent()) bad.fetch_add(1);
            // Serials of one zone only grow as seen by one reader.
            if (q == &q1) {
              if (v->serial < last1) bad.fetch_add(1);
              last1 = v->serial;
            }
          }
          ++n;
          if (n % kQuiescentEvery == 0) h.quiescent();
          // Now and then behave like an idle worker.
          if (n % (kQuiescentEvery * 64) == static_cast<long>(r)) {
            h.offline();
            std::this_thread::yield();
            h.online();
          }
        }
        reads.fetch_add(n);
      });
    }

    std::size_t max_pending = 0;
    for (std::uint32_t s = 1; s <= kVersions; ++s) {
      const char* zone = s % 2 == 0 ? "example.com." : "child.example.com.";
      CHECK(set.publish(name(zone), std::make_unique<const FakeVersion>(s)));
      // Table changes race with the readers too.
      if (s % 500 == 0) {
        CHECK(set.add_zone(name("extra.example.com.")));
        CHECK(set.publish(name("extra.example.com."), std::make_unique<const FakeVersion>(s)));
      } else if (s % 500 == 250 && s > 500) {
        CHECK(set.remove_zone(name("extra.example.com.")));
      }
      if (s % 32 == 0) std::this_thread::yield();  // let readers interleave
      d.reclaim();
      max_pending = std::max(max_pending, d.pending());
    }
    stop = true;
    for (auto& t : readers) t.join();
    d.synchronize();

    CHECK(bad == 0);
    CHECK(reads > 0);
    MESSAGE("reader iterations: " << reads.load() << ", max pending: " << max_pending);
    CHECK(d.pending() == 0);
    // Only the current versions remain: two zones plus extra.example.com.
    CHECK(FakeVersion::live == 3);
    CHECK(FakeVersion::made > static_cast<long>(kVersions));
  }
  CHECK(FakeVersion::live == 0);
}

namespace {

using zoned::zone::ZoneSet;
using zoned::zone::ZoneVersion;

// A real zone whose SOA serial is `serial` and whose data.example.com. A
// record encodes the same number (10.0.hi.lo), so a reader can tell whether
// the fields it read come from one version.
std::unique_ptr<const ZoneVersion> real_version(std::uint32_t serial) {
  const std::string text = "$TTL 3600\n@ SOA ns1 hostmaster " + std::to_string(serial) +
                           " 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\ndata A 10.0." +
                           std::to_string(serial >> 8) + "." + std::to_string(serial & 0xffu) +
                           "\n";
  zoned::zone::RecordList rl;
  auto out = parse(text, rl);
  REQUIRE(count(out.diagnostics, zoned::zone::Severity::Error) == 0);
  rl.sort();
  return ZoneVersion::build(rl, name("example.com."));
}

}  // namespace

TEST_CASE("zone set: stress with real ZoneVersions: serial and data agree") {
  constexpr int kReaders = 3;
  constexpr std::uint32_t kVersions = 400;
  constexpr int kQuiescentEvery = 8;
  ReclaimDomain d;
  ZoneSet set(d);
  CHECK(set.add_zone(name("example.com.")));
  CHECK(set.publish(name("example.com."), real_version(1)));

  std::atomic<bool> stop{false};
  std::atomic<long> bad{0};
  std::atomic<long> reads{0};
  std::atomic<int> readers_started{0};  // on a loaded machine readers may start late
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      auto h = d.register_reader();
      readers_started.fetch_add(1);
      const auto q = name("data.Example.COM.");
      zoned::zone::KeyBuffer buf;
      const auto key = zoned::zone::make_lookup_key(q.wire(), buf);
      long n = 0;
      do {  // at least one read per reader
        const ZoneSet::Zone* z = set.find_zone(q);
        const ZoneVersion* v = z == nullptr ? nullptr : z->current();
        const zoned::zone::Node* node = v == nullptr ? nullptr : v->find(key);
        const zoned::zone::RRset* a = node == nullptr ? nullptr : node->find(zoned::dns::RRType::A);
        if (a == nullptr || a->count != 1) {
          bad.fetch_add(1);
        } else {
          a->for_each_rdata([&](std::span<const std::uint8_t> rd) {
            if (rd.size() != 4 || (std::uint32_t{rd[2]} << 8 | rd[3]) != v->serial())
              bad.fetch_add(1);
          });
          if (v->apex().find(zoned::dns::RRType::SOA) == nullptr) bad.fetch_add(1);
        }
        if (++n % kQuiescentEvery == 0) h.quiescent();
      } while (!stop.load(std::memory_order_relaxed));
      reads.fetch_add(n);
    });
  }
  while (readers_started.load() < kReaders) std::this_thread::yield();
  for (std::uint32_t s = 2; s <= kVersions; ++s) {
    CHECK(set.publish(name("example.com."), real_version(s)));
    d.reclaim();
  }
  stop = true;
  for (auto& t : readers) t.join();
  d.synchronize();
  CHECK(bad == 0);
  CHECK(reads >= kReaders);  // every reader made at least its first read
  CHECK(d.pending() == 0);
  CHECK(set.find_zone(name("example.com."))->current()->serial() == kVersions);
}
