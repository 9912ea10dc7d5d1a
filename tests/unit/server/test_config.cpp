// The daemon's YAML config: defaults, every key, and one test row per way a
// config can be wrong, each pinned to the line:column the operator must fix.
#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "server/config/config.hpp"
#include "server/config/config_values.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kConfigPath = "/etc/zoned/zoned.yaml";

Config parse_ok(std::string_view text) {
  Result<Config> config = parse_config(text, kConfigPath);
  INFO(text);
  if (!config) FAIL(config.error());
  return std::move(config).value();
}

dns::Name name(std::string_view text) {
  Result<dns::Name> parsed = dns::Name::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

// A temporary directory removed when the test ends.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zoned-config-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace

TEST_CASE("config: an empty file gives the documented defaults") {
  const Config config = parse_ok("");
  CHECK(config.path == fs::path(kConfigPath));
  CHECK(config.server.listen ==
        std::vector<ListenAddress>{{"0.0.0.0", 53}, {"::", 53}});
  CHECK(config.server.workers == 0);
  CHECK_FALSE(config.server.identity.has_value());
  CHECK_FALSE(config.server.version.has_value());
  CHECK(config.server.udp_max_payload == 1232);
  CHECK(config.server.tcp == TcpLimits{});
  CHECK(config.server.tcp.idle_timeout == 10s);
  CHECK(config.server.pid_file.empty());
  CHECK(config.server.user.empty());
  CHECK(config.server.cookies);
  CHECK(config.control.socket.empty());
  CHECK(config.log == LogConfig{});
  CHECK(config.zones.empty());
}

TEST_CASE("config: empty sections and an empty zone list are allowed") {
  for (const std::string_view text : {"server:\ncontrol:\nlog:\nzones:\n", "zones: []\n",
                                      "# only a comment\n", "server: {}\n", "---\n",
                                      "--- # a comment\n", "\n\n   \n", "---\n...\n"}) {
    CAPTURE(text);
    const Config config = parse_ok(text);
    CHECK(config == parse_ok(""));
  }
}

TEST_CASE("config: the shape from the issue") {
  const Config config = parse_ok(R"(
server:
  listen: [127.0.0.1@5353, "::1@5353"]   # ADDR@PORT
  workers: 2
  identity: ns1.example.com.             # optional: NSID and id.server
  version: "zoned 0.1"                   # optional: version.bind
control:
  socket: run/zoned.sock
zones:
  - domain: example.com.
    file: example.com.zone
  - domain: example.net.
    sqlite: zones.db                     # zone kept in this database
)");
  CHECK(config.server.listen == std::vector<ListenAddress>{{"127.0.0.1", 5353}, {"::1", 5353}});
  CHECK(config.server.workers == 2);
  CHECK(config.server.identity == "ns1.example.com.");
  CHECK(config.server.version == "zoned 0.1");
  CHECK(config.control.socket == "/etc/zoned/run/zoned.sock");
  REQUIRE(config.zones.size() == 2);
  CHECK(config.zones[0].domain == name("example.com."));
  CHECK(config.zones[0].file == "/etc/zoned/example.com.zone");
  CHECK(config.zones[0].sqlite.empty());
  CHECK(config.zones[0].role == ZoneRole::Primary);
  CHECK(config.zones[1].domain == name("example.net."));
  CHECK(config.zones[1].file.empty());
  CHECK(config.zones[1].sqlite == "/etc/zoned/zones.db");
  CHECK(config.zones[1].sqlite_poll == 0s);
}

TEST_CASE("config: every key") {
  const Config config = parse_ok(R"(
server:
  listen:
    - 192.0.2.1            # port 53
    - ::1@5300             # IPv6 needs no quotes in a block list
  workers: 256
  identity: ns1
  version: "1.0"
  udp-max-payload: 4096
  pid-file: /run/zoned.pid
  user: zoned
  cookies: no
  rrl:
    rate: 50
    slip: 0
    window: 5
    ipv4-prefix: 32
    ipv6-prefix: 64
    exempt: [192.0.2.0/24, "2001:db8::/32", 198.51.100.7]
    log-only: yes
    table-size: 4096
  tcp:
    max-connections: 100
    max-connections-per-client: 100
    max-in-flight: 4
    idle-timeout: 2m
    io-timeout: 500ms
control:
  socket: ../run/ctl.sock
metrics:
  listen: 127.0.0.1@9153
log:
  level: debug
  target: logs/zoned.log
zones:
  - domain: Example.ORG
    file: /var/lib/zones/example.org.zone
    role: primary
    max-records-per-type: 5000
    max-nsec3-iterations: 0
  - domain: .
    sqlite: ./db/root.db
    sqlite-poll: 30
)");
  const ServerConfig& server = config.server;
  CHECK(server.listen == std::vector<ListenAddress>{{"192.0.2.1", 53}, {"::1", 5300}});
  CHECK(server.workers == 256);
  CHECK(server.identity == "ns1");
  CHECK(server.version == "1.0");
  CHECK(server.udp_max_payload == 4096);
  CHECK(server.pid_file == "/run/zoned.pid");
  CHECK(server.user == "zoned");
  CHECK_FALSE(server.cookies);
  CHECK(server.tcp.max_connections == 100);
  CHECK(server.tcp.max_connections_per_client == 100);
  CHECK(server.tcp.max_in_flight == 4);
  CHECK(server.tcp.idle_timeout == 120s);
  CHECK(server.tcp.io_timeout == 500ms);
  CHECK(server.rrl.enabled);
  CHECK(server.rrl.rate == 50);
  CHECK(server.rrl.slip == 0);
  CHECK(server.rrl.window == 5);
  CHECK(server.rrl.ipv4_prefix == 32);
  CHECK(server.rrl.ipv6_prefix == 64);
  REQUIRE(server.rrl.exempt.size() == 3);
  CHECK(server.rrl.exempt[0] == *parse_address_prefix("192.0.2.0/24"));
  CHECK(server.rrl.exempt[1].ipv6);
  CHECK(server.rrl.exempt[2].length == 32);
  CHECK(server.rrl.log_only);
  CHECK(server.rrl.table_size == 4096);
  CHECK(config.metrics.listen == ListenAddress{"127.0.0.1", 9153});
  CHECK(config.control.socket == "/etc/run/ctl.sock");
  CHECK(config.log.level == "debug");
  CHECK(config.log.target == "/etc/zoned/logs/zoned.log");
  REQUIRE(config.zones.size() == 2);
  CHECK(config.zones[0].domain.equals_exact(name("example.org.")));  // lowercased, absolute
  CHECK(config.zones[0].file == "/var/lib/zones/example.org.zone");
  CHECK(config.zones[0].role == ZoneRole::Primary);
  CHECK(config.zones[0].limits == zone::ZoneLimits{.max_records_per_type = 5000, .max_nsec3_iterations = 0});
  CHECK(config.zones[1].limits == zone::ZoneLimits{});  // the defaults
  CHECK(config.zones[1].limits.max_records_per_type == 1000);
  CHECK(config.zones[1].limits.max_nsec3_iterations == 100);
  CHECK(config.zones[1].domain.is_root());
  CHECK(config.zones[1].sqlite == "/etc/zoned/db/root.db");
  CHECK(config.zones[1].sqlite_poll == 30s);
}

TEST_CASE("config: log targets that are streams stay names") {
  for (const std::string_view target : {"stderr", "stdout", "syslog"}) {
    const Config config = parse_ok("log:\n  target: " + std::string(target) + "\n");
    CHECK(config.log.target == target);
  }
  CHECK(parse_ok("log:\n  target: ./syslog\n").log.target == "/etc/zoned/syslog");
}

TEST_CASE("config: a relative config path is made absolute, and anchors relative paths") {
  const Result<Config> config =
      parse_config("control:\n  socket: zoned.sock\n", "conf/zoned.yaml");
  REQUIRE(config.ok());
  CHECK(config->path.is_absolute());
  CHECK(config->path == fs::current_path() / "conf/zoned.yaml");
  CHECK(config->control.socket == fs::current_path() / "conf/zoned.sock");
}

namespace {

struct BadConfig {
  std::string_view what;
  std::string text;
  int line;
  int column;
  std::string_view message;  // a fragment of what follows "FILE:LINE:COLUMN: "
};

// Line and column count from 1, like an editor.
const std::vector<BadConfig> kBadConfigs{
    {"typo in a key", "server:\n  worker: 2\n", 2, 3,
     "unknown key `worker` in `server` (did you mean `workers`?)"},
    {"snake_case key", "server:\n  udp_max_payload: 1232\n", 2, 3,
     "(did you mean `udp-max-payload`?)"},
    {"typo at the top level", "zone:\n  - domain: a.\n", 1, 1, "(did you mean `zones`?)"},
    {"key far from any allowed", "control:\n  banana: 1\n", 2, 3,
     "unknown key `banana` in `control` (allowed keys: socket)"},
    {"repeated key", "server:\n  workers: 2\n  workers: 3\n", 3, 3,
     "`workers` appears twice in `server` (first at line 2)"},
    {"key that is not a name", "? [a, b]\n: 1\n", 1, 3, "must be plain names"},
    {"top level is a list", "- server\n", 1, 1, "the top level must be a mapping of keys, not a list"},
    {"section is a scalar", "server: yes\n", 1, 9,
     "`server` must be a mapping of keys, not a single value (allowed keys: listen,"},
    {"workers 0", "server:\n  workers: 0\n", 2, 12, "`workers` is out of range: 0 (from 1 to 256)"},
    {"workers 257", "server:\n  workers: 257\n", 2, 12, "(from 1 to 256)"},
    {"workers huge", "server:\n  workers: 99999999999999999999999\n", 2, 12, "out of range"},
    {"workers negative", "server:\n  workers: -1\n", 2, 12,
     "`workers` must be a whole number, not `-1`"},
    {"workers a word", "server:\n  workers: many\n", 2, 12, "must be a whole number"},
    {"workers empty", "server:\n  workers:\n", 2, 3, "`workers` must be a single value, not nothing"},
    {"udp-max-payload 511", "server:\n  udp-max-payload: 511\n", 2, 20, "(from 512 to 65535)"},
    {"udp-max-payload 65536", "server:\n  udp-max-payload: 65536\n", 2, 20, "(from 512 to 65535)"},
    {"listen host name", "server:\n  listen: [127.0.0.1@5353, ns1.example@53]\n", 2, 28,
     "`ns1.example` is not a numeric IPv4 or IPv6 address"},
    {"listen port 0", "server:\n  listen: 127.0.0.1@0\n", 2, 11, "bad port `0`"},
    {"listen port 65536", "server:\n  listen:\n    - \"::1@65536\"\n", 3, 7, "bad port `65536`"},
    {"listen port missing", "server:\n  listen: [\"::@\"]\n", 2, 12, "bad port ``"},
    {"listen with brackets", "server:\n  listen: [\"[::1]@53\"]\n", 2, 12, "without brackets"},
    {"listen twice", "server:\n  listen: [::1@53, \"0::1\"]\n", 2, 20, "`0::1` is listed twice"},
    {"listen empty", "server:\n  listen: []\n", 2, 11, "`listen` is empty"},
    {"listen a mapping", "server:\n  listen: {a: 1}\n", 2, 11, "`listen` must be a list"},
    {"identity empty", "server:\n  identity: \"\"\n", 2, 13, "`identity` must not be empty"},
    {"identity too long", "server:\n  identity: " + std::string(256, 'x') + "\n", 2, 13,
     "`identity` is too long (at most 255 bytes)"},
    {"version a list", "server:\n  version: [a]\n", 2, 12, "`version` must be a single value, not a list"},
    {"cookies not a boolean", "server:\n  cookies: sometimes\n", 2, 12, "`cookies` must be true or false"},
    {"rrl rate 0", "server:\n  rrl:\n    rate: 0\n", 3, 11, "`rate` is out of range: 0 (from 1 to 1000000)"},
    {"rrl slip 11", "server:\n  rrl:\n    slip: 11\n", 3, 11, "(from 0 to 10)"},
    {"rrl ipv4-prefix 33", "server:\n  rrl:\n    ipv4-prefix: 33\n", 3, 18, "(from 8 to 32)"},
    {"rrl exempt not a prefix", "server:\n  rrl:\n    exempt: [10.0.0.0/8, nowhere]\n", 3, 26,
     "`nowhere` is not an address prefix"},
    {"rrl typo", "server:\n  rrl:\n    rates: 5\n", 3, 5, "(did you mean `rate`?)"},
    {"metrics listen bad port", "metrics:\n  listen: 127.0.0.1@99999\n", 2, 11, "bad port"},
    {"bad duration", "server:\n  tcp:\n    idle-timeout: 10x\n", 3, 19,
     "`idle-timeout` must be a duration, not `10x`"},
    {"duration too short", "server:\n  tcp:\n    io-timeout: 50ms\n", 3, 17,
     "`io-timeout` is out of range: 50ms (from 100ms to 10m)"},
    {"per-client above total",
     "server:\n  tcp:\n    max-connections-per-client: 20\n    max-connections: 10\n", 3, 33,
     "`max-connections-per-client` exceeds `max-connections` (10)"},
    {"max-in-flight 0", "server:\n  tcp:\n    max-in-flight: 0\n", 3, 20, "(from 1 to 1024)"},
    {"log level", "log:\n  level: verbose\n", 2, 10,
     "`level` cannot be `verbose` (one of: trace, debug, info, warn, error, critical, off)"},
    {"zones a mapping", "zones:\n  domain: a.\n", 2, 3, "`zones` must be a list"},
    {"zone a scalar", "zones:\n  - example.com.\n", 2, 5, "a zone must be a mapping of keys"},
    {"zone without domain", "zones:\n  - file: a.zone\n", 2, 5, "this zone has no `domain`"},
    {"zone with file and sqlite",
     "zones:\n  - domain: a.\n    file: a.zone\n    sqlite: a.db\n", 2, 5,
     "zone a. needs exactly one of `file` and `sqlite`"},
    {"zone with neither file nor sqlite", "zones:\n  - domain: a.\n    role: primary\n", 2, 5,
     "needs exactly one of `file` and `sqlite`"},
    {"zone domain with an empty label", "zones:\n  - domain: a..b.\n    file: x\n", 2, 13,
     "`a..b.` is not a valid domain name"},
    {"zone domain with a 64-octet label",
     "zones:\n  - domain: " + std::string(64, 'a') + ".\n    file: x\n", 2, 13,
     "is not a valid domain name"},
    {"zone listed twice (case differs)",
     "zones:\n  - domain: a.\n    file: x\n  - domain: A\n    file: y\n", 4, 13,
     "zone a. is listed twice (first at line 2)"},
    {"zone role", "zones:\n  - domain: a.\n    file: x\n    role: master\n", 4, 11,
     "`role` cannot be `master` (one of: primary, secondary)"},
    {"secondary zone before transfers exist", "zones:\n  - domain: a.\n    file: x\n    role: secondary\n", 4,
     11, "`role: secondary` needs zone transfers"},
    {"max-records-per-type of 0", "zones:\n  - domain: a.\n    file: x\n    max-records-per-type: 0\n", 4, 27,
     "`max-records-per-type`"},
    {"max-nsec3-iterations above RFC 5155's largest",
     "zones:\n  - domain: a.\n    file: x\n    max-nsec3-iterations: 2501\n", 4, 27, "`max-nsec3-iterations`"},
    {"sqlite-poll on a file zone", "zones:\n  - domain: a.\n    file: x\n    sqlite-poll: 10s\n", 4,
     18, "`sqlite-poll` applies only to zones with `sqlite`"},
    {"sqlite-poll in milliseconds", "zones:\n  - domain: a.\n    sqlite: x\n    sqlite-poll: 1500ms\n",
     4, 18, "`sqlite-poll` must be whole seconds"},
    {"path empty", "server:\n  pid-file: ''\n", 2, 13, "`pid-file` must not be empty"},
    {"YAML: unclosed list", "server:\n  workers: 2\n  listen: [127.0.0.1@53\n", 4, 1,
     "YAML syntax error: end of sequence flow not found"},
    {"YAML: bad indentation", "server:\n  workers: 2\n listen: []\n", 3, 2,
     "YAML syntax error: end of map not found"},
    {"two YAML documents", "server: {}\n---\nzones: []\n", 2, 1, "more than one YAML document"},
    // yaml-cpp 0.7 reads these as empty documents (issue #1040): not an empty config.
    {"a lone comma", ",\n", 1, 1, "unexpected `,`"},
    {"a comma after the document marker", "--- ,\n", 1, 5, "unexpected `,`"},
    {"a comma after a list", "- a\n,\n", 2, 1, "text after the end of one"},
    {"a comma after a document end", "zones: []\n...\n,\n", 3, 1, "text after the end of one"},
    {"only a null", "~\n", 1, 1, "unexpected `~`"},
    {"nested too deeply", std::string(1000, '[') + std::string(1000, ']'), 1, 1,
     "YAML nested too deeply"},
};

}  // namespace

TEST_CASE("config: each bad config names line, column and the fix") {
  for (const BadConfig& bad : kBadConfigs) {
    CAPTURE(bad.what);
    const Result<Config> config = parse_config(bad.text, kConfigPath);
    REQUIRE_FALSE(config.ok());
    const std::string prefix = std::string(kConfigPath) + ":" + std::to_string(bad.line) + ":" +
                               std::to_string(bad.column) + ": ";
    CHECK_MESSAGE(config.error().starts_with(prefix), config.error());
    CHECK_MESSAGE(config.error().find(bad.message) != std::string::npos, config.error());
  }
}

TEST_CASE("config: missing file, directory, and a file on disk") {
  TempDir dir;
  const Result<Config> missing = load_config(dir.path / "absent.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == (dir.path / "absent.yaml").string() +
                               ": cannot read the config file: No such file or directory");

  const Result<Config> directory = load_config(dir.path);
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().find("is a directory") != std::string::npos);

  const fs::path file = dir.path / "zoned.yaml";
  std::ofstream(file) << "zones:\n  - domain: a.\n    file: a.zone\n";
  const Result<Config> loaded = load_config(file);
  REQUIRE(loaded.ok());
  CHECK(loaded->path == file);
  REQUIRE(loaded->zones.size() == 1);
  CHECK(loaded->zones[0].file == dir.path / "a.zone");

  std::ofstream(file) << "zones:\n  - domain: a.\n";
  const Result<Config> bad = load_config(file);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().starts_with(file.string() + ":2:5: "));
}

