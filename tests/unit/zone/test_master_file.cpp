#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

std::string owner_text(const RecordList& rl, std::size_t i) {
  return rl.owner_name(rl[i]).to_text();
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/zoned-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& rel, std::string_view text) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};

}  // namespace

TEST_CASE("master: owners, @, relative names, inheritance") {
  RecordList rl;
  auto out = parse(std::string(kApex) + "www A 192.0.2.2\n  AAAA 2001:db8::1\nabs.example.com. A 192.0.2.3\n", rl);
  REQUIRE(out.ok());
  REQUIRE(rl.size() == 6);
  CHECK(owner_text(rl, 0) == "example.com.");
  CHECK(owner_text(rl, 3) == "www.example.com.");
  CHECK(owner_text(rl, 4) == "www.example.com.");
  CHECK(rl[4].type == dns::RRType::AAAA);
  CHECK(owner_text(rl, 5) == "abs.example.com.");
}

TEST_CASE("master: a blank-led first record has no owner") {
  RecordList rl;
  auto out = parse("$TTL 60\n   A 192.0.2.1\n", rl);
  CHECK_FALSE(out.ok());
  REQUIRE(out.diagnostics.size() == 1);
  CHECK(out.diagnostics[0].line == 2);
  CHECK(out.diagnostics[0].column == 4);
}

TEST_CASE("master: TTL and class in either order, TTL units") {
  RecordList rl;
  auto out = parse(std::string(kApex) +
                       "a 1h30m IN A 192.0.2.1\n"
                       "b IN 1W2d A 192.0.2.1\n"
                       "c in 90s a 192.0.2.1\n"
                       "d 10M A 192.0.2.1\n",
                   rl);
  REQUIRE(out.ok());
  REQUIRE(rl.size() == 7);
  CHECK(rl[3].ttl == 5400);
  CHECK(rl[4].ttl == 9 * 86400);
  CHECK(rl[5].ttl == 90);
  CHECK(rl[6].ttl == 600);
}

TEST_CASE("master: bad TTL and TTL above 2^31-1") {
  RecordList rl;
  auto out = parse(std::string(kApex) + "a 1x A 192.0.2.1\nb 4294967295 A 192.0.2.1\nc 1h30 A 192.0.2.1\n", rl);
  auto* e2 = find_diag(out.diagnostics, "bad TTL '1h30'", Severity::Error);
  REQUIRE(e2 != nullptr);
  CHECK(e2->line == 7);
  auto* e = find_diag(out.diagnostics, "bad TTL '1x'", Severity::Error);
  REQUIRE(e != nullptr);
  CHECK(e->line == 5);
  CHECK(e->column == 3);
  auto* w = find_diag(out.diagnostics, "above 2^31-1", Severity::Warning);
  REQUIRE(w != nullptr);
  REQUIRE(rl.size() == 4);
  CHECK(rl[3].ttl == 0);
}

TEST_CASE("master: default TTL rules (BIND compatible)") {
  SUBCASE("$TTL wins") {
    RecordList rl;
    REQUIRE(parse("$TTL 99\n@ SOA ns h 1 2 3 4 5\nx A 192.0.2.1\n", rl).ok());
    CHECK(rl[0].ttl == 99);
    CHECK(rl[1].ttl == 99);
  }
  SUBCASE("no $TTL: SOA MINIMUM becomes the default, with a warning") {
    RecordList rl;
    auto out = parse("@ SOA ns h 1 2 3 4 300\nx 600 A 192.0.2.1\ny A 192.0.2.1\n", rl);
    REQUIRE(out.ok());
    CHECK(find_diag(out.diagnostics, "SOA MINIMUM", Severity::Warning) != nullptr);
    CHECK(rl[0].ttl == 300);
    CHECK(rl[1].ttl == 600);
    CHECK(rl[2].ttl == 300);
  }
  SUBCASE("no $TTL, explicit TTL first: the last explicit TTL is used") {
    RecordList rl;
    REQUIRE(parse("@ 500 SOA ns h 1 2 3 4 300\nx 600 A 192.0.2.1\ny A 192.0.2.1\n", rl).ok());
    CHECK(rl[2].ttl == 600);
  }
  SUBCASE("nothing at all: error") {
    RecordList rl;
    auto out = parse("x A 192.0.2.1\n", rl);
    CHECK(find_diag(out.diagnostics, "no TTL", Severity::Error) != nullptr);
  }
}

