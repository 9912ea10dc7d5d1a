#pragma once
// Helpers for the zone tests: parse text into a RecordList or a ZoneVersion,
// find diagnostics.
// Test files use them unqualified (`using namespace zoned::zone::test;`).
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_version.hpp"

namespace zoned::zone::test {

inline dns::Name name(std::string_view text) { return dns::Name::parse(text).value(); }

inline ParseOutcome parse(std::string_view text, RecordList& rl,
                          std::string_view origin = "example.com.", ParseOptions opt = {}) {
  opt.origin = name(origin);
  return parse_master_text(text, "test.zone", opt, rl);
}

inline const Diagnostic* find_diag(const std::vector<Diagnostic>& ds, std::string_view needle,
                                   Severity sev) {
  for (const auto& d : ds)
    if (d.severity == sev && d.message.find(needle) != std::string::npos) return &d;
  return nullptr;
}

inline std::size_t count(const std::vector<Diagnostic>& ds, Severity sev) {
  std::size_t n = 0;
  for (const auto& d : ds) n += d.severity == sev;
  return n;
}

// A version of the zone in `text`, which must parse without errors.
inline std::unique_ptr<const ZoneVersion> build_zone(std::string_view text, std::string_view origin) {
  RecordList rl;
  auto out = parse(text, rl, origin);
  REQUIRE(count(out.diagnostics, Severity::Error) == 0);
  rl.sort();
  return ZoneVersion::build(rl, name(origin));
}

// A fresh path in the temporary directory, "zoned-test-TAG-PID-N SUFFIX",
// removed at scope exit together with SQLite's -wal, -shm and -journal files.
class TempPath {
 public:
  TempPath(std::string_view tag, std::string_view suffix) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("zoned-test-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter++) + std::string(suffix));
    remove_all();
  }
  ~TempPath() { remove_all(); }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  void remove_all() const {
    std::error_code ec;
    for (const char* tail : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path_.string() + tail, ec);
  }
  std::filesystem::path path_;
};

constexpr std::string_view kApex =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.1\n";

}  // namespace zoned::zone::test