TEST_CASE("config: zones-example/zoned.yaml serves the example zones") {
  const fs::path example_dir = (fs::path(ZONED_TEST_DATA) / "../../zones-example").lexically_normal();
  const Result<Config> config = load_config(example_dir / "zoned.yaml");
  if (!config) FAIL(config.error());
  REQUIRE(config->zones.size() == 2);
  for (const ZoneConfig& zone : config->zones) {
    CAPTURE(zone.domain.to_text());
    CHECK(zone.file == example_dir / (zone.domain.to_text() + "zone"));
    CHECK(fs::exists(zone.file));
  }
  CHECK(config->zones[0].domain == name("example.com."));
  CHECK(config->zones[1].domain == name("example.net."));
  CHECK(config->server.listen == std::vector<ListenAddress>{{"127.0.0.1", 5353}});
  CHECK(config->server.workers == 2);
  CHECK(config->control.socket.parent_path().parent_path() == example_dir);
}

TEST_CASE("config: ADDR@PORT") {
  struct Good {
    std::string_view text;
    ListenAddress address;
  };
  for (const Good& good : std::to_array<Good>({
           {"127.0.0.1", {"127.0.0.1", 53}},
           {"127.0.0.1@5353", {"127.0.0.1", 5353}},
           {"::1@1", {"::1", 1}},
           {"::@65535", {"::", 65535}},
           {"2001:DB8:0::1@53", {"2001:db8::1", 53}},  // canonical form
           {"::ffff:192.0.2.1@53", {"::ffff:192.0.2.1", 53}},
       })) {
    CAPTURE(good.text);
    const Result<ListenAddress> parsed = parse_listen_address(good.text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == good.address);
  }
  for (const std::string_view bad : {"", "@53", "127.0.0.1@", "127.0.0.1@0", "127.0.0.1@65536",
                                     "127.0.0.1@+53", "127.0.0.1@5 3", "127.1@53", "localhost@53",
                                     "[::1]@53", "::1%lo@53", "1.2.3.4.5", "127.0.0.1:53"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_listen_address(bad).ok());
  }
}

