// apply_diff / compute_diff (zone/diff.hpp): random diffs checked against
// ZoneVersion::build() of the expected records, page sharing, and every
// validation error.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "zone/diff.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_version.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint16_t kA = 1, kNs = 2, kSoa = 6, kMx = 15, kTxt = 16, kAaaa = 28, kDs = 43,
                        kRrsig = 46, kDname = 39;
constexpr std::uint32_t kSoaMinimum = 300;
// Orphan RRSIGs (whose covered type is absent) share one set and so one TTL
// (zone_version.hpp): the generated signatures all use this one.
constexpr std::uint32_t kSignatureTtl = 3600;
constexpr char kOrigin[] = "example.com.";

// prefix + number + suffix (one append chain: GCC 12 warns falsely on operator+ chains).
std::string numbered(std::string_view prefix, std::uint32_t i, std::string_view suffix) {
  std::string s(prefix);
  s.append(std::to_string(i)).append(suffix);
  return s;
}

Bytes wire_of(std::string_view text) {
  const dns::Name n = name(text).lowercased();
  return {n.wire().begin(), n.wire().end()};
}

Bytes key_of(std::span<const std::uint8_t> wire) {
  Bytes k;
  RecordList::make_key(wire, k);
  return k;
}

void put16(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

Bytes a_rdata(std::uint32_t address) {
  Bytes b;
  put32(b, address);
  return b;
}
Bytes aaaa_rdata(std::uint32_t low) {
  Bytes b{0x20, 0x01, 0x0d, 0xb8};
  b.resize(12, 0);
  put32(b, low);
  return b;
}
Bytes txt_rdata(const std::string& s) {
  Bytes b(s.size() + 1);
  b[0] = static_cast<std::uint8_t>(s.size());
  std::copy(s.begin(), s.end(), b.begin() + 1);
  return b;
}
Bytes mx_rdata(std::uint16_t preference, std::string_view host) {
  Bytes b;
  put16(b, preference);
  append(b, wire_of(host));
  return b;
}
Bytes soa_rdata(std::uint32_t serial) {
  Bytes b = wire_of("ns1.example.com.");
  append(b, wire_of("hostmaster.example.com."));
  for (std::uint32_t v : {serial, 7200u, 3600u, 1209600u, kSoaMinimum}) put32(b, v);
  return b;
}
Bytes ds_rdata(std::uint32_t seed) {
  Bytes b;
  put16(b, seed & 0xffff);
  b.push_back(13);  // ECDSAP256SHA256
  b.push_back(2);   // SHA-256: 32-byte digest
  for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(seed * 31 + i));
  return b;
}
Bytes rrsig_rdata(std::uint16_t covered, std::uint32_t seed) {
  Bytes b;
  put16(b, covered);
  b.push_back(13);  // algorithm
  b.push_back(2);   // labels
  put32(b, 3600);   // original TTL
  put32(b, 1800000000u);
  put32(b, 1700000000u);
  put16(b, seed & 0xffff);
  append(b, wire_of(kOrigin));
  for (int i = 0; i < 64; ++i) b.push_back(static_cast<std::uint8_t>(seed * 7 + i));
  return b;
}

std::uint16_t covered_of(std::uint16_t type, const Bytes& rdata) {
  return type == kRrsig ? static_cast<std::uint16_t>(rdata[0] << 8 | rdata[1]) : 0;
}

// The expected zone: every record, keyed in canonical order.
struct RecordKey {
  Bytes key;
  std::uint16_t type = 0;
  Bytes rdata;
  auto operator<=>(const RecordKey&) const = default;
};
struct RecordValue {
  Bytes owner;
  std::uint32_t ttl = 0;
};
using Model = std::map<RecordKey, RecordValue>;

void model_add(Model& m, const Bytes& owner, std::uint16_t type, std::uint32_t ttl, Bytes rdata) {
  m[RecordKey{key_of(owner), type, std::move(rdata)}] = RecordValue{owner, ttl};
}
void model_add(Model& m, std::string_view owner, std::uint16_t type, std::uint32_t ttl, Bytes rdata) {
  model_add(m, wire_of(owner), type, ttl, std::move(rdata));
}

std::unique_ptr<const ZoneVersion> build_model(const Model& m) {
  RecordList rl;
  dns::Name owner;
  for (const auto& [k, v] : m) {
    REQUIRE(dns::Name::from_uncompressed(v.owner, owner));
    rl.add(owner, dns::RRType{k.type}, dns::RRClass::IN, v.ttl, k.rdata);
  }
  rl.sort();
  return ZoneVersion::build(rl, name(kOrigin));
}

// The TTL of the RRset (for RRSIG: of the covered type) at `key`, if present.
std::optional<std::uint32_t> set_ttl(const Model& m, const Bytes& key, std::uint16_t type,
                                     std::uint16_t covered) {
  for (auto it = m.lower_bound(RecordKey{key, type, {}}); it != m.end() && it->first.key == key &&
                                                          it->first.type == type;
       ++it)
    if (covered_of(type, it->first.rdata) == covered) return it->second.ttl;
  return std::nullopt;
}

