// zone_load_bench: how long a zone takes to become answerable, how much memory
// it holds, and how fast lookups run over it. Not a test: run by
// bench/load_bench.sh, never in CI.
//
//   zone_load_bench [--seconds S] ORIGIN FILE [DATABASE]
//
// Each phase runs in its own forked child so that each peak RSS (getrusage
// ru_maxrss) belongs to that phase alone:
//   file    parse FILE + check_zone (sorts) + ZoneVersion::build
//   sqlite  load_zone(DATABASE) + check_zone + ZoneVersion::build (DATABASE
//           must already hold the zone: zonectl import ORIGIN FILE DATABASE)
//   lookup  single-threaded lookup() over a fixed mix of query names built
//           from the zone: hits, NXDOMAIN, wildcard hits and referrals.
// Output: one "key=value ..." line per phase, for load_bench.py to read.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "zone/checked_zone.hpp"
#include "zone/lookup.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/zone_check.hpp"
#include "zone/zone_version.hpp"

namespace {

using zoned::dns::Name;
using zoned::dns::RRType;
using zoned::zone::LookupResult;
using zoned::zone::ZoneVersion;
using Clock = std::chrono::steady_clock;

constexpr double kDefaultLookupSeconds = 5.0;
constexpr std::size_t kQueryCount = 1u << 16;  // distinct query names, cycled
constexpr std::size_t kClockCheckEvery = 4096;  // lookups between clock reads
constexpr std::uint32_t kQuerySeed = 20240101;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Peak resident set of this process, MiB (Linux reports ru_maxrss in KiB).
double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// Current resident set (VmRSS), MiB: what the loaded zone keeps once the
// load's temporaries are gone, comparable to a server's steady state.
double current_rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0.0;
}

void print_diagnostics(const std::vector<zoned::zone::Diagnostic>& diags) {
  std::size_t shown = 0;
  for (const auto& d : diags) {
    if (d.severity != zoned::zone::Severity::Error) continue;
    if (++shown > 5) break;
    std::fprintf(stderr, "%s\n", d.to_string().c_str());
  }
}

// Parse (or read from SQLite), check and build; nullptr on any error.
std::unique_ptr<const ZoneVersion> load(const Name& origin, const std::string& file,
                                        const std::string* database, std::size_t& records_out) {
  zoned::zone::ParseOptions options;
  options.origin = origin;
  auto checked = std::make_unique<zoned::zone::CheckedZone>(
      database == nullptr ? zoned::zone::load_master_file(file, options, zoned::zone::ZoneLimits{})
                          : zoned::zone::load_sqlite_zone(*database, origin, zoned::zone::ZoneLimits{}));
  if (checked->read_error) {
    std::fprintf(stderr, "%s\n", checked->read_error->c_str());
    return nullptr;
  }
  if (!checked->ok()) {
    print_diagnostics(checked->diagnostics);
    return nullptr;
  }
  records_out = checked->records.size();
  auto version = ZoneVersion::build(checked->records, origin);
  return version;  // `checked` (the records) is freed here, as a server would free it
}

int run_load(const Name& origin, const std::string& file, const std::string* database) {
  const auto start = Clock::now();
  std::size_t records = 0;
  auto version = load(origin, file, database, records);
  const double secs = seconds_since(start);
  if (!version) return 1;
  std::printf("phase=%s seconds=%.3f peak_rss_mib=%.1f rss_mib=%.1f records=%zu nodes=%zu\n",
              database == nullptr ? "file" : "sqlite", secs, peak_rss_mib(), current_rss_mib(),
              records, version->node_count());
  return 0;
}

// A name made of `label` prepended to `parent`; false past 255 octets.
bool with_label(const Name& parent, const std::string& label, Name& out) {
  std::vector<std::uint8_t> wire;
  wire.push_back(static_cast<std::uint8_t>(label.size()));
  wire.insert(wire.end(), label.begin(), label.end());
  auto r = parent.prepend(wire);
  if (!r) return false;
  out = *r;
  return true;
}

struct Query {
  Name name;
  RRType type;
};

