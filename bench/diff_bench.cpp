// diff_bench: how fast a small change to a large zone gets published. Not a
// test: run by hand (bench/README.md), never in CI.
//
//   diff_bench [--records N] [--rounds R]            a generated zone of N records
//   diff_bench [--rounds R] ORIGIN FILE              a master file (bench/gen_zone.py output)
//
// Builds the zone once, publishes it in a ZoneSet, then per round applies four
// 1-record diffs to the current version and publishes each result (add one
// record, remove one, change the TTL of a one-record RRset, add a delegation),
// timing apply_diff + publish + reclaim of the old version. Also times
// compute_diff between two versions that differ by one record, and a full
// ZoneVersion::build for comparison. Reports medians in milliseconds and the
// heap memory each new version adds while older ones are still alive.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "dns/soa.hpp"
#include "zone/diff.hpp"
#include "zone/master_file.hpp"
#include "zone/qsbr.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_set.hpp"
#include "zone/zone_version.hpp"

namespace {

using zoned::dns::Name;
using zoned::dns::RRClass;
using zoned::dns::RRType;
using zoned::zone::Diff;
using zoned::zone::DiffRecord;
using zoned::zone::RecordList;
using zoned::zone::ZoneVersion;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kDefaultRecords = 1'000'000;
constexpr std::size_t kDefaultRounds = 15;
constexpr std::size_t kLargeDiffSets = 10'000;
constexpr double kTargetMs = 50.0;          // target for a 1-record publish (bench/README.md)
constexpr char kGeneratedOrigin[] = "bench.example.";

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Resident set in KiB (/proc/self/statm counts pages).
long rss_kib() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

Name must_parse(std::string_view text) {
  auto n = Name::parse(text);
  if (!n) {
    std::fprintf(stderr, "bad name %.*s: %s\n", static_cast<int>(text.size()), text.data(), n.error().c_str());
    std::exit(2);
  }
  return n->lowercased();
}

Bytes wire_of(const Name& n) { return {n.wire().begin(), n.wire().end()}; }

Bytes ipv4(std::uint32_t address) {
  return {static_cast<std::uint8_t>(address >> 24), static_cast<std::uint8_t>(address >> 16),
          static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address)};
}

// A zone of about `records` records in bench/gen_zone.py's mix: per 20
// names one delegation (2 NS + 2 glue A), the rest A, with AAAA, MX and TXT
// on some of them.
void generate(std::size_t records, const Name& origin, RecordList& rl) {
  auto name = [&](const std::string& relative) { return must_parse(relative + "." + origin.to_text()); };
  Bytes soa = wire_of(name("ns1"));
  const Bytes rname = wire_of(name("hostmaster"));
  soa.insert(soa.end(), rname.begin(), rname.end());
  for (std::uint32_t v : {2024010101u, 7200u, 3600u, 1209600u, 300u}) {
    const Bytes b = ipv4(v);
    soa.insert(soa.end(), b.begin(), b.end());
  }
  rl.add(origin, RRType::SOA, RRClass::IN, 3600, soa);
  rl.add(origin, RRType::NS, RRClass::IN, 3600, wire_of(name("ns1")));
  rl.add(origin, RRType::A, RRClass::IN, 3600, ipv4(0xc0000201));
  rl.add(name("ns1"), RRType::A, RRClass::IN, 3600, ipv4(0xc0000201));
  Bytes aaaa(16, 0);
  aaaa[0] = 0x20, aaaa[1] = 0x01, aaaa[2] = 0x0d, aaaa[3] = 0xb8;
  const Bytes mx_target = wire_of(name("ns1"));
  for (std::uint32_t i = 1; rl.size() < records; ++i) {
    const std::string number = std::to_string(i);
    if (i % 20 == 19) {
      const std::string d = std::string(1, 'd').append(number);
      for (const char* ns : {"ns1.", "ns2."}) {
        rl.add(name(d), RRType::NS, RRClass::IN, 86400, wire_of(name(ns + d)));
        rl.add(name(ns + d), RRType::A, RRClass::IN, 86400, ipv4(0xc6330000 + i));
      }
      continue;
    }
    const Name owner = name(std::string(1, 'h').append(number));
    rl.add(owner, RRType::A, RRClass::IN, 300, ipv4(0x0a000000 + i));
    if (i % 3 == 0) {
      aaaa[12] = static_cast<std::uint8_t>(i >> 24), aaaa[13] = static_cast<std::uint8_t>(i >> 16);
      aaaa[14] = static_cast<std::uint8_t>(i >> 8), aaaa[15] = static_cast<std::uint8_t>(i);
      rl.add(owner, RRType::AAAA, RRClass::IN, 300, aaaa);
    }
    if (i % 10 == 1) {
      Bytes mx{0, 10};
      mx.insert(mx.end(), mx_target.begin(), mx_target.end());
      rl.add(owner, RRType::MX, RRClass::IN, 3600, mx);
    }
    if (i % 10 == 2) {
      const std::string text = "v=spf1 ip4:10.0.0." + std::to_string(i % 256) + " -all";
      Bytes txt{static_cast<std::uint8_t>(text.size())};
      txt.insert(txt.end(), text.begin(), text.end());
      rl.add(owner, RRType::TXT, RRClass::IN, 3600, txt);
    }
  }
}

