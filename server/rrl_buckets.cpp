#include "server/rrl_buckets.hpp"

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
// Workers read the clock at slightly different moments: a bucket stamped a
// few seconds after `now` is recent, not 12 days old.
constexpr std::uint32_t kClockSkew = 8;
// CAS attempts before deciding on the last value seen without storing.
constexpr int kMaxAttempts = 4;

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
      set_mask_(std::bit_ceil(std::max(buckets, kWays)) / kWays - 1),
      sets_(std::make_unique<Set[]>(set_mask_ + 1)) {}

RrlDecision RrlBuckets::charge(std::uint64_t hash, std::uint32_t now, const RrlLimits& limits) noexcept {
  Set& set = sets_[hash & set_mask_];
  // The tag comes from the bits the set index does not use; never 0 (empty).
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

}  // namespace zoned::server
