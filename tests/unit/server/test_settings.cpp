// From the config to EngineSettings / NetworkSettings, cookie secret rotation
// (RFC 9018 §4.3), and publishing settings through the ReclaimDomain.
#include <doctest/doctest.h>

#include <memory>

#include "server/daemon/settings.hpp"
#include "zone/qsbr.hpp"

using namespace zoned::server;

TEST_CASE("settings: engine settings carry identity, version, payload, keepalive, cookies") {
  ServerConfig server;
  server.identity = "ns1.example.";
  server.version = "zoned test";
  server.udp_max_payload = 1400;
  server.tcp.idle_timeout = std::chrono::milliseconds(2500);
  server.cookies = false;
  CookieRotation secrets;
  secrets.current.fill(7);
  const EngineSettings settings = make_engine_settings(server, secrets);
  CHECK(settings.identity == "ns1.example.");
  CHECK(settings.version == "zoned test");
  CHECK(settings.udp_max_payload == 1400);
  CHECK(settings.tcp_keepalive_100ms == 25);  // RFC 7828: units of 100 ms
  CHECK_FALSE(settings.cookies);
  CHECK(settings.cookie_secret == secrets.current);
  CHECK_FALSE(settings.has_previous_cookie_secret);
}

TEST_CASE("settings: no identity or version means empty (refused)") {
  const EngineSettings settings = make_engine_settings(ServerConfig{}, CookieRotation{});
  CHECK(settings.identity.empty());
  CHECK(settings.version.empty());
}

TEST_CASE("settings: keepalive saturates at the 16-bit field") {
  ServerConfig server;
  server.tcp.idle_timeout = std::chrono::hours(10);
  CHECK(make_engine_settings(server, {}).tcp_keepalive_100ms == 0xffff);
}

TEST_CASE("settings: workers 0 means one per core, never 0") {
  ServerConfig server;
  server.listen = {ListenAddress{"127.0.0.1", 5353}};
  CHECK(make_network_settings(server).workers >= 1);
  server.workers = 3;
  const NetworkSettings network = make_network_settings(server);
  CHECK(network.workers == 3);
  CHECK(network.listen == server.listen);
}

TEST_CASE("settings: rotation keeps the old secret as previous and draws a new one") {
  auto first = random_cookie_secret();
  REQUIRE(first.ok());
  CookieRotation secrets{*first, {}, false};
  auto rotated = rotate(secrets);
  REQUIRE(rotated.ok());
  CHECK(rotated->previous == *first);
  CHECK(rotated->has_previous);
  CHECK(rotated->current != *first);
}

TEST_CASE("settings: a published value replaces the old one, which is retired") {
  zoned::zone::ReclaimDomain domain;
  PublishedSettings published(domain, std::make_unique<const EngineSettings>());
  auto next = std::make_unique<EngineSettings>();
  next->version = "v2";
  published.publish(std::move(next));
  CHECK(published.current().version == "v2");
  CHECK(published.pointer().load()->version == "v2");
  CHECK(domain.pending() == 1);
  domain.synchronize();
  CHECK(domain.pending() == 0);
}
