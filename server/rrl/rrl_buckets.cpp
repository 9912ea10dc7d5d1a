#include "server/rrl/rrl_buckets.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace zoned::server {
namespace {

constexpr unsigned kTimeShift = RrlBucket::kBalanceBits;
constexpr unsigned kSlipShift = kTimeShift + RrlBucket::kTimeBits;
constexpr unsigned kTagShift = kSlipShift + RrlBucket::kSlipBits;
constexpr std::uint64_t kBalanceMask = (std::uint64_t{1} << RrlBucket::kBalanceBits) - 1;
constexpr std::uint32_t kTimeMask = (std::uint32_t{1} << RrlBucket::kTimeBits) - 1;
constexpr std::uint32_t kSlipMask = (std::uint32_t{1} << RrlBucket::kSlipBits) - 1;
constexpr std::uint32_t kTagMask = (std::uint32_t{1} << RrlBucket::kTagBits) - 1;
// Balances are stored offset by this, so that the field is unsigned.
constexpr std::int64_t kBalanceBias = std::int64_t{1} << (RrlBucket::kBalanceBits - 1);
constexpr std::uint32_t kClockSkew = RrlBucket::kClockSkew;
// CAS attempts before deciding on the last value seen without storing.
constexpr int kMaxAttempts = 4;

// Seconds from `then` to `now`, both in the time field's width: 0 for a
// stamp up to kClockSkew seconds ahead. A bucket idle for 2^kTimeBits -
// kClockSkew seconds or more would read as recent: sweep() empties it first.
std::uint32_t elapsed(std::uint32_t then, std::uint32_t now) noexcept {
  const std::uint32_t seconds = (now - then) & kTimeMask;
  return seconds > kTimeMask - kClockSkew ? 0 : seconds;
}

}  // namespace

RrlBucket RrlBucket::unpack(std::uint64_t word) noexcept {
  RrlBucket b;
  b.balance = static_cast<std::int64_t>(word & kBalanceMask) - kBalanceBias;
  b.time = static_cast<std::uint32_t>(word >> kTimeShift) & kTimeMask;
  b.slip_count = static_cast<std::uint32_t>(word >> kSlipShift) & kSlipMask;
  b.tag = static_cast<std::uint32_t>(word >> kTagShift) & kTagMask;
  return b;
}

std::uint64_t RrlBucket::pack() const noexcept {
  return (static_cast<std::uint64_t>(balance + kBalanceBias) & kBalanceMask) |
         std::uint64_t{time & kTimeMask} << kTimeShift |
         std::uint64_t{slip_count & kSlipMask} << kSlipShift |
         std::uint64_t{tag & kTagMask} << kTagShift;
}

std::int64_t balance_at(const RrlBucket& bucket, std::uint32_t now, const RrlLimits& limits) noexcept {
  const std::uint32_t seconds = elapsed(bucket.time, now & kTimeMask);
  // As BIND: after exactly `window` seconds a bucket at the floor is back
  // to zero; only after more than that does it start afresh.
  if (seconds > limits.window) return limits.rate;
  return std::min(limits.rate, bucket.balance + std::int64_t{seconds} * limits.rate);
}

RrlDecision charge(std::uint64_t word, std::uint32_t tag, std::uint32_t now,
                   const RrlLimits& limits) noexcept {
  RrlBucket b = RrlBucket::unpack(word);
  const std::uint32_t today = now & kTimeMask;
  if (b.tag != tag) {
    b = {.balance = limits.rate, .time = today, .slip_count = 0, .tag = tag};
  } else if (elapsed(b.time, today) > 0) {
    b.balance = balance_at(b, now, limits);
    b.time = today;
    if (b.balance >= limits.rate) b.slip_count = 0;  // a run of limiting is over
  }
  RrlDecision d;
  if (--b.balance < 0) {
    d.limited = true;
    b.balance = std::max(b.balance, -limits.max_debt);
    if (limits.slip != 0) {
      d.slip = b.slip_count == 0;
      if (++b.slip_count >= limits.slip) b.slip_count = 0;
    }
  }
  d.word = b.pack();
  return d;
}

RrlBuckets::RrlBuckets(std::size_t buckets, const SipHashKey& key)
    : key_(key),
      set_mask_(std::bit_ceil(std::clamp(buckets, kWays, kMaxBuckets)) / kWays - 1),
      sets_(std::make_unique<Set[]>(set_mask_ + 1)) {}

RrlDecision RrlBuckets::charge(std::uint64_t hash, std::uint32_t now, const RrlLimits& limits) noexcept {
  Set& set = sets_[hash & set_mask_];
  // The tag comes from the top bits, which the set index does not use;
  // never 0 (empty).
  const std::uint32_t tag = std::max<std::uint32_t>(static_cast<std::uint32_t>(hash >> kTagShift), 1);
  std::size_t chosen = 0;
  std::uint64_t expected = 0;
  std::int64_t best = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < kWays; ++i) {
    const std::uint64_t word = set.words[i].load(std::memory_order_relaxed);
    const RrlBucket bucket = RrlBucket::unpack(word);
    if (bucket.tag == tag) {
      chosen = i;
      expected = word;
      break;
    }
    // Replace the bucket with the least debt: an idle or empty one loses
    // nothing, and a flooder's bucket is the last to go.
    const std::int64_t balance = bucket.tag == 0 ? limits.rate : balance_at(bucket, now, limits);
    if (balance > best) {
      best = balance;
      chosen = i;
      expected = word;
    }
  }
  std::atomic<std::uint64_t>& target = set.words[chosen];
  RrlDecision d;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    d = server::charge(expected, tag, now, limits);
    if (target.compare_exchange_weak(expected, d.word, std::memory_order_relaxed)) return d;
  }
  return d;  // lost every race: decided on a value just replaced (one token's error)
}

std::size_t RrlBuckets::sweep_sets(std::size_t from, std::size_t to, std::uint32_t now,
                                   const RrlLimits& limits) noexcept {
  const std::uint32_t today = now & kTimeMask;
  std::size_t emptied = 0;
  for (std::size_t s = from; s < to; ++s) {
    for (std::atomic<std::uint64_t>& word : sets_[s].words) {
      std::uint64_t value = word.load(std::memory_order_relaxed);
      if (value == 0 || elapsed(RrlBucket::unpack(value).time, today) <= limits.window) continue;
      // Lost to a worker: the bucket was just used, and stays.
      if (word.compare_exchange_strong(value, 0, std::memory_order_relaxed)) ++emptied;
    }
  }
  return emptied;
}

std::size_t RrlBuckets::sweep(std::uint32_t now, const RrlLimits& limits) noexcept {
  const std::size_t sets = set_mask_ + 1;
  // The set whose turn it is at second `t`: every set once per period.
  const auto turn = [sets](std::uint32_t t) {
    return static_cast<std::size_t>(std::uint64_t{t % kSweepPeriod} * sets / kSweepPeriod);
  };
  const std::uint32_t since = now - swept_at_;
  const bool all = !swept_ || since >= kSweepPeriod;  // also a clock stepped back
  const std::size_t from = turn(swept_at_);
  const std::size_t to = turn(now);
  swept_ = true;
  swept_at_ = now;
  if (all) return sweep_sets(0, sets, now, limits);
  if (from <= to) return sweep_sets(from, to, now, limits);
  return sweep_sets(from, sets, now, limits) + sweep_sets(0, to, now, limits);
}

}  // namespace zoned::server
