#pragma once
// Response Rate Limiting (RRL) for UDP answers: token buckets keyed by client
// prefix, response class (ResponseKind) and name, in one table shared by all
// workers. configure() runs on the control thread; check() on workers.
//
// The settings and the table are one immutable object (but for the bucket
// words) published through an atomic pointer: a worker loads it once per
// check, and a replaced one is retired through the ReclaimDomain, as engine
// settings and zone versions are, so a reload may resize the table or turn
// RRL off while workers run. A reload that keeps the table size keeps the
// buckets (and their debts). docs/rrl.md is the operator's view.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "server/config/config.hpp"
#include "server/query/query_engine.hpp"
#include "zone/qsbr.hpp"

namespace zoned::server {

enum class RrlAction : std::uint8_t {
  Pass,  // send the response as built
  Drop,  // send nothing
  Slip,  // the response was rewritten to a truncated one (TC=1): send that
};

// Responses limited so far (in log-only mode: that would have been).
struct RrlTotals {
  std::uint64_t limited = 0;
  std::uint64_t slipped = 0;  // of those, sent truncated
  bool operator==(const RrlTotals&) const = default;
};

// A limited response is summarized in the log at most this often while
// limiting goes on (the first one of a run right away).
inline constexpr std::chrono::seconds kRrlLogInterval{10};

class RateLimiter {
 public:
  // Replaced tables are retired through `domain` (the workers' one). Each
  // new bucket table hashes with a SipHash key drawn at random, so that
  // nobody outside can aim keys at one bucket set; with `key_seed` (tests
  // only: the daemon never passes one) the key is derived from the seed
  // instead, and which keys share a set is the same on every run.
  explicit RateLimiter(zone::ReclaimDomain& domain,
                       std::optional<std::uint64_t> key_seed = std::nullopt) noexcept
      : domain_(domain), key_seed_(key_seed), period_start_(std::chrono::steady_clock::now()) {}
  // After the workers are gone.
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Control thread: start, change or stop limiting (config.enabled false).
  // The same config again changes nothing.
  void configure(const RrlConfig& config);

  // Worker: decides for one UDP response of `size` bytes in `response`. On
  // Slip, `response` and `size` now hold the truncated response. No lock,
  // no allocation; with RRL off, one load and a branch.
  [[nodiscard]] RrlAction check(const Request& request, const Outcome& outcome,
                                std::span<std::uint8_t> response, std::size_t& size) noexcept;

  // Control thread, once a second, with the workers' clock (Request::now):
  // forgets buckets idle for longer than the window, a slice of the table
  // at a time (RrlBuckets::sweep), before their short time field wraps.
  void sweep(std::uint32_t now) noexcept;

  // Control thread, once a second: logs how many responses were limited
  // since the last summary, if any (see kRrlLogInterval).
  void log_activity(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

  [[nodiscard]] RrlTotals totals() const noexcept;

 private:
  struct Table;
  // Limited responses are counted in stripes picked by bucket hash, so that
  // workers limiting different clients do not share a cache line.
  struct alignas(zone::ReclaimDomain::kCacheLine) Stripe {
    std::atomic<std::uint64_t> limited{0};
    std::atomic<std::uint64_t> slipped{0};
  };
  static constexpr std::size_t kStripes = 16;

  void count(std::uint64_t hash, bool slipped) noexcept;

  zone::ReclaimDomain& domain_;
  std::optional<std::uint64_t> key_seed_;
  std::atomic<const Table*> table_{nullptr};  // null: RRL off
  std::array<Stripe, kStripes> stripes_;
  // Control thread only: the settings in force, and the log summary's state.
  RrlConfig config_;
  RrlTotals logged_;  // totals at the last summary
  RrlTotals seen_;    // totals at the last log_activity()
  std::chrono::steady_clock::time_point period_start_;  // since when logged_ counts
  bool limiting_ = false;  // the last log_activity() saw new limited responses
};

}  // namespace zoned::server