TEST_CASE("master: $ORIGIN is relative to the current origin") {
  RecordList rl;
  auto out = parse(std::string(kApex) + "$ORIGIN sub\nwww A 192.0.2.9\n$ORIGIN other.example.com.\n@ A 192.0.2.8\n", rl);
  REQUIRE(out.ok());
  CHECK(owner_text(rl, 3) == "www.sub.example.com.");
  CHECK(owner_text(rl, 4) == "other.example.com.");
}

TEST_CASE("master: class other than the zone's is an error") {
  RecordList rl;
  auto out = parse(std::string(kApex) + "a CH A 192.0.2.1\n", rl);
  auto* e = find_diag(out.diagnostics, "class CH", Severity::Error);
  REQUIRE(e != nullptr);
  CHECK(e->line == 5);
}

TEST_CASE("master: error positions and several errors reported") {
  RecordList rl;
  auto out = parse(std::string(kApex) +
                       "a FOO 1\n"          // line 5
                       "b A 999.1.1.1\n"    // line 6
                       "c MX 10\n"          // line 7: missing exchange
                       "d 60 \"x\" A\n"     // line 8
                       "ok A 192.0.2.7\n",
                   rl);
  CHECK_FALSE(out.ok());
  auto* e1 = find_diag(out.diagnostics, "unknown RR type 'FOO'", Severity::Error);
  REQUIRE(e1 != nullptr);
  CHECK(e1->line == 5);
  CHECK(e1->column == 3);
  CHECK(e1->to_string() == "test.zone:5:3: error: unknown RR type 'FOO'");
  auto* e2 = find_diag(out.diagnostics, "A rdata", Severity::Error);
  REQUIRE(e2 != nullptr);
  CHECK(e2->line == 6);
  CHECK(e2->column == 5);
  auto* e3 = find_diag(out.diagnostics, "MX rdata", Severity::Error);
  REQUIRE(e3 != nullptr);
  CHECK(e3->line == 7);
  CHECK(e3->column == 8);  // just after the last token
  auto* e4 = find_diag(out.diagnostics, "expected a TTL or class or type, found 'x'", Severity::Error);
  REQUIRE(e4 != nullptr);
  CHECK(e4->line == 8);
  CHECK(e4->column == 6);
  CHECK(count(out.diagnostics, Severity::Error) == 4);
  CHECK(rl.size() == 4);  // the good record after the errors was still read
}

TEST_CASE("master: max_errors stops parsing") {
  RecordList rl;
  std::string text(kApex);
  for (int i = 0; i < 50; ++i) text += "x FOO 1\n";
  ParseOptions opt;
  opt.max_errors = 5;
  auto out = parse(text, rl, "example.com.", opt);
  CHECK(count(out.diagnostics, Severity::Error) == 5);
}

TEST_CASE("master: unclosed parenthesis error names where it opened") {
  RecordList rl;
  auto out = parse("$TTL 1\n@ SOA ns h (\n 1 2 3 4 5\n", rl);
  REQUIRE(out.diagnostics.size() == 1);
  CHECK(out.diagnostics[0].line == 2);
  CHECK(out.diagnostics[0].column == 12);
}

TEST_CASE("master: $GENERATE") {
  RecordList rl;
  auto out = parse(std::string(kApex) +
                       "$GENERATE 1-3 host-$ A 10.0.0.$\n"
                       "$GENERATE 0-4/2 ${10,3,x} 60 IN CNAME h$\n",
                   rl);
  REQUIRE(out.ok());
  REQUIRE(rl.size() == 9);
  CHECK(owner_text(rl, 3) == "host-1.example.com.");
  CHECK(owner_text(rl, 5) == "host-3.example.com.");
  CHECK(owner_text(rl, 6) == "00a.example.com.");
  CHECK(owner_text(rl, 8) == "00e.example.com.");
  CHECK(rl[8].ttl == 60);
  CHECK(rl[8].type == dns::RRType::CNAME);

  RecordList rl2;
  auto out2 = parse(std::string(kApex) + "$GENERATE 1-3 h$ A 10.0.0.${0,3,d}\n", rl2);
  auto* e = find_diag(out2.diagnostics, "A rdata", Severity::Error);
  REQUIRE(e != nullptr);
  CHECK(e->line == 5);
  CHECK(count(out2.diagnostics, Severity::Error) == 1);  // one report per line

  RecordList rl3;
  auto out3 = parse(std::string(kApex) + "$GENERATE 0-2000000 h$ A 10.0.0.1\n", rl3);
  CHECK(find_diag(out3.diagnostics, "limit", Severity::Error) != nullptr);

  RecordList rl4;
  ParseOptions small;
  small.max_generated_records = 4;
  auto out4 = parse(std::string(kApex) + "$GENERATE 1-3 a$ A 10.0.0.1\n$GENERATE 1-3 b$ A 10.0.0.1\n",
                    rl4, "example.com.", small);
  auto* e4 = find_diag(out4.diagnostics, "total above the limit of 4", Severity::Error);
  REQUIRE(e4 != nullptr);
  CHECK(e4->line == 6);
  CHECK(rl4.size() == 6);
}

