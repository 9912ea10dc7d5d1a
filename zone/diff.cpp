// compute_diff and apply_diff (diff.hpp).
#include "zone/diff.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>
#include <utility>

#include "dns/bytes.hpp"
#include "dns/name.hpp"
#include "dns/rdata.hpp"
#include "dns/serial.hpp"
#include "dns/soa.hpp"
#include "dns/wire.hpp"
#include "zone/record_list.hpp"
#include "zone/version_records.hpp"

namespace zoned::zone {

namespace {

using Bytes = std::span<const std::uint8_t>;

constexpr std::uint16_t kSoa = 6;
constexpr std::uint16_t kNs = 2;
constexpr std::uint16_t kDname = 39;    // RFC 6672
constexpr std::uint16_t kOpt = 41;      // RFC 6891: a pseudo-RR, never zone data
constexpr std::uint16_t kRrsig = 46;    // RFC 4034 §3
constexpr std::uint16_t kFirstMetaType = 128;  // RFC 6895 §3.1: 128-255 are QTYPEs / meta-types
constexpr std::uint16_t kLastMetaType = 255;
constexpr std::size_t kMaxRdataLength = 65535;  // RDLENGTH is 16 bits (RFC 1035 §3.2.1)

using dns::compare_bytes;

bool key_less(Bytes a, Bytes b) noexcept { return compare_bytes(a, b) < 0; }

bool has_prefix(Bytes key, Bytes prefix) noexcept {
  return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

// One record of a node, its RRSIG sets included.
struct FlatRecord {
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  Bytes rdata;
  bool added = false;    // apply_diff: comes from the diff
  bool removed = false;  // apply_diff: the diff removes it
};

// Canonical order inside a node: type, then rdata (RFC 4034 §6.3). RRSIG
// rdata starts with the covered type, so each covered type is one run.
bool flat_less(const FlatRecord& a, const FlatRecord& b) noexcept {
  if (a.type != b.type) return a.type < b.type;
  return compare_bytes(a.rdata, b.rdata) < 0;
}

bool same_rr(const FlatRecord& a, const FlatRecord& b) noexcept {
  return a.type == b.type && compare_bytes(a.rdata, b.rdata) == 0;
}

// Same RRset: same type, and for RRSIG the same covered type.
bool same_set(const FlatRecord& a, const FlatRecord& b) noexcept {
  if (a.type != b.type) return false;
  if (a.type != kRrsig) return true;
  return a.rdata.size() >= 2 && b.rdata.size() >= 2 && a.rdata[0] == b.rdata[0] &&
         a.rdata[1] == b.rdata[1];
}

void flatten(const Node& n, std::vector<FlatRecord>& out) {
  out.clear();
  for_each_record(n, [&](dns::RRType type, std::uint32_t ttl, Bytes rd) {
    out.push_back({static_cast<std::uint16_t>(type), ttl, rd});
  });
  std::sort(out.begin(), out.end(), flat_less);
}

DiffRecord make_record(Bytes owner, std::uint16_t type, std::uint32_t ttl, Bytes rdata) {
  DiffRecord r;
  r.owner.assign(owner.begin(), owner.end());
  r.type = dns::RRType{type};
  r.rclass = kVersionClass;
  r.ttl = ttl;
  r.rdata.assign(rdata.begin(), rdata.end());
  return r;
}

std::string describe(Bytes owner, std::uint16_t type, Bytes rdata) {
  std::string s;
  dns::Name n;
  if (dns::Name::from_uncompressed(owner, n)) {
    n.append_text(s);
  } else {
    s += "<malformed owner>";
  }
  s += ' ';
  s += dns::type_to_text(dns::RRType{type});
  s += ' ';
  dns::rdata_to_display_text(dns::RRType{type}, rdata, s);
  return s;
}

// The SOA record of a version's apex (first and only rdata), if any.
const RRset* apex_soa(const ZoneVersion& v) {
  if (v.node_count() == 0) return nullptr;
  const RRset* soa = v.apex().find(dns::RRType::SOA);
  return soa != nullptr && soa->count > 0 ? soa : nullptr;
}

Bytes first_rdata(const RRset& s) {
  Bytes out;
  bool first = true;
  s.for_each_rdata([&](Bytes rd) {
    if (first) out = rd;
    first = false;
  });
  return out;
}

// One change from the diff, keyed by owner for grouping.
struct Change {
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> owner;  // lowercased wire
  std::vector<std::uint8_t> rdata;  // canonical form
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  bool add = false;
};

// The final records of one owner the diff touches.
struct NodeEdit {
  Bytes key;
  Bytes owner;
  std::vector<FlatRecord> records;  // survivors and additions, canonical order
  bool occludes_before = false;     // a cut or DNAME owner in base
  bool occludes_after = false;
  std::size_t first_record = 0, end_record = 0;  // its records in apply()'s RecordList
};

Error error(std::string message) { return Error{std::move(message)}; }

}  // namespace

// Friend of ZoneVersion: reads and shares its pages.
class DiffAccess {
 public:
  static Diff compute(const ZoneVersion& from, const ZoneVersion& to);
  static Result<std::unique_ptr<const ZoneVersion>> apply(const ZoneVersion& base, const Diff& diff);

