#include "server/rrl.hpp"

namespace zoned::server {

void RateLimiter::configure(const RrlConfig&) {}

RrlAction RateLimiter::check(const Request&, const Outcome&, std::span<std::uint8_t>,
                             std::size_t&) noexcept {
  return RrlAction::Pass;
}

}  // namespace zoned::server
