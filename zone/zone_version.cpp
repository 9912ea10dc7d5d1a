// ZoneVersion::build and the allocation-free node search (zone_version.hpp).
#include "zone/zone_version.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

#include "dns/soa.hpp"
#include "zone/nsec3.hpp"
#include "zone/record_list.hpp"

namespace zoned::zone {

namespace {

constexpr std::uint16_t kRrsig = 46;        // RFC 4034 §3
std::uint16_t covered_type(std::span<const std::uint8_t> rrsig_rdata) {
  // RFC 4034 §3.1.1: the first field of RRSIG rdata is the type covered.
  if (rrsig_rdata.size() < 2) return 0;
  return static_cast<std::uint16_t>(rrsig_rdata[0] << 8 | rrsig_rdata[1]);
}

bool key_less(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// `key` names a node strictly below the node with key `ancestor`. Keys end
// every label with a 0 byte that no escaped label byte can produce, so a byte
// prefix is always a label-aligned ancestor.
bool strictly_below(std::span<const std::uint8_t> key, std::span<const std::uint8_t> ancestor) {
  return key.size() > ancestor.size() &&
         std::equal(ancestor.begin(), ancestor.end(), key.begin());
}

// The 8 key bytes after the apex key (`skip` bytes), big-endian and
// zero-padded. Every key of a version starts with the apex key, so for two
// such keys a smaller prefix means a smaller key: most comparisons of a
// search are one integer compare. Zero padding cannot tie a shorter key with
// a longer one, as no label byte of a key is 0 (lookup.hpp, make_lookup_key).
std::uint64_t key_prefix(std::span<const std::uint8_t> key, std::size_t skip) noexcept {
  if (key.size() >= skip + 8) {
    std::uint64_t v;
    std::memcpy(&v, key.data() + skip, 8);
    return __builtin_bswap64(v);
  }
  std::uint64_t v = 0;
  for (std::size_t i = skip; i < key.size(); ++i) v |= std::uint64_t{key[i]} << (56 - 8 * (i - skip));
  return v;
}

// The hash of a key for Page::key_slots, over the bytes after the apex key
// (`skip`), which every key of a version shares.
std::uint64_t key_hash(std::span<const std::uint8_t> key, std::size_t skip) noexcept {
  constexpr std::uint64_t kMultiplier = 0x9e3779b97f4a7c15ull;
  std::uint64_t h = key.size();
  std::size_t i = skip;
  for (; i + 8 <= key.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, key.data() + i, 8);
    h = (h ^ chunk) * kMultiplier;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, key.data() + i, key.size() - i);
  h = (h ^ tail) * kMultiplier;
  return h ^ (h >> 29);
}

std::uint32_t slot_tag(std::uint64_t hash) noexcept { return static_cast<std::uint32_t>(hash >> 48) << 16; }

// upper_bound over indexes [0, n) of a sorted sequence: how many elements
// the probe is not before (key_before(i): the probe sorts before element i).
template <class KeyBefore>
std::size_t count_not_after(std::size_t n, KeyBefore&& key_before) noexcept {
  std::size_t lo = 0;
  while (n > 0) {
    const std::size_t half = n / 2;
    if (key_before(lo + half)) {
      n = half;
    } else {
      lo += half + 1;
      n -= half + 1;
    }
  }
  return lo;
}

// A run of records that becomes one stored RRset.
struct Group {
  std::uint16_t type = 0;     // for RRSIG groups: the covered type
  bool rrsig = false;
  bool orphan = false;        // RRSIG whose covered type has no RRset here
  std::size_t begin = 0, end = 0;  // record indices
};

class PageBuilder {
 public:
  explicit PageBuilder(const RecordList& rl) : rl_(rl) {}

  // Upper bounds of a node's bytes and sets, so that spans into the page's
  // vectors stay valid once reserved.
  void count_records(std::size_t b, std::size_t e, std::size_t& bytes, std::size_t& sets) const {
    const auto& r0 = rl_[b];
    bytes += rl_.owner_wire(r0).size() + rl_.owner_key(r0).size();
    for (std::size_t i = b; i < e; ++i) bytes += 2u + rl_[i].rdata_length;
    sets += e - b + 1;
  }
  static void count_copy(const Node& n, std::size_t& bytes, std::size_t& sets) {
    bytes += n.owner.size() + n.key.size();
    for (const RRset& s : n.rrsets) {
      bytes += s.data.size();
      ++sets;
      if (s.rrsigs != nullptr) {
        bytes += s.rrsigs->data.size();
        ++sets;
      }
    }
  }

