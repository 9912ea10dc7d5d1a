#pragma once
// Quiescent-state-based reclamation (QSBR): the writer retires an object it has
// unpublished, and frees it once every online reader has passed a quiescent
// point (a moment where it holds no pointer into published data) since then.
// Readers never lock and never write shared data on the query path: a
// quiescent point is one store to the reader's own cache line
// (docs/ARCHITECTURE.md, "Data flow").
//
// Protocol. A global epoch counts retirements. retire() bumps it to E and tags
// the object with E. A reader's quiescent() copies the global epoch into its
// own slot. An object tagged E is freed once every online reader's slot is
// >= E: that reader read epoch >= E after the pointer swap that preceded the
// bump, so from then on it can only load the new pointer.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace zoned::zone {

class ReclaimDomain {
 public:
  // Slot value of a reader that holds nothing and is not counted.
  static constexpr std::uint64_t kOffline = 0;
  // Separate cache lines so that readers' stores never contend.
  static constexpr std::size_t kCacheLine = 64;

  struct alignas(kCacheLine) Slot {
    std::atomic<std::uint64_t> epoch{kOffline};
  };

  // One per reader thread, used only by that thread. Registered online.
  // Must be destroyed before its domain. Movable, not copyable.
  class ReaderHandle {
   public:
    ReaderHandle() = default;
    ReaderHandle(ReaderHandle&& other) noexcept;
    ReaderHandle& operator=(ReaderHandle&& other) noexcept;
    ReaderHandle(const ReaderHandle&) = delete;
    ReaderHandle& operator=(const ReaderHandle&) = delete;
    ~ReaderHandle();

    // The thread holds no pointer obtained before this call. Lock-free, one
    // load of the global epoch and one store to this reader's own slot. Only
    // while online (going online needs online()).
    void quiescent() noexcept;
    // Before blocking idle: the thread holds nothing until online() and does
    // not hold reclamation back meanwhile.
    void offline() noexcept;
    // Before reading published data again. Costs one shared RMW (not per query:
    // once per wake-up), see qsbr.cpp.
    void online() noexcept;
    [[nodiscard]] bool is_online() const noexcept;
    [[nodiscard]] bool valid() const noexcept { return slot_ != nullptr; }

   private:
    friend class ReclaimDomain;
    ReaderHandle(ReclaimDomain* domain, Slot* slot) noexcept : domain_(domain), slot_(slot) {}
    void reset() noexcept;

    ReclaimDomain* domain_ = nullptr;
    Slot* slot_ = nullptr;
  };

  using Deleter = void (*)(const void*);

  ReclaimDomain() = default;
  ReclaimDomain(const ReclaimDomain&) = delete;
  ReclaimDomain& operator=(const ReclaimDomain&) = delete;
  // Frees everything still retired. All ReaderHandles must be gone.
  ~ReclaimDomain();

  // Registration locks (rare: once per worker thread).
  [[nodiscard]] ReaderHandle register_reader();

  // Writer side (any thread that is not a registered reader holding data;
  // retire lists are guarded by a writer-only mutex). `p` must already be
  // unreachable for readers that start afterwards (its pointer swapped out).
  void retire(const void* p, Deleter deleter);
  template <class T>
  void retire(std::unique_ptr<const T> p) {
    if (!p) return;
    retire(p.release(), [](const void* q) { delete static_cast<const T*>(q); });
  }

  // Frees every retired object that no online reader can still hold; returns
  // how many were freed. Never waits.
  std::size_t reclaim();
  // Waits until every reader online now has passed a quiescent point (or gone
  // offline), then reclaims: afterwards nothing retired before the call is
  // left. For tests and shutdown; a registered reader must not call it while
  // online (it would wait for itself).
  void synchronize();

  [[nodiscard]] std::size_t pending() const;
  [[nodiscard]] std::uint64_t epoch() const noexcept {
    return global_epoch_.load(std::memory_order_acquire);
  }

 private:
  struct Retired {
    const void* object;
    Deleter deleter;
    std::uint64_t epoch;
  };

  void unregister(Slot* slot) noexcept;
  // Smallest epoch of the online readers, or UINT64_MAX when none is online.
  [[nodiscard]] std::uint64_t min_reader_epoch() const;

  // Starts at 1 so that no online value equals kOffline.
  std::atomic<std::uint64_t> global_epoch_{1};

  mutable std::mutex readers_mutex_;  // registration and the writer's scan
  std::vector<std::unique_ptr<Slot>> readers_;

  mutable std::mutex retired_mutex_;  // writer side only
  std::deque<Retired> retired_;       // epoch order (tags only grow)
};

}  // namespace zoned::zone
