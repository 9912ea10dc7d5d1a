#include "server/network/connection_limiter.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

namespace zoned::server {
namespace {

// "192.0.2.1" or "2001:db8::1" for a key of 4 or 16 address bytes.
std::string client_text(const ConnectionLimiter::ClientKey& key) {
  char text[INET6_ADDRSTRLEN] = {};
  const int family = key[0] == 4 ? AF_INET : AF_INET6;
  if (key[0] != 4 && key[0] != 16) return "?";
  return inet_ntop(family, key.data() + 1, text, sizeof text) != nullptr ? text : "?";
}

}  // namespace

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::admit(
    std::span<const std::uint8_t> client_address, TcpCap* refused_by) {
  ClientKey key{};
  const std::size_t length = std::min(client_address.size(), key.size() - 1);
  key[0] = static_cast<std::uint8_t>(length);
  std::copy_n(client_address.begin(), length, key.begin() + 1);

  std::lock_guard lock(mutex_);
  std::optional<TcpCap> refusal;
  if (total_ >= max_total_) {
    refusal = TcpCap::Total;
  } else if (const auto it = per_client_.find(key); it != per_client_.end() && it->second >= max_per_client_) {
    refusal = TcpCap::PerClient;
  }
  if (refusal) {
    note_refusal(key, *refusal);
    if (refused_by != nullptr) *refused_by = *refusal;
    return std::nullopt;
  }
  ++per_client_[key];
  ++total_;
  return Ticket(this, key);
}

void ConnectionLimiter::note_refusal(const ClientKey& client, TcpCap cap) {
  ++(cap == TcpCap::Total ? refusals_.over_total : refusals_.over_per_client);
  auto it = refused_clients_.find(client);
  if (it == refused_clients_.end()) {
    if (refused_clients_.size() == kTrackedRefusedClients) return;
    it = refused_clients_.emplace(client, 0).first;
  }
  ++it->second;
}

TcpRefusals ConnectionLimiter::take_refusals() {
  std::lock_guard lock(mutex_);
  TcpRefusals taken = refusals_;
  const auto busiest = std::max_element(refused_clients_.begin(), refused_clients_.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
  if (busiest != refused_clients_.end()) {
    taken.busiest_client = client_text(busiest->first);
    taken.busiest_count = busiest->second;
  }
  refusals_ = {};
  refused_clients_.clear();
  return taken;
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