  // A copy of a node of another version, byte for byte, its flags but
  // kOccluded kept: the same records give the same node.
  void copy_node(ZoneVersion::Page& page, const Node& n) {
    Node node;
    node.owner = append(page, n.owner);
    node.key = append(page, n.key);
    node.flags = static_cast<std::uint16_t>(n.flags & ~node_flag::kOccluded);
    const std::size_t first_set = page.rrsets.size();
    for (const RRset& s : n.rrsets) {
      RRset c = s;
      c.data = append(page, s.data);
      c.rrsigs = nullptr;
      page.rrsets.push_back(c);
    }
    for (std::size_t k = 0; k < n.rrsets.size(); ++k) {
      if (n.rrsets[k].rrsigs == nullptr) continue;
      RRset sig = *n.rrsets[k].rrsigs;
      sig.data = append(page, sig.data);
      page.rrsets.push_back(sig);
      page.rrsets[first_set + k].rrsigs = &page.rrsets.back();
    }
    node.rrsets = {page.rrsets.data() + first_set, n.rrsets.size()};
    page.nodes.push_back(node);
  }

 private:
  std::span<const std::uint8_t> append(ZoneVersion::Page& page, std::span<const std::uint8_t> b) {
    const std::size_t at = page.bytes.size();
    page.bytes.insert(page.bytes.end(), b.begin(), b.end());
    return {page.bytes.data() + at, b.size()};
  }

  RRset make_set(ZoneVersion::Page& page, dns::RRType type, std::size_t b, std::size_t e,
                 const std::vector<Group>* orphans) {
    RRset s;
    s.type = type;
    s.ttl = rl_[b].ttl;
    if (orphans != nullptr) {
      // The orphan RRSIGs of several covered types share one set: it takes
      // the TTL of the first of them (canonical order).
      for (const Group& g : *orphans)
        if (g.orphan) {
          s.ttl = rl_[g.begin].ttl;
          break;
        }
    }
    const std::size_t at = page.bytes.size();
    auto put = [&](std::size_t i) {
      const auto& r = rl_[i];
      page.bytes.push_back(static_cast<std::uint8_t>(r.rdata_length >> 8));
      page.bytes.push_back(static_cast<std::uint8_t>(r.rdata_length));
      const auto rd = rl_.rdata(r);
      page.bytes.insert(page.bytes.end(), rd.begin(), rd.end());
      ++s.count;
    };
    if (orphans != nullptr) {
      for (const Group& g : *orphans)
        if (g.orphan)
          for (std::size_t i = g.begin; i < g.end; ++i) put(i);
    } else {
      for (std::size_t i = b; i < e; ++i) put(i);
    }
    s.data = {page.bytes.data() + at, page.bytes.size() - at};
    return s;
  }