const RecordKey& soa_key(const Model& m) {
  const Bytes apex = key_of(wire_of(kOrigin));
  auto it = m.lower_bound(RecordKey{apex, kSoa, {}});
  REQUIRE((it != m.end() && it->first.type == kSoa));
  return it->first;
}

// ---- comparing versions ----

std::string bytes_differ(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end()) ? "" : "bytes differ";
}

std::string set_difference(const RRset* a, const RRset* b) {
  if ((a == nullptr) != (b == nullptr)) return "one side lacks the set";
  if (a == nullptr) return "";
  if (a->type != b->type) return "type " + std::to_string(static_cast<int>(a->type)) + " vs " +
                                 std::to_string(static_cast<int>(b->type));
  if (a->count != b->count) return "count " + std::to_string(a->count) + " vs " + std::to_string(b->count);
  if (a->ttl != b->ttl) return "ttl " + std::to_string(a->ttl) + " vs " + std::to_string(b->ttl);
  if (auto d = bytes_differ(a->data, b->data); !d.empty()) return "rdata " + d;
  if (auto d = set_difference(a->rrsigs, b->rrsigs); !d.empty()) return "rrsigs: " + d;
  return "";
}

std::vector<const Node*> nodes_of(const ZoneVersion& v) {
  std::vector<const Node*> out;
  v.for_each_node([&](const Node& n) { out.push_back(&n); });
  return out;
}

// Whether node i's page-local descendant count (Node::descendants_in_page,
// which depends on where pages split, so it is checked, not compared)
// matches the canonical order: its descendants are the nodes right after it.
std::string page_descendants_difference(const std::vector<const Node*>& nodes, std::size_t i) {
  const auto below = [&](std::size_t j) {
    const auto& k = nodes[j]->key;
    const auto& a = nodes[i]->key;
    return k.size() > a.size() && std::equal(a.begin(), a.end(), k.begin());
  };
  std::size_t total = 0;
  while (i + 1 + total < nodes.size() && below(i + 1 + total)) ++total;
  const Node& n = *nodes[i];
  if (n.descendants_in_page > total || (!n.subtree_reaches_page_end && n.descendants_in_page != total))
    return "descendants_in_page " + std::to_string(n.descendants_in_page) + " of " + std::to_string(total);
  for (std::size_t k = 0; k < n.descendants_in_page; ++k) {
    if (&n.page_descendants()[k] != nodes[i + 1 + k]) return "page_descendants() not the next nodes";
  }
  return "";
}

// The first difference between two versions, or "" when they hold the same
// nodes, flags, sets and SOA data. Also checks got's search index.
std::string version_difference(const ZoneVersion& got, const ZoneVersion& want) {
  if (got.serial() != want.serial())
    return "serial " + std::to_string(got.serial()) + " vs " + std::to_string(want.serial());
  if (got.record_count() != want.record_count())
    return "record_count " + std::to_string(got.record_count()) + " vs " + std::to_string(want.record_count());
  if (auto d = set_difference(&got.negative_soa(), &want.negative_soa()); !d.empty()) return "negative SOA: " + d;
  if (!got.apex().has(node_flag::kApex) || got.apex().owner_name() != want.apex().owner_name())
    return "apex " + got.apex().owner_name().to_text();
  const auto g = nodes_of(got), w = nodes_of(want);
  if (g.size() != w.size() || got.node_count() != g.size())
    return "node count " + std::to_string(g.size()) + " (node_count " + std::to_string(got.node_count()) +
           ") vs " + std::to_string(w.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto at = [&] { return " at " + w[i]->owner_name().to_text(); };
    if (!bytes_differ(g[i]->owner, w[i]->owner).empty() || !bytes_differ(g[i]->key, w[i]->key).empty())
      return "owner " + g[i]->owner_name().to_text() + at();
    if (g[i]->flags != w[i]->flags)
      return "flags " + std::to_string(g[i]->flags) + " vs " + std::to_string(w[i]->flags) + at();
    if (g[i]->rrsets.size() != w[i]->rrsets.size()) return "set count" + at();
    for (std::size_t s = 0; s < g[i]->rrsets.size(); ++s)
      if (auto d = set_difference(&g[i]->rrsets[s], &w[i]->rrsets[s]); !d.empty()) return d + at();
    if (got.find(g[i]->key) != g[i]) return "find() misses" + at();
    if (auto d = page_descendants_difference(g, i); !d.empty()) return d + at();
  }
  return "";
}

// ---- diffs ----

DiffRecord diff_record(const RecordKey& k, const RecordValue& v) {
  DiffRecord r;
  r.owner = v.owner;
  r.type = dns::RRType{k.type};
  r.ttl = v.ttl;
  r.rdata = k.rdata;
  return r;
}

