#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "zone/record_list.hpp"
#include "zone/signature_expiry.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;
// 2026-01-01T00:00:00Z.
constexpr std::int64_t kNow = 1767225600;

// An RRSIG over TYPE at OWNER with these expiration and inception fields
// (RFC 4034 §3.2 allows plain seconds); the key and signature do not matter.
std::string rrsig(std::string_view owner, std::string_view type, std::uint32_t expiration,
                  std::uint32_t inception) {
  return std::string(owner) + " RRSIG " + std::string(type) + " 13 2 3600 " +
         std::to_string(expiration) + " " + std::to_string(inception) +
         " 12345 example.com. AAAA\n";
}

std::uint32_t field(std::int64_t t) { return static_cast<std::uint32_t>(t); }

SignatureExpiryReport inspect(const std::string& text, std::int64_t now) {
  RecordList rl;
  auto out = parse(std::string(kApex) + text, rl);
  REQUIRE(out.ok());
  rl.sort();
  return check_signature_expiry(rl, out.files, now);
}

}  // namespace

TEST_CASE("signature expiry: an unsigned zone has nothing to report") {
  const auto report = inspect("www A 192.0.2.2\n", kNow);
  CHECK_FALSE(report.earliest);
  CHECK_FALSE(report.next_valid);
  CHECK(report.expired == 0);
  CHECK(report.expiring_soon == 0);
  CHECK(report.warnings.empty());
}

TEST_CASE("signature expiry: signatures valid for weeks are fine") {
  const auto report = inspect(rrsig("@", "SOA", field(kNow + 30 * kDay), field(kNow - kDay)) +
                                  rrsig("www", "A", field(kNow + 20 * kDay), field(kNow - kDay)) +
                                  "www A 192.0.2.2\n",
                              kNow);
  CHECK(report.expired == 0);
  CHECK(report.expiring_soon == 0);
  CHECK(report.warnings.empty());
  REQUIRE(report.earliest);
  CHECK(report.earliest->owner == name("www.example.com."));
  CHECK(report.earliest->covered == dns::RRType::A);
  CHECK(report.earliest->expiration == kNow + 20 * kDay);
  CHECK(report.earliest->pos.line == 6);
  REQUIRE(report.next_valid);
  CHECK(report.next_valid->expiration == kNow + 20 * kDay);
}

TEST_CASE("signature expiry: expired signatures warn, naming the first to expire") {
  const auto report = inspect(rrsig("@", "SOA", field(kNow - kDay), field(kNow - 30 * kDay)) +
                                  rrsig("www", "A", field(kNow - 2 * kDay), field(kNow - 30 * kDay)) +
                                  rrsig("@", "NS", field(kNow + 30 * kDay), field(kNow - kDay)) +
                                  "www A 192.0.2.2\n",
                              kNow);
  CHECK(report.expired == 2);
  CHECK(report.expiring_soon == 0);
  REQUIRE(report.earliest);
  CHECK(report.earliest->expiration == kNow - 2 * kDay);
  REQUIRE(report.next_valid);  // the NS signature, still valid
  CHECK(report.next_valid->covered == dns::RRType::NS);
  REQUIRE(report.warnings.size() == 1);
  const auto& w = report.warnings[0];
  CHECK(w.severity == Severity::Warning);
  CHECK(w.to_string() ==
        "test.zone:6:1: warning: 2 signature(s) have expired; the first was www.example.com. "
        "RRSIG A at 2025-12-30T00:00:00Z");
}

TEST_CASE("signature expiry: signatures expiring within 7 days warn") {
  const auto report = inspect(rrsig("@", "SOA", field(kNow + 2 * kDay), field(kNow - kDay)) +
                                  rrsig("@", "NS", field(kNow + 6 * kDay), field(kNow - kDay)) +
                                  rrsig("www", "A", field(kNow + 8 * kDay), field(kNow - kDay)) +
                                  "www A 192.0.2.2\n",
                              kNow);
  CHECK(report.expired == 0);
  CHECK(report.expiring_soon == 2);
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].to_string() ==
        "test.zone:5:1: warning: 2 signature(s) expire within 7 days; the first is example.com. "
        "RRSIG SOA at 2026-01-03T00:00:00Z");
}