 private:
  using PagePtr = std::shared_ptr<const ZoneVersion::Page>;

  static std::size_t page_of(const ZoneVersion& v, Bytes key);
  static std::size_t subtree_last_page(const ZoneVersion& v, Bytes key);
  static ZoneVersion::OcclusionScan scan_after(const ZoneVersion& base, const Node& last);
  static Result<Change> make_change(const ZoneVersion& base, const DiffRecord& rr, bool add,
                                    dns::RRClass rclass);
  static std::optional<Error> edit_node(const ZoneVersion& base, std::span<const Change> changes,
                                        Bytes origin_key, NodeEdit& edit);
};

Diff DiffAccess::compute(const ZoneVersion& from, const ZoneVersion& to) {
  Diff d;
  if (const RRset* s = apex_soa(from)) d.old_soa = make_record(from.apex().owner, kSoa, s->ttl, first_rdata(*s));
  if (const RRset* s = apex_soa(to)) d.new_soa = make_record(to.apex().owner, kSoa, s->ttl, first_rdata(*s));

  const auto& fp = from.pages_;
  const auto& tp = to.pages_;
  std::size_t fi = 0, fn = 0, ti = 0, tn = 0;  // page, node within page
  std::vector<FlatRecord> a, b;
  auto emit_all = [](const Node& n, std::vector<FlatRecord>& buf, std::vector<DiffRecord>& out) {
    flatten(n, buf);
    for (const FlatRecord& r : buf)
      if (!(r.type == kSoa && n.has(node_flag::kApex))) out.push_back(make_record(n.owner, r.type, r.ttl, r.rdata));
  };
  auto advance = [](const std::vector<PagePtr>& pages, std::size_t& pi, std::size_t& ni) {
    if (++ni == pages[pi]->nodes.size()) {
      ++pi;
      ni = 0;
    }
  };
  while (fi < fp.size() || ti < tp.size()) {
    // A page both versions share holds the same nodes: skip it whole. Both
    // cursors reach its first node together, since they advance by key.
    if (fi < fp.size() && ti < tp.size() && fn == 0 && tn == 0 && fp[fi] == tp[ti]) {
      ++fi;
      ++ti;
      continue;
    }
    const Node* x = fi < fp.size() ? &fp[fi]->nodes[fn] : nullptr;
    const Node* y = ti < tp.size() ? &tp[ti]->nodes[tn] : nullptr;
    const int c = x == nullptr ? 1 : y == nullptr ? -1 : compare_bytes(x->key, y->key);
    if (c < 0) {
      emit_all(*x, a, d.removed);
      advance(fp, fi, fn);
      continue;
    }
    if (c > 0) {
      emit_all(*y, b, d.added);
      advance(tp, ti, tn);
      continue;
    }
    flatten(*x, a);
    flatten(*y, b);
    const bool apex = x->has(node_flag::kApex);
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      const int k = i == a.size() ? 1 : j == b.size() ? -1 : (flat_less(a[i], b[j]) ? -1 : flat_less(b[j], a[i]) ? 1 : 0);
      if (k <= 0 && !(apex && a[i].type == kSoa) && (k < 0 || a[i].ttl != b[j].ttl))
        d.removed.push_back(make_record(x->owner, a[i].type, a[i].ttl, a[i].rdata));
      if (k >= 0 && !(apex && b[j].type == kSoa) && (k > 0 || a[i].ttl != b[j].ttl))
        d.added.push_back(make_record(y->owner, b[j].type, b[j].ttl, b[j].rdata));
      if (k <= 0) ++i;
      if (k >= 0) ++j;
    }
    advance(fp, fi, fn);
    advance(tp, ti, tn);
  }
  return d;
}

// The base page a key belongs in: the last page whose first key is <= key.
std::size_t DiffAccess::page_of(const ZoneVersion& v, Bytes key) {
  const std::size_t starting = v.pages_starting_at_or_before(key);
  return starting == 0 ? 0 : starting - 1;
}

// The last base page that may hold a name below `key` (names below a name
// follow it directly in canonical order).
std::size_t DiffAccess::subtree_last_page(const ZoneVersion& v, Bytes key) {
  const auto& fk = v.page_first_keys_;
  auto it = std::partition_point(fk.begin(), fk.end(),
                                 [&](Bytes f) { return key_less(f, key) || has_prefix(f, key); });
  const std::size_t first = page_of(v, key);
  const std::size_t last = it == fk.begin() ? 0 : static_cast<std::size_t>(it - fk.begin()) - 1;
  return std::max(first, last);
}

// The occlusion scan state right after `last`, a node of a page the diff does
// not touch. Such a node's ancestors kept their cut / DNAME status (a status
// change rebuilds the whole subtree), so base holds the answer.
ZoneVersion::OcclusionScan DiffAccess::scan_after(const ZoneVersion& base, const Node& last) {
  ZoneVersion::OcclusionScan scan;
  if (last.has(node_flag::kOccluded)) {
    // The topmost ancestor that is a cut or a DNAME owner: try each label
    // boundary of the key (every label ends with a 0 byte), shortest first.
    for (std::size_t i = 0; i + 1 < last.key.size(); ++i) {
      if (last.key[i] != 0) continue;
      const Node* n = base.find(last.key.first(i + 1));
      if (n != nullptr && (n->has(node_flag::kDelegation) || n->has(node_flag::kHasDname))) {
        scan.open = true;
        scan.occluder = n->key;
        break;
      }
    }
    assert(scan.open);
  } else if (last.has(node_flag::kDelegation) || last.has(node_flag::kHasDname)) {
    scan.open = true;
    scan.occluder = last.key;
  }
  return scan;
}

Result<Change> DiffAccess::make_change(const ZoneVersion& base, const DiffRecord& rr, bool add,
                                       dns::RRClass rclass) {
  const char* verb = add ? "add" : "remove";
  const auto type = static_cast<std::uint16_t>(rr.type);
  dns::Name owner;
  if (!dns::Name::from_uncompressed(rr.owner, owner))
    return error(std::string("cannot ") + verb + " a record: its owner is not a valid wire-form name");
  owner.lowercase();
  if (!owner.is_subdomain_of(base.origin()))
    return error(std::string("cannot ") + verb + " " + describe(rr) + ": owner is outside the zone " +
                 base.origin().to_text());
  if (rr.rclass != rclass)
    return error(std::string("cannot ") + verb + " " + describe(rr) + ": class " +
                 dns::class_to_text(rr.rclass) + " differs from the SOA's class " + dns::class_to_text(rclass));
  if (type == kSoa)
    return error(std::string("cannot ") + verb + " " + describe(rr) +
                 ": the SOA changes only through old_soa/new_soa");
  if (type == 0 || type == kOpt || (type >= kFirstMetaType && type <= kLastMetaType))
    return error(std::string("cannot ") + verb + " a record of type " + dns::type_to_text(rr.type) +
                 ": not zone data (RFC 6895 §3.1)");
  if (rr.rdata.size() > kMaxRdataLength || dns::rdata_check(rr.type, rr.rdata) != dns::WireError::Ok)
    return error(std::string("cannot ") + verb + " " + describe(rr) + ": malformed " +
                 dns::type_to_text(rr.type) + " rdata");
  Change c;
  c.owner.assign(owner.wire().begin(), owner.wire().end());
  RecordList::make_key(c.owner, c.key);
  c.rdata = rr.rdata;
  dns::rdata_to_canonical(rr.type, c.rdata);
  c.type = type;
  c.ttl = rr.ttl;
  c.add = add;
  return c;
}

// Applies the changes of one owner (removals first, as in IXFR, RFC 1995 §4)
// to its base node, checking each one.
std::optional<Error> DiffAccess::edit_node(const ZoneVersion& base, std::span<const Change> changes,
                                           Bytes origin_key, NodeEdit& edit) {
  const Change& first = changes.front();
  edit.key = first.key;
  edit.owner = first.owner;
  const Node* node = base.find(first.key);
  if (node != nullptr) {
    flatten(*node, edit.records);
    edit.occludes_before = node->has(node_flag::kDelegation) || node->has(node_flag::kHasDname);
  }
  const std::size_t base_count = edit.records.size();
  for (const Change& c : changes) {
    if (c.add) continue;
    FlatRecord probe{c.type, 0, c.rdata};
    auto end = edit.records.begin() + static_cast<std::ptrdiff_t>(base_count);
    auto it = std::lower_bound(edit.records.begin(), end, probe, flat_less);
    if (it == end || !same_rr(*it, probe) || it->removed)
      return error("cannot remove " + describe(c.owner, c.type, c.rdata) + ": not in the zone");
    it->removed = true;
  }
  for (const Change& c : changes)
    if (c.add) edit.records.push_back({c.type, c.ttl, c.rdata, true, false});
  std::erase_if(edit.records, [](const FlatRecord& r) { return r.removed; });
  std::stable_sort(edit.records.begin(), edit.records.end(), flat_less);
  for (std::size_t i = 0; i < edit.records.size(); ++i) {
    const FlatRecord& r = edit.records[i];
    if (i > 0 && same_rr(edit.records[i - 1], r)) {
      const bool twice = edit.records[i - 1].added && r.added;
      return error("cannot add " + describe(edit.owner, r.type, r.rdata) +
                   (twice ? ": added twice" : ": already in the zone"));
    }
  }
  // RFC 2181 §5.2: the records of an RRset share one TTL; an added record
  // must not split its set.
  for (std::size_t b = 0; b < edit.records.size();) {
    std::size_t e = b + 1;
    while (e < edit.records.size() && same_set(edit.records[b], edit.records[e])) ++e;
    if (e - b > kMaxRRsetRecords)
      return error("cannot add to " + describe(edit.owner, edit.records[b].type, edit.records[b].rdata) +
                   " and the rest of its RRset: it would hold more than " + std::to_string(kMaxRRsetRecords) +
                   " records");
    // The set's TTL: that of a record it keeps from base, else of its first addition.
    const auto set = std::span<const FlatRecord>(edit.records).subspan(b, e - b);
    const auto kept = std::find_if(set.begin(), set.end(), [](const FlatRecord& r) { return !r.added; });
    const std::uint32_t set_ttl = (kept != set.end() ? *kept : set.front()).ttl;
    for (const FlatRecord& r : set)
      if (r.added && r.ttl != set_ttl)
        return error("cannot add " + describe(edit.owner, r.type, r.rdata) + " with TTL " + std::to_string(r.ttl) +
                     ": its RRset has TTL " + std::to_string(set_ttl) +
                     " (RFC 2181 §5.2; a TTL change removes and re-adds the whole RRset)");
    b = e;
  }
  const bool apex = std::equal(edit.key.begin(), edit.key.end(), origin_key.begin(), origin_key.end());
  for (const FlatRecord& r : edit.records)
    if ((r.type == kNs && !apex) || r.type == kDname) edit.occludes_after = true;
  return std::nullopt;
}

Result<std::unique_ptr<const ZoneVersion>> DiffAccess::apply(const ZoneVersion& base, const Diff& diff) {
  // 1. The SOA: the diff must start from base's SOA and move the serial forward.
  const RRset* base_soa = apex_soa(base);
  if (base_soa == nullptr) return error("the zone has no SOA to apply a diff to");
  const Bytes base_soa_rdata = first_rdata(*base_soa);
  const auto& origin = base.origin();
  for (const DiffRecord* s : {&diff.old_soa, &diff.new_soa}) {
    const char* which = s == &diff.old_soa ? "old" : "new";
    dns::Name owner;
    if (!dns::Name::from_uncompressed(s->owner, owner) || !owner.equals_ci(origin) ||
        s->type != dns::RRType::SOA)
      return error(std::string("the diff's ") + which + " SOA is not an SOA record at the apex " + origin.to_text());
    if (!dns::read_soa(s->rdata) || dns::rdata_check(dns::RRType::SOA, s->rdata) != dns::WireError::Ok)
      return error(std::string("the diff's ") + which + " SOA has malformed rdata");
  }
  if (diff.old_soa.rclass != diff.new_soa.rclass)
    return error("the diff's old and new SOA differ in class");
  std::vector<std::uint8_t> old_soa_rdata = diff.old_soa.rdata;
  dns::rdata_to_canonical(dns::RRType::SOA, old_soa_rdata);
  const std::uint32_t old_serial = dns::read_soa(old_soa_rdata).value_or(dns::SoaFields{}).serial;
  const std::uint32_t new_serial = dns::read_soa(diff.new_soa.rdata).value_or(dns::SoaFields{}).serial;
  if (compare_bytes(old_soa_rdata, base_soa_rdata) != 0)
    return error("the diff starts from SOA serial " + std::to_string(old_serial) +
                 " but the zone's SOA is " + describe(base.apex().owner, kSoa, base_soa_rdata));
  if (!dns::serial_gt(new_serial, old_serial))
    return error("the new SOA serial " + std::to_string(new_serial) + " is not greater than the old serial " +
                 std::to_string(old_serial) + " (RFC 1982 serial arithmetic)");

  // 2. Every change, checked alone, then grouped by owner in canonical order.
  std::vector<Change> changes;
  changes.reserve(diff.removed.size() + diff.added.size() + 2);
  for (const auto* list : {&diff.removed, &diff.added}) {
    const bool add = list == &diff.added;
    for (const DiffRecord& rr : *list) {
      auto c = make_change(base, rr, add, diff.new_soa.rclass);
      if (!c) return Error{c.error()};
      changes.push_back(std::move(c).value());
    }
  }
  {
    // The SOA swap, as a removal and an addition at the apex.
    Change rm, ad;
    rm.owner.assign(base.apex().owner.begin(), base.apex().owner.end());
    rm.key.assign(base.apex().key.begin(), base.apex().key.end());
    rm.rdata.assign(base_soa_rdata.begin(), base_soa_rdata.end());
    rm.type = kSoa;
    ad.owner = rm.owner;
    ad.key = rm.key;
    ad.rdata = diff.new_soa.rdata;
    dns::rdata_to_canonical(dns::RRType::SOA, ad.rdata);
    ad.type = kSoa;
    ad.ttl = diff.new_soa.ttl;
    ad.add = true;
    changes.push_back(std::move(rm));
    changes.push_back(std::move(ad));
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& x, const Change& y) { return key_less(x.key, y.key); });