auto record_order(const DiffRecord& r) { return std::tie(r.owner, r.type, r.rdata, r.ttl); }

void sort_records(std::vector<DiffRecord>& v) {
  std::sort(v.begin(), v.end(), [](const DiffRecord& x, const DiffRecord& y) { return record_order(x) < record_order(y); });
}

// The diff from one model to the next; a TTL change is a removal and an addition.
Diff model_diff(const Model& from, const Model& to, std::mt19937& rng) {
  Diff d;
  const RecordKey& old_soa = soa_key(from);
  const RecordKey& new_soa = soa_key(to);
  d.old_soa = diff_record(old_soa, from.at(old_soa));
  d.new_soa = diff_record(new_soa, to.at(new_soa));
  // One merge walk over both sorted models.
  for (auto i = from.begin(), j = to.begin(); i != from.end() || j != to.end();) {
    const bool take_from = j == to.end() || (i != from.end() && !(j->first < i->first));
    const bool take_to = i == from.end() || (j != to.end() && !(i->first < j->first));
    const bool changed = !(take_from && take_to) || i->second.ttl != j->second.ttl;
    const std::uint16_t type = take_from ? i->first.type : j->first.type;
    if (changed && type != kSoa) {
      if (take_from) d.removed.push_back(diff_record(i->first, i->second));
      if (take_to) d.added.push_back(diff_record(j->first, j->second));
    }
    if (take_from) ++i;
    if (take_to) ++j;
  }
  // apply_diff must not depend on the order of the lists.
  std::shuffle(d.removed.begin(), d.removed.end(), rng);
  std::shuffle(d.added.begin(), d.added.end(), rng);
  return d;
}

// ---- the generated zone and its random edits ----

Model generated_zone() {
  Model m;
  model_add(m, kOrigin, kSoa, 3600, soa_rdata(1));
  model_add(m, kOrigin, kNs, 3600, wire_of("ns1.example.com."));
  model_add(m, kOrigin, kNs, 3600, wire_of("ns2.example.com."));
  for (std::uint16_t t : {kSoa, kNs}) model_add(m, kOrigin, kRrsig, kSignatureTtl, rrsig_rdata(t, t));
  model_add(m, "ns1.example.com.", kA, 3600, a_rdata(0xc0000201));
  model_add(m, "ns2.example.com.", kA, 3600, a_rdata(0xc0000202));
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const std::string h = numbered("h", i, ".example.com.");
    model_add(m, h, kA, 3600, a_rdata(0xc0000000 + i));
    if (i % 2 == 0) model_add(m, h, kAaaa, 600, aaaa_rdata(i));
    if (i % 5 == 0) model_add(m, h, kTxt, 300, txt_rdata("text " + std::to_string(i)));
    if (i % 3 == 0)
      for (std::uint16_t t : {kA, kTxt}) model_add(m, h, kRrsig, kSignatureTtl, rrsig_rdata(t, i));
  }
  // Empty non-terminals: e<i> and c.e<i> have no records.
  for (std::uint32_t i = 0; i < 50; ++i) {
    const std::string e = numbered("e", i, ".example.com.");
    model_add(m, "a." + e, kA, 3600, a_rdata(i));
    model_add(m, "b.c." + e, kTxt, 3600, txt_rdata("deep"));
  }
  // Delegations with glue and DS.
  for (std::uint32_t i = 0; i < 40; ++i) {
    const std::string d = numbered("d", i, ".example.com.");
    model_add(m, d, kNs, 86400, wire_of("ns." + d));
    model_add(m, d, kDs, 3600, ds_rdata(i));
    model_add(m, d, kRrsig, kSignatureTtl, rrsig_rdata(kDs, i));
    model_add(m, "ns." + d, kA, 86400, a_rdata(0xc6336400 + i));
    model_add(m, "www." + d, kA, 300, a_rdata(i));  // occluded
  }
  // A subtree spanning several pages, a cut candidate.
  model_add(m, "big.example.com.", kA, 3600, a_rdata(7));
  for (std::uint32_t i = 0; i < 700; ++i)
    model_add(m, numbered("n", i, ".big.example.com."), kA, 3600, a_rdata(i));
  // DNAMEs with names below them.
  for (std::uint32_t i = 0; i < 20; ++i) {
    const std::string d = numbered("dn", i, ".example.com.");
    model_add(m, d, kDname, 3600, wire_of("target.example.net."));
    model_add(m, "x." + d, kA, 3600, a_rdata(i));
  }
  // Wildcards.
  for (std::uint32_t i = 0; i < 20; ++i) {
    const std::string w = numbered("*.w", i, ".example.com.");
    model_add(m, w, kA, 300, a_rdata(i));
    model_add(m, w, kMx, 300, mx_rdata(10, "mail.example.com."));
  }
  return m;
}