TEST_CASE("signature expiry: expired and expiring signatures give one warning each") {
  const auto report = inspect(rrsig("@", "SOA", field(kNow - 10), field(kNow - kDay)) +
                                  rrsig("@", "NS", field(kNow + 60), field(kNow - kDay)) +
                                  "www A 192.0.2.2\n",
                              kNow);
  CHECK(report.expired == 1);
  CHECK(report.expiring_soon == 1);
  REQUIRE(report.warnings.size() == 2);
  CHECK(report.warnings[0].message.find("1 signature(s) have expired; the first was example.com. "
                                        "RRSIG SOA") == 0);
  CHECK(report.warnings[1].message.find("1 signature(s) expire within 7 days; the first is "
                                        "example.com. RRSIG NS") == 0);
}

TEST_CASE("signature expiry: the 7-day boundary and now itself") {
  // Expiring exactly now is not yet past; exactly 7 days away is no longer soon.
  const auto report = inspect(rrsig("@", "SOA", field(kNow), field(kNow - kDay)) +
                                  rrsig("@", "NS", field(kNow + kExpiryWarningSeconds),
                                        field(kNow - kDay)),
                              kNow);
  CHECK(report.expired == 0);
  CHECK(report.expiring_soon == 1);
}

TEST_CASE("signature expiry: RRSIG times are serial numbers relative to now (RFC 4034 3.1.5)") {
  constexpr std::int64_t k2to32 = std::int64_t{1} << 32;
  constexpr std::int64_t k2to31 = std::int64_t{1} << 31;
  // Plain cases: within 2^31 seconds either side of now.
  CHECK(rrsig_time(field(kNow + 5), kNow) == kNow + 5);
  CHECK(rrsig_time(field(kNow - 5), kNow) == kNow - 5);
  // Past 2106-02-07 the fields wrap: a small value is shortly after now.
  const std::int64_t late = k2to32 - 100;
  CHECK(rrsig_time(50, late) == k2to32 + 50);
  CHECK(rrsig_time(field(k2to32 - 200), k2to32 + 50) == k2to32 - 200);
  // A field more than 2^31 ahead of now's low bits means the past, and one
  // more than 2^31 behind means the future.
  CHECK(rrsig_time(field(kNow + k2to31 + 10), kNow) == kNow - k2to31 + 10);
  CHECK(rrsig_time(field(kNow - k2to31 - 10), kNow) == kNow + k2to31 - 10);
  // Exactly 2^31 away (undefined in RFC 1982 §3.2) counts as past.
  CHECK(rrsig_time(field(kNow + k2to31), kNow) == kNow - k2to31);

  SUBCASE("a zone signed across the 2106 wrap") {
    const std::int64_t now = k2to32 - kDay;  // 2106-02-06T06:28:16Z
    const auto report = inspect(rrsig("@", "SOA", field(now + 2 * kDay), field(now - kDay)) +
                                    rrsig("@", "NS", field(now - 2 * kDay), field(now - 9 * kDay)) +
                                    rrsig("www", "A", field(now + 30 * kDay), field(now - kDay)) +
                                    "www A 192.0.2.2\n",
                                now);
    CHECK(report.expired == 1);        // NS, field just below 2^32
    CHECK(report.expiring_soon == 1);  // SOA, field wrapped to a small number
    REQUIRE(report.next_valid);
    CHECK(report.next_valid->covered == dns::RRType::SOA);
    CHECK(report.next_valid->expiration == now + 2 * kDay);
    CHECK(field(report.next_valid->expiration) < field(now));  // the field did wrap
  }
}
