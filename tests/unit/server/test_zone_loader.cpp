// Zone loading for the daemon: master file and SQLite sources, errors that
// name the place (file:line:column, zone/owner/type), and ZoneManager reloads:
// change detection, the logged diff, a broken source keeping the old version,
// zones added and removed with the config, SQLite serial polling; expired and
// soon-expiring signatures as load warnings.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "log_capture.hpp"
#include "server/zones/zone_loader.hpp"
#include "server/zones/zone_manager.hpp"
#include "zone/qsbr.hpp"
#include "zone/record_list.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/zone_set.hpp"

using namespace zoned;
using namespace zoned::server;
using zoned::server::test::LogCapture;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("zoned-test-loader-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] fs::path operator/(const std::string& leaf) const { return path_ / leaf; }

 private:
  fs::path path_;
};

dns::Name name(std::string_view text) { return dns::Name::parse(text).value(); }

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

std::string zone_text(unsigned serial, const std::string& extra = "") {
  return "$TTL 3600\n"
         "@    SOA ns1 hostmaster " + std::to_string(serial) + " 7200 3600 1209600 300\n"
         "@    NS  ns1\n"
         "ns1  A   192.0.2.1\n"
         "www  A   192.0.2.10\n" + extra;
}

ZoneConfig file_zone(const fs::path& file) {
  ZoneConfig config;
  config.domain = name("example.com.");
  config.file = file;
  return config;
}

ZoneConfig sqlite_zone(const fs::path& db) {
  ZoneConfig config;
  config.domain = name("example.com.");
  config.sqlite = db;
  return config;
}

// Imports `text` as example.com. into `db`, as `zonectl import` would.
void import_text(const fs::path& db, const fs::path& scratch, const std::string& text) {
  write_file(scratch, text);
  zone::ParseOptions options;
  options.origin = name("example.com.");
  zone::RecordList records;
  auto outcome = zone::parse_master_file(scratch, options, records);
  REQUIRE(outcome.ok());
  records.sort();
  REQUIRE(zone::import_zone(db, name("example.com."), records).ok());
}

void run_sql(const fs::path& db, const std::string& statement) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  const int rc = sqlite3_exec(handle, statement.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  REQUIRE(rc == SQLITE_OK);
}

// A ZoneSet and its domain; reclaim() frees retired versions (no readers here).
struct Served {
  zone::ReclaimDomain domain;
  zone::ZoneSet zones{domain};
  ZoneManager manager{zones};

  [[nodiscard]] const zone::ZoneVersion* version(std::string_view apex) const {
    const auto* z = zones.find_exact(name(apex));
    return z == nullptr ? nullptr : z->current();
  }
};

}  // namespace

TEST_CASE("zone loader: master file gives a version with its serial and records") {
  TempDir dir;
  write_file(dir / "example.com.zone", zone_text(7));
  auto loaded = load_zone_source(file_zone(dir / "example.com.zone"));
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  CHECK(loaded->version->serial() == 7);
  CHECK(loaded->version->record_count() == 4);
  REQUIRE(loaded->stamp.files.size() == 1);
  CHECK(loaded->stamp.files[0].size == fs::file_size(dir / "example.com.zone"));
}

TEST_CASE("zone loader: a broken master file is an error naming file:line:column") {
  TempDir dir;
  const fs::path file = dir / "example.com.zone";
  write_file(file, zone_text(7, "bad  A   192.0.2.300\n"));
  auto loaded = load_zone_source(file_zone(file));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find(file.string() + ":6:") != std::string::npos);
}

TEST_CASE("zone loader: zone checks run (CNAME beside other data fails the load)") {
  TempDir dir;
  const fs::path file = dir / "example.com.zone";
  write_file(file, zone_text(7, "www  CNAME ns1\n"));
  auto loaded = load_zone_source(file_zone(file));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("CNAME") != std::string::npos);
}

TEST_CASE("zone loader: a missing file is an error naming it") {
  TempDir dir;
  auto loaded = load_zone_source(file_zone(dir / "absent.zone"));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("absent.zone") != std::string::npos);
}

TEST_CASE("zone loader: sqlite zone loads with its serial as the stamp") {
  TempDir dir;
  import_text(dir / "zones.db", dir / "scratch.zone", zone_text(11));
  auto loaded = load_zone_source(sqlite_zone(dir / "zones.db"));
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  CHECK(loaded->version->serial() == 11);
  CHECK(loaded->version->record_count() == 4);
  CHECK(loaded->stamp.sqlite_serial == 11u);
}