class Mutator {
 public:
  static constexpr std::size_t kRunLength = ZoneVersion::kNodesPerPage + 44;

  // New names are numbered from a random start so that rounds rarely reuse them.
  Mutator(Model& m, std::mt19937& rng) : m_(m), rng_(rng), counter_(static_cast<std::uint32_t>(rng() % 1'000'000)) {}

  void random_edit() {
    switch (pick(14)) {
      case 0: case 1: add_address(existing_or_new_owner()); break;
      case 2: case 3: remove_one(); break;
      case 4: toggle(kNs, wire_of("ns1.example.com.")); break;
      case 5: toggle(kDname, wire_of(numbered("t", counter_++, ".example.net."))); break;
      case 6: change_ttl(); break;
      case 7: delete_nodes(1); break;
      case 8: add_signature(); break;
      case 9: remove_rrset(); break;
      case 10: add_address(child_of(random_owner(), "*")); break;
      case 11: add_address(new_chain()); break;
      case 12: delete_nodes(kRunLength); break;  // at least one whole page
      default: add_run(kRunLength); break;       // more than a page: splits
    }
  }

  // The SOA with a later serial (by 1 or by up to 2^31 - 1, wrapping) and
  // sometimes a TTL below MINIMUM, so negative_soa's TTL moves.
  void bump_soa() {
    const RecordKey old = soa_key(m_);
    const Bytes& r = old.rdata;
    const std::size_t at = r.size() - 20;
    const std::uint32_t serial = std::uint32_t{r[at]} << 24 | std::uint32_t{r[at + 1]} << 16 |
                                 std::uint32_t{r[at + 2]} << 8 | r[at + 3];
    const std::uint32_t step = pick(4) == 0 ? 1 + static_cast<std::uint32_t>(rng_() % 0x7fffffffu) : 1;
    const Bytes owner = m_.at(old).owner;
    m_.erase(old);
    model_add(m_, owner, kSoa, pick(2) == 0 ? 200 : 3600, soa_rdata(serial + step));
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  // (key, wire) of each owner in canonical order, as the round began: edits
  // may have removed some since, and edits of a vanished owner recreate it.
  const std::vector<std::pair<Bytes, Bytes>>& owners() {
    if (owners_.empty())
      for (const auto& [k, v] : m_)
        if (owners_.empty() || owners_.back().first != k.key) owners_.emplace_back(k.key, v.owner);
    return owners_;
  }
  bool is_apex(const Bytes& key) const { return key == key_of(wire_of(kOrigin)); }

  // A non-apex owner; a quarter of the time one of the names whose status
  // matters most (subtree roots, empty non-terminals).
  Bytes random_owner() {
    if (pick(4) == 0) {
      static const char* const kRoots[] = {"big", "d3", "dn4", "e5", "c.e6", "w7", "h12", "n5.big"};
      return wire_of(std::string(kRoots[pick(std::size(kRoots))]) + ".example.com.");
    }
    const auto& all = owners();
    for (;;) {
      const auto& o = all[pick(all.size())];
      if (!is_apex(o.first)) return o.second;
    }
  }
  Bytes child_of(const Bytes& parent, const std::string& label) const {
    Bytes w(label.size() + 1);
    w[0] = static_cast<std::uint8_t>(label.size());
    std::copy(label.begin(), label.end(), w.begin() + 1);
    append(w, parent);
    return w;
  }
  Bytes existing_or_new_owner() {
    return pick(2) == 0 ? random_owner() : child_of(random_owner(), "k" + std::to_string(counter_++));
  }
  // A new owner two labels below an existing one (its parent an empty non-terminal).
  Bytes new_chain() {
    return child_of(child_of(random_owner(), "m" + std::to_string(counter_++)), "leaf");
  }

  std::uint32_t ttl_for(const Bytes& owner, std::uint16_t type, std::uint16_t covered, std::uint32_t fallback) {
    return set_ttl(m_, key_of(owner), type, covered).value_or(fallback);
  }
  void add_address(const Bytes& owner) {
    model_add(m_, owner, kA, ttl_for(owner, kA, 0, pick(2) == 0 ? 60 : 3600),
              a_rdata(static_cast<std::uint32_t>(rng_())));
  }
  void add_run(std::size_t count) {
    // All under one parent, so one page receives them all and must split.
    const std::string prefix = numbered("r", counter_++, "-");
    const std::string parent = numbered(".h", static_cast<std::uint32_t>(pick(2000)), ".example.com.");
    for (std::size_t i = 0; i < count; ++i) add_address(wire_of(prefix + std::to_string(i) + parent));
  }
  void add_signature() {
    const Bytes owner = random_owner();
    // Half the time a type the node has, else possibly an orphan signature.
    std::uint16_t covered = kMx;
    const Bytes key = key_of(owner);
    for (auto it = m_.lower_bound(RecordKey{key, 0, {}}); it != m_.end() && it->first.key == key; ++it)
      if (it->first.type != kRrsig && pick(2) == 0) covered = it->first.type;
    model_add(m_, owner, kRrsig, kSignatureTtl, rrsig_rdata(covered, static_cast<std::uint32_t>(rng_())));
  }
  Model::iterator random_record() {
    for (;;) {
      auto it = m_.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(pick(m_.size())));
      if (!is_apex(it->first.key)) return it;
    }
  }
  void remove_one() { m_.erase(random_record()); }
  // Every record of the set holding `it` (for RRSIG: of one covered type).
  std::vector<Model::iterator> set_of(Model::iterator it) {
    std::vector<Model::iterator> out;
    const RecordKey k = it->first;
    for (auto j = m_.lower_bound(RecordKey{k.key, k.type, {}});
         j != m_.end() && j->first.key == k.key && j->first.type == k.type; ++j)
      if (covered_of(k.type, j->first.rdata) == covered_of(k.type, k.rdata)) out.push_back(j);
    return out;
  }
  void remove_rrset() {
    for (auto it : set_of(random_record())) m_.erase(it);
  }
  void change_ttl() {
    auto set = set_of(random_record());
    if (set.front()->first.type == kRrsig) return;  // signatures keep kSignatureTtl
    const std::uint32_t ttl = set.front()->second.ttl + 1 + static_cast<std::uint32_t>(pick(1000));
    for (auto it : set) it->second.ttl = ttl;
  }
  // Adds a record of `type` at a random owner, or removes its set there.
  void toggle(std::uint16_t type, const Bytes& rdata) {
    const Bytes owner = random_owner();
    const Bytes key = key_of(owner);
    auto it = m_.lower_bound(RecordKey{key, type, {}});
    if (it != m_.end() && it->first.key == key && it->first.type == type) {
      for (auto j : set_of(it)) m_.erase(j);
    } else {
      model_add(m_, owner, type, 3600, rdata);
    }
  }
  // Deletes every record of `count` consecutive owners.
  void delete_nodes(std::size_t count) {
    const auto& all = owners();
    const std::size_t first = pick(all.size());
    for (std::size_t i = first; i < std::min(all.size(), first + count); ++i) {
      if (is_apex(all[i].first)) continue;
      const Bytes& key = all[i].first;
      for (auto it = m_.lower_bound(RecordKey{key, 0, {}}); it != m_.end() && it->first.key == key;) it = m_.erase(it);
    }
  }

