#include "server/connection_limiter.hpp"

#include <algorithm>

namespace zoned::server {

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::admit(
    std::span<const std::uint8_t> client_address) {
  ClientKey key{};
  const std::size_t length = std::min(client_address.size(), key.size() - 1);
  key[0] = static_cast<std::uint8_t>(length);
  std::copy_n(client_address.begin(), length, key.begin() + 1);

  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) return std::nullopt;
  std::size_t& mine = per_client_[key];
  if (mine >= max_per_client_) {
    if (mine == 0) per_client_.erase(key);
    return std::nullopt;
  }
  ++mine;
  ++total_;
  return Ticket(this, key);
}

std::size_t ConnectionLimiter::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void ConnectionLimiter::release(const ClientKey& client) noexcept {
  std::lock_guard lock(mutex_);
  --total_;
  const auto it = per_client_.find(client);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

}  // namespace zoned::server
