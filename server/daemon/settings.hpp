#pragma once
// From Config to what the running parts need: EngineSettings for the query
// engines (published through an atomic pointer, old values retired through
// the ReclaimDomain like zone versions) and NetworkSettings for Network.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "dns/result.hpp"
#include "server/config/config.hpp"
#include "server/network/network.hpp"
#include "server/query/query_engine.hpp"
#include "zone/qsbr.hpp"

namespace zoned::server {

using CookieSecret = std::array<std::uint8_t, 16>;

// Server cookie secrets (RFC 9018 §4.3): answers use `current`; cookies made
// with `previous` stay valid for one more rotation period.
struct CookieRotation {
  CookieSecret current{};
  CookieSecret previous{};
  bool has_previous = false;
};

// A fresh secret from OpenSSL's CSPRNG.
[[nodiscard]] Result<CookieSecret> random_cookie_secret();
// `secrets` with a new current one and the old current one as previous.
[[nodiscard]] Result<CookieRotation> rotate(const CookieRotation& secrets);

[[nodiscard]] EngineSettings make_engine_settings(const ServerConfig& server,
                                                  const CookieRotation& secrets);
// Workers resolved: 0 in the config means one per core.
[[nodiscard]] NetworkSettings make_network_settings(const ServerConfig& server);

// The atomic pointer every QueryEngine reads. The control thread publishes;
// a replaced value is retired and freed once no worker can hold it.
class PublishedSettings {
 public:
  PublishedSettings(zone::ReclaimDomain& domain, std::unique_ptr<const EngineSettings> first)
      : domain_(domain), current_(first.release()) {}
  // Runs after the workers are gone (nothing can read it any more).
  ~PublishedSettings() { delete current_.load(std::memory_order_acquire); }
  PublishedSettings(const PublishedSettings&) = delete;
  PublishedSettings& operator=(const PublishedSettings&) = delete;

  void publish(std::unique_ptr<const EngineSettings> next);
  [[nodiscard]] const EngineSettings& current() const noexcept {
    return *current_.load(std::memory_order_acquire);
  }
  [[nodiscard]] const std::atomic<const EngineSettings*>& pointer() const noexcept {
    return current_;
  }

 private:
  zone::ReclaimDomain& domain_;
  std::atomic<const EngineSettings*> current_;
};

}  // namespace zoned::server