// The fixed mix: 40% hits (an existing A or AAAA set), 20% NXDOMAIN, 20%
// wildcard hits (a fresh label under a wildcard's parent), 20% referrals (a
// name below a zone cut). Drawn with a fixed seed, so runs are comparable.
std::vector<Query> make_queries(const ZoneVersion& version) {
  std::vector<const zoned::zone::Node*> hits, wildcards, cuts;
  version.for_each_node([&](const zoned::zone::Node& n) {
    if (n.has(zoned::zone::node_flag::kOccluded)) return;
    if (n.has(zoned::zone::node_flag::kWildcard)) {
      wildcards.push_back(&n);
    } else if (n.has(zoned::zone::node_flag::kDelegation)) {
      cuts.push_back(&n);
    } else if (n.find(RRType::A) != nullptr || n.find(RRType::AAAA) != nullptr) {
      hits.push_back(&n);
    }
  });
  std::fprintf(stderr, "query sources: %zu hit names, %zu wildcards, %zu cuts\n", hits.size(),
               wildcards.size(), cuts.size());
  std::mt19937 rng(kQuerySeed);
  auto pick = [&](const std::vector<const zoned::zone::Node*>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  std::vector<Query> out;
  out.reserve(kQueryCount);
  for (std::size_t i = 0; out.size() < kQueryCount; ++i) {
    const std::size_t slot = i % 10;
    Query q{Name(), RRType::A};
    if (slot < 4 || (wildcards.empty() && slot < 6) || (cuts.empty() && slot >= 8)) {
      if (hits.empty()) continue;
      const auto* n = pick(hits);
      q.name = n->owner_name();
      q.type = n->find(RRType::A) != nullptr ? RRType::A : RRType::AAAA;
    } else if (slot < 6) {
      const Name parent = pick(wildcards)->owner_name().parent(1);
      if (!with_label(parent, "q" + std::to_string(i), q.name)) continue;
    } else if (slot < 8) {
      if (!with_label(version.origin(), "nx" + std::to_string(i), q.name)) continue;
    } else {
      if (!with_label(pick(cuts)->owner_name(), "www", q.name)) continue;
    }
    out.push_back(q);
  }
  return out;
}

int run_lookups(const Name& origin, const std::string& file, double seconds) {
  std::size_t records = 0;
  auto version = load(origin, file, nullptr, records);
  if (!version) return 1;
  const auto queries = make_queries(*version);

  // One pass to report the mix actually produced (catches a zone without
  // wildcards or cuts silently turning the mix into hits).
  std::array<std::size_t, 16> kinds{};
  for (const auto& q : queries) {
    ++kinds[static_cast<std::size_t>(zoned::zone::lookup(*version, q.name, q.type).kind)];
  }
  using K = LookupResult::Kind;
  auto count = [&](K k) { return kinds[static_cast<std::size_t>(k)]; };

  std::uint64_t done = 0;
  std::uintptr_t sink = 0;  // keeps the results observable
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (std::size_t i = 0; i < kClockCheckEvery; ++i) {
      const Query& q = queries[(done + i) % queries.size()];
      const LookupResult r = zoned::zone::lookup(*version, q.name, q.type);
      sink += reinterpret_cast<std::uintptr_t>(r.node) + static_cast<std::uintptr_t>(r.kind);
    }
    done += kClockCheckEvery;
    elapsed = seconds_since(start);
  }
  std::printf(
      "phase=lookup lookups=%llu seconds=%.3f lookups_per_s=%.0f ns_per_lookup=%.1f "
      "answer=%zu nxdomain=%zu wildcard=%zu referral=%zu other=%zu sink=%zu\n",
      static_cast<unsigned long long>(done), elapsed, static_cast<double>(done) / elapsed,
      elapsed * 1e9 / static_cast<double>(done), count(K::Answer), count(K::NxDomain),
      count(K::WildcardAnswer), count(K::Referral),
      queries.size() - count(K::Answer) - count(K::NxDomain) - count(K::WildcardAnswer) -
          count(K::Referral),
      static_cast<std::size_t>(sink & 0xff));
  return 0;
}

// Runs fn in a child process; its exit status becomes ours.
template <class Fn>
int in_child(Fn&& fn) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }
  if (pid == 0) {
    const int rc = fn();
    std::fflush(stdout);
    std::_Exit(rc);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int usage() {
  std::fprintf(stderr, "usage: zone_load_bench [--seconds S] ORIGIN FILE [DATABASE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = kDefaultLookupSeconds;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::strtod(argv[++i], nullptr);
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return usage();
    } else {
      args.emplace_back(argv[i]);
    }
  }
  if (args.size() < 2 || args.size() > 3 || !(seconds > 0)) return usage();
  auto origin = Name::parse(args[0]);
  if (!origin) {
    std::fprintf(stderr, "bad origin: %s\n", origin.error().c_str());
    return 2;
  }
  const Name apex = origin->lowercased();
  const std::string file = args[1];

  int rc = in_child([&] { return run_load(apex, file, nullptr); });
  if (rc == 0 && args.size() == 3) {
    rc = in_child([&] { return run_load(apex, file, &args[2]); });
  }
  if (rc == 0) rc = in_child([&] { return run_lookups(apex, file, seconds); });
  return rc;
}