  Model& m_;
  std::mt19937& rng_;
  std::uint32_t counter_;
  std::vector<std::pair<Bytes, Bytes>> owners_;
};

// Every base page that no changed owner falls in, and no changed owner but the
// apex is an ancestor of a node of, must be shared by `next` (apply_diff rebuilds only
// pages it must). Returns how many base pages were shared.
std::size_t check_untouched_pages_shared(const ZoneVersion& base, const ZoneVersion& next, const Diff& d) {
  const Bytes apex = key_of(wire_of(kOrigin));  // the SOA changes; every node is below it
  std::vector<Bytes> changed{apex};
  for (const auto* list : {&d.removed, &d.added})
    for (const DiffRecord& r : *list) changed.push_back(key_of(r.owner));
  auto strictly_below = [](std::span<const std::uint8_t> key, const Bytes& ancestor) {
    return key.size() > ancestor.size() && std::equal(ancestor.begin(), ancestor.end(), key.begin());
  };
  const auto nodes = nodes_of(base);
  std::size_t shared = 0;
  for (std::size_t b = 0; b < nodes.size();) {
    const ZoneVersion::Page* page = base.page_holding(nodes[b]->key);
    std::size_t e = b;
    while (e < nodes.size() && base.page_holding(nodes[e]->key) == page) ++e;
    const Bytes first(nodes[b]->key.begin(), nodes[b]->key.end());
    const bool last_page = e == nodes.size();
    const Bytes next_first = last_page ? Bytes() : Bytes(nodes[e]->key.begin(), nodes[e]->key.end());
    bool touched = false;
    for (const Bytes& c : changed) {
      touched |= first <= c && (last_page || c < next_first);
      for (std::size_t i = b; i < e && !touched && c != apex; ++i)
        touched = strictly_below(nodes[i]->key, c);
    }
    if (!touched) {
      INFO("untouched page starting at " << nodes[b]->owner_name().to_text());
      CHECK(next.page_holding(nodes[b]->key) == page);
      shared += next.page_holding(nodes[b]->key) == page;
    }
    b = e;
  }
  return shared;
}

std::unique_ptr<const ZoneVersion> build_text(std::string_view text) {
  RecordList rl;
  auto out = parse(text, rl);
  REQUIRE(count(out.diagnostics, Severity::Error) == 0);
  rl.sort();
  return ZoneVersion::build(rl, name(kOrigin));
}

}  // namespace

