#include <doctest/doctest.h>

#include <string>

#include "zone/record_list.hpp"
#include "zone/zone_check.hpp"
#include "zone/zone_dump.hpp"
#include "zone/zone_version.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {
std::vector<Diagnostic> check(std::string_view text, RecordList& rl, const ZoneLimits& limits = {}) {
  auto out = parse(text, rl);
  REQUIRE(out.ok());
  std::vector<Diagnostic> ds;
  check_zone(rl, name("example.com."), limits, out.files, ds);
  return ds;
}
}  // namespace

TEST_CASE("check: a clean zone has no findings") {
  RecordList rl;
  auto ds = check(std::string(kApex) + "www A 192.0.2.2\n", rl);
  CHECK(ds.empty());
}

TEST_CASE("check: SOA rules") {
  {
    RecordList rl;
    auto ds = check("$TTL 1\n@ NS ns1\nns1 A 192.0.2.1\n", rl);
    CHECK(find_diag(ds, "no SOA", Severity::Error) != nullptr);
  }
  {
    RecordList rl;
    auto ds = check(std::string(kApex) + "@ SOA ns2 h 2 2 3 4 5\n", rl);
    auto* e = find_diag(ds, "more than one SOA", Severity::Error);
    REQUIRE(e != nullptr);
    CHECK(e->line == 5);  // the second SOA
  }
  {
    RecordList rl;
    auto ds = check(std::string(kApex) + "sub SOA ns2 h 2 2 3 4 5\n", rl);
    auto* e = find_diag(ds, "not at the zone apex", Severity::Error);
    REQUIRE(e != nullptr);
    CHECK(e->line == 5);
  }
}

TEST_CASE("check: NS at the apex") {
  RecordList rl;
  auto ds = check("$TTL 1\n@ SOA ns h 1 2 3 4 5\n", rl);
  CHECK(find_diag(ds, "no NS records at the zone apex", Severity::Error) != nullptr);
}

TEST_CASE("check: CNAME and other data") {
  {
    RecordList rl;
    auto ds = check(std::string(kApex) + "c CNAME x\nc A 192.0.2.1\n", rl);
    auto* e = find_diag(ds, "CNAME and other data", Severity::Error);
    REQUIRE(e != nullptr);
    CHECK(e->message.find("c.example.com.") != std::string::npos);
    CHECK(e->line == 6);  // where the conflict appears, as named-compilezone says
    RecordList rl2;
    auto ds2 = check(std::string(kApex) + "c A 192.0.2.1\nc CNAME x\n", rl2);
    auto* e2 = find_diag(ds2, "CNAME and other data", Severity::Error);
    REQUIRE(e2 != nullptr);
    CHECK(e2->line == 6);
  }
  {
    RecordList rl;
    auto ds = check(std::string(kApex) + "c CNAME x\nc CNAME y\n", rl);
    CHECK(find_diag(ds, "more than one CNAME", Severity::Error) != nullptr);
  }
  {
    // RFC 4035 §2.5: RRSIG and NSEC may sit beside a CNAME.
    RecordList rl;
    auto ds = check(std::string(kApex) + "c CNAME x\nc NSEC d A\n", rl);
    CHECK(count(ds, Severity::Error) == 0);
  }
  {
    // Identical CNAMEs are merged, not two CNAMEs.
    RecordList rl;
    auto ds = check(std::string(kApex) + "c CNAME x\nc CNAME x\n", rl);
    CHECK(count(ds, Severity::Error) == 0);
  }
}

TEST_CASE("check: out-of-zone data") {
  RecordList rl;
  auto ds = check(std::string(kApex) + "www.example.org. A 192.0.2.1\n", rl);
  auto* e = find_diag(ds, "outside the zone", Severity::Error);
  REQUIRE(e != nullptr);
  CHECK(e->line == 5);
  CHECK(e->column == 1);
}

TEST_CASE("check: occluded data, glue, missing glue") {
  RecordList rl;
  auto ds = check(std::string(kApex) +
                      "sub NS ns.sub\n"
                      "sub NS ns.other.net.\n"
                      "ns.sub A 192.0.2.10\n"
                      "x.sub A 192.0.2.11\n"
                      "bare NS ns.bare\n"
                      "apexns NS nowhere\n",
                  rl);
  CHECK(count(ds, Severity::Error) == 0);
  auto* occ = find_diag(ds, "x.sub.example.com. A is occluded by the delegation at sub.example.com.",
                        Severity::Warning);
  REQUIRE(occ != nullptr);
  CHECK(occ->line == 8);
  CHECK(find_diag(ds, "ns.sub.example.com. A is occluded", Severity::Warning) == nullptr);
  CHECK(find_diag(ds, "ns.bare.example.com.: missing glue", Severity::Warning) != nullptr);
  CHECK(find_diag(ds, "nowhere.example.com.: the target has no A or AAAA", Severity::Warning) != nullptr);
}

TEST_CASE("check: in-zone NS target without address, DNAME occlusion") {
  RecordList rl;
  auto ds = check(std::string(kApex) + "@ NS ns2\nd DNAME other.net.\nx.d A 192.0.2.1\n", rl);
  CHECK(find_diag(ds, "ns2.example.com.: the target has no A or AAAA", Severity::Warning) != nullptr);
  CHECK(find_diag(ds, "occluded by the DNAME at d.example.com.", Severity::Warning) != nullptr);
}