  std::vector<std::uint8_t> origin_key;
  RecordList::make_key(origin.wire(), origin_key);
  std::vector<NodeEdit> edits;
  std::size_t removed_count = 0, added_count = 0;
  for (std::size_t b = 0; b < changes.size();) {
    std::size_t e = b + 1;
    while (e < changes.size() && changes[e].key == changes[b].key) ++e;
    NodeEdit edit;
    if (auto err = edit_node(base, std::span<const Change>(changes).subspan(b, e - b), origin_key, edit))
      return *err;
    for (std::size_t i = b; i < e; ++i) (changes[i].add ? added_count : removed_count) += 1;
    edits.push_back(std::move(edit));
    b = e;
  }

  // 3. Pages to rebuild: those holding an edited owner, and every page below
  // an owner that becomes or stops being a cut or DNAME owner (the flags of
  // its whole subtree change).
  const std::size_t page_count = base.pages_.size();
  std::vector<std::uint8_t> dirty(page_count, 0);
  for (std::size_t i = edits.size(); i-- > 0;) {
    const std::size_t p = page_of(base, edits[i].key);
    dirty[p] = 1;
    if (edits[i].occludes_before != edits[i].occludes_after) {
      const std::size_t last = subtree_last_page(base, edits[i].key);
      for (std::size_t q = p; q <= last; ++q) dirty[q] = 1;
    }
  }