TEST_CASE("diff: random diffs applied to a multi-page zone equal a fresh build") {
  constexpr int kRounds = 150;
  constexpr int kMaxEditsPerDiff = 4;
  constexpr int kFullWalkEvery = 5;  // compute_diff over unshared pages walks the whole zone
  const std::uint32_t seed = 20261130;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  Model model = generated_zone();
  std::unique_ptr<const ZoneVersion> current = build_model(model);
  REQUIRE(current->page_count() > 10);
  std::size_t shared_pages = 0;

  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    Model next = model;
    Mutator mutator(next, rng);
    const int edits = static_cast<int>(rng() % (kMaxEditsPerDiff + 1));
    for (int i = 0; i < edits; ++i) mutator.random_edit();
    mutator.bump_soa();
    const Diff diff = model_diff(model, next, rng);
    const auto expected = build_model(next);

    auto applied = apply_diff(*current, diff);
    REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? "" : applied.error()));
    CHECK(version_difference(**applied, *expected) == "");
    shared_pages += check_untouched_pages_shared(*current, **applied, diff);

    // compute_diff finds exactly the model's diff, in canonical order...
    Diff computed = compute_diff(*current, **applied);
    CHECK(computed.old_soa == diff.old_soa);
    CHECK(computed.new_soa == diff.new_soa);
    for (const auto* list : {&computed.removed, &computed.added})
      CHECK(std::is_sorted(list->begin(), list->end(), [](const DiffRecord& x, const DiffRecord& y) {
        return std::make_tuple(key_of(x.owner), x.type, x.rdata) < std::make_tuple(key_of(y.owner), y.type, y.rdata);
      }));
    Diff want = diff;
    sort_records(want.removed);
    sort_records(want.added);
    sort_records(computed.removed);
    sort_records(computed.added);
    CHECK(computed.removed == want.removed);
    CHECK(computed.added == want.added);
    if (round % kFullWalkEvery == 0) {
      // ...nothing between equal versions that share no page...
      CHECK_FALSE(compute_diff(**applied, *expected).changes_records());
      // ...also between versions that share no page, and it applies.
      const Diff across = compute_diff(*current, *expected);
      auto reapplied = apply_diff(*current, across);
      REQUIRE_MESSAGE(reapplied.ok(), (reapplied.ok() ? "" : reapplied.error()));
      CHECK(version_difference(**reapplied, *expected) == "");
    }

    model = std::move(next);
    current = std::move(applied).value();
  }
  CHECK(shared_pages > 0);
}

TEST_CASE("diff: a one-record change rebuilds one page and shares the others") {
  Model model = generated_zone();
  const auto base = build_model(model);
  Model next = model;
  model_add(next, "h1000.example.com.", kTxt, 300, txt_rdata("new"));
  std::mt19937 rng(1);
  Mutator(next, rng).bump_soa();
  auto v = apply_diff(*base, model_diff(model, next, rng));
  REQUIRE(v.ok());
  CHECK(version_difference(**v, *build_model(next)) == "");
  REQUIRE((*v)->page_count() == base->page_count());
  // The apex page (new SOA) and the page of h1000 are new; the rest are shared.
  std::size_t rebuilt = 0;
  const auto base_nodes = nodes_of(*base);
  for (const Node* n : base_nodes) rebuilt += (*v)->page_holding(n->key) != base->page_holding(n->key);
  CHECK(rebuilt <= 2 * ZoneVersion::kNodesPerPage);
}

TEST_CASE("diff: adding a cut occludes its subtree across pages, removing it restores it") {
  Model model = generated_zone();
  const auto base = build_model(model);
  std::mt19937 rng(2);
  Model cut = model;
  model_add(cut, "big.example.com.", kNs, 3600, wire_of("ns.big.example.com."));
  Mutator(cut, rng).bump_soa();
  auto with_cut = apply_diff(*base, model_diff(model, cut, rng));
  REQUIRE(with_cut.ok());
  CHECK(version_difference(**with_cut, *build_model(cut)) == "");
  const Node* deep = (*with_cut)->find(key_of(wire_of("n699.big.example.com.")));
  REQUIRE(deep != nullptr);
  CHECK(deep->has(node_flag::kOccluded));
  CHECK((*with_cut)->find(key_of(wire_of("big.example.com.")))->has(node_flag::kDelegation));

  Model uncut = cut;
  uncut.erase(RecordKey{key_of(wire_of("big.example.com.")), kNs, wire_of("ns.big.example.com.")});
  Mutator(uncut, rng).bump_soa();
  auto without = apply_diff(**with_cut, model_diff(cut, uncut, rng));
  REQUIRE(without.ok());
  CHECK(version_difference(**without, *build_model(uncut)) == "");
  CHECK_FALSE((*without)->find(key_of(wire_of("n699.big.example.com.")))->has(node_flag::kOccluded));
}