bool load_file(const Name& origin, const std::string& path, RecordList& rl) {
  zoned::zone::ParseOptions options;
  options.origin = origin;
  auto outcome = zoned::zone::parse_master_file(path, options, rl);
  if (outcome.ok()) return true;
  for (const auto& d : outcome.diagnostics)
    if (d.severity == zoned::zone::Severity::Error) {
      std::fprintf(stderr, "%s\n", d.to_string().c_str());
      break;
    }
  return false;
}

DiffRecord record(const Name& owner, RRType type, std::uint32_t ttl, Bytes rdata) {
  DiffRecord r;
  r.owner = wire_of(owner);
  r.type = type;
  r.ttl = ttl;
  r.rdata = std::move(rdata);
  return r;
}

// A diff of `v` that changes nothing but the SOA serial (+1).
Diff next_serial(const ZoneVersion& v) {
  Diff d = zoned::zone::compute_diff(v, v);
  auto& rd = d.new_soa.rdata;
  (void)zoned::dns::write_soa_serial(rd, zoned::dns::read_soa(rd).value_or(zoned::dns::SoaFields{}).serial + 1);
  return d;
}

// The `n`-th node (canonical order, skipping the apex) with a one-record A
// set: something to remove or re-time that the zone surely holds.
const zoned::zone::Node* node_with_single_a(const ZoneVersion& v, std::size_t n) {
  const zoned::zone::Node* found = nullptr;
  std::size_t seen = 0;
  v.for_each_node([&](const zoned::zone::Node& node) {
    if (found != nullptr || node.has(zoned::zone::node_flag::kApex)) return;
    const auto* a = node.find(RRType::A);
    if (a != nullptr && a->count == 1 && !node.has(zoned::zone::node_flag::kOccluded) && seen++ == n)
      found = &node;
  });
  return found;
}

Bytes first_rdata(const zoned::zone::RRset& s) {
  Bytes out;
  s.for_each_rdata([&](std::span<const std::uint8_t> rd) {
    if (out.empty()) out.assign(rd.begin(), rd.end());
  });
  return out;
}

enum class Change { kAddOne, kRemoveOne, kChangeTtl, kAddDelegation };
constexpr std::array kChanges{Change::kAddOne, Change::kRemoveOne, Change::kChangeTtl, Change::kAddDelegation};
constexpr std::array<const char*, 4> kChangeNames{"add one A", "remove one A", "change one TTL",
                                                  "add a delegation (1 NS)"};

