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
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "server/query/siphash.hpp"

namespace zoned::server {

struct RrlLimits {
  std::int64_t rate = 20;      // tokens a second, and the most a bucket holds
  std::int64_t max_debt = 40;  // window*rate, at most kMaxDebt
  std::uint32_t window = 2;    // seconds
  std::uint32_t slip = 2;      // 0: never slip
};

// One bucket, unpacked. Time is the low kTimeBits of Request::now.
struct RrlBucket {
  std::int64_t balance = 0;
  std::uint32_t time = 0;
  std::uint32_t slip_count = 0;
  std::uint32_t tag = 0;  // hash bits naming the key (0: an empty word)

  static constexpr unsigned kBalanceBits = 28;
  static constexpr unsigned kTimeBits = 20;  // 12 days before the clock wraps
  static constexpr unsigned kSlipBits = 4;   // slip is at most 10
  static constexpr unsigned kTagBits = 12;
  static constexpr std::int64_t kMaxDebt = (std::int64_t{1} << (kBalanceBits - 1)) - 1;

  [[nodiscard]] static RrlBucket unpack(std::uint64_t word) noexcept;
  [[nodiscard]] std::uint64_t pack() const noexcept;
};
static_assert(RrlBucket::kBalanceBits + RrlBucket::kTimeBits + RrlBucket::kSlipBits +
                  RrlBucket::kTagBits == 64);

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

  // `buckets` is rounded up to a power of two (at least kWays). Zeroed.
  RrlBuckets(std::size_t buckets, const SipHashKey& key);

  [[nodiscard]] std::size_t size() const noexcept { return (set_mask_ + 1) * kWays; }
  [[nodiscard]] const SipHashKey& key() const noexcept { return key_; }

  // Worker: charges one response to the bucket of `hash` (siphash24 of the
  // key under key()).
  [[nodiscard]] RrlDecision charge(std::uint64_t hash, std::uint32_t now,
                                   const RrlLimits& limits) noexcept;

 private:
  struct alignas(kWays * sizeof(std::uint64_t)) Set {
    std::array<std::atomic<std::uint64_t>, kWays> words{};
  };

  SipHashKey key_;
  std::size_t set_mask_;
  std::unique_ptr<Set[]> sets_;
};

}  // namespace zoned::server
