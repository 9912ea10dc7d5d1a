#include "server/config/config.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "server/config/config_reader.hpp"
#include "server/config/config_values.hpp"

namespace zoned::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint64_t kMaxWorkers = 256;
constexpr std::uint64_t kMinUdpPayload = 512;    // RFC 6891 §6.2.5: below 512 means 512
constexpr std::uint64_t kMaxUdpPayload = 65535;
// CH TXT answers carry the text as one character-string (RFC 1035 §3.3).
constexpr std::size_t kMaxChaosText = 255;
constexpr std::uint64_t kMaxTcpConnections = 1'000'000;
constexpr std::uint64_t kMaxTcpInFlight = 1024;
// edns-tcp-keepalive counts 100 ms units in 16 bits (RFC 7828 §3.1).
constexpr milliseconds kMinTcpTimeout{100};
constexpr milliseconds kMaxTcpIdleTimeout{6'553'500};
constexpr milliseconds kMaxTcpIoTimeout = std::chrono::minutes(10);
constexpr milliseconds kMaxSqlitePoll = std::chrono::hours(24);
constexpr std::uint64_t kMaxRrlRate = 1'000'000;
constexpr std::uint64_t kMaxRrlSlip = 10;  // BIND's limit too
constexpr std::uint64_t kMaxRrlWindow = 3600;
constexpr std::uint64_t kMinRrlTable = 1024;
constexpr std::uint64_t kMaxRrlTable = 1u << 24;
constexpr std::uint64_t kMaxRecordsPerType = 65535;  // an RRset beyond that fits in no message
constexpr std::uint64_t kMaxNsec3Iterations = 2500;  // RFC 5155 §10.3's largest

constexpr std::array<std::string_view, 7> kLogLevels{"trace", "debug", "info", "warn",
                                                     "error", "critical", "off"};
constexpr std::array<std::string_view, 2> kZoneRoles{"primary", "secondary"};
// log.target values that are not file names.
constexpr std::array<std::string_view, 3> kLogStreams{"stderr", "stdout", "syslog"};

// Reads one document into a Config. Each read_* handles one mapping.
class ConfigParser {
 public:
  ConfigParser(const ConfigReader& reader, Config& config) : reader_(reader), config_(config) {}

  void read_document(const YAML::Node& root) {
    reader_.read_mapping(root, root.Mark(), "the top level", {
        {"server", [&](const ConfigField& f) { read_server(f); }},
        {"control", [&](const ConfigField& f) { read_control(f); }},
        {"metrics", [&](const ConfigField& f) { read_metrics(f); }},
        {"log", [&](const ConfigField& f) { read_log(f); }},
        {"zones", [&](const ConfigField& f) { read_zones(f); }},
    });
    if (config_.server.listen.empty()) {
      config_.server.listen = {{.address = "0.0.0.0"}, {.address = "::"}};  // port 53
    }
  }

 private:
  void read_server(const ConfigField& section) {
    ServerConfig& server = config_.server;
    reader_.read_mapping(section.value, section.mark(), "`server`", {
        {"listen", [&](const ConfigField& f) { read_listen(f); }},
        {"workers", [&](const ConfigField& f) {
           server.workers = static_cast<unsigned>(reader_.integer(f, 1, kMaxWorkers));
         }},
        {"identity", [&](const ConfigField& f) { server.identity = chaos_text(f); }},
        {"version", [&](const ConfigField& f) { server.version = chaos_text(f); }},
        {"udp-max-payload", [&](const ConfigField& f) {
           server.udp_max_payload =
               static_cast<std::uint16_t>(reader_.integer(f, kMinUdpPayload, kMaxUdpPayload));
         }},
        {"tcp", [&](const ConfigField& f) { read_tcp(f); }},
        {"pid-file", [&](const ConfigField& f) { server.pid_file = reader_.path(f); }},
        {"user", [&](const ConfigField& f) { server.user = reader_.text(f); }},
        {"cookies", [&](const ConfigField& f) { server.cookies = reader_.boolean(f); }},
        {"rrl", [&](const ConfigField& f) { read_rrl(f); }},
    });
  }