  // 4. The edited nodes' records, in one sorted RecordList (edits are in
  // canonical order, so their records stay in edit order).
  RecordList edited;
  {
    dns::Name owner;
    for (NodeEdit& edit : edits) {
      if (edit.records.empty()) continue;
      const bool ok = dns::Name::from_uncompressed(edit.owner, owner);
      assert(ok);
      (void)ok;
      for (const FlatRecord& r : edit.records) edited.add(owner, dns::RRType{r.type}, kVersionClass, r.ttl, r.rdata);
    }
    edited.sort();
    std::size_t i = 0;
    for (NodeEdit& edit : edits) {
      if (edit.records.empty()) continue;
      edit.first_record = i;
      while (++i < edited.size() && edited.same_owner(edited[i - 1], edited[i])) {
      }
      edit.end_record = i;
      assert(edit.end_record - edit.first_record == edit.records.size());
    }
  }

  // 5. The new page table: shared pages as they are; a touched page rebuilt
  // from its untouched nodes (copied) and its edited ones. A rebuilt page
  // that grows past twice the page size is split.
  std::vector<PagePtr> pages;
  pages.reserve(page_count + 4);
  ZoneVersion::OcclusionScan scan;
  bool scan_current = true;  // `scan` is the state after pages.back()
  std::size_t next_edit = 0;
  std::vector<ZoneVersion::PageSource> sources;
  for (std::size_t p = 0; p < page_count; ++p) {
    if (dirty[p] == 0) {
      pages.push_back(base.pages_[p]);
      scan_current = false;
      continue;
    }
    if (!scan_current) scan = scan_after(base, pages.back()->nodes.back());
    scan_current = true;
    const std::size_t edits_end = [&] {
      std::size_t e = next_edit;
      while (e < edits.size() && page_of(base, edits[e].key) == p) ++e;
      return e;
    }();
    sources.clear();
    const auto& nodes = base.pages_[p]->nodes;
    std::size_t n = 0;
    while (n < nodes.size() || next_edit < edits_end) {
      const int c = n == nodes.size() ? 1 : next_edit == edits_end ? -1 : compare_bytes(nodes[n].key, edits[next_edit].key);
      if (c < 0) {
        sources.push_back({&nodes[n], 0, 0});
      } else {
        const NodeEdit& edit = edits[next_edit++];
        if (!edit.records.empty()) sources.push_back({nullptr, edit.first_record, edit.end_record});
      }
      if (c <= 0) ++n;
    }
    const std::size_t m = sources.size();
    const std::size_t pieces =
        m > 2 * ZoneVersion::kNodesPerPage ? (m + ZoneVersion::kNodesPerPage - 1) / ZoneVersion::kNodesPerPage : 1;
    for (std::size_t k = 0; k < pieces && m > 0; ++k) {
      const std::size_t first = m * k / pieces;
      auto page = ZoneVersion::build_page(
          edited, std::span<const ZoneVersion::PageSource>(sources).subspan(first, m * (k + 1) / pieces - first),
          origin_key);
      for (Node& node : page->nodes) scan.visit(node);
      pages.push_back(std::move(page));
    }
  }
  assert(next_edit == edits.size());

  std::unique_ptr<ZoneVersion> v(new ZoneVersion());
  v->origin_ = base.origin_;
  v->pages_ = std::move(pages);
  v->record_count_ = base.record_count_ - removed_count + added_count;
  v->index_pages();
  return std::unique_ptr<const ZoneVersion>(std::move(v));
}

Diff compute_diff(const ZoneVersion& from, const ZoneVersion& to) { return DiffAccess::compute(from, to); }

Result<std::unique_ptr<const ZoneVersion>> apply_diff(const ZoneVersion& base, const Diff& diff) {
  return DiffAccess::apply(base, diff);
}

std::string describe(const DiffRecord& r) {
  return describe(r.owner, static_cast<std::uint16_t>(r.type), r.rdata);
}

std::string to_text(const DiffRecord& r) {
  std::string s;
  dns::Name owner;
  if (dns::Name::from_uncompressed(r.owner, owner)) owner.append_text(s);
  s += ' ' + std::to_string(r.ttl) + ' ' + dns::class_to_text(r.rclass) + ' ' +
       dns::type_to_text(r.type) + ' ';
  dns::rdata_to_display_text(r.type, r.rdata, s);
  return s;
}

}  // namespace zoned::zone