TEST_CASE("config: RRL is off unless its section is present, with BIND's defaults") {
  const Config off = parse_ok("server:\n  workers: 1\n");
  CHECK_FALSE(off.server.rrl.enabled);
  CHECK_FALSE(off.metrics.listen);
  const Config on = parse_ok("server:\n  rrl:\n");
  CHECK(on.server.rrl.enabled);
  CHECK(on.server.rrl.rate == 20);
  CHECK(on.server.rrl.slip == 2);
  CHECK(on.server.rrl.window == 15);
  CHECK(on.server.rrl.ipv4_prefix == 24);
  CHECK(on.server.rrl.ipv6_prefix == 56);
  CHECK(on.server.rrl.exempt.empty());
  CHECK_FALSE(on.server.rrl.log_only);
}

TEST_CASE("config: address prefixes") {
  const auto v4 = parse_address_prefix("10.1.0.0/16");
  REQUIRE(v4.ok());
  CHECK_FALSE(v4->ipv6);
  CHECK(v4->length == 16);
  CHECK(v4->address[0] == 10);
  CHECK(v4->address[1] == 1);
  const auto v6 = parse_address_prefix("2001:db8::/32");
  REQUIRE(v6.ok());
  CHECK(v6->ipv6);
  CHECK(v6->length == 32);
  CHECK(parse_address_prefix("::1")->length == 128);
  CHECK(parse_address_prefix("0.0.0.0/0")->length == 0);
  for (const std::string_view bad : {"", "10.0.0.0/33", "::/129", "10.0.0.1/24", "10.0.0.0/", "10.0.0.0/x",
                                     "host/8", "10.0.0.0/-1", "2001:db8::1/32"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_address_prefix(bad).ok());
  }
  CHECK(parse_address_prefix("10.0.0.1/24").error().find("did you mean the network address?") !=
        std::string::npos);
}

TEST_CASE("config: durations") {
  CHECK(parse_duration("10s") == 10s);
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2m") == 2min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("30") == 30s);
  CHECK(parse_duration("0") == 0s);
  for (const std::string_view bad : {"", "s", "10 s", "-1s", "1.5s", "10S", "10sec", "1d",
                                     "99999999999h", "ms10"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
  CHECK(format_duration(2min) == "2m");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(6553500ms) == "6553500ms");
  CHECK(format_duration(0ms) == "0s");
}

TEST_CASE("config: key suggestions") {
  constexpr std::array<std::string_view, 3> kAllowed{"workers", "listen", "udp-max-payload"};
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(closest_key("worker", kAllowed) == "workers");
  CHECK(closest_key("Listen", kAllowed) == "listen");
  CHECK(closest_key("UDP_MAX_PAYLOAD", kAllowed) == "udp-max-payload");
  CHECK(closest_key("banana", kAllowed).empty());
  CHECK(closest_key("ab", std::array<std::string_view, 1>{"cd"}).empty());
}
