#pragma once
// ZoneSet: every served zone, each with its current immutable version behind
// one atomic pointer. Readers (workers) find a zone and load its version with
// no lock and no allocation; writers publish a new version with one atomic
// swap and retire the old one into a ReclaimDomain (zone/qsbr.hpp). A pointer
// a reader got (zone or version) stays valid until its next quiescent point.
//
// The zone table itself is immutable: adding or removing a zone (rare) builds
// a new table, swaps it in, and retires the old one the same way.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "dns/name.hpp"
#include "zone/lookup_key.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_version.hpp"

namespace zoned::zone {

// Sorted apex keys (RecordList::make_key form: labels right to left, so the
// key of an ancestor is a prefix of the key of its descendant) mapping to slot
// indexes. Immutable; lookups allocate nothing.
class ZoneKeyIndex {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  // ends[i] = key length covering the i+1 rightmost labels.
  using LabelEnds = std::array<std::uint16_t, dns::Name::kMaxLabels>;

  ZoneKeyIndex() = default;
  // Slot i is apexes[i]; apexes must be distinct (case-insensitively).
  explicit ZoneKeyIndex(std::span<const dns::Name> apexes);

  // The slot of the served zone that is the closest encloser of `qname`
  // (longest match), or kNone. With `skip_apex`, a zone whose apex equals
  // qname is skipped, giving its parent zone if served (DS lookups).
  [[nodiscard]] std::uint32_t find_longest(const dns::Name& qname,
                                           bool skip_apex = false) const noexcept;
  // The same from qname's key (make_lookup_key), when the caller has it.
  [[nodiscard]] std::uint32_t find_longest(std::span<const std::uint8_t> qname_key,
                                           bool skip_apex = false) const noexcept;
  [[nodiscard]] std::uint32_t find_exact(const dns::Name& apex) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }


 private:
  struct Entry {
    std::uint32_t key_offset = 0;
    std::uint16_t key_length = 0;
    std::uint32_t slot = 0;
  };
  [[nodiscard]] std::uint32_t lookup(std::span<const std::uint8_t> key) const noexcept;
  [[nodiscard]] std::span<const std::uint8_t> key_of(const Entry& e) const noexcept {
    return {keys_.data() + e.key_offset, e.key_length};
  }

  std::vector<Entry> entries_;  // sorted by key bytes
  std::vector<std::uint8_t> keys_;
  // Label counts of the apexes: find_longest() tries only these lengths.
  std::size_t min_labels_ = 0;
  std::size_t max_labels_ = 0;
};