TEST_CASE("master: unknown directive and bad usage") {
  RecordList rl;
  auto out = parse(std::string(kApex) + "$FOO bar\n$TTL\n", rl);
  CHECK(find_diag(out.diagnostics, "unknown directive '$FOO'", Severity::Error) != nullptr);
  CHECK(find_diag(out.diagnostics, "usage: $TTL", Severity::Error) != nullptr);
}

TEST_CASE("master: $INCLUDE relative to the including file, origin and TTL restored") {
  TempDir dir;
  dir.write("main.zone", std::string(kApex) +
                             "$INCLUDE sub/part.zone sub.example.com.\n"
                             "after A 192.0.2.50\n");
  dir.write("sub/part.zone", "$TTL 7\nwww A 192.0.2.40\n$INCLUDE deeper.zone\n");
  dir.write("sub/deeper.zone", "deep A 192.0.2.41\n");
  RecordList rl;
  ParseOptions opt;
  opt.origin = name("example.com.");
  auto out = parse_master_file(dir.path / "main.zone", opt, rl);
  for (const auto& d : out.diagnostics) MESSAGE(d.to_string());
  REQUIRE(out.ok());
  REQUIRE(rl.size() == 6);
  CHECK(owner_text(rl, 3) == "www.sub.example.com.");
  CHECK(rl[3].ttl == 7);
  CHECK(owner_text(rl, 4) == "deep.sub.example.com.");
  CHECK(owner_text(rl, 5) == "after.example.com.");
  CHECK(rl[5].ttl == 3600);
  CHECK(out.files.size() == 3);
  CHECK(rl[4].pos.file == 2);
  CHECK(rl[4].pos.line == 1);
}

TEST_CASE("master: $INCLUDE loop, depth limit, missing file, disabled") {
  TempDir dir;
  dir.write("a.zone", "$TTL 1\n$INCLUDE b.zone\n");
  dir.write("b.zone", "$INCLUDE a.zone\n");
  ParseOptions opt;
  opt.origin = name("example.com.");
  {
    RecordList rl;
    auto out = parse_master_file(dir.path / "a.zone", opt, rl);
    auto* e = find_diag(out.diagnostics, "$INCLUDE loop", Severity::Error);
    REQUIRE(e != nullptr);
    CHECK(e->line == 1);
    CHECK(e->column == 10);
  }
  dir.write("self.zone", "$INCLUDE self.zone\n");
  {
    RecordList rl;
    auto out = parse_master_file(dir.path / "self.zone", opt, rl);
    CHECK(find_diag(out.diagnostics, "$INCLUDE loop", Severity::Error) != nullptr);
  }
  dir.write("d0.zone", "$INCLUDE d1.zone\n");
  dir.write("d1.zone", "$INCLUDE d2.zone\n");
  dir.write("d2.zone", "$INCLUDE d3.zone\n");
  dir.write("d3.zone", "x 1 A 192.0.2.1\n");
  {
    RecordList rl;
    ParseOptions o2 = opt;
    o2.max_include_depth = 2;
    auto out = parse_master_file(dir.path / "d0.zone", o2, rl);
    CHECK(find_diag(out.diagnostics, "nested deeper", Severity::Error) != nullptr);
    o2.max_include_depth = 3;
    RecordList rl2;
    CHECK(parse_master_file(dir.path / "d0.zone", o2, rl2).ok());
    CHECK(rl2.size() == 1);
  }
  {
    RecordList rl;
    auto out = parse_master_file(dir.path / "nope.zone", opt, rl);
    CHECK_FALSE(out.ok());
    ParseOptions o3 = opt;
    o3.allow_include = false;
    RecordList rl2;
    auto out2 = parse_master_file(dir.path / "d0.zone", o3, rl2);
    CHECK(find_diag(out2.diagnostics, "not allowed", Severity::Error) != nullptr);
  }
}
