#pragma once
// ZoneVersion: one immutable version of a zone, ready for answering. Built off
// the query path (from a RecordList, or from a previous version plus a Diff),
// then published; after that nothing in it changes, so any number of threads
// read it without locks.
//
// Layout. Every node (an owner with data) lives in a page of up to
// kNodesPerPage nodes kept in canonical order (RFC 4034 §6.1); the version
// holds a small table of shared, immutable pages. Applying a diff copies the
// page table and only the pages it touches, and shares the rest (and their
// rdata) with the previous version: a 1-record change to a 1M-record zone
// copies a few kilobytes, not the zone.
//
// Empty non-terminals are not stored: a name is an empty non-terminal when it
// has no node but its canonical successor is below it (all descendants of a
// name follow it directly in canonical order).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"

namespace zoned::zone {

class RecordList;
class Nsec3Chain;

// RRset::count is 16 bits: check_zone() and apply_diff() refuse larger sets.
inline constexpr std::size_t kMaxRRsetRecords = 65535;

// An RRset as stored: `count` records, each a 16-bit big-endian length then
// the rdata, uncompressed, canonically sorted and without duplicates.
struct RRset {
  dns::RRType type{};
  std::uint16_t count = 0;
  std::uint32_t ttl = 0;
  std::span<const std::uint8_t> data;  // count x (u16 length, rdata)
  const RRset* rrsigs = nullptr;       // the RRSIGs covering this type, if any

  // Calls fn(std::span<const std::uint8_t> rdata) for each record in order.
  template <class Fn>
  void for_each_rdata(Fn&& fn) const {
    std::size_t pos = 0;
    for (std::uint16_t i = 0; i < count; ++i) {
      const std::size_t len = std::size_t{data[pos]} << 8 | data[pos + 1];
      fn(data.subspan(pos + 2, len));
      pos += 2 + len;
    }
  }
};

// Node flags, precomputed when the version is built, so that answering tests
// a bit instead of searching the zone.
namespace node_flag {
inline constexpr std::uint16_t kApex = 1u << 0;
inline constexpr std::uint16_t kDelegation = 1u << 1;  // NS below the apex: a zone cut
inline constexpr std::uint16_t kOccluded = 1u << 2;    // strictly below a cut or a DNAME owner:
                                                       // never answered from (glue aside)
inline constexpr std::uint16_t kHasDname = 1u << 3;
inline constexpr std::uint16_t kHasCname = 1u << 4;
inline constexpr std::uint16_t kWildcard = 1u << 5;    // owner's leftmost label is '*'
inline constexpr std::uint16_t kNsec3Only = 1u << 6;   // holds only an NSEC3 (and its RRSIGs): the
                                                       // name does not exist (RFC 5155 §7.2.8)
}  // namespace node_flag

struct Node {
  std::span<const std::uint8_t> owner;  // wire form, lowercased
  std::span<const std::uint8_t> key;    // RecordList::make_key() form: byte order = canonical order
  std::span<const RRset> rrsets;        // sorted by type; RRSIG sets are reached through RRset::rrsigs
  std::uint16_t flags = 0;
  // Descendants follow their ancestor directly in canonical order: the next
  // `descendants_in_page` nodes of this node's page (this[1] on) are its
  // descendants, and when `subtree_reaches_page_end` more may start the next
  // page. Set when the page is built (they depend on where pages split), so
  // the query path finds glue and wildcards below a node without a search.
  std::uint16_t descendants_in_page = 0;
  bool subtree_reaches_page_end = false;

  [[nodiscard]] bool has_descendants() const noexcept { return descendants_in_page > 0 || subtree_reaches_page_end; }
  // The descendants this node's page holds.
  [[nodiscard]] std::span<const Node> page_descendants() const noexcept { return {this + 1, descendants_in_page}; }
  [[nodiscard]] const RRset* find(dns::RRType type) const noexcept;  // a linear scan: nodes hold few types
  [[nodiscard]] bool has(std::uint16_t flag) const noexcept { return (flags & flag) != 0; }
  [[nodiscard]] dns::Name owner_name() const;  // for logs and tests, not the query path
};

class ZoneVersion {
 public:
  static constexpr std::size_t kNodesPerPage = 256;

  // Builds a version from a sorted RecordList (RecordList::sort()) that
  // passed check_zone(). Records outside `origin` must not be present.
  [[nodiscard]] static std::unique_ptr<const ZoneVersion> build(const RecordList& records,
                                                                const dns::Name& origin);

  [[nodiscard]] const dns::Name& origin() const noexcept { return origin_; }
  [[nodiscard]] const Node& apex() const noexcept;
  [[nodiscard]] std::uint32_t serial() const noexcept { return serial_; }
  // The SOA to put in negative answers: TTL = min(SOA TTL, SOA MINIMUM), RFC 2308 §3.
  [[nodiscard]] const RRset& negative_soa() const noexcept { return negative_soa_; }
  [[nodiscard]] std::size_t node_count() const noexcept { return node_count_; }
  [[nodiscard]] std::size_t record_count() const noexcept { return record_count_; }
  // The NSEC3 chain (zone/nsec3.hpp), or null when the zone has none.
  [[nodiscard]] const Nsec3Chain* nsec3_chain() const noexcept { return nsec3_chain_.get(); }

  // Position of a node in canonical order (stable only within this version).
  struct Position {
    std::uint32_t page = 0;
    std::uint32_t index = 0;
  };