  void read_rrl(const ConfigField& section) {
    RrlConfig& rrl = config_.server.rrl;
    rrl.enabled = true;
    reader_.read_mapping(section.value, section.mark(), "`rrl`", {
        {"rate", [&](const ConfigField& f) {
           rrl.rate = static_cast<std::uint32_t>(reader_.integer(f, 1, kMaxRrlRate));
         }},
        {"slip", [&](const ConfigField& f) {
           rrl.slip = static_cast<std::uint32_t>(reader_.integer(f, 0, kMaxRrlSlip));
         }},
        {"window", [&](const ConfigField& f) {
           rrl.window = static_cast<std::uint32_t>(reader_.integer(f, 1, kMaxRrlWindow));
         }},
        {"ipv4-prefix", [&](const ConfigField& f) {
           rrl.ipv4_prefix = static_cast<std::uint8_t>(reader_.integer(f, 8, 32));
         }},
        {"ipv6-prefix", [&](const ConfigField& f) {
           rrl.ipv6_prefix = static_cast<std::uint8_t>(reader_.integer(f, 16, 128));
         }},
        {"exempt", [&](const ConfigField& f) {
           for (const YAML::Node& entry : reader_.list(f)) {
             const std::string text = reader_.text(entry, entry.Mark(), "an `exempt` entry");
             Result<AddressPrefix> prefix = parse_address_prefix(text);
             if (!prefix) reader_.fail(entry.Mark(), prefix.error());
             rrl.exempt.push_back(*prefix);
           }
         }},
        {"log-only", [&](const ConfigField& f) { rrl.log_only = reader_.boolean(f); }},
        {"table-size", [&](const ConfigField& f) {
           rrl.table_size = reader_.integer(f, kMinRrlTable, kMaxRrlTable);
         }},
    });
  }

  void read_metrics(const ConfigField& section) {
    reader_.read_mapping(section.value, section.mark(), "`metrics`", {
        {"listen", [&](const ConfigField& f) {
           Result<ListenAddress> address = parse_listen_address(reader_.text(f));
           if (!address) reader_.fail(f.mark(), address.error());
           config_.metrics.listen = *address;
         }},
    });
  }

  void read_listen(const ConfigField& field) {
    std::vector<ListenAddress>& listen = config_.server.listen;
    const std::vector<YAML::Node> entries = reader_.list(field);
    if (entries.empty()) {
      reader_.fail(field.mark(), "`listen` is empty",
                   "remove the key to listen on 0.0.0.0@53 and ::@53, or give ADDR@PORT entries");
    }
    for (const YAML::Node& entry : entries) {
      const std::string text = reader_.text(entry, entry.Mark(), "a `listen` entry");
      Result<ListenAddress> address = parse_listen_address(text);
      if (!address) reader_.fail(entry.Mark(), address.error());
      if (std::find(listen.begin(), listen.end(), *address) != listen.end()) {
        reader_.fail(entry.Mark(), backticked(text) + " is listed twice in `listen`");
      }
      listen.push_back(std::move(address).value());
    }
  }

  [[nodiscard]] std::string chaos_text(const ConfigField& field) const {
    std::string text = reader_.text(field);
    if (text.size() > kMaxChaosText) {
      reader_.fail(field.mark(), backticked(field.name) + " is too long",
                   "at most " + std::to_string(kMaxChaosText) + " bytes");
    }
    return text;
  }

  void read_tcp(const ConfigField& section) {
    TcpLimits& tcp = config_.server.tcp;
    std::optional<YAML::Mark> per_client_mark;
    reader_.read_mapping(section.value, section.mark(), "`tcp`", {
        {"max-connections", [&](const ConfigField& f) {
           tcp.max_connections = reader_.integer(f, 1, kMaxTcpConnections);
         }},
        {"max-connections-per-client", [&](const ConfigField& f) {
           tcp.max_connections_per_client = reader_.integer(f, 1, kMaxTcpConnections);
           per_client_mark = f.mark();
         }},
        {"max-in-flight", [&](const ConfigField& f) {
           tcp.max_in_flight = reader_.integer(f, 1, kMaxTcpInFlight);
         }},
        {"idle-timeout", [&](const ConfigField& f) {
           tcp.idle_timeout = reader_.duration(f, kMinTcpTimeout, kMaxTcpIdleTimeout);
         }},
        {"io-timeout", [&](const ConfigField& f) {
           tcp.io_timeout = reader_.duration(f, kMinTcpTimeout, kMaxTcpIoTimeout);
         }},
    });
    if (tcp.max_connections_per_client > tcp.max_connections) {
      reader_.fail(per_client_mark.value_or(section.mark()),
                   "`max-connections-per-client` exceeds `max-connections` (" +
                       std::to_string(tcp.max_connections) + ")");
    }
  }

  void read_control(const ConfigField& section) {
    reader_.read_mapping(section.value, section.mark(), "`control`", {
        {"socket", [&](const ConfigField& f) { config_.control.socket = reader_.path(f); }},
    });
  }

  void read_log(const ConfigField& section) {
    LogConfig& log = config_.log;
    reader_.read_mapping(section.value, section.mark(), "`log`", {
        {"level", [&](const ConfigField& f) { log.level = reader_.one_of(f, kLogLevels); }},
        {"target", [&](const ConfigField& f) {
           const std::string target = reader_.text(f);
           const bool stream = std::find(kLogStreams.begin(), kLogStreams.end(), target) !=
                               kLogStreams.end();
           log.target = stream ? target : reader_.resolve(target).string();
         }},
    });
  }