TEST_CASE("zone loader: bad sqlite data is reported with zone, owner and type") {
  TempDir dir;
  const fs::path db = dir / "zones.db";
  import_text(db, dir / "scratch.zone", zone_text(11));
  // An A record whose rdata is 3 bytes, as a buggy program might write it.
  run_sql(db, "INSERT INTO records(zone_id, owner, type, class, ttl, rdata) VALUES ("
              "(SELECT id FROM zones WHERE name = 'example.com.'), "
              "X'03626164076578616d706c6503636f6d00', 1, 1, 300, X'C00002')");
  auto loaded = load_zone_source(sqlite_zone(db));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("example.com") != std::string::npos);
  CHECK(loaded.error().find(" A") != std::string::npos);
}

TEST_CASE("zone loader: a zone absent from the database is an error naming it") {
  TempDir dir;
  import_text(dir / "zones.db", dir / "scratch.zone", zone_text(11));
  ZoneConfig config = sqlite_zone(dir / "zones.db");
  config.domain = name("example.org.");
  auto loaded = load_zone_source(config);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("example.org.") != std::string::npos);
}

namespace {

// An RRSIG over `covered` at `owner` expiring `expires_in` seconds from now
// (negative: already expired); key and signature do not matter here.
std::string rrsig_line(const std::string& owner, const std::string& covered, long expires_in) {
  const long now = static_cast<long>(std::time(nullptr));
  return owner + " RRSIG " + covered + " 13 2 3600 " + std::to_string(now + expires_in) + " " +
         std::to_string(now - 30L * 86400) + " 12345 example.com. AAAA\n";
}

const zone::Diagnostic* warning_starting(const std::vector<zone::Diagnostic>& warnings,
                                         std::string_view start) {
  for (const auto& w : warnings)
    if (w.message.starts_with(start)) return &w;
  return nullptr;
}

}  // namespace

TEST_CASE("zone loader: expired and soon-expiring signatures are load warnings, as check-zone has them") {
  TempDir dir;
  const fs::path file = dir / "example.com.zone";
  const std::string text = zone_text(7, rrsig_line("www", "A", -86400) +
                                            rrsig_line("@", "SOA", 2L * 86400) +
                                            rrsig_line("@", "NS", 30L * 86400));
  write_file(file, text);

  SUBCASE("master file: placed at the record, file:line:column") {
    auto loaded = load_zone_source(file_zone(file));
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
    const auto* expired = warning_starting(
        loaded->warnings, "1 signature(s) have expired; the first was www.example.com. RRSIG A at ");
    REQUIRE(expired != nullptr);
    CHECK(expired->file == file.string());
    CHECK(expired->line == 6);
    const auto* soon = warning_starting(
        loaded->warnings, "1 signature(s) expire within 7 days; the first is example.com. RRSIG SOA at ");
    REQUIRE(soon != nullptr);
    CHECK(soon->line == 7);
  }
  SUBCASE("sqlite: named by the database") {
    import_text(dir / "zones.db", dir / "scratch.zone", text);
    auto loaded = load_zone_source(sqlite_zone(dir / "zones.db"));
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
    const auto* expired = warning_starting(loaded->warnings, "1 signature(s) have expired");
    REQUIRE(expired != nullptr);
    CHECK(expired->file == (dir / "zones.db").string());
    CHECK(warning_starting(loaded->warnings, "1 signature(s) expire within 7 days") != nullptr);
  }
  SUBCASE("the zone manager logs them with the zone's name and serves the zone") {
    Served served;
    LogCapture log;
    const std::vector<ZoneConfig> configs{file_zone(file)};
    CHECK(served.manager.apply(configs) == 1);
    CHECK(served.version("example.com.") != nullptr);
    CHECK(log.text().find("zone example.com.: " + file.string() +
                          ":6:1: warning: 1 signature(s) have expired; the first was "
                          "www.example.com. RRSIG A at ") != std::string::npos);
    served.domain.synchronize();
  }
}

TEST_CASE("zone loader: signatures valid for weeks give no warning") {
  TempDir dir;
  const fs::path file = dir / "example.com.zone";
  write_file(file, zone_text(7, rrsig_line("@", "SOA", 30L * 86400)));
  auto loaded = load_zone_source(file_zone(file));
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  CHECK(warning_starting(loaded->warnings, "1 signature(s)") == nullptr);
}

