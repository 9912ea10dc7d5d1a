// The caps of zone_limits.hpp, as check_zone applies them (docs/robustness.md
// cases 29 and 31).
#include <doctest/doctest.h>

#include <string>

#include "zone/record_list.hpp"
#include "zone/zone_check.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

std::vector<Diagnostic> check(const std::string& text, const ZoneLimits& limits) {
  RecordList rl;
  auto out = parse(text, rl);
  REQUIRE(out.ok());
  std::vector<Diagnostic> ds;
  check_zone(rl, name("example.com."), limits, out.files, ds);
  return ds;
}

// `count` MX records at `owner`, one a line.
std::string mx_records(std::string_view owner, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i)
    text += std::string(owner) + " MX 10 mx" + std::to_string(i) + ".example.net.\n";
  return text;
}

}  // namespace

TEST_CASE("limits: an RRset over max-records-per-type is an error naming owner, type, count and cap") {
  const std::string text = std::string(kApex) + mx_records("big", 11) + mx_records("fine", 10);
  const auto ds = check(text, ZoneLimits{.max_records_per_type = 10});
  REQUIRE(count(ds, Severity::Error) == 1);
  const Diagnostic* d = find_diag(ds, "big.example.com. MX: 11 records", Severity::Error);
  REQUIRE(d != nullptr);
  CHECK(d->message == "big.example.com. MX: 11 records in one RRset exceed the cap max-records-per-type 10");
  CHECK(d->file == "test.zone");
  CHECK(d->line == 5);  // the RRset's first record
  // At the cap: fine; the default cap takes 1000.
  CHECK(count(check(text, ZoneLimits{.max_records_per_type = 11}), Severity::Error) == 0);
  CHECK(count(check(std::string(kApex) + mx_records("many", 1000), ZoneLimits{}), Severity::Error) == 0);
  CHECK(count(check(std::string(kApex) + mx_records("many", 1001), ZoneLimits{}), Severity::Error) == 1);
}

TEST_CASE("limits: RRSIGs count per type covered, and the last RRset of the zone is counted") {
  std::string sigs;
  for (int i = 0; i < 3; ++i)
    sigs += "www RRSIG A 13 3 3600 20300101000000 20200101000000 " + std::to_string(i) + " example.com. AAAA\n";
  sigs += "www RRSIG TXT 13 3 3600 20300101000000 20200101000000 9 example.com. AAAA\n";
  const std::string text = std::string(kApex) + "www A 192.0.2.1\nwww TXT x\n" + sigs;
  CHECK(count(check(text, ZoneLimits{.max_records_per_type = 3}), Severity::Error) == 0);
  CHECK(find_diag(check(text, ZoneLimits{.max_records_per_type = 2}), "www.example.com. RRSIG: 3 records",
                  Severity::Error) != nullptr);
  // The zone's last RRset (zzz, sorted last) over the cap.
  CHECK(count(check(std::string(kApex) + mx_records("zzz", 3), ZoneLimits{.max_records_per_type = 2}),
              Severity::Error) == 1);
}

TEST_CASE("limits: NSEC3 iterations over max-nsec3-iterations are an error, once") {
  const std::string text = std::string(kApex) +
                           "@ NSEC3PARAM 1 0 150 -\n"
                           "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 0 150 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3ton A\n";
  auto ds = check(text, ZoneLimits{});
  REQUIRE(count(ds, Severity::Error) == 1);
  CHECK(find_diag(ds, "NSEC3 iterations 150 exceed the cap max-nsec3-iterations 100", Severity::Error) != nullptr);
  CHECK(count(check(text, ZoneLimits{.max_nsec3_iterations = 150}), Severity::Error) == 0);
  // 0 caps every extra iteration.
  const std::string ten = std::string(kApex) + "@ NSEC3PARAM 1 0 10 -\n";
  CHECK(count(check(ten, ZoneLimits{.max_nsec3_iterations = 0}), Severity::Error) == 1);
  CHECK(count(check(ten, ZoneLimits{.max_nsec3_iterations = 10}), Severity::Error) == 0);
}
