#pragma once
// The daemon's configuration: what `zoned -c CONFIG` reads (YAML). Parsing
// checks every key and value and reports file:line with a hint; a config that
// loads is complete (defaults filled in, relative paths made absolute against
// the config file's directory). Nothing here opens sockets or reads zones.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "zone/zone_limits.hpp"

namespace zoned::server {

// One `ADDR@PORT` listen entry (port defaults to 53 when `@PORT` is absent).
struct ListenAddress {
  std::string address;  // numeric IPv4 or IPv6, no brackets
  std::uint16_t port = 53;
  bool operator==(const ListenAddress&) const = default;
};

enum class ZoneRole : std::uint8_t { Primary, Secondary };

struct ZoneConfig {
  dns::Name domain;                     // lowercased, absolute
  std::filesystem::path file;           // master file (exactly one of file / sqlite)
  std::filesystem::path sqlite;         // SQLite database holding the zone
  ZoneRole role = ZoneRole::Primary;
  // For sqlite zones: poll the SOA serial in the database this often (0 = only on reload).
  std::chrono::seconds sqlite_poll{0};
  zone::ZoneLimits limits;              // max-records-per-type, max-nsec3-iterations
  bool operator==(const ZoneConfig&) const = default;
};

struct LogConfig {
  std::string level = "info";    // trace, debug, info, warn, error, critical, off
  std::string target = "stderr"; // stderr, stdout, syslog, or a file path (absolute)
  bool operator==(const LogConfig&) const = default;
};

struct TcpLimits {
  std::size_t max_connections = 1024;        // all clients together
  std::size_t max_connections_per_client = 32;
  std::size_t max_in_flight = 16;            // pipelined queries read ahead per connection
  std::chrono::milliseconds idle_timeout{10000};  // also advertised in edns-tcp-keepalive
  std::chrono::milliseconds io_timeout{5000};     // a started read/write must progress
  bool operator==(const TcpLimits&) const = default;
};

// An address prefix ("192.0.2.0/24", "2001:db8::/32", or a bare address for
// one host), for RRL exemptions. Bits past `length` are zero.
struct AddressPrefix {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> address{};  // IPv4 uses the first 4 bytes
  std::uint8_t length = 0;                  // 0..32 or 0..128
  bool operator==(const AddressPrefix&) const = default;
};

// Response Rate Limiting (`server: rrl:`), as in BIND and Knot: token buckets
// per client prefix and response class. Off unless the section is present.
struct RrlConfig {
  bool enabled = false;
  std::uint32_t rate = 20;           // responses per second per bucket (1..1,000,000)
  std::uint32_t slip = 2;            // every Nth limited response goes out TC=1; 0 = drop all
  std::uint32_t window = 15;         // seconds of credit/debt a bucket remembers (1..3600)
  std::uint8_t ipv4_prefix = 24;     // client prefix that shares a bucket
  std::uint8_t ipv6_prefix = 56;
  std::vector<AddressPrefix> exempt; // never limited
  bool log_only = false;             // count and log what would be limited, limit nothing
  std::size_t table_size = 65536;    // buckets (memory bound), rounded up to a power of two
  bool operator==(const RrlConfig&) const = default;
};

struct ServerConfig {
  std::vector<ListenAddress> listen;   // default when absent: 0.0.0.0@53 and ::@53
  unsigned workers = 0;                // 0 = one per core (resolved by the daemon)
  std::optional<std::string> identity; // NSID and CH TXT id.server / hostname.bind
  std::optional<std::string> version;  // CH TXT version.bind
  std::uint16_t udp_max_payload = 1232; // our EDNS buffer limit (512..65535)
  TcpLimits tcp;
  std::filesystem::path pid_file;      // empty: none
  std::string user;                    // empty: do not drop privileges
  bool cookies = true;                 // RFC 7873 server cookies
  RrlConfig rrl;
  bool operator==(const ServerConfig&) const = default;
};

struct ControlConfig {
  std::filesystem::path socket;        // empty: no control channel
  bool operator==(const ControlConfig&) const = default;
};

// The Prometheus endpoint (`metrics: listen: ADDR@PORT`), served at /metrics.
struct MetricsConfig {
  std::optional<ListenAddress> listen;  // absent: no endpoint
  bool operator==(const MetricsConfig&) const = default;
};

struct Config {
  std::filesystem::path path;          // the file this came from (absolute)
  ServerConfig server;
  ControlConfig control;
  MetricsConfig metrics;
  LogConfig log;
  std::vector<ZoneConfig> zones;
  bool operator==(const Config&) const = default;
};

// Reads and checks a config file. Errors read "FILE:LINE:COLUMN: message (hint)".
[[nodiscard]] Result<Config> load_config(const std::filesystem::path& path);
// The same from text; `path` names it in errors and anchors relative paths.
[[nodiscard]] Result<Config> parse_config(std::string_view text, const std::filesystem::path& path);

// "ADDR@PORT" → ListenAddress, or why not.
[[nodiscard]] Result<ListenAddress> parse_listen_address(std::string_view text);
// "ADDR/LEN" or "ADDR" → AddressPrefix (host bits must be zero), or why not.
[[nodiscard]] Result<AddressPrefix> parse_address_prefix(std::string_view text);

}  // namespace zoned::server
