#include "server/daemon/settings.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <thread>

namespace zoned::server {
namespace {

// edns-tcp-keepalive counts in units of 100 ms in 16 bits (RFC 7828 §3.1).
constexpr std::chrono::milliseconds kKeepaliveUnit{100};
constexpr std::int64_t kMaxKeepaliveUnits = 0xffff;

}  // namespace

Result<CookieSecret> random_cookie_secret() {
  CookieSecret secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    char text[256];
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    return Error{std::string("cannot make a cookie secret: ") + text};
  }
  return secret;
}

Result<CookieRotation> rotate(const CookieRotation& secrets) {
  auto fresh = random_cookie_secret();
  if (!fresh) return Error{fresh.error()};
  return CookieRotation{*fresh, secrets.current, true};
}

EngineSettings make_engine_settings(const ServerConfig& server, const CookieRotation& secrets) {
  EngineSettings settings;
  settings.identity = server.identity.value_or("");
  settings.version = server.version.value_or("");
  settings.udp_max_payload = server.udp_max_payload;
  settings.tcp_keepalive_100ms = static_cast<std::uint16_t>(
      std::clamp<std::int64_t>(server.tcp.idle_timeout / kKeepaliveUnit, 0, kMaxKeepaliveUnits));
  settings.cookies = server.cookies;
  settings.cookie_secret = secrets.current;
  settings.previous_cookie_secret = secrets.previous;
  settings.has_previous_cookie_secret = secrets.has_previous;
  return settings;
}

NetworkSettings make_network_settings(const ServerConfig& server) {
  NetworkSettings settings;
  settings.listen = server.listen;
  settings.workers = server.workers != 0 ? server.workers
                                         : std::max(1u, std::thread::hardware_concurrency());
  settings.tcp = server.tcp;
  return settings;
}

void PublishedSettings::publish(std::unique_ptr<const EngineSettings> next) {
  // acq_rel as in ZoneSet::publish: release the new value, acquire the old
  // one's construction for whoever frees it.
  const EngineSettings* old = current_.exchange(next.release(), std::memory_order_acq_rel);
  domain_.retire(std::unique_ptr<const EngineSettings>(old));
}

}  // namespace zoned::server
