#pragma once
// Diff: one published change to a zone (docs/ARCHITECTURE.md, "Data flow"):
// the RRs removed, the RRs added, and the SOA before and after. Today a
// zonectl commit applies one and writes it to the SQLite store, and a reload
// computes one for its log line; the signer, the IXFR journal and NOTIFY are
// to take the same value when they exist.
//
// compute_diff() compares two versions (pages shared by both are skipped
// whole); apply_diff() checks a diff against a version and builds the next
// version, sharing every page the diff does not touch.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/result.hpp"
#include "dns/rrtype.hpp"
#include "zone/zone_version.hpp"

namespace zoned::zone {

// One RR. Owner and rdata are uncompressed wire form; the owner lowercased,
// the rdata in RFC 4034 §6.2 canonical form (as a ZoneVersion stores it).
struct DiffRecord {
  std::vector<std::uint8_t> owner;
  dns::RRType type{};
  dns::RRClass rclass = dns::RRClass::IN;
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;

  friend bool operator==(const DiffRecord&, const DiffRecord&) = default;
};

// The SOA itself is never in `removed` / `added`: it is old_soa / new_soa
// (IXFR sends it that way too, RFC 1995 §4). Its RRSIGs are ordinary records.
struct Diff {
  DiffRecord old_soa;
  DiffRecord new_soa;
  std::vector<DiffRecord> removed;  // compute_diff(): canonical order (RFC 4034 §6)
  std::vector<DiffRecord> added;

  // True when the diff changes more than the SOA.
  [[nodiscard]] bool changes_records() const noexcept { return !removed.empty() || !added.empty(); }
};

// "www.example.com. A 192.0.2.1": one RR in a message (no TTL, no class).
[[nodiscard]] std::string describe(const DiffRecord& rr);
// "www.example.com. 300 IN A 192.0.2.1": presentation form.
[[nodiscard]] std::string to_text(const DiffRecord& rr);

// Versions store no class; compute_diff() labels every RR with this one.
inline constexpr dns::RRClass kVersionClass = dns::RRClass::IN;

// What changed from `from` to `to`, both versions of the same zone. A changed
// TTL is the whole RRset removed and added again with the new TTL. RRSIGs
// whose covered type is absent at their owner share one set, so one TTL, in
// a version (zone_version.hpp): they are reported with that TTL.
[[nodiscard]] Diff compute_diff(const ZoneVersion& from, const ZoneVersion& to);

// The version that `diff` makes of `base`, or why the diff does not apply:
// a removed RR that `base` lacks, an added RR it already has, an added RR whose
// TTL differs from the rest of its RRset (RFC 2181 §5.2), an owner outside the
// zone, an old_soa that is not base's SOA, a new serial not greater than the old
// (RFC 1982), RRs of another class than the SOA's, malformed rdata. Removed RRs
// match on owner, type and rdata (their TTL is not compared). The result equals
// ZoneVersion::build() of base's records with the diff applied.
[[nodiscard]] Result<std::unique_ptr<const ZoneVersion>> apply_diff(const ZoneVersion& base,
                                                                    const Diff& diff);

}  // namespace zoned::zone
