#pragma once
// Response Rate Limiting (RRL) for UDP answers: token buckets keyed by client
// prefix, response class (ResponseKind) and name, in one table shared by all
// workers. configure() runs on the control thread; check() on workers.
#include <cstddef>
#include <cstdint>
#include <span>

#include "server/config.hpp"
#include "server/query/query_engine.hpp"
#include "zone/qsbr.hpp"

namespace zoned::server {

enum class RrlAction : std::uint8_t {
  Pass,  // send the response as built
  Drop,  // send nothing
  Slip,  // the response was rewritten to a truncated one (TC=1): send that
};

class RateLimiter {
 public:
  // Replaced tables are retired through `domain` (the workers' one).
  explicit RateLimiter(zone::ReclaimDomain& domain) noexcept : domain_(domain) {}
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Control thread: start, change or stop limiting (config.enabled false).
  void configure(const RrlConfig& config);

  // Worker: decides for one UDP response of `size` bytes in `response`. On
  // Slip, `response` and `size` now hold the truncated response.
  [[nodiscard]] RrlAction check(const Request& request, const Outcome& outcome,
                                std::span<std::uint8_t> response, std::size_t& size) noexcept;

 private:
  zone::ReclaimDomain& domain_;
};

}  // namespace zoned::server