 public:
  // A node from records [b, e) of the sorted RecordList.
  void add_node(ZoneVersion::Page& page, std::size_t b, std::size_t e,
                std::span<const std::uint8_t> origin_key) {
    groups_.clear();
    for (std::size_t i = b; i < e;) {
      Group g;
      g.begin = i;
      g.rrsig = static_cast<std::uint16_t>(rl_[i].type) == kRrsig;
      g.type = g.rrsig ? covered_type(rl_.rdata(rl_[i])) : static_cast<std::uint16_t>(rl_[i].type);
      ++i;
      while (i < e && rl_[i].type == rl_[g.begin].type &&
             (!g.rrsig || rl_.same_covered(rl_[i], rl_[g.begin])))
        ++i;
      g.end = i;
      groups_.push_back(g);
    }
    bool any_orphan = false;
    for (Group& g : groups_) {
      if (!g.rrsig) continue;
      g.orphan = std::none_of(groups_.begin(), groups_.end(),
                              [&](const Group& o) { return !o.rrsig && o.type == g.type; });
      any_orphan |= g.orphan;
    }

    Node node;
    const auto& r0 = rl_[b];
    node.owner = append(page, rl_.owner_wire(r0));
    node.key = append(page, rl_.owner_key(r0));
    const bool apex = std::equal(node.key.begin(), node.key.end(), origin_key.begin(), origin_key.end());
    if (apex) node.flags |= node_flag::kApex;
    if (node.owner.size() >= 2 && node.owner[0] == 1 && node.owner[1] == '*')
      node.flags |= node_flag::kWildcard;

    // The node's own sets, sorted by type; the orphan RRSIGs (if any) as one
    // set of type RRSIG at its place in type order.
    const std::size_t first_set = page.rrsets.size();
    bool orphan_done = !any_orphan;
    for (const Group& g : groups_) {
      if (g.rrsig) {
        if (!orphan_done) {
          page.rrsets.push_back(make_set(page, dns::RRType{kRrsig}, 0, 0, &groups_));
          orphan_done = true;
        }
        continue;
      }
      page.rrsets.push_back(make_set(page, dns::RRType{g.type}, g.begin, g.end, nullptr));
      if (g.type == static_cast<std::uint16_t>(dns::RRType::NS) && !apex)
        node.flags |= node_flag::kDelegation;
      if (g.type == static_cast<std::uint16_t>(dns::RRType::DNAME)) node.flags |= node_flag::kHasDname;
      if (g.type == static_cast<std::uint16_t>(dns::RRType::CNAME)) node.flags |= node_flag::kHasCname;
    }
    const std::size_t own_end = page.rrsets.size();
    if (own_end - first_set == 1 && page.rrsets[first_set].type == dns::RRType::NSEC3) {
      node.flags |= node_flag::kNsec3Only;
    }
    // Covering RRSIG sets after the node's own sets, linked from the set they cover.
    for (const Group& g : groups_) {
      if (!g.rrsig || g.orphan) continue;
      page.rrsets.push_back(make_set(page, dns::RRType{kRrsig}, g.begin, g.end, nullptr));
      const RRset* sig = &page.rrsets.back();
      for (std::size_t k = first_set; k < own_end; ++k)
        if (static_cast<std::uint16_t>(page.rrsets[k].type) == g.type) page.rrsets[k].rrsigs = sig;
    }
    node.rrsets = {page.rrsets.data() + first_set, own_end - first_set};
    page.nodes.push_back(node);
  }

 private:
  const RecordList& rl_;
  std::vector<Group> groups_;
};

}  // namespace

const RRset* Node::find(dns::RRType type) const noexcept {
  for (const RRset& s : rrsets)
    if (s.type == type) return &s;
  return nullptr;
}

dns::Name Node::owner_name() const {
  dns::Name n;
  const bool ok = dns::Name::from_uncompressed(owner, n);
  assert(ok);
  (void)ok;
  return n;
}

std::shared_ptr<ZoneVersion::Page> ZoneVersion::build_page(const RecordList& records,
                                                           std::span<const PageSource> sources,
                                                           std::span<const std::uint8_t> origin_key) {
  PageBuilder pb(records);
  std::size_t bytes = 0, sets = 0;
  for (const PageSource& src : sources) {
    if (src.copy != nullptr) {
      PageBuilder::count_copy(*src.copy, bytes, sets);
    } else {
      pb.count_records(src.begin, src.end, bytes, sets);
    }
  }
  auto page = std::make_shared<Page>();
  page->bytes.reserve(bytes);
  page->rrsets.reserve(sets);
  page->nodes.reserve(sources.size());
  for (const PageSource& src : sources) {
    if (src.copy != nullptr) {
      pb.copy_node(*page, *src.copy);
    } else {
      pb.add_node(*page, src.begin, src.end, origin_key);
    }
  }
  assert(page->bytes.size() <= bytes && page->rrsets.size() <= sets);
  page->key_prefixes.reserve(page->nodes.size());
  for (const Node& n : page->nodes) page->key_prefixes.push_back(key_prefix(n.key, origin_key.size()));
  count_page_descendants(page->nodes);
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(16, 2 * page->nodes.size()));
  page->key_slots.assign(slots, 0);
  for (std::size_t i = 0; i < page->nodes.size(); ++i) {
    const std::uint64_t h = key_hash(page->nodes[i].key, origin_key.size());
    std::size_t at = h & (slots - 1);
    while (page->key_slots[at] != 0) at = (at + 1) & (slots - 1);
    page->key_slots[at] = slot_tag(h) | static_cast<std::uint32_t>(i + 1);
  }
  return page;
}