Diff make_change(const ZoneVersion& v, Change change, std::size_t round) {
  Diff d = next_serial(v);
  const Name& origin = v.origin();
  const std::string tag = std::to_string(round);
  switch (change) {
    case Change::kAddOne:
      d.added.push_back(record(must_parse("added-" + tag + "." + origin.to_text()), RRType::A, 300, ipv4(0xc0000200)));
      break;
    case Change::kRemoveOne:
    case Change::kChangeTtl: {
      // Spread over the zone: a different node, in a different page, each round.
      const auto* node = node_with_single_a(v, 1000 + round * 37'813);
      if (node == nullptr) node = node_with_single_a(v, round);
      if (node == nullptr) {
        std::fprintf(stderr, "no node with a single A record\n");
        std::exit(1);
      }
      const auto* a = node->find(RRType::A);
      DiffRecord old_a = record(node->owner_name(), RRType::A, a->ttl, first_rdata(*a));
      if (change == Change::kChangeTtl) {
        DiffRecord new_a = old_a;
        new_a.ttl = a->ttl + 1;
        d.added.push_back(std::move(new_a));
      }
      d.removed.push_back(std::move(old_a));
      break;
    }
    case Change::kAddDelegation: {
      const Name cut = must_parse("deleg-" + tag + "." + origin.to_text());
      d.added.push_back(record(cut, RRType::NS, 86400, wire_of(must_parse("ns.example.net."))));
      break;
    }
  }
  return d;
}

struct Options {
  std::size_t records = kDefaultRecords;
  std::size_t rounds = kDefaultRounds;
  std::string origin = kGeneratedOrigin;
  std::string file;
};

Options parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--records" || arg == "--rounds") && i + 1 < argc) {
      (arg == "--records" ? o.records : o.rounds) = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: diff_bench [--records N] [--rounds R] [ORIGIN FILE]\n");
      std::exit(2);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() == 2) {
    o.origin = positional[0];
    o.file = positional[1];
  } else if (!positional.empty() || o.rounds == 0) {
    std::fprintf(stderr, "usage: diff_bench [--records N] [--rounds R] [ORIGIN FILE]\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);
  const Name origin = must_parse(opt.origin);

  auto start = Clock::now();
  std::unique_ptr<const ZoneVersion> base;
  {
    RecordList rl;
    if (opt.file.empty()) {
      generate(opt.records, origin, rl);
    } else if (!load_file(origin, opt.file, rl)) {
      return 1;
    }
    rl.sort();
    const double load_ms = ms_since(start);
    start = Clock::now();
    base = ZoneVersion::build(rl, origin);
    std::printf("zone: %zu records, %zu nodes, %zu pages; %s %.0f ms, full build %.0f ms\n",
                base->record_count(), base->node_count(), base->page_count(),
                opt.file.empty() ? "generate+sort" : "parse+sort", load_ms, ms_since(start));
  }
  const long rss_loaded = rss_kib();

  zoned::zone::ReclaimDomain domain;
  zoned::zone::ZoneSet zones(domain);
  if (!zones.add_zone(origin) || !zones.publish(origin, std::move(base))) {
    std::fprintf(stderr, "cannot publish the zone\n");
    return 1;
  }
  const auto* zone = zones.find_exact(origin);

  std::array<std::vector<double>, kChanges.size()> apply_ms, total_ms;
  for (std::size_t round = 0; round < opt.rounds; ++round) {
    for (std::size_t c = 0; c < kChanges.size(); ++c) {
      const ZoneVersion& current = *zone->current();
      const Diff diff = make_change(current, kChanges[c], round);
      const auto t0 = Clock::now();
      auto next = zoned::zone::apply_diff(current, diff);
      const double applied = ms_since(t0);
      if (!next) {
        std::fprintf(stderr, "%s: %s\n", kChangeNames[c], next.error().c_str());
        return 1;
      }
      if (!zones.publish(origin, std::move(next).value())) return 1;
      domain.reclaim();  // no readers here: the old version is freed now
      apply_ms[c].push_back(applied);
      total_ms[c].push_back(ms_since(t0));
    }
  }

  std::printf("\n1-record diffs, %zu rounds each (median / max ms; target < %.0f ms):\n", opt.rounds, kTargetMs);
  std::printf("  %-26s %18s %26s\n", "change", "apply_diff", "apply+publish+reclaim");
  bool met = true;
  for (std::size_t c = 0; c < kChanges.size(); ++c) {
    const double total = median(total_ms[c]);
    met &= total < kTargetMs;
    std::printf("  %-26s %8.2f / %6.2f %16.2f / %6.2f\n", kChangeNames[c], median(apply_ms[c]),
                *std::max_element(apply_ms[c].begin(), apply_ms[c].end()), total,
                *std::max_element(total_ms[c].begin(), total_ms[c].end()));
  }

  std::printf("RSS: %.1f MiB with the zone loaded, %.1f MiB after %zu 1-record publishes\n",
              static_cast<double>(rss_loaded) / 1024.0, static_cast<double>(rss_kib()) / 1024.0,
              opt.rounds * kChanges.size());

  // A large diff for scale (an IXFR after re-signing is of this kind): the
  // TTL of kLargeDiffSets one-record A sets spread over the whole zone.
  {
    const ZoneVersion& current = *zone->current();
    Diff large = next_serial(current);
    const std::size_t every = std::max<std::size_t>(1, current.node_count() / kLargeDiffSets);
    std::size_t index = 0;
    current.for_each_node([&](const zoned::zone::Node& node) {
      const auto* a = node.find(RRType::A);
      if (index++ % every != 0 || a == nullptr || a->count != 1 || node.has(zoned::zone::node_flag::kApex)) return;
      DiffRecord old_a = record(node.owner_name(), RRType::A, a->ttl, first_rdata(*a));
      DiffRecord new_a = old_a;
      ++new_a.ttl;
      large.removed.push_back(std::move(old_a));
      large.added.push_back(std::move(new_a));
    });
    const auto t0 = Clock::now();
    auto next = zoned::zone::apply_diff(current, large);
    const double applied = ms_since(t0);
    if (!next) {
      std::fprintf(stderr, "large diff: %s\n", next.error().c_str());
      return 1;
    }
    const auto t1 = Clock::now();
    const Diff found = zoned::zone::compute_diff(current, **next);
    std::printf("\n%zu-record diff (%zu TTL changes spread over the zone): apply_diff %.0f ms, compute_diff %.0f ms\n",
                large.removed.size() + large.added.size(), large.added.size(), applied, ms_since(t1));
    if (found.removed.size() != large.removed.size()) return 1;
  }

  // compute_diff between the current version and one more record.
  std::vector<double> compute_ms;
  std::size_t found = 0;
  const ZoneVersion& current = *zone->current();
  auto plus_one = zoned::zone::apply_diff(current, make_change(current, Change::kAddOne, opt.rounds));
  if (!plus_one) return 1;
  for (std::size_t round = 0; round < opt.rounds; ++round) {
    const auto t0 = Clock::now();
    const Diff d = zoned::zone::compute_diff(current, **plus_one);
    compute_ms.push_back(ms_since(t0));
    found = d.added.size() + d.removed.size();
  }
  std::printf("\ncompute_diff over a 1-record change: median %.2f ms (%zu record(s) found)\n",
              median(compute_ms), found);

  // What each version costs while older ones stay alive (readers still
  // holding them): a chain of 1-record versions, none freed.
  // Heap in use (mallinfo2), not RSS: the versions freed above left free
  // chunks that the new ones reuse without growing RSS.
  std::vector<std::unique_ptr<const ZoneVersion>> chain;
  const std::size_t heap_before_chain = mallinfo2().uordblks;
  const ZoneVersion* tip = zone->current();
  for (std::size_t round = 0; round < opt.rounds; ++round) {
    auto next = zoned::zone::apply_diff(*tip, make_change(*tip, Change::kAddOne, opt.rounds + 1 + round));
    if (!next) return 1;
    chain.push_back(std::move(next).value());
    tip = chain.back().get();
  }
  std::printf("extra heap per retained 1-record version: %.0f KiB (%zu versions alive at once)\n",
              static_cast<double>(mallinfo2().uordblks - heap_before_chain) / 1024.0 /
                  static_cast<double>(opt.rounds),
              opt.rounds);
  std::printf("%s\n", met ? "target met" : "TARGET MISSED");
  return met ? 0 : 1;
}