TEST_CASE("check: an NS target below a DNAME is an error, as in BIND") {
  RecordList rl;
  auto ds = check(std::string(kApex) + "@ NS ns.d\nd DNAME other.net.\nns.d A 192.0.2.1\n", rl);
  auto* e = find_diag(ds, "NS ns.d.example.com. is below the DNAME at d.example.com.", Severity::Error);
  REQUIRE(e != nullptr);
  CHECK(e->line == 5);
  // The DNAME's own owner is not below it: an NS target there is fine.
  RecordList rl2;
  ds = check(std::string(kApex) + "@ NS d\nd DNAME other.net.\nd A 192.0.2.1\n", rl2);
  CHECK(find_diag(ds, "is below the DNAME", Severity::Error) == nullptr);
}

TEST_CASE("check: RRset TTL mismatch uses the first TTL, duplicates merged") {
  RecordList rl;
  auto ds = check(std::string(kApex) + "w 300 A 192.0.2.1\nw 700 A 192.0.2.2\nw 900 A 192.0.2.1\n", rl);
  auto* w = find_diag(ds, "TTL 700 differs from the RRset's TTL; using 300", Severity::Warning);
  REQUIRE(w != nullptr);
  CHECK(w->line == 6);  // where the differing TTL is, as named-compilezone says
  CHECK(rl.size() == 5);
  CHECK(rl[3].ttl == 300);
  CHECK(rl[4].ttl == 300);
}

TEST_CASE("check: RRSIG TTLs are unified per covered type only") {
  RecordList rl;
  auto ds = check(std::string(kApex) +
                      "w 300 RRSIG A 13 3 300 20300101000000 20200101000000 1 example.com. AAAA\n"
                      "w 60 RRSIG TXT 13 3 60 20300101000000 20200101000000 1 example.com. AAAA\n",
                  rl);
  CHECK(find_diag(ds, "differs from the RRset's TTL", Severity::Warning) == nullptr);
  REQUIRE(rl.size() == 5);
  CHECK(rl[3].ttl == 300);
  CHECK(rl[4].ttl == 60);
  CHECK(summarize(rl).is_signed());
}

TEST_CASE("record list: canonical order and dump") {
  RecordList rl;
  auto ds = check(std::string(kApex) +
                      "Z A 192.0.2.1\n"
                      "a A 192.0.2.2\n"
                      "yljkjljk.a A 192.0.2.3\n"
                      "*.z A 192.0.2.4\n"
                      "z.a A 192.0.2.5\n"
                      "\\001.z A 192.0.2.6\n"
                      "a MX 10 a\n"
                      "a A 192.0.2.1\n",
                  rl);
  std::string dump;
  dump_zone(rl, dump);
  // RFC 4034 §6.1 example order (lowercased), type order within a name, rdata
  // order; the apex SOA first.
  CHECK(dump ==
        "example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n"
        "example.com.\t3600\tIN\tNS\tns1.example.com.\n"
        "a.example.com.\t3600\tIN\tA\t192.0.2.1\n"
        "a.example.com.\t3600\tIN\tA\t192.0.2.2\n"
        "a.example.com.\t3600\tIN\tMX\t10 a.example.com.\n"
        "yljkjljk.a.example.com.\t3600\tIN\tA\t192.0.2.3\n"
        "z.a.example.com.\t3600\tIN\tA\t192.0.2.5\n"
        "ns1.example.com.\t3600\tIN\tA\t192.0.2.1\n"
        "z.example.com.\t3600\tIN\tA\t192.0.2.1\n"
        "\\001.z.example.com.\t3600\tIN\tA\t192.0.2.6\n"
        "*.z.example.com.\t3600\tIN\tA\t192.0.2.4\n");
  const auto s = summarize(rl);
  CHECK(s.records == 11);
  CHECK(s.names == 8);
  CHECK(s.rrsets == 10);
  CHECK_FALSE(s.is_signed());
}

TEST_CASE("dump: output larger than one chunk is complete") {
  RecordList rl;
  auto ds = check(std::string(kApex) + "$GENERATE 1-5000 host-$ A 10.0.0.1\n", rl);
  std::string dump;
  dump_zone(rl, dump);
  std::size_t lines = 0;
  for (char c : dump) lines += c == '\n';
  CHECK(dump.size() > 100000);
  CHECK(lines == 5003);
}

TEST_CASE("check: an RRset may hold at most 65535 records (RRset::count is 16 bits)") {
  // With max-records-per-type at its largest (zone_limits.hpp).
  const ZoneLimits largest{.max_records_per_type = kMaxRRsetRecords};
  {
    RecordList rl;
    auto ds = check(std::string(kApex) + "$GENERATE 1-65535 big TXT \"t$\"\n", rl, largest);
    CHECK(count(ds, Severity::Error) == 0);
  }
  {
    RecordList rl;
    auto ds = check(std::string(kApex) + "$GENERATE 0-65535 big TXT \"t$\"\nbig A 192.0.2.7\n", rl, largest);
    const Diagnostic* e = find_diag(ds, "big.example.com. TXT has more than 65535 records", Severity::Error);
    REQUIRE(e != nullptr);
    CHECK(e->line == 5);
    CHECK(count(ds, Severity::Error) == 1);
  }
}