// One worker's query counters for one zone (server statistics), a cache line
// of its own. Only that worker writes it (a relaxed load and store, no shared
// atomic increment per query); the control thread sums the slots of a zone
// when asked. Kept in the zone itself so the query path needs no table from
// zones to counters, and a removed zone's counts simply go with it.
struct alignas(64) ZoneCounterSlot {
  // Queries the zone was asked, then responses sent by rcode (rcode + 1 for
  // NOERROR..REFUSED).
  enum Counter : std::size_t {
    Queries, NoError, FormErr, ServFail, NxDomain, NotImp, Refused, OtherRcode, kCount
  };
  void add(Counter c) noexcept {
    auto& value = values[c];
    value.store(value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t get(Counter c) const noexcept {
    return values[c].load(std::memory_order_relaxed);
  }

  std::array<std::atomic<std::uint64_t>, kCount> values{};
};

// Generic over the version type so the reclamation logic can be tested with
// stand-ins; the server uses ZoneSet (Version = ZoneVersion).
template <class Version>
class BasicZoneSet {
 public:
  // One served zone. Its address is stable while any table that lists it is
  // reachable, i.e. for readers until their next quiescent point.
  class Zone {
   public:
    // `counter_slots`: one ZoneCounterSlot per answering thread.
    Zone(const dns::Name& apex, ReclaimDomain& domain, unsigned counter_slots = 1)
        : apex_(apex.lowercased()),
          domain_(&domain),
          counter_slots_(counter_slots),
          counters_(std::make_unique<ZoneCounterSlot[]>(counter_slots)) {}
    Zone(const Zone&) = delete;
    Zone& operator=(const Zone&) = delete;
    // Runs only once no reader can reach this zone (its last table was
    // reclaimed), so the current version is freed directly.
    ~Zone() { delete current_.load(std::memory_order_relaxed); }

    [[nodiscard]] const dns::Name& apex() const noexcept { return apex_; }
    // Acquire pairs with publish()'s release: the whole immutable version
    // built before the swap is visible. Null until the first publish.
    [[nodiscard]] const Version* current() const noexcept {
      return current_.load(std::memory_order_acquire);
    }
    // Worker `slot`'s counters (slot < counter_slots()). Statistics are not
    // zone data: they are written through the const Zone the reader holds.
    [[nodiscard]] ZoneCounterSlot& counters(unsigned slot) const noexcept { return counters_[slot]; }
    [[nodiscard]] unsigned counter_slots() const noexcept { return counter_slots_; }

   private:
    friend class BasicZoneSet;
    void publish(std::unique_ptr<const Version> v) {
      // acq_rel: release publishes v's contents; acquire makes the old
      // version's construction visible to whoever frees it.
      const Version* old = current_.exchange(v.release(), std::memory_order_acq_rel);
      domain_->retire(std::unique_ptr<const Version>(old));
    }

    dns::Name apex_;
    ReclaimDomain* domain_;
    std::atomic<const Version*> current_{nullptr};
    unsigned counter_slots_;
    std::unique_ptr<ZoneCounterSlot[]> counters_;
  };

  // Every zone added gets `counter_slots` ZoneCounterSlots: the daemon passes
  // its number of answering threads (each worker's UDP threads and its TCP
  // thread).
  explicit BasicZoneSet(ReclaimDomain& domain, unsigned counter_slots = 1)
      : domain_(domain), counter_slots_(counter_slots), table_(new Table) {}
  BasicZoneSet(const BasicZoneSet&) = delete;
  BasicZoneSet& operator=(const BasicZoneSet&) = delete;
  // Readers must be done with the set (tables and zones are freed directly).
  ~BasicZoneSet() { delete table_.load(std::memory_order_acquire); }

  // ---- reader side: lock-free, allocation-free -------------------------

  // The served zone that is the closest encloser of qname, or nullptr.
  [[nodiscard]] const Zone* find_zone(const dns::Name& qname) const noexcept {
    const Table* t = table_.load(std::memory_order_acquire);
    return t->at(t->index.find_longest(qname));
  }
  // The same from qname's key (make_lookup_key): the query path builds it once.
  [[nodiscard]] const Zone* find_zone(std::span<const std::uint8_t> qname_key) const noexcept {
    const Table* t = table_.load(std::memory_order_acquire);
    return t->at(t->index.find_longest(qname_key));
  }
  // For QTYPE=DS (RFC 4035 §3.1.4.1): the DS RRset of a child lives in the
  // parent zone, so when qname is exactly the apex of a served zone this
  // returns the closest served zone above it (nullptr if none). Otherwise as
  // find_zone(). The caller answers from the child if this returns nullptr.
  [[nodiscard]] const Zone* find_zone_for_ds(const dns::Name& qname) const noexcept {
    const Table* t = table_.load(std::memory_order_acquire);
    return t->at(t->index.find_longest(qname, /*skip_apex=*/true));
  }
  [[nodiscard]] const Zone* find_zone_for_ds(std::span<const std::uint8_t> qname_key) const noexcept {
    const Table* t = table_.load(std::memory_order_acquire);
    return t->at(t->index.find_longest(qname_key, /*skip_apex=*/true));
  }
  // The zone whose apex is exactly `apex`, or nullptr.
  [[nodiscard]] const Zone* find_exact(const dns::Name& apex) const noexcept {
    const Table* t = table_.load(std::memory_order_acquire);
    return t->at(t->index.find_exact(apex));
  }
  [[nodiscard]] std::size_t size() const noexcept {
    return table_.load(std::memory_order_acquire)->zones.size();
  }

  // ---- writer side: serialized by a writer mutex -----------------------

  // Starts serving `apex` (no version until the first publish). False if it
  // is already served.
  [[nodiscard]] bool add_zone(const dns::Name& apex) {
    std::lock_guard lock(writer_mutex_);
    const Table* old = table_.load(std::memory_order_relaxed);
    if (old->index.find_exact(apex) != ZoneKeyIndex::kNone) return false;
    auto zones = old->zones;
    zones.push_back(std::make_shared<Zone>(apex, domain_, counter_slots_));
    swap_table(std::move(zones));
    return true;
  }
  // Stops serving `apex`; its versions are freed once readers have moved on.
  [[nodiscard]] bool remove_zone(const dns::Name& apex) {
    std::lock_guard lock(writer_mutex_);
    const Table* old = table_.load(std::memory_order_relaxed);
    const std::uint32_t slot = old->index.find_exact(apex);
    if (slot == ZoneKeyIndex::kNone) return false;
    auto zones = old->zones;
    zones.erase(zones.begin() + slot);
    swap_table(std::move(zones));
    return true;
  }
  // Makes `v` the current version of `apex` and retires the previous one.
  // False (and v is dropped) if the zone is not served.
  [[nodiscard]] bool publish(const dns::Name& apex, std::unique_ptr<const Version> v) {
    std::lock_guard lock(writer_mutex_);
    const Table* t = table_.load(std::memory_order_relaxed);
    const std::uint32_t slot = t->index.find_exact(apex);
    if (slot == ZoneKeyIndex::kNone) return false;
    t->zones[slot]->publish(std::move(v));
    return true;
  }

 private:
  struct Table {
    Table() = default;
    explicit Table(std::vector<std::shared_ptr<Zone>> z) : zones(std::move(z)) {
      std::vector<dns::Name> apexes;
      apexes.reserve(zones.size());
      for (const auto& zone : zones) apexes.push_back(zone->apex());
      index = ZoneKeyIndex(apexes);
    }
    [[nodiscard]] const Zone* at(std::uint32_t slot) const noexcept {
      return slot == ZoneKeyIndex::kNone ? nullptr : zones[slot].get();
    }
    // shared_ptr only on the writer side: a zone lives as long as the newest
    // table that lists it; readers use raw pointers, no count per query.
    std::vector<std::shared_ptr<Zone>> zones;
    ZoneKeyIndex index;
  };

  void swap_table(std::vector<std::shared_ptr<Zone>> zones) {
    auto fresh = std::make_unique<const Table>(std::move(zones));
    // Release: the table and zones built above are visible to acquire loads.
    const Table* old = table_.exchange(fresh.release(), std::memory_order_acq_rel);
    domain_.retire(std::unique_ptr<const Table>(old));
  }

  ReclaimDomain& domain_;
  unsigned counter_slots_;
  std::atomic<const Table*> table_;
  std::mutex writer_mutex_;
};

using ZoneSet = BasicZoneSet<ZoneVersion>;
extern template class BasicZoneSet<ZoneVersion>;

}  // namespace zoned::zone