void ZoneVersion::count_page_descendants(std::span<Node> nodes) {
  // One pass with a stack of the nodes whose subtree is still open: a node
  // closes every open one it is not below.
  std::vector<std::size_t> open;
  const auto close = [&](std::size_t end) {
    Node& n = nodes[open.back()];
    n.descendants_in_page = static_cast<std::uint16_t>(end - open.back() - 1);
    n.subtree_reaches_page_end = end == nodes.size();
    open.pop_back();
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    while (!open.empty() && !strictly_below(nodes[i].key, nodes[open.back()].key)) close(i);
    open.push_back(i);
  }
  while (!open.empty()) close(nodes.size());
}

void ZoneVersion::OcclusionScan::visit(Node& n) noexcept {
  // RFC 1034 §4.2.1 (zone cuts), RFC 6672 §2.3 (DNAME): names strictly below
  // are not answered from.
  if (open && strictly_below(n.key, occluder)) {
    n.flags |= node_flag::kOccluded;
    return;
  }
  open = n.has(node_flag::kDelegation) || n.has(node_flag::kHasDname);
  if (open) occluder = n.key;
}

std::unique_ptr<const ZoneVersion> ZoneVersion::build(const RecordList& records,
                                                      const dns::Name& origin) {
  assert(records.sorted());
  std::unique_ptr<ZoneVersion> v(new ZoneVersion());
  v->origin_ = origin.lowercased();
  v->record_count_ = records.size();
  std::vector<std::uint8_t> origin_key;
  RecordList::make_key(v->origin_.wire(), origin_key);

  std::vector<PageSource> nodes;  // each node's records
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i == 0 || !records.same_owner(records[i - 1], records[i])) nodes.push_back({nullptr, i, i});
    nodes.back().end = i + 1;
  }

  std::vector<std::shared_ptr<Page>> pages;  // writable until published below
  OcclusionScan scan;
  for (std::size_t first = 0; first < nodes.size(); first += kNodesPerPage) {
    const std::size_t count = std::min(kNodesPerPage, nodes.size() - first);
    pages.push_back(build_page(records, std::span<const PageSource>(nodes).subspan(first, count), origin_key));
    for (Node& n : pages.back()->nodes) scan.visit(n);
  }
  v->pages_.assign(pages.begin(), pages.end());
  v->index_pages();
  return v;
}

void ZoneVersion::index_pages() {
  RecordList::make_key(origin_.wire(), origin_key_);
  page_first_keys_.clear();
  page_first_keys_.reserve(pages_.size());
  page_first_prefixes_.clear();
  page_first_prefixes_.reserve(pages_.size());
  page_views_.clear();
  page_views_.reserve(pages_.size());
  node_count_ = 0;
  for (const auto& page : pages_) {
    assert(!page->nodes.empty() && page->key_prefixes.size() == page->nodes.size());
    assert(std::has_single_bit(page->key_slots.size()) && page->key_slots.size() > page->nodes.size());
    page_first_keys_.push_back(page->nodes.front().key);
    page_first_prefixes_.push_back(page->key_prefixes.front());
    page_views_.push_back({page->nodes.data(), page->key_prefixes.data(), page->key_slots.data(),
                           static_cast<std::uint32_t>(page->nodes.size()),
                           static_cast<std::uint32_t>(page->key_slots.size() - 1)});
    node_count_ += page->nodes.size();
  }
  apex_ = {};
  nsec3_chain_.reset();
  serial_ = 0;
  negative_soa_ = {};
  negative_soa_data_.clear();
  if (pages_.empty()) return;

  if (const std::size_t starting = pages_starting_at_or_before(origin_key_); starting != 0) {
    const std::size_t p = starting - 1;
    const auto& nodes = pages_[p]->nodes;
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].has(node_flag::kApex)) {
        apex_ = {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(i)};
        break;
      }
  }

  const RRset* soa = apex().find(dns::RRType::SOA);
  if (soa != nullptr && soa->count > 0) {
    std::span<const std::uint8_t> rdata;
    soa->for_each_rdata([&](std::span<const std::uint8_t> rd) { if (rdata.empty()) rdata = rd; });
    if (const auto fields = dns::read_soa(rdata)) {
      serial_ = fields->serial;
      const std::uint32_t minimum = fields->minimum;
      // RFC 2308 §3: negative TTL = min(SOA TTL, SOA MINIMUM).
      negative_soa_data_.assign(soa->data.begin(), soa->data.begin() + 2 + static_cast<std::ptrdiff_t>(rdata.size()));
      negative_soa_.type = dns::RRType::SOA;
      negative_soa_.count = 1;
      negative_soa_.ttl = std::min(soa->ttl, minimum);
      negative_soa_.data = negative_soa_data_;
      negative_soa_.rrsigs = soa->rrsigs;
    }
  }
  nsec3_chain_ = Nsec3Chain::build(*this);
}

