#include "zone/qsbr.hpp"

#include <algorithm>
#include <limits>
#include <thread>

// Memory orders, and why each is enough.
//
// Writer, per retirement: (W1) swap the published pointer (release, in the
// caller), then (W2) E = global_epoch_.fetch_add(1, acq_rel) + 1, later
// (W3) acquire-load every reader slot and free objects tagged <= min.
//
// Reader quiescent(): (R1) e = global_epoch_.load(acquire); (R2)
// slot.store(e, release).
//  - If W3 reads a value >= E from R2, R2's release / W3's acquire make
//    everything the reader did before R2 (its loads of the old pointer and of
//    the object) happen before the free.
//  - The reader can store e >= E only if R1 read W2 or a later bump; W2 is a
//    release RMW, so W1 happens before R1 and every later load of the
//    published pointer by that reader sees W1 or newer: it cannot pick up the
//    old object again.
//
// Reader offline(): slot.store(kOffline, release): same argument as R2, the
// reader's earlier loads happen before any free that follows W3 reading it.
//
// Reader online() is the Dekker case: the reader stores its slot then loads
// the pointer, the writer swaps the pointer then loads the slot; with plain
// acquire/release both could miss the other's store (the writer frees, the
// reader loads the old pointer). online() therefore stores its slot and then
// performs an acq_rel RMW on global_epoch_ (fetch_add(0)). RMWs on one object
// are totally ordered: if the reader's RMW comes after W2 it reads from W2's
// release sequence, so W1 happens before the reader's later pointer loads; if
// it comes before W2, W2 reads from it and the reader's slot store happens
// before W3, which then sees the reader online with an epoch < E and waits.
// This RMW is per wake-up, not per query. Registration goes the same way.

namespace zoned::zone {

// ---- ReaderHandle --------------------------------------------------------

ReclaimDomain::ReaderHandle::ReaderHandle(ReaderHandle&& other) noexcept
    : domain_(other.domain_), slot_(other.slot_) {
  other.domain_ = nullptr;
  other.slot_ = nullptr;
}

ReclaimDomain::ReaderHandle& ReclaimDomain::ReaderHandle::operator=(ReaderHandle&& other) noexcept {
  if (this != &other) {
    reset();
    domain_ = other.domain_;
    slot_ = other.slot_;
    other.domain_ = nullptr;
    other.slot_ = nullptr;
  }
  return *this;
}

ReclaimDomain::ReaderHandle::~ReaderHandle() { reset(); }

void ReclaimDomain::ReaderHandle::reset() noexcept {
  if (slot_ != nullptr) domain_->unregister(slot_);
  domain_ = nullptr;
  slot_ = nullptr;
}

void ReclaimDomain::ReaderHandle::quiescent() noexcept {
  const std::uint64_t e = domain_->global_epoch_.load(std::memory_order_acquire);
  // Relaxed would not do: the release orders this reader's earlier loads of
  // published data before the writer's acquire scan that sees the new value.
  slot_->epoch.store(e, std::memory_order_release);
}

void ReclaimDomain::ReaderHandle::offline() noexcept {
  slot_->epoch.store(kOffline, std::memory_order_release);
}

void ReclaimDomain::ReaderHandle::online() noexcept {
  // Announce first (possibly with a stale epoch: that only delays frees), then
  // the RMW that orders the announcement against the writer's scan; then
  // store the fresher epoch the RMW returned.
  slot_->epoch.store(domain_->global_epoch_.load(std::memory_order_acquire),
                     std::memory_order_relaxed);
  const std::uint64_t e = domain_->global_epoch_.fetch_add(0, std::memory_order_acq_rel);
  slot_->epoch.store(e, std::memory_order_release);
}

bool ReclaimDomain::ReaderHandle::is_online() const noexcept {
  return slot_ != nullptr && slot_->epoch.load(std::memory_order_relaxed) != kOffline;
}

// ---- ReclaimDomain -------------------------------------------------------

ReclaimDomain::~ReclaimDomain() {
  // No reader may remain (documented), so everything retired is unreachable.
  for (const Retired& r : retired_) r.deleter(r.object);
  retired_.clear();
}

ReclaimDomain::ReaderHandle ReclaimDomain::register_reader() {
  auto slot = std::make_unique<Slot>();
  Slot* raw = slot.get();
  {
    std::lock_guard lock(readers_mutex_);
    // Under the scan's mutex: a scan after this sees the slot, a scan before
    // it happens before this reader's first load (mutex order).
    raw->epoch.store(global_epoch_.fetch_add(0, std::memory_order_acq_rel),
                     std::memory_order_release);
    readers_.push_back(std::move(slot));
  }
  return ReaderHandle(this, raw);
}

void ReclaimDomain::unregister(Slot* slot) noexcept {
  // Release: this reader's loads happen before a scan that no longer sees it
  // (the mutex orders the removal before that scan as well).
  slot->epoch.store(kOffline, std::memory_order_release);
  std::lock_guard lock(readers_mutex_);
  auto it = std::find_if(readers_.begin(), readers_.end(),
                         [slot](const std::unique_ptr<Slot>& s) { return s.get() == slot; });
  if (it != readers_.end()) readers_.erase(it);
}

void ReclaimDomain::retire(const void* p, Deleter deleter) {
  if (p == nullptr) return;
  std::lock_guard lock(retired_mutex_);
  // Under the lock so tags enter the deque in increasing order.
  const std::uint64_t e = global_epoch_.fetch_add(1, std::memory_order_acq_rel) + 1;
  retired_.push_back(Retired{p, deleter, e});
}

std::uint64_t ReclaimDomain::min_reader_epoch() const {
  std::uint64_t min = std::numeric_limits<std::uint64_t>::max();
  std::lock_guard lock(readers_mutex_);
  for (const auto& s : readers_) {
    const std::uint64_t e = s->epoch.load(std::memory_order_acquire);
    if (e != kOffline) min = std::min(min, e);
  }
  return min;
}

std::size_t ReclaimDomain::reclaim() {
  std::vector<Retired> ready;
  {
    std::lock_guard lock(retired_mutex_);
    if (retired_.empty()) return 0;
    const std::uint64_t min = min_reader_epoch();
    while (!retired_.empty() && retired_.front().epoch <= min) {
      ready.push_back(retired_.front());
      retired_.pop_front();
    }
  }
  // Deleters run unlocked: one may retire more (a table entry owning a zone).
  for (const Retired& r : ready) r.deleter(r.object);
  return ready.size();
}

void ReclaimDomain::synchronize() {
  // Every object retired so far has a tag <= target.
  const std::uint64_t target = global_epoch_.fetch_add(1, std::memory_order_acq_rel) + 1;
  while (min_reader_epoch() < target) std::this_thread::yield();
  // Deleters may retire more objects; keep going until nothing is left that
  // could have been freed (bounded: each pass frees at least one object).
  while (reclaim() != 0) {
  }
}

std::size_t ReclaimDomain::pending() const {
  std::lock_guard lock(retired_mutex_);
  return retired_.size();
}

}  // namespace zoned::zone