namespace {

// A diff of `v` that changes only the SOA serial.
Diff serial_change(const ZoneVersion& v, std::uint32_t new_serial) {
  Diff d = compute_diff(v, v);
  d.new_soa.rdata = soa_rdata(new_serial);
  return d;
}

DiffRecord record(std::string_view owner, dns::RRType type, std::uint32_t ttl, Bytes rdata) {
  DiffRecord r;
  const dns::Name n = name(owner);  // case kept: apply_diff lowercases
  r.owner.assign(n.wire().begin(), n.wire().end());
  r.type = type;
  r.ttl = ttl;
  r.rdata = std::move(rdata);
  return r;
}

std::string apply_error(const ZoneVersion& base, const Diff& d) {
  auto r = apply_diff(base, d);
  return r.ok() ? "<applied>" : r.error();
}

bool contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

constexpr std::string_view kSmallZone =
    "$TTL 3600\n"
    "@ SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.1\n"
    "www 300 A 192.0.2.10\n"
    "sub NS ns.Other.example.\n";

}  // namespace

TEST_CASE("diff: validation errors name the problem and leave the base as it was") {
  const auto base = build_text(kSmallZone);
  const std::string before = version_difference(*base, *build_text(kSmallZone));
  REQUIRE(before == "");

  SUBCASE("removing an absent record") {
    Diff d = serial_change(*base, 2);
    d.removed.push_back(record("www.example.com.", dns::RRType::A, 300, a_rdata(0xc0000263)));
    const std::string e = apply_error(*base, d);
    CHECK(contains(e, "cannot remove www.example.com. A 192.0.2.99: not in the zone"));
    d.removed.back().rdata = a_rdata(0xc000020a);
    d.removed.push_back(d.removed.back());
    CHECK(contains(apply_error(*base, d), "not in the zone"));  // the same record twice
  }
  SUBCASE("adding a present record, whatever its case") {
    Diff d = serial_change(*base, 2);
    d.added.push_back(record("sub.EXAMPLE.com.", dns::RRType::NS, 3600, wire_of("ns.other.example.")));
    const dns::Name upper_target = name("NS.OTHER.EXAMPLE.");
    d.added.back().rdata.assign(upper_target.wire().begin(), upper_target.wire().end());
    CHECK(contains(apply_error(*base, d), "cannot add sub.example.com. NS ns.other.example.: already in the zone"));
    Diff twice = serial_change(*base, 2);
    twice.added.push_back(record("new.example.com.", dns::RRType::A, 60, a_rdata(1)));
    twice.added.push_back(twice.added.back());
    CHECK(contains(apply_error(*base, twice), "added twice"));
  }
  SUBCASE("a TTL that would split an RRset") {
    Diff d = serial_change(*base, 2);
    d.added.push_back(record("www.example.com.", dns::RRType::A, 60, a_rdata(0xc000020b)));
    CHECK(contains(apply_error(*base, d), "with TTL 60: its RRset has TTL 300 (RFC 2181 §5.2"));
    Diff fresh = serial_change(*base, 2);
    fresh.added.push_back(record("new.example.com.", dns::RRType::A, 60, a_rdata(1)));
    fresh.added.push_back(record("new.example.com.", dns::RRType::A, 120, a_rdata(2)));
    CHECK(contains(apply_error(*base, fresh), "cannot add new.example.com. A 0.0.0.2 with TTL 120: its RRset has TTL 60"));
    // Replacing the whole set with another TTL is the way to change it.
    Diff retime = serial_change(*base, 2);
    retime.removed.push_back(record("www.example.com.", dns::RRType::A, 300, a_rdata(0xc000020a)));
    retime.added.push_back(record("www.example.com.", dns::RRType::A, 60, a_rdata(0xc000020a)));
    retime.added.push_back(record("www.example.com.", dns::RRType::A, 60, a_rdata(0xc000020b)));
    auto v = apply_diff(*base, retime);
    REQUIRE(v.ok());
    CHECK((*v)->find(key_of(wire_of("www.example.com.")))->find(dns::RRType::A)->ttl == 60);
  }
  SUBCASE("serial not increasing (RFC 1982)") {
    for (std::uint32_t serial : {1u, 0u}) {  // equal, less
      INFO("new serial " << serial);
      CHECK(contains(apply_error(*base, serial_change(*base, serial)), "is not greater than the old serial 1"));
    }
    // Exactly 2^31 apart: undefined in RFC 1982 §3.2, refused.
    CHECK(contains(apply_error(*base, serial_change(*base, 0x80000001u)), "not greater"));
    // 2^31 - 1 ahead is greater.
    CHECK(apply_diff(*base, serial_change(*base, 0x80000000u)).ok());
  }
  SUBCASE("old SOA that is not the zone's") {
    Diff d = serial_change(*base, 3);
    d.old_soa.rdata = soa_rdata(2);
    CHECK(contains(apply_error(*base, d), "the diff starts from SOA serial 2 but the zone's SOA is example.com. SOA"));
    Diff moved = serial_change(*base, 3);
    moved.new_soa.owner = wire_of("www.example.com.");
    CHECK(contains(apply_error(*base, moved), "the diff's new SOA is not an SOA record at the apex example.com."));
    Diff bad = serial_change(*base, 3);
    bad.new_soa.rdata.resize(10);
    CHECK(contains(apply_error(*base, bad), "the diff's new SOA has malformed rdata"));
  }
  SUBCASE("owner outside the zone") {
    Diff d = serial_change(*base, 2);
    d.added.push_back(record("www.example.org.", dns::RRType::A, 60, a_rdata(1)));
    CHECK(contains(apply_error(*base, d), "cannot add www.example.org. A 0.0.0.1: owner is outside the zone example.com."));
    Diff bad = serial_change(*base, 2);
    bad.removed.push_back(record("www.example.com.", dns::RRType::A, 300, a_rdata(0xc000020a)));
    bad.removed.back().owner = {3, 'w', 'w'};
    CHECK(contains(apply_error(*base, bad), "cannot remove a record: its owner is not a valid wire-form name"));
  }
  SUBCASE("wrong class") {
    Diff d = serial_change(*base, 2);
    d.added.push_back(record("new.example.com.", dns::RRType::A, 60, a_rdata(1)));
    d.added.back().rclass = dns::RRClass::CH;
    CHECK(contains(apply_error(*base, d), "class CH differs from the SOA's class IN"));
    Diff soa = serial_change(*base, 2);
    soa.new_soa.rclass = dns::RRClass::CH;
    CHECK(contains(apply_error(*base, soa), "old and new SOA differ in class"));
  }
  SUBCASE("malformed rdata, SOA records and meta types") {
    Diff d = serial_change(*base, 2);
    d.added.push_back(record("new.example.com.", dns::RRType::A, 60, {192, 0, 2}));
    CHECK(contains(apply_error(*base, d), "cannot add new.example.com. A "));
    CHECK(contains(apply_error(*base, d), ": malformed A rdata"));
    Diff soa = serial_change(*base, 2);
    soa.added.push_back(record("example.com.", dns::RRType::SOA, 60, soa_rdata(5)));
    CHECK(contains(apply_error(*base, soa), "the SOA changes only through old_soa/new_soa"));
    Diff meta = serial_change(*base, 2);
    meta.added.push_back(record("new.example.com.", dns::RRType{255}, 60, {}));
    CHECK(contains(apply_error(*base, meta), "not zone data"));
  }
  SUBCASE("an RRset larger than a version can hold") {
    Diff d = serial_change(*base, 2);
    for (std::uint32_t i = 0; i < 65536; ++i) d.added.push_back(record("many.example.com.", dns::RRType::A, 60, a_rdata(i)));
    CHECK(contains(apply_error(*base, d), "and the rest of its RRset: it would hold more than 65535 records"));
    d.added.pop_back();
    CHECK(apply_diff(*base, d).ok());
  }
  SUBCASE("removal matches owner, type and rdata, not TTL or case") {
    Diff d = serial_change(*base, 2);
    d.removed.push_back(record("WWW.example.com.", dns::RRType::A, 1, a_rdata(0xc000020a)));
    auto v = apply_diff(*base, d);
    REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.error()));
    CHECK((*v)->find(key_of(wire_of("www.example.com."))) == nullptr);
    CHECK((*v)->serial() == 2);
    CHECK((*v)->record_count() == base->record_count() - 1);
  }
  // Whatever failed above, the base is unchanged and still takes a good diff.
  CHECK(version_difference(*base, *build_text(kSmallZone)) == "");
  Diff good = serial_change(*base, 2);
  good.added.push_back(record("new.example.com.", dns::RRType::A, 60, a_rdata(1)));
  CHECK(apply_diff(*base, good).ok());
}

TEST_CASE("diff: serial arithmetic wraps around 2^32 (RFC 1982)") {
  const auto base = build_text(
      "$TTL 3600\n"
      "@ SOA ns1.example.com. hostmaster.example.com. 4294967295 7200 3600 1209600 300\n"
      "@ NS ns1\n"
      "ns1 A 192.0.2.1\n");
  REQUIRE(base->serial() == 0xffffffffu);
  for (std::uint32_t serial : {0u, 1u, 0x7ffffffeu}) {
    INFO("new serial " << serial);
    auto v = apply_diff(*base, serial_change(*base, serial));
    REQUIRE(v.ok());
    CHECK((*v)->serial() == serial);
  }
  for (std::uint32_t serial : {0x7fffffffu, 0xfffffffeu}) {  // 2^31 ahead: undefined; behind
    INFO("new serial " << serial);
    CHECK(contains(apply_error(*base, serial_change(*base, serial)), "is not greater than the old serial 4294967295"));
  }
}
