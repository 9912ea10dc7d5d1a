#include "zone/record_list.hpp"

#include <algorithm>
#include <cstring>

#include "dns/bytes.hpp"
#include "dns/rdata.hpp"

namespace zoned::zone {

void RecordList::make_key(std::span<const std::uint8_t> wire, std::vector<std::uint8_t>& out) {
  out.clear();
  // Label offsets, then walk them right to left.
  std::size_t offs[dns::Name::kMaxLabels + 1];
  std::size_t count = 0;
  for (std::size_t p = 0; p < wire.size() && wire[p] != 0 && count <= dns::Name::kMaxLabels;
       p += wire[p] + 1u)
    offs[count++] = p;
  for (std::size_t i = count; i-- > 0;) {
    const std::size_t p = offs[i];
    for (std::size_t j = 1; j <= wire[p]; ++j) {
      const std::uint8_t c = dns::ascii_lower(wire[p + j]);
      // 0x00 -> 01 01, 0x01 -> 01 02: keeps byte order and frees 0x00 to end a label.
      if (c <= 1) {
        out.push_back(1);
        out.push_back(static_cast<std::uint8_t>(c + 1));
      } else {
        out.push_back(c);
      }
    }
    out.push_back(0);
  }
}

void RecordList::on_record(const ParsedRecord& rr) {
  add(rr.owner, rr.type, rr.rclass, rr.ttl, rr.rdata, rr.pos);
}

void RecordList::add(const dns::Name& owner, dns::RRType type, dns::RRClass rclass,
                     std::uint32_t ttl, std::span<const std::uint8_t> rdata, SourcePos pos) {
  const auto wire = owner.wire();
  // Consecutive records usually share their owner: store it once.
  bool reuse = false;
  if (!owners_.empty()) {
    const Owner& last = owners_.back();
    if (last.wire_length == wire.size()) {
      reuse = true;
      const std::uint8_t* stored = owner_arena_.data() + last.wire_offset;
      for (std::size_t i = 0; i < wire.size(); ++i)
        if (stored[i] != dns::ascii_lower(wire[i])) { reuse = false; break; }
    }
  }
  if (!reuse) {
    Owner o;
    o.wire_offset = static_cast<std::uint32_t>(owner_arena_.size());
    o.wire_length = static_cast<std::uint8_t>(wire.size());
    for (auto b : wire) owner_arena_.push_back(dns::ascii_lower(b));
    make_key(wire, scratch_);
    o.key_offset = static_cast<std::uint32_t>(key_arena_.size());
    o.key_length = static_cast<std::uint16_t>(scratch_.size());
    key_arena_.insert(key_arena_.end(), scratch_.begin(), scratch_.end());
    owners_.push_back(o);
  }
  Record r;
  r.owner = static_cast<std::uint32_t>(owners_.size() - 1);
  r.rdata_offset = static_cast<std::uint32_t>(rdata_arena_.size());
  r.rdata_length = static_cast<std::uint16_t>(rdata.size());
  r.type = type;
  r.rclass = rclass;
  r.ttl = ttl;
  r.pos = pos;
  rdata_arena_.insert(rdata_arena_.end(), rdata.begin(), rdata.end());
  dns::rdata_to_canonical(type, std::span<std::uint8_t>(rdata_arena_.data() + r.rdata_offset,
                                                        r.rdata_length));
  records_.push_back(r);
  sorted_ = false;
}

std::span<const std::uint8_t> RecordList::owner_wire(const Record& r) const noexcept {
  const Owner& o = owners_[r.owner];
  return {owner_arena_.data() + o.wire_offset, o.wire_length};
}

std::span<const std::uint8_t> RecordList::owner_key(const Record& r) const noexcept {
  const Owner& o = owners_[r.owner];
  return {key_arena_.data() + o.key_offset, o.key_length};
}

dns::Name RecordList::owner_name(const Record& r) const {
  dns::Name n;
  (void)dns::Name::from_uncompressed(owner_wire(r), n);
  return n;
}

using dns::compare_bytes;

bool RecordList::same_covered(const Record& a, const Record& b) const noexcept {
  auto x = rdata(a), y = rdata(b);
  return x.size() >= 2 && y.size() >= 2 && x[0] == y[0] && x[1] == y[1];
}

int RecordList::compare_owner(const Record& a, const Record& b) const noexcept {
  if (a.owner == b.owner) return 0;
  return compare_bytes(owner_key(a), owner_key(b));
}

bool RecordList::same_owner(const Record& a, const Record& b) const noexcept {
  return compare_owner(a, b) == 0;
}

void RecordList::sort(std::vector<TtlConflict>* ttl_conflicts) {
  // 1. Rank owners in canonical order so that records compare by integer.
  // Keys of one zone share a long prefix (the apex): skip it, and compare the
  // next 8 bytes as an integer before falling back to memcmp.
  auto key_of = [&](std::uint32_t i) {
    const Owner& o = owners_[i];
    return std::span<const std::uint8_t>(key_arena_.data() + o.key_offset, o.key_length);
  };
  std::size_t common = owners_.empty() ? 0 : key_of(0).size();
  for (std::uint32_t i = 1; i < owners_.size() && common > 0; ++i) {
    auto a = key_of(0), b = key_of(i);
    std::size_t m = std::min({common, a.size(), b.size()}), k = 0;
    while (k < m && a[k] == b[k]) ++k;
    common = k;
  }
  struct OwnerSort {
    std::uint64_t prefix;
    std::uint32_t index;
  };
  std::vector<OwnerSort> order(owners_.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    auto k = key_of(i);
    std::uint64_t p = 0;
    for (std::size_t j = 0; j < 8; ++j)
      p = (p << 8) | (common + j < k.size() ? k[common + j] : 0u);
    order[i] = {p, i};
  }
  auto owner_less = [&](const OwnerSort& a, const OwnerSort& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    auto ka = key_of(a.index).subspan(std::min(common + 8, key_of(a.index).size()));
    auto kb = key_of(b.index).subspan(std::min(common + 8, key_of(b.index).size()));
    return compare_bytes(ka, kb) < 0;
  };
  if (!std::is_sorted(order.begin(), order.end(), owner_less))
    std::sort(order.begin(), order.end(), owner_less);
  std::vector<std::uint32_t> rank(owners_.size());
  std::uint32_t r = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i > 0 && compare_bytes(key_of(order[i - 1].index), key_of(order[i].index)) != 0) ++r;
    rank[order[i].index] = r;
  }
  // Equal names stored twice (non-consecutive) share one owner index.
  std::vector<std::uint32_t> rep(owners_.empty() ? 0 : r + 1, UINT32_MAX);
  for (std::size_t i = 0; i < order.size(); ++i)
    if (rep[rank[order[i].index]] == UINT32_MAX) rep[rank[order[i].index]] = order[i].index;
  order = {};
  // 2. Sort records: (owner rank, type, class) packed, then rdata, then position.
  struct RecordSort {
    std::uint64_t key;
    std::uint32_t index;
  };
  std::vector<RecordSort> sorted_idx(records_.size());
  for (std::uint32_t i = 0; i < sorted_idx.size(); ++i) {
    const Record& x = records_[i];
    sorted_idx[i] = {std::uint64_t{rank[x.owner]} << 32 |
                         std::uint64_t{static_cast<std::uint16_t>(x.type)} << 16 |
                         static_cast<std::uint16_t>(x.rclass),
                     i};
  }
  auto record_less = [&](const RecordSort& a, const RecordSort& b) {
    if (a.key != b.key) return a.key < b.key;
    int c = compare_bytes(rdata(records_[a.index]), rdata(records_[b.index]));
    if (c != 0) return c < 0;
    return a.index < b.index;
  };
  if (!std::is_sorted(sorted_idx.begin(), sorted_idx.end(), record_less))
    std::sort(sorted_idx.begin(), sorted_idx.end(), record_less);
  std::vector<std::uint32_t> idx(records_.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = sorted_idx[i].index;
  sorted_idx = {};
  // 3. Rebuild, merging duplicates and unifying RRset TTLs to the first seen
  // (in file order) record's TTL.
  std::vector<Record> out;
  out.reserve(records_.size());
  std::size_t k = 0;
  while (k < idx.size()) {
    // One RRset: idx[k, end).
    std::size_t end = k + 1;
    const Record& head = records_[idx[k]];
    while (end < idx.size()) {
      const Record& x = records_[idx[end]];
      // RRSIGs form one set per covered type (RFC 4034 §3): their TTLs follow
      // the covered RRset, so they are unified per covered type only.
      if (rank[x.owner] != rank[head.owner] || x.type != head.type || x.rclass != head.rclass ||
          (x.type == dns::RRType::RRSIG && !same_covered(x, head)))
        break;
      ++end;
    }
    std::uint32_t first_seen = idx[k];
    for (std::size_t j = k; j < end; ++j) first_seen = std::min(first_seen, idx[j]);
    const std::uint32_t ttl = records_[first_seen].ttl;
    std::uint32_t differing = UINT32_MAX;
    for (std::size_t j = k; j < end; ++j)
      if (records_[idx[j]].ttl != ttl) differing = std::min(differing, idx[j]);
    const std::size_t set_index = out.size();
    for (std::size_t j = k; j < end; ++j) {
      Record rec = records_[idx[j]];
      if (j > k && compare_bytes(rdata(records_[idx[j - 1]]), rdata(rec)) == 0)
        continue;  // duplicate RR: merged silently
      rec.owner = rep[rank[rec.owner]];
      rec.ttl = ttl;
      out.push_back(rec);
    }
    if (differing != UINT32_MAX && ttl_conflicts != nullptr)
      ttl_conflicts->push_back({set_index, records_[differing].pos, records_[differing].ttl});
    k = end;
  }
  records_ = std::move(out);
  sorted_ = true;
}

}  // namespace zoned::zone