  // The node whose key equals `key`, or nullptr. Allocation-free.
  [[nodiscard]] const Node* find(std::span<const std::uint8_t> key) const noexcept;
  // The last node whose key is <= `key` (its canonical predecessor or itself),
  // and the first node whose key is > `key`; either may be absent.
  struct Neighbours {
    const Node* at_or_before = nullptr;
    const Node* after = nullptr;
  };
  [[nodiscard]] Neighbours neighbours(std::span<const std::uint8_t> key) const noexcept;
  // find(key), and when there is no such node its neighbours(), with one
  // search for the page.
  struct Located {
    const Node* node = nullptr;  // find(key)
    Neighbours neighbours;       // only when node is null
  };
  [[nodiscard]] Located locate(std::span<const std::uint8_t> key) const noexcept;

  // One page of nodes and the storage their spans point into. Immutable once
  // built; shared between versions through shared_ptr.
  struct Page {
    std::vector<Node> nodes;          // canonical order
    std::vector<std::uint64_t> key_prefixes;  // per node: key_prefix() of its key
    // Open-addressed hash of the nodes' keys, a power of two at least twice
    // the node count: per slot the high 16 bits of the key's hash and the
    // node's index + 1 (0: empty). find() probes it instead of searching the
    // page, and touches no node whose hash differs.
    std::vector<std::uint32_t> key_slots;
    std::vector<RRset> rrsets;        // Node::rrsets and RRset::rrsigs point here
    std::vector<std::uint8_t> bytes;  // owners, keys and rdata of these nodes
  };

  // The page that holds (or would hold) the node with `key`, or null in an
  // empty version. Two versions share that part of the zone when both return
  // the same page: for tests and benchmarks of apply_diff (zone/diff.hpp).
  [[nodiscard]] const Page* page_holding(std::span<const std::uint8_t> key) const noexcept;
  [[nodiscard]] std::size_t page_count() const noexcept { return pages_.size(); }

  ZoneVersion(const ZoneVersion&) = delete;
  ZoneVersion& operator=(const ZoneVersion&) = delete;

  // Canonical-order iteration (NSEC chains, dumps, diffs).
  template <class Fn>
  void for_each_node(Fn&& fn) const {
    for (const auto& page : pages_) {
      for (const Node& n : page->nodes) fn(n);
    }
  }

 private:
  friend class DiffAccess;  // apply_diff/compute_diff (zone/diff.cpp) share and rebuild pages

  ZoneVersion() = default;

  // One node of a page being built: a node of another version, copied as it
  // is (apply_diff keeps the nodes a diff leaves alone), or records
  // [begin, end) of a sorted RecordList, all of one owner.
  struct PageSource {
    const Node* copy = nullptr;
    std::size_t begin = 0, end = 0;
  };
  // Builds one page of these nodes, in canonical order. Sets every flag but
  // kOccluded (OcclusionScan's job).
  [[nodiscard]] static std::shared_ptr<Page> build_page(const RecordList& records,
                                                        std::span<const PageSource> sources,
                                                        std::span<const std::uint8_t> origin_key);
  // Node::descendants_in_page and subtree_reaches_page_end of one page.
  static void count_page_descendants(std::span<Node> nodes);
  // kOccluded, set in one canonical-order pass that may span pages: descendants
  // follow their ancestor directly, so remembering the topmost open cut or
  // DNAME owner suffices.
  struct OcclusionScan {
    std::span<const std::uint8_t> occluder;  // key of the open cut / DNAME owner
    bool open = false;
    void visit(Node& node) noexcept;
  };
  // A key to search for, with its key_prefix() when it is in the zone.
  struct Probe {
    std::span<const std::uint8_t> key;
    std::uint64_t prefix = 0;
    bool in_zone = false;  // starts with the apex key, so prefixes order it
    // key < other (whose prefix is other_prefix).
    [[nodiscard]] bool before(std::uint64_t other_prefix, std::span<const std::uint8_t> other) const noexcept;
  };
  [[nodiscard]] Probe probe(std::span<const std::uint8_t> key) const noexcept;
  // How many pages have a first key <= key (the page for key is the last of them).
  [[nodiscard]] std::size_t pages_starting_at_or_before(std::span<const std::uint8_t> key) const noexcept;
  [[nodiscard]] std::size_t pages_starting_at_or_before(const Probe& probe) const noexcept;
  // After pages_ is final: page index, counts, apex position, serial, the
  // negative-answer SOA and the NSEC3 chain.
  void index_pages();
  // What a search reads of a page, kept in one flat array so that it costs
  // no visit to the Page itself.
  struct PageView {
    const Node* nodes = nullptr;
    const std::uint64_t* key_prefixes = nullptr;
    const std::uint32_t* key_slots = nullptr;
    std::uint32_t node_count = 0;
    std::uint32_t slot_mask = 0;
  };
  // The page that would hold `probe`'s key, or null before the first page.
  [[nodiscard]] const PageView* page_for(const Probe& probe) const noexcept;
  // find() and neighbours() within the page page_for() gave (or null).
  [[nodiscard]] const Node* find_in(const PageView* page, const Probe& probe) const noexcept;
  [[nodiscard]] Neighbours neighbours_in(const PageView* page, const Probe& probe) const noexcept;

  dns::Name origin_;
  std::vector<std::shared_ptr<const Page>> pages_;  // shared with other versions
  std::vector<std::span<const std::uint8_t>> page_first_keys_;  // binary search over pages
  std::vector<std::uint64_t> page_first_prefixes_;               // their key_prefix()
  std::vector<PageView> page_views_;                             // one per page
  std::vector<std::uint8_t> origin_key_;
  RRset negative_soa_;
  std::vector<std::uint8_t> negative_soa_data_;
  std::uint32_t serial_ = 0;
  std::size_t node_count_ = 0;
  std::size_t record_count_ = 0;
  Position apex_;
  std::shared_ptr<const Nsec3Chain> nsec3_chain_;
};

}  // namespace zoned::zone
