// Round trips over every good corpus zone (tests/data/zones/good/*.zone):
// each record's rdata survives presentation form, both the type's own and the
// RFC 3597 generic one, byte for byte; and a whole zone survives
// parse -> canonical dump -> parse with the same set of records.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.hpp"
#include "dns/rdata.hpp"
#include "dns/rrtype.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/tokenizer.hpp"
#include "zone/zone_dump.hpp"

namespace {

namespace fs = std::filesystem;
using zoned::dns::Name;
using zoned::dns::RRType;

// The corpus must not shrink unnoticed: an empty glob would pass every check.
constexpr std::size_t kMinGoodFiles = 10;

// Good files (named loads them) that our parser still rejects; the same list
// as KNOWN_MISMATCHES in tests/system/test_zone_corpus.py. Each must keep
// failing to parse: once fixed, this test says so and the entry must go.
// Empty now; keep the list for the next such file.
constexpr std::array<std::string_view, 0> kKnownRejected{};

bool known_rejected(const fs::path& file) {
  const auto name = file.filename().string();
  return std::find(std::begin(kKnownRejected), std::end(kKnownRejected), name) !=
         std::end(kKnownRejected);
}

struct CopiedRecord {
  std::vector<std::uint8_t> owner;
  RRType type{};
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;
  std::uint32_t line = 0;
};

class CopySink final : public zoned::zone::RecordSink {
 public:
  void on_record(const zoned::zone::ParsedRecord& rr) override {
    const auto w = rr.owner.wire();
    records.push_back({{w.begin(), w.end()}, rr.type, rr.ttl, {rr.rdata.begin(), rr.rdata.end()},
                       rr.pos.line});
  }
  std::vector<CopiedRecord> records;
};

std::vector<fs::path> good_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(ZONED_TEST_DATA) / "zones" / "good"))
    if (e.is_regular_file() && e.path().extension() == ".zone") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// "; origin: example.com." in the header comment, else the file name stem.
Name origin_of(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::string origin = file.stem().string() + ".";
  while (std::getline(in, line) && !line.empty() && line[0] == ';') {
    const std::string key = "; origin: ";
    if (line.rfind(key, 0) == 0) {
      origin = line.substr(key.size());
      while (!origin.empty() && (origin.back() == '\r' || origin.back() == ' ')) origin.pop_back();
      break;
    }
  }
  auto name = Name::parse(origin);
  REQUIRE_MESSAGE(name, "bad origin in " << file.string());
  return *name;
}

std::string diagnostics_text(const zoned::zone::ParseOutcome& outcome) {
  std::string s;
  for (const auto& d : outcome.diagnostics) s += d.to_string() + "\n";
  return s;
}

// Tokenizes one rdata presentation string the way the master-file parser
// does and parses it back to wire.
bool rdata_from_presentation(RRType type, const std::string& text, std::vector<std::uint8_t>& out,
                             std::string& why) {
  zoned::zone::Tokenizer tokenizer(text);
  std::vector<zoned::zone::Token> tokens;
  bool leading_blank = false;
  zoned::zone::TokenizerError terr;
  std::vector<zoned::dns::TextToken> rdata_tokens;
  for (;;) {
    const auto status = tokenizer.next(tokens, leading_blank, terr);
    if (status == zoned::zone::Tokenizer::Status::End) break;
    if (status == zoned::zone::Tokenizer::Status::Error) {
      why = "tokenizer: " + terr.message;
      return false;
    }
    for (const auto& t : tokens) rdata_tokens.push_back({t.text, t.quoted});
  }
  out.clear();
  const auto err = zoned::dns::rdata_from_text(type, rdata_tokens, Name(), out);
  if (err) {
    why = "token " + std::to_string(err->token) + ": " + err->message;
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("corpus: every good zone's rdata survives presentation form unchanged") {
  const auto files = good_files();
  REQUIRE(files.size() >= kMinGoodFiles);
  std::size_t checked = 0;
  for (const auto& file : files) {
    CAPTURE(file.string());
    zoned::zone::ParseOptions options;
    options.origin = origin_of(file);
    CopySink sink;
    const auto outcome = zoned::zone::parse_master_file(file, options, sink);
    if (known_rejected(file)) {
      CHECK_MESSAGE(!outcome.ok(), "now parses: remove it from kKnownRejected");
      continue;
    }
    // One broken file must not hide the others: report and go on.
    if (!outcome.ok()) {
      FAIL_CHECK(diagnostics_text(outcome));
      continue;
    }
    CHECK(!sink.records.empty());
    for (const auto& rr : sink.records) {
      const std::string type_name = zoned::dns::type_to_text(rr.type);
      CAPTURE(rr.line);
      CAPTURE(type_name);

      std::string text;
      zoned::dns::rdata_to_text(rr.type, rr.rdata, text);
      CAPTURE(text);
      std::vector<std::uint8_t> again;
      std::string why;
      CHECK_MESSAGE(rdata_from_presentation(rr.type, text, again, why), why);
      CHECK(again == rr.rdata);

      std::string generic;
      zoned::dns::rdata_to_generic_text(rr.rdata, generic);
      CAPTURE(generic);
      CHECK_MESSAGE(rdata_from_presentation(rr.type, generic, again, why), why);
      CHECK(again == rr.rdata);
      ++checked;
    }
  }
  MESSAGE("rdata round trips checked: " << checked);
}

TEST_CASE("corpus: parse -> canonical dump -> parse gives the same records") {
  const auto files = good_files();
  REQUIRE(files.size() >= kMinGoodFiles);
  for (const auto& file : files) {
    CAPTURE(file.string());
    zoned::zone::ParseOptions options;
    options.origin = origin_of(file);

    zoned::zone::RecordList first;
    const auto outcome = zoned::zone::parse_master_file(file, options, first);
    if (known_rejected(file)) continue;  // checked by the test above
    if (!outcome.ok()) {
      FAIL_CHECK(diagnostics_text(outcome));
      continue;
    }
    first.sort();

    std::string dumped;
    zoned::zone::dump_zone(first, dumped);
    CHECK(!dumped.empty());

    zoned::zone::RecordList second;
    const auto reparsed = zoned::zone::parse_master_text(dumped, "dump", options, second);
    if (!reparsed.ok()) {
      FAIL_CHECK(diagnostics_text(reparsed) << "dump was:\n" << dumped);
      continue;
    }
    second.sort();

    CHECK(first.size() == second.size());
    if (first.size() != second.size()) continue;
    for (std::size_t i = 0; i < first.size(); ++i) {
      const auto& a = first[i];
      const auto& b = second[i];
      CAPTURE(i);
      CAPTURE(a.pos.line);
      const auto ow_a = first.owner_wire(a), ow_b = second.owner_wire(b);
      CHECK(std::equal(ow_a.begin(), ow_a.end(), ow_b.begin(), ow_b.end()));
      CHECK(a.type == b.type);
      CHECK(a.rclass == b.rclass);
      CHECK(a.ttl == b.ttl);
      const auto rd_a = first.rdata(a), rd_b = second.rdata(b);
      CHECK(std::equal(rd_a.begin(), rd_a.end(), rd_b.begin(), rd_b.end()));
    }
  }
}
