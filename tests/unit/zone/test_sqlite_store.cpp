// SQLite zone backend: import/load round trip, replacement, bad rows written by
// another program (raw SQL here), durability across connections, serial, list.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "zone/sqlite_store.hpp"
#include "zone/zone_check.hpp"
#include "zone/zone_dump.hpp"
#include "zone_test_util.hpp"

using namespace zoned::zone;
using namespace zoned::zone::test;
namespace fs = std::filesystem;

namespace {

// A fresh database path, removed (with its WAL files) at scope exit.
class TempDb {
 public:
  [[nodiscard]] const fs::path& path() const { return file_.path(); }

  // Runs SQL the way another program would (its own connection).
  void sql(const std::string& statement) const {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path().c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
    const std::string msg = err != nullptr ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    INFO(statement << ": " << msg);
    REQUIRE(rc == SQLITE_OK);
  }

 private:
  TempPath file_{"sqlite", ".db"};
};

const std::string kZone = std::string(kApex) +
                          "www A 192.0.2.10\n"
                          "www AAAA 2001:db8::10\n"
                          "Mail.Example.COM. MX 10 WWW.example.com.\n"
                          "txt TXT \"hello world\" \"two\"\n"
                          "empty TYPE65280 \\# 0\n"
                          "sub NS ns.sub\n"
                          "ns.sub A 192.0.2.53\n";

RecordList parsed(std::string_view text, std::string_view origin = "example.com.") {
  RecordList rl;
  auto outcome = parse(text, rl, origin);
  REQUIRE(outcome.ok());
  std::vector<Diagnostic> diags;
  check_zone(rl, name(origin), ZoneLimits{}, outcome.files, diags);
  REQUIRE(count(diags, Severity::Error) == 0);
  return rl;
}

std::string dumped(RecordList& rl) {
  rl.sort();
  std::string out;
  dump_zone(rl, out);
  return out;
}
std::string dumped(RecordList&& rl) { return dumped(rl); }

// Loads and checks the zone as a caller would; returns the diagnostics.
std::vector<Diagnostic> load_checked(const fs::path& db, std::string_view origin, RecordList& rl) {
  std::vector<Diagnostic> diags;
  auto loaded = load_zone(db, name(origin), rl, diags);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
  if (count(diags, Severity::Error) == 0) {
    const std::vector<std::string> files{db.string()};
    check_zone(rl, name(origin), ZoneLimits{}, files, diags);
  }
  return diags;
}

}  // namespace

TEST_CASE("sqlite: import then load gives the same records") {
  TempDb db;
  auto rl = parsed(kZone);
  auto imported = import_zone(db.path(), name("example.com."), rl);
  REQUIRE(imported.ok());
  CHECK(*imported == rl.size());

  RecordList back;
  auto diags = load_checked(db.path(), "example.com.", back);
  CHECK(count(diags, Severity::Error) == 0);
  CHECK(back.size() == rl.size());
  CHECK(dumped(back) == dumped(rl));
  CHECK(dumped(back).find("mail.example.com.\t") != std::string::npos);
}

TEST_CASE("sqlite: re-import replaces the zone and leaves other zones alone") {
  TempDb db;
  auto first = parsed(kZone);
  REQUIRE(import_zone(db.path(), name("example.com."), first).ok());
  auto other = parsed(std::string(kApex) + "x A 198.51.100.1\n", "example.org.");
  REQUIRE(import_zone(db.path(), name("example.org."), other).ok());

  auto second = parsed(std::string(kApex) + "new A 203.0.113.7\n");
  REQUIRE(import_zone(db.path(), name("Example.COM."), second).ok());

  RecordList back;
  CHECK(count(load_checked(db.path(), "example.com.", back), Severity::Error) == 0);
  CHECK(back.size() == second.size());
  const std::string text = dumped(back);
  CHECK(text == dumped(second));
  CHECK(text.find("www.example.com.") == std::string::npos);

  RecordList org;
  CHECK(count(load_checked(db.path(), "example.org.", org), Severity::Error) == 0);
  CHECK(dumped(org) == dumped(other));

  auto zones = list_zones(db.path());
  REQUIRE(zones.ok());
  REQUIRE(zones->size() == 2);
  CHECK((*zones)[0] == name("example.com."));
  CHECK((*zones)[1] == name("example.org."));
}

TEST_CASE("sqlite: data survives closing and reopening, and WAL and schema version are set") {
  TempDb db;
  {
    auto rl = parsed(kZone);
    REQUIRE(import_zone(db.path(), name("example.com."), rl).ok());
  }  // every connection is closed here
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.path().c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == kSqliteSchemaVersion);
  sqlite3_finalize(st);
  REQUIRE(sqlite3_prepare_v2(raw, "SELECT count(*) FROM records", -1, &st, nullptr) ==
          SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == static_cast<int>(parsed(kZone).size()));
  sqlite3_finalize(st);
  sqlite3_close(raw);

  RecordList back;
  CHECK(count(load_checked(db.path(), "example.com.", back), Severity::Error) == 0);
  CHECK(dumped(back) == dumped(parsed(kZone)));
}

