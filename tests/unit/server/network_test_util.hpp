#pragma once
// Helpers for the network tests: a ZoneSet serving example.com (with a TXT
// RRset of about 10 KB at big.example.com), and plain blocking client
// sockets on loopback with bounded waits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "query_test_util.hpp"
#include "server/network/network.hpp"
#include "server/network/socket_util.hpp"
#include "server/rrl/rrl.hpp"
#include "server/stats/stats.hpp"

namespace zoned::server::test {

// Long enough for a loaded CI machine, short enough to bound a failing test.
inline constexpr std::chrono::milliseconds kClientWait{3000};
inline constexpr std::size_t kBigTxtRecords = 50;
inline constexpr std::size_t kBigTxtLength = 200;

inline std::string served_zone_text() {
  std::string text =
      "$TTL 3600\n"
      "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
      "@ NS ns1\n"
      "ns1 A 192.0.2.1\n"
      "www A 192.0.2.2\n";
  for (std::size_t i = 0; i < kBigTxtRecords; ++i) {
    std::string value = std::to_string(i) + "-";
    value.resize(kBigTxtLength, 'x');
    text += "big TXT \"" + value + "\"\n";
  }
  return text;
}

// What a Network serves from: declare it before the Network (its readers
// must be gone before the domain).
struct ServedZones {
  ServedZones() {
    zone::RecordList records;
    zone::ParseOptions options;
    options.origin = name("example.com.");
    const auto parsed = zone::parse_master_text(served_zone_text(), "test.zone", options, records);
    REQUIRE(parsed.ok());
    records.sort();
    REQUIRE(zones.add_zone(options.origin));
    REQUIRE(zones.publish(options.origin, zone::ZoneVersion::build(records, options.origin)));
  }
  zone::ReclaimDomain domain;
  zone::ZoneSet zones{domain};
  EngineSettings settings;
  std::atomic<const EngineSettings*> settings_ptr{&settings};
  RateLimiter rrl{domain};
  ServerStats stats{4, 3};  // counters for the most workers and addresses a test starts
};

inline NetworkSettings network_settings(const std::string& address, std::uint16_t port,
                                        unsigned workers = 1) {
  NetworkSettings s;
  s.listen.push_back({address, port});
  s.workers = workers;
  return s;
}

inline SocketAddress socket_address(const std::string& address, std::uint16_t port) {
  auto resolved = resolve({address, port});
  REQUIRE(resolved.ok());
  return *resolved;
}

// A socket of `type` bound to `source` (port chosen by the kernel).
inline UniqueFd client_socket(const std::string& source, int type) {
  const SocketAddress from = socket_address(source, 0);
  UniqueFd fd(::socket(from.family(), type | SOCK_CLOEXEC, 0));
  REQUIRE(fd.get() >= 0);
  REQUIRE(::bind(fd.get(), from.get(), from.length) == 0);
  return fd;
}

[[nodiscard]] inline bool wait_readable(int fd, std::chrono::milliseconds wait = kClientWait) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(wait.count())) == 1;
}

inline UniqueFd udp_client(const std::string& source = "127.0.0.1") {
  return client_socket(source, SOCK_DGRAM);
}

inline void udp_send(int fd, const SocketAddress& to, std::span<const std::uint8_t> message) {
  REQUIRE(::sendto(fd, message.data(), message.size(), 0, to.get(), to.length) ==
          static_cast<ssize_t>(message.size()));
}

// The next datagram, or nothing within `wait`.
inline std::optional<std::vector<std::uint8_t>> udp_receive(
    int fd, std::chrono::milliseconds wait = kClientWait) {
  if (!wait_readable(fd, wait)) return std::nullopt;
  std::vector<std::uint8_t> buffer(65536);
  const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
  if (n < 0) return std::nullopt;
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

inline UniqueFd tcp_connect(const std::string& source, const SocketAddress& to) {
  UniqueFd fd = client_socket(source, SOCK_STREAM);
  REQUIRE(::connect(fd.get(), to.get(), to.length) == 0);
  return fd;
}

inline void tcp_send(int fd, std::span<const std::uint8_t> bytes) {
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(bytes.size()));
}

// The message with its 2-byte length prefix.
inline std::vector<std::uint8_t> framed(std::span<const std::uint8_t> message) {
  std::vector<std::uint8_t> out(2 + message.size());
  out[0] = static_cast<std::uint8_t>(message.size() >> 8);
  out[1] = static_cast<std::uint8_t>(message.size());
  std::copy(message.begin(), message.end(), out.begin() + 2);
  return out;
}

// Exactly `n` bytes, or nothing if the stream ends or stalls first.
inline std::optional<std::vector<std::uint8_t>> tcp_read_exactly(int fd, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  std::size_t got = 0;
  while (got < n) {
    if (!wait_readable(fd)) return std::nullopt;
    const ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
    if (r <= 0) return std::nullopt;
    got += static_cast<std::size_t>(r);
  }
  return out;
}

// One DNS message read off a TCP stream (without its length prefix).
inline std::optional<std::vector<std::uint8_t>> tcp_receive(int fd) {
  const auto prefix = tcp_read_exactly(fd, 2);
  if (!prefix) return std::nullopt;
  return tcp_read_exactly(fd, static_cast<std::size_t>((*prefix)[0]) << 8 | (*prefix)[1]);
}

// True when the server ends the stream (FIN or RST) within `wait`, with no
// data before it.
[[nodiscard]] inline bool closed_by_server(int fd, std::chrono::milliseconds wait = kClientWait) {
  if (!wait_readable(fd, wait)) return false;
  std::uint8_t byte = 0;
  const ssize_t r = ::recv(fd, &byte, 1, 0);
  return r == 0 || (r < 0 && errno == ECONNRESET);
}

}  // namespace zoned::server::test
