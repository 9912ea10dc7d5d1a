#include "server/rrl/rrl.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <random>
#include <vector>

#include "dns/header.hpp"
#include "server/rrl/rrl_buckets.hpp"
#include "server/rrl/rrl_key.hpp"

namespace zoned::server {

struct RateLimiter::Table {
  RrlLimits limits;
  std::uint8_t ipv4_prefix = 24;
  std::uint8_t ipv6_prefix = 56;
  std::vector<AddressPrefix> exempt;
  bool log_only = false;
  // Shared with the table that replaces this one when the size is kept.
  std::shared_ptr<RrlBuckets> buckets;
};

namespace {

SipHashKey random_hash_key() {
  std::random_device random;
  SipHashKey key;
  for (std::uint8_t& byte : key) byte = static_cast<std::uint8_t>(random());
  return key;
}

// A fixed key for tests: the 16 bytes are two splitmix64 outputs of `seed`.
SipHashKey seeded_hash_key(std::uint64_t seed) {
  SipHashKey key;
  for (std::size_t half = 0; half < 2; ++half) {
    seed += 0x9e3779b97f4a7c15;
    std::uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z ^= z >> 31;
    for (std::size_t i = 0; i < 8; ++i) key[half * 8 + i] = static_cast<std::uint8_t>(z >> (8 * i));
  }
  return key;
}

void put16(std::span<std::uint8_t> message, std::size_t pos, std::uint16_t value) noexcept {
  message[pos] = static_cast<std::uint8_t>(value >> 8);
  message[pos + 1] = static_cast<std::uint8_t>(value);
}

// A slipped response: header and question only, TC=1, so that a real
// resolver retries over TCP (where nobody can spoof its address) while a
// reflection victim gets a packet no bigger than the query. ID, opcode,
// rcode and AA stay as built. Returns the new size.
std::size_t truncate_to_question(std::span<std::uint8_t> response) noexcept {
  std::size_t end = dns::kHeaderSize;
  std::uint16_t questions = 0;
  if (response[4] != 0 || response[5] != 0) {
    // Our writer puts the question name first, so it is never compressed.
    std::size_t pos = dns::kHeaderSize;
    while (pos < response.size() && response[pos] != 0) pos += 1 + response[pos];
    pos += 1 + 4;  // the root label, QTYPE, QCLASS
    if (pos <= response.size()) {
      end = pos;
      questions = 1;
    }
  }
  response[2] = static_cast<std::uint8_t>(response[2] | (dns::flag::TC >> 8));
  put16(response, 4, questions);
  put16(response, 6, 0);
  put16(response, 8, 0);
  put16(response, 10, 0);
  return end;
}

}  // namespace

RateLimiter::~RateLimiter() { delete table_.load(std::memory_order_acquire); }

void RateLimiter::configure(const RrlConfig& config) {
  if (config == config_) return;  // a reload that left `rrl` alone
  config_ = config;
  const Table* old = table_.load(std::memory_order_acquire);
  std::unique_ptr<Table> next;
  if (config.enabled) {
    next = std::make_unique<Table>();
    next->limits = {
        .rate = std::min<std::int64_t>(config.rate, RrlBucket::kMaxRate),
        .max_debt = std::min<std::int64_t>(std::int64_t{config.window} * config.rate, RrlBucket::kMaxDebt),
        .window = config.window,
        .slip = config.slip,
    };
    next->ipv4_prefix = config.ipv4_prefix;
    next->ipv6_prefix = config.ipv6_prefix;
    next->exempt = config.exempt;
    next->log_only = config.log_only;
    const std::size_t size = std::bit_ceil(std::max(config.table_size, RrlBuckets::kWays));
    if (old != nullptr && old->buckets->size() == size) {
      next->buckets = old->buckets;
    } else {
      next->buckets =
          std::make_shared<RrlBuckets>(size, key_seed_ ? seeded_hash_key(*key_seed_) : random_hash_key());
    }
    spdlog::info("rrl: {} responses/s per client prefix (/{}, /{}) and response, window {} s, "
                 "slip {}, {} exempt prefix(es), {} buckets{}",
                 config.rate, config.ipv4_prefix, config.ipv6_prefix, config.window, config.slip,
                 config.exempt.size(), size, config.log_only ? "; log-only: nothing is limited" : "");
  } else if (old != nullptr) {
    spdlog::info("rrl: off");
  }
  table_.store(next.release(), std::memory_order_release);
  // Workers may still hold `old` until their next quiescent point.
  domain_.retire(std::unique_ptr<const Table>(old));
}

RrlAction RateLimiter::check(const Request& request, const Outcome& outcome,
                             std::span<std::uint8_t> response, std::size_t& size) noexcept {
  // Acquire (a plain load on x86): the table's settings were written before
  // it was published.
  const Table* table = table_.load(std::memory_order_acquire);
  if (table == nullptr) return RrlAction::Pass;
  // TCP proves the address; so does a server cookie we made (RFC 7873
  // §5.2.5 and BIND).
  if (request.transport != Transport::Udp || outcome.cookie_valid) return RrlAction::Pass;
  ClientAddress client;
  if (!read_client_address(request.client_address, client)) return RrlAction::Pass;
  for (const AddressPrefix& exempt : table->exempt) {
    if (prefix_contains(exempt, client)) return RrlAction::Pass;
  }
  RrlBuckets& buckets = *table->buckets;
  const std::uint64_t hash =
      rrl_hash(buckets.key(), client, client.ipv6 ? table->ipv6_prefix : table->ipv4_prefix,
               outcome.kind, outcome.qtype, outcome.rrl_name);
  const RrlDecision decision = buckets.charge(hash, request.now, table->limits);
  if (!decision.limited) return RrlAction::Pass;
  count(hash, decision.slip);
  if (table->log_only) return RrlAction::Pass;
  if (!decision.slip) return RrlAction::Drop;
  size = truncate_to_question(response.first(size));
  return RrlAction::Slip;
}

void RateLimiter::sweep(std::uint32_t now) noexcept {
  const Table* table = table_.load(std::memory_order_acquire);
  if (table != nullptr) (void)table->buckets->sweep(now, table->limits);
}

void RateLimiter::count(std::uint64_t hash, bool slipped) noexcept {
  Stripe& stripe = stripes_[(hash >> 32) % kStripes];
  stripe.limited.fetch_add(1, std::memory_order_relaxed);
  if (slipped) stripe.slipped.fetch_add(1, std::memory_order_relaxed);
}

RrlTotals RateLimiter::totals() const noexcept {
  RrlTotals totals;
  for (const Stripe& stripe : stripes_) {
    totals.limited += stripe.limited.load(std::memory_order_relaxed);
    totals.slipped += stripe.slipped.load(std::memory_order_relaxed);
  }
  return totals;
}

void RateLimiter::log_activity(std::chrono::steady_clock::time_point now) {
  const RrlTotals totals = this->totals();
  if (totals == logged_) {  // nothing new to tell
    period_start_ = now;
    limiting_ = false;
    return;
  }
  // Nothing limited since the last call: the run is over, say what is left.
  const bool quiet = totals == seen_;
  seen_ = totals;
  if (!quiet && limiting_ && now - period_start_ < kRrlLogInterval) return;
  const auto seconds = std::max<std::int64_t>(
      1, std::chrono::round<std::chrono::seconds>(now - period_start_).count());
  const Table* table = table_.load(std::memory_order_acquire);
  const std::uint64_t limited = totals.limited - logged_.limited;
  const std::uint64_t slipped = totals.slipped - logged_.slipped;
  if (table != nullptr && table->log_only) {
    spdlog::info("rrl: log-only: would have limited {} responses ({} slipped, {} dropped) in the last {} s",
                 limited, slipped, limited - slipped, seconds);
  } else {
    spdlog::info("rrl: limited {} responses ({} slipped with TC=1, {} dropped) in the last {} s",
                 limited, slipped, limited - slipped, seconds);
  }
  logged_ = totals;
  period_start_ = now;
  limiting_ = !quiet;
}

}  // namespace zoned::server
