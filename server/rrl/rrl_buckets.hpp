#pragma once
// RRL's token buckets: a fixed table of 64-bit words, each one bucket packed
// so that one compare-and-swap updates it. No lock, no allocation after
// construction; workers race on words with relaxed CAS, and a lost race
// costs at most one token's accuracy, never memory safety.
//
// Accounting (BIND's, docs/rrl.md): a bucket earns `rate` tokens a second up
// to a balance of +rate; each response spends one; a response that finds no
// token (the balance goes negative) is limited, and the debt grows down to
// -window*rate, so a flooder must stop for up to `window` seconds before it
// is answered again. A bucket untouched for more than `window` seconds
// starts afresh.
// The first limited response of a run and then every `slip`-th slips.
//
// A word: | tag 25 | slip count 4 | time 14 | balance 21 | (high to low).
// The tag is the top 25 bits of the key's hash, the set index its low bits
// (at most 22 of them): a new key matches another's bucket only if both
// agree, i.e. with a chance of kWays * 2^-25 (1.2e-7) per lookup in a full
// set. The balance holds -kMaxDebt..+kMaxRate. The time is the low 14 bits
// of the second (wrapping every 4.5 hours): RrlBuckets::sweep() empties
// buckets idle for more than the window long before their time can wrap
// into looking recent again.
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "server/query/siphash.hpp"

namespace zoned::server {

struct RrlLimits {
  std::int64_t rate = 20;      // tokens a second, and the most a bucket holds
  std::int64_t max_debt = 40;  // window*rate, at most RrlBucket::kMaxDebt
  std::uint32_t window = 2;    // seconds
  std::uint32_t slip = 2;      // 0: never slip
};

// One bucket, unpacked. Time is the low kTimeBits of Request::now.
struct RrlBucket {
  std::int64_t balance = 0;
  std::uint32_t time = 0;
  std::uint32_t slip_count = 0;
  std::uint32_t tag = 0;  // hash bits naming the key (0: an empty word)

  static constexpr unsigned kBalanceBits = 21;
  static constexpr unsigned kTimeBits = 14;  // 16384 s (4.5 hours) before the clock wraps
  static constexpr unsigned kSlipBits = 4;   // slip is at most 10
  static constexpr unsigned kTagBits = 25;
  // 1,048,575: the deepest debt, and the highest balance.
  static constexpr std::int64_t kMaxDebt = (std::int64_t{1} << (kBalanceBits - 1)) - 1;
  // The configuration's bounds (server/config/config.cpp), which the fields hold.
  static constexpr std::int64_t kMaxRate = 1'000'000;
  static constexpr std::uint32_t kMaxWindow = 3600;
  // Workers read the clock at slightly different moments: a bucket stamped
  // up to this many seconds after `now` is recent, not a wrap old.
  static constexpr std::uint32_t kClockSkew = 8;

  [[nodiscard]] static RrlBucket unpack(std::uint64_t word) noexcept;
  [[nodiscard]] std::uint64_t pack() const noexcept;
};
static_assert(RrlBucket::kBalanceBits + RrlBucket::kTimeBits + RrlBucket::kSlipBits +
                  RrlBucket::kTagBits == 64);
static_assert(RrlBucket::kMaxRate <= RrlBucket::kMaxDebt);

struct RrlDecision {
  std::uint64_t word = 0;  // the bucket after this response
  bool limited = false;
  bool slip = false;       // limited, and this one goes out truncated
};

// One response charged to the bucket in `word` (its key's tag `tag`) at
// second `now`. A word holding another key's tag is taken over.
[[nodiscard]] RrlDecision charge(std::uint64_t word, std::uint32_t tag, std::uint32_t now,
                                 const RrlLimits& limits) noexcept;
// The balance `bucket` would have at `now` (what replacement compares).
[[nodiscard]] std::int64_t balance_at(const RrlBucket& bucket, std::uint32_t now,
                                      const RrlLimits& limits) noexcept;

class RrlBuckets {
 public:
  // Keys hash into sets of kWays words (half a cache line): a key lives in
  // one word of its set, and a new key takes the word whose bucket carries
  // the least debt, so a flooder's bucket is the last to be forgotten.
  static constexpr std::size_t kWays = 4;

  // table-size's bound: the set index (22 bits at most) and the tag never
  // share a hash bit.
  static constexpr std::size_t kMaxBuckets = std::size_t{1} << 24;
  // A bucket idle for more than the window is emptied by sweep() within
  // this many seconds (see sweep()).
  static constexpr std::uint32_t kSweepPeriod = std::uint32_t{1} << (RrlBucket::kTimeBits - 2);

  // `buckets` is rounded up to a power of two (at least kWays, at most
  // kMaxBuckets). Zeroed.
  RrlBuckets(std::size_t buckets, const SipHashKey& key);

  [[nodiscard]] std::size_t size() const noexcept { return (set_mask_ + 1) * kWays; }
  [[nodiscard]] const SipHashKey& key() const noexcept { return key_; }

  // Worker: charges one response to the bucket of `hash` (siphash24 of the
  // key under key()).
  [[nodiscard]] RrlDecision charge(std::uint64_t hash, std::uint32_t now,
                                   const RrlLimits& limits) noexcept;

  // Control thread, about once a second (`now` on the workers' clock):
  // empties the words of buckets untouched for more than limits.window
  // seconds, which a worker would start afresh anyway. Each call visits the
  // sets whose turn came since the previous one, so that every set is
  // visited once per kSweepPeriod (all of them on the first call, and after
  // a gap of kSweepPeriod or a clock stepped back). An idle bucket is so
  // emptied at most window + kSweepPeriod (7,697) seconds after its last
  // response, long before its 14-bit time wraps (16,376: see elapsed()) and
  // would make it look recent, in debt again. A worker racing with the
  // sweep retries its CAS on the emptied word; the sweep, losing, leaves a
  // word just used alone. Returns how many words were emptied.
  std::size_t sweep(std::uint32_t now, const RrlLimits& limits) noexcept;

 private:
  struct alignas(kWays * sizeof(std::uint64_t)) Set {
    std::array<std::atomic<std::uint64_t>, kWays> words{};
  };

  std::size_t sweep_sets(std::size_t from, std::size_t to, std::uint32_t now,
                         const RrlLimits& limits) noexcept;

  SipHashKey key_;
  std::size_t set_mask_;
  std::unique_ptr<Set[]> sets_;
  // sweep()'s: the control thread's only.
  bool swept_ = false;
  std::uint32_t swept_at_ = 0;
};

// The tag takes the hash bits above the set index's widest.
static_assert(std::bit_width(RrlBuckets::kMaxBuckets / RrlBuckets::kWays) - 1 <= 64 - RrlBucket::kTagBits);
// The window, a sweep period and the clock skew allowed fit before the
// time field wraps.
static_assert(RrlBucket::kMaxWindow + 1 + RrlBuckets::kSweepPeriod + RrlBucket::kClockSkew <
              (std::uint32_t{1} << RrlBucket::kTimeBits));

}  // namespace zoned::server