  void read_zones(const ConfigField& section) {
    if (!section.value.IsDefined() || section.value.IsNull()) return;  // `zones:` alone
    if (!section.value.IsSequence()) {
      reader_.fail(section.mark(), "`zones` must be a list",
                   "each entry starts with `- domain: NAME`");
    }
    for (const YAML::Node& entry : section.value) read_zone(entry);
  }

  void read_zone(const YAML::Node& entry) {
    ZoneConfig zone;
    std::optional<YAML::Mark> domain_mark;
    std::optional<YAML::Mark> poll_mark;
    if (!entry.IsMap()) {  // a bare `-` or `- example.com.`
      reader_.fail(entry.Mark(), "a zone must be a mapping of keys", "like `- domain: example.com.`");
    }
    reader_.read_mapping(entry, entry.Mark(), "a zone", {
        {"domain", [&](const ConfigField& f) {
           zone.domain = domain_name(f);
           domain_mark = f.mark();
         }},
        {"file", [&](const ConfigField& f) { zone.file = reader_.path(f); }},
        {"sqlite", [&](const ConfigField& f) { zone.sqlite = reader_.path(f); }},
        {"role", [&](const ConfigField& f) {
           if (reader_.one_of(f, kZoneRoles) == "secondary") {
             // Refused rather than served as an unrefreshed copy.
             reader_.fail(f.mark(), "`role: secondary` needs zone transfers, which this version of zoned does not have yet",
                          "serve the zone as `primary` from a file or SQLite");
           }
           zone.role = ZoneRole::Primary;
         }},
        {"sqlite-poll", [&](const ConfigField& f) {
           const milliseconds poll = reader_.duration(f, milliseconds(0), kMaxSqlitePoll);
           if (poll % seconds(1) != milliseconds(0)) {
             reader_.fail(f.mark(), "`sqlite-poll` must be whole seconds", "like 30s or 2m");
           }
           zone.sqlite_poll = std::chrono::duration_cast<seconds>(poll);
           poll_mark = f.mark();
         }},
        {"max-records-per-type", [&](const ConfigField& f) {
           zone.limits.max_records_per_type = reader_.integer(f, 1, kMaxRecordsPerType);
         }},
        {"max-nsec3-iterations", [&](const ConfigField& f) {
           zone.limits.max_nsec3_iterations =
               static_cast<std::uint16_t>(reader_.integer(f, 0, kMaxNsec3Iterations));
         }},
    });
    if (!domain_mark) reader_.fail(entry.Mark(), "this zone has no `domain`");
    const std::string name = zone.domain.to_text();
    if (zone.file.empty() == zone.sqlite.empty()) {
      reader_.fail(entry.Mark(), "zone " + name + " needs exactly one of `file` and `sqlite`");
    }
    if (poll_mark && zone.sqlite.empty()) {
      reader_.fail(*poll_mark, "`sqlite-poll` applies only to zones with `sqlite`");
    }
    for (std::size_t i = 0; i < config_.zones.size(); ++i) {
      if (config_.zones[i].domain == zone.domain) {
        reader_.fail(*domain_mark, "zone " + name + " is listed twice",
                     "first at line " + std::to_string(zone_domain_marks_[i].line + 1));
      }
    }
    config_.zones.push_back(std::move(zone));
    zone_domain_marks_.push_back(*domain_mark);
  }

  [[nodiscard]] dns::Name domain_name(const ConfigField& field) const {
    const std::string text = reader_.text(field);
    const dns::Name root;
    // Zone names are absolute: accept them with or without the final dot.
    Result<dns::Name> name = dns::Name::parse(text, &root);
    if (!name) {
      reader_.fail(field.mark(), backticked(text) + " is not a valid domain name: " + name.error());
    }
    return name->lowercased();
  }

  const ConfigReader& reader_;
  Config& config_;
  std::vector<YAML::Mark> zone_domain_marks_;  // parallel to config_.zones
};

[[nodiscard]] std::filesystem::path absolute_path(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return (error ? path : absolute).lexically_normal();
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::filesystem::path& path) {
  Config config;
  config.path = absolute_path(path);
  const ConfigReader reader(path.string(), config.path.parent_path());
  try {
    ConfigParser(reader, config).read_document(reader.load_document(text));
  } catch (const ConfigError& error) {
    return Error{error.what()};
  }
  return config;
}

Result<Config> load_config(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Error{path.string() + ": is a directory, not a config file"};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Error{path.string() + ": cannot read the config file: " + std::strerror(errno)};
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    return Error{path.string() + ": cannot read the config file: " + std::strerror(errno)};
  }
  return parse_config(text.str(), path);
}

}  // namespace zoned::server