TEST_CASE("zone manager: reload publishes a changed file and logs the diff") {
  TempDir dir;
  const fs::path file = dir / "example.com.zone";
  write_file(file, zone_text(1));
  Served served;
  const std::vector<ZoneConfig> configs{file_zone(file)};
  CHECK(served.manager.apply(configs) == 1);
  REQUIRE(served.version("example.com.") != nullptr);
  CHECK(served.version("example.com.")->serial() == 1);

  SUBCASE("an unchanged file is not loaded again") {
    CHECK(served.manager.apply(configs) == 0);
  }
  SUBCASE("an edited file is loaded and the diff logged") {
    LogCapture log;
    write_file(file, zone_text(2, "mail A 192.0.2.25\nmail A 192.0.2.26\n"));
    CHECK(served.manager.apply(configs) == 1);
    CHECK(served.version("example.com.")->serial() == 2);
    CHECK(log.text().find("+2 -0 records, serial 1 -> 2") != std::string::npos);
  }
  SUBCASE("a broken file keeps the old version and says why") {
    LogCapture log;
    write_file(file, zone_text(3, "oops A 192.0.2.999\n"));
    CHECK(served.manager.apply(configs) == 1);
    CHECK(served.version("example.com.")->serial() == 1);
    const auto status = served.manager.status();
    REQUIRE(status.size() == 1);
    REQUIRE(status[0].error.has_value());
    CHECK(status[0].error->find(file.string() + ":6:") != std::string::npos);
    CHECK(log.text().find("still serving serial 1") != std::string::npos);

    // Fixed again: loaded, even though a failed attempt came in between.
    write_file(file, zone_text(4));
    CHECK(served.manager.apply(configs) == 1);
    CHECK(served.version("example.com.")->serial() == 4);
    CHECK_FALSE(served.manager.status()[0].error.has_value());
  }
  served.domain.synchronize();
}

TEST_CASE("zone manager: a zone that never loaded is served with no version") {
  TempDir dir;
  write_file(dir / "example.com.zone", "garbage\n");
  Served served;
  const std::vector<ZoneConfig> configs{file_zone(dir / "example.com.zone")};
  LogCapture log;
  served.manager.apply(configs);
  REQUIRE(served.zones.find_exact(name("example.com.")) != nullptr);
  CHECK(served.version("example.com.") == nullptr);
  CHECK(log.text().find("SERVFAIL") != std::string::npos);
}

TEST_CASE("zone manager: zones follow the config (added, removed, source changed)") {
  TempDir dir;
  write_file(dir / "example.com.zone", zone_text(1));
  write_file(dir / "other.zone", zone_text(5));
  ZoneConfig net = file_zone(dir / "example.com.zone");
  net.domain = name("example.net.");
  Served served;
  served.manager.apply(std::vector<ZoneConfig>{file_zone(dir / "example.com.zone")});
  CHECK(served.zones.size() == 1);

  served.manager.apply(std::vector<ZoneConfig>{file_zone(dir / "example.com.zone"), net});
  CHECK(served.zones.size() == 2);
  REQUIRE(served.version("example.net.") != nullptr);

  // example.com. now from another file; example.net. gone.
  served.manager.apply(std::vector<ZoneConfig>{file_zone(dir / "other.zone")});
  CHECK(served.zones.size() == 1);
  CHECK(served.zones.find_exact(name("example.net.")) == nullptr);
  CHECK(served.version("example.com.")->serial() == 5);
  served.domain.synchronize();
}

TEST_CASE("zone manager: sqlite poll reloads when the serial in the database changes") {
  TempDir dir;
  const fs::path db = dir / "zones.db";
  import_text(db, dir / "scratch.zone", zone_text(1));
  ZoneConfig config = sqlite_zone(db);
  config.sqlite_poll = std::chrono::seconds(1);
  Served served;
  served.manager.apply(std::vector<ZoneConfig>{config});
  REQUIRE(served.version("example.com.") != nullptr);

  const auto later = ZoneManager::Clock::now() + std::chrono::seconds(2);
  CHECK(served.manager.poll(later) == 0);  // serial unchanged
  import_text(db, dir / "scratch.zone", zone_text(2, "new A 192.0.2.77\n"));
  CHECK(served.manager.poll(later) == 0);  // interval not elapsed since the last poll
  CHECK(served.manager.poll(later + std::chrono::seconds(2)) == 1);
  CHECK(served.version("example.com.")->serial() == 2);

  // Bad data under a new serial: reported once, the old version stays.
  import_text(db, dir / "scratch.zone", zone_text(3));
  run_sql(db, "UPDATE records SET rdata = X'C00002' WHERE type = 1");
  LogCapture log;
  CHECK(served.manager.poll(later + std::chrono::seconds(4)) == 1);
  CHECK(served.version("example.com.")->serial() == 2);
  CHECK(log.text().find("still serving serial 2") != std::string::npos);
  CHECK(served.manager.poll(later + std::chrono::seconds(6)) == 0);
  served.domain.synchronize();
}