const Node& ZoneVersion::apex() const noexcept { return pages_[apex_.page]->nodes[apex_.index]; }

ZoneVersion::Probe ZoneVersion::probe(std::span<const std::uint8_t> key) const noexcept {
  Probe p{key};
  p.in_zone = key.size() >= origin_key_.size() &&
              std::equal(origin_key_.begin(), origin_key_.end(), key.begin());
  if (p.in_zone) p.prefix = key_prefix(key, origin_key_.size());
  return p;
}

bool ZoneVersion::Probe::before(std::uint64_t other_prefix, std::span<const std::uint8_t> other) const noexcept {
  if (in_zone && prefix != other_prefix) return prefix < other_prefix;
  return key_less(key, other);
}

const ZoneVersion::PageView* ZoneVersion::page_for(const Probe& pr) const noexcept {
  const std::size_t starting = pages_starting_at_or_before(pr);
  return starting == 0 ? nullptr : &page_views_[starting - 1];  // the last page whose first key is <= key
}

ZoneVersion::Neighbours ZoneVersion::neighbours(std::span<const std::uint8_t> key) const noexcept {
  if (pages_.empty()) return {};
  const Probe pr = probe(key);
  return neighbours_in(page_for(pr), pr);
}

ZoneVersion::Neighbours ZoneVersion::neighbours_in(const PageView* page, const Probe& pr) const noexcept {
  Neighbours out;
  if (page == nullptr) {
    out.after = page_views_.front().nodes;
    return out;
  }
  const std::size_t lo = count_not_after(page->node_count, [&](std::size_t i) {
    return pr.before(page->key_prefixes[i], page->nodes[i].key);
  });
  // lo > 0: the page's first key is <= key.
  out.at_or_before = &page->nodes[lo - 1];
  if (lo < page->node_count) {
    out.after = &page->nodes[lo];
  } else if (page + 1 < page_views_.data() + page_views_.size()) {
    out.after = page[1].nodes;
  }
  return out;
}

const ZoneVersion::Page* ZoneVersion::page_holding(std::span<const std::uint8_t> key) const noexcept {
  if (pages_.empty()) return nullptr;
  const std::size_t n = pages_starting_at_or_before(key);
  return pages_[n == 0 ? 0 : n - 1].get();
}

std::size_t ZoneVersion::pages_starting_at_or_before(std::span<const std::uint8_t> key) const noexcept {
  return pages_starting_at_or_before(probe(key));
}

std::size_t ZoneVersion::pages_starting_at_or_before(const Probe& pr) const noexcept {
  return count_not_after(page_first_keys_.size(), [&](std::size_t i) {
    return pr.before(page_first_prefixes_[i], page_first_keys_[i]);
  });
}

const Node* ZoneVersion::find(std::span<const std::uint8_t> key) const noexcept {
  if (pages_.empty()) return nullptr;
  const Probe pr = probe(key);
  // Every node's key starts with the apex key.
  return pr.in_zone ? find_in(page_for(pr), pr) : nullptr;
}

ZoneVersion::Located ZoneVersion::locate(std::span<const std::uint8_t> key) const noexcept {
  Located out;
  if (pages_.empty()) return out;
  const Probe pr = probe(key);
  const PageView* page = page_for(pr);
  if (pr.in_zone) out.node = find_in(page, pr);
  if (out.node == nullptr) out.neighbours = neighbours_in(page, pr);
  return out;
}

const Node* ZoneVersion::find_in(const PageView* page, const Probe& pr) const noexcept {
  if (page == nullptr) return nullptr;
  const std::uint64_t h = key_hash(pr.key, origin_key_.size());
  const std::uint32_t tag = slot_tag(h);
  for (std::size_t at = h & page->slot_mask;; at = (at + 1) & page->slot_mask) {
    const std::uint32_t slot = page->key_slots[at];
    if (slot == 0) return nullptr;
    if ((slot & 0xffff0000u) != tag) continue;
    const Node& n = page->nodes[(slot & 0xffffu) - 1];
    if (std::equal(n.key.begin(), n.key.end(), pr.key.begin(), pr.key.end())) return &n;
  }
}

}  // namespace zoned::zone
