#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "zone/checked_zone.hpp"
#include "zone/sqlite_store.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

CheckedZone load_text(const std::string& text) {
  TempPath file("checked", ".zone");
  std::ofstream(file.path()) << text;
  ParseOptions options;
  options.origin = name("example.com.");
  return load_master_file(file.path(), options, ZoneLimits{});
}

}  // namespace

TEST_CASE("checked zone: a clean master file is read, checked and sorted") {
  const auto z = load_text(std::string(kApex) + "www A 192.0.2.2\n");
  CHECK(z.ok());
  CHECK(z.checked);
  CHECK_FALSE(z.read_error.has_value());
  CHECK(z.records.size() == 4);
  REQUIRE(z.files.size() == 1);
  CHECK(count(z.diagnostics, Severity::Error) == 0);
}

TEST_CASE("checked zone: a zone-level error comes from check_zone") {
  const auto z = load_text(std::string(kApex) + "c CNAME x\nc A 192.0.2.1\n");
  CHECK_FALSE(z.ok());
  CHECK(z.checked);
  CHECK(find_diag(z.diagnostics, "CNAME and other data", Severity::Error) != nullptr);
}

TEST_CASE("checked zone: a parse error stops before the checks") {
  // The CNAME conflict is not reported: records that do not all parse are not checked.
  const auto z = load_text(std::string(kApex) + "c CNAME x\nc A 192.0.2.1\nbad A not-an-address\n");
  CHECK_FALSE(z.ok());
  CHECK_FALSE(z.checked);
  CHECK(find_diag(z.diagnostics, "CNAME and other data", Severity::Error) == nullptr);
  CHECK(count(z.diagnostics, Severity::Error) >= 1);
}

TEST_CASE("checked zone: SQLite rows are read and checked, and a missing zone is a read error") {
  TempPath db("checked", ".db");
  RecordList rl;
  REQUIRE(parse(std::string(kApex) + "c CNAME x\nc A 192.0.2.1\n", rl).ok());
  rl.sort();
  REQUIRE(import_zone(db.path(), name("example.com."), rl).ok());

  const auto z = load_sqlite_zone(db.path(), name("example.com."), ZoneLimits{});
  CHECK_FALSE(z.read_error.has_value());
  CHECK(z.checked);
  CHECK(z.files == std::vector<std::string>{db.path().string()});
  CHECK(find_diag(z.diagnostics, "CNAME and other data", Severity::Error) != nullptr);
  CHECK_FALSE(z.ok());

  const auto absent = load_sqlite_zone(db.path(), name("example.org."), ZoneLimits{});
  REQUIRE(absent.read_error.has_value());
  CHECK_FALSE(absent.checked);
  CHECK_FALSE(absent.ok());
}