TEST_CASE("sqlite: bad rows are reported with zone, owner and type, and the load fails") {
  TempDb db;
  auto rl = parsed(kZone);
  REQUIRE(import_zone(db.path(), name("example.com."), rl).ok());
  // www.example.com. in wire form.
  const std::string www = "X'03777777076578616d706c6503636f6d00'";

  SUBCASE("malformed rdata") {
    db.sql("UPDATE records SET rdata = X'C00002' WHERE type = 1 AND owner = " + www);
    RecordList back;
    auto diags = load_checked(db.path(), "example.com.", back);
    REQUIRE(count(diags, Severity::Error) == 1);
    CHECK(diags[0].message.find("example.com.: www.example.com. A: malformed rdata") == 0);
    CHECK(diags[0].file == db.path().string());
  }
  SUBCASE("owner outside the zone") {
    db.sql("UPDATE records SET owner = X'03777777076578616d706c65036f726700' "
           "WHERE type = 28");
    RecordList back;
    auto diags = load_checked(db.path(), "example.com.", back);
    REQUIRE(count(diags, Severity::Error) == 1);
    CHECK(diags[0].message.find("example.com.: www.example.org. AAAA: owner is outside the zone") ==
          0);
  }
  SUBCASE("owner not a name, wrong class, meta type, bad TTL") {
    db.sql("INSERT INTO records(zone_id, owner, type, class, ttl, rdata) "
           "VALUES(1, X'0541', 1, 1, 60, X'C0000201'),"
           "      (1, " + www + ", 1, 3, 60, X'C0000201'),"
           "      (1, " + www + ", 255, 1, 60, X''),"
           "      (1, " + www + ", 16, 1, -5, X'0161')");
    RecordList back;
    auto diags = load_checked(db.path(), "example.com.", back);
    REQUIRE(count(diags, Severity::Error) == 4);
    CHECK(find_diag(diags, "example.com.: <bad owner> A: owner is not a valid wire-format name",
                    Severity::Error));
    CHECK(find_diag(diags, "www.example.com. A: class is not IN", Severity::Error));
    CHECK(find_diag(diags, "www.example.com. ANY: meta type", Severity::Error));
    CHECK(find_diag(diags, "www.example.com. TXT: TTL is not", Severity::Error));
  }
  SUBCASE("zone-level errors are found by check_zone afterwards") {
    db.sql("DELETE FROM records WHERE type = 6");
    db.sql("INSERT INTO records(zone_id, owner, type, class, ttl, rdata) "
           "VALUES(1, " + www + ", 5, 1, 60, X'03666f6f00')");
    RecordList back;
    auto diags = load_checked(db.path(), "example.com.", back);
    CHECK(count(diags, Severity::Error) >= 2);
    CHECK(find_diag(diags, "SOA", Severity::Error));
    CHECK(find_diag(diags, "CNAME", Severity::Error));
  }
}

TEST_CASE("sqlite: serial, unknown zone, and files that are not zone databases") {
  TempDb db;
  auto rl = parsed(kZone);
  REQUIRE(import_zone(db.path(), name("example.com."), rl).ok());
  auto serial = read_serial(db.path(), name("EXAMPLE.com."));
  REQUIRE(serial.ok());
  CHECK(*serial == 1);

  // Another program bumps the serial (rdata: ns1, hostmaster, serial 2021...).
  auto bumped = parsed(std::string("$TTL 3600\n@ SOA ns1 hostmaster 4000000000 7200 3600 "
                                   "1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"));
  REQUIRE(import_zone(db.path(), name("example.com."), bumped).ok());
  serial = read_serial(db.path(), name("example.com."));
  REQUIRE(serial.ok());
  CHECK(*serial == 4000000000u);

  RecordList out;
  std::vector<Diagnostic> diags;
  auto missing = load_zone(db.path(), name("example.net."), out, diags);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "zone example.net. is not in " + db.path().string());
  CHECK_FALSE(read_serial(db.path(), name("example.net.")).ok());

  db.sql("DELETE FROM records WHERE type = 6");
  auto no_soa = read_serial(db.path(), name("example.com."));
  REQUIRE_FALSE(no_soa.ok());
  CHECK(no_soa.error().find("no SOA") != std::string::npos);

  TempDb other;
  auto absent = load_zone(other.path(), name("example.com."), out, diags);
  REQUIRE_FALSE(absent.ok());
  CHECK_FALSE(fs::exists(other.path()));  // reading never creates a database
  other.sql("CREATE TABLE t(x)");
  auto foreign = load_zone(other.path(), name("example.com."), out, diags);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().find("not a zoned database") != std::string::npos);
  other.sql("PRAGMA user_version = 99");
  auto future = load_zone(other.path(), name("example.com."), out, diags);
  REQUIRE_FALSE(future.ok());
  CHECK(future.error().find("schema version 99") != std::string::npos);
  CHECK_FALSE(import_zone(other.path(), name("example.com."), rl).ok());
}
