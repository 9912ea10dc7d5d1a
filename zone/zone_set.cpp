#include "zone/zone_set.hpp"

#include <algorithm>
#include <cstring>

#include "dns/bytes.hpp"

namespace zoned::zone {

namespace {

// Plain byte order, shorter first on a common prefix: canonical order of keys.
bool key_less(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  return dns::compare_bytes(a, b) < 0;
}

bool key_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace

ZoneKeyIndex::ZoneKeyIndex(std::span<const dns::Name> apexes) {
  KeyBuffer buf;
  entries_.reserve(apexes.size());
  min_labels_ = apexes.empty() ? 0 : dns::Name::kMaxLabels;
  for (std::size_t i = 0; i < apexes.size(); ++i) {
    min_labels_ = std::min(min_labels_, apexes[i].label_count());
    max_labels_ = std::max(max_labels_, apexes[i].label_count());
    const std::size_t len = make_lookup_key(apexes[i].wire(), buf).size();
    Entry e;
    e.key_offset = static_cast<std::uint32_t>(keys_.size());
    e.key_length = static_cast<std::uint16_t>(len);
    e.slot = static_cast<std::uint32_t>(i);
    keys_.insert(keys_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
    entries_.push_back(e);
  }
  std::sort(entries_.begin(), entries_.end(), [this](const Entry& a, const Entry& b) {
    return key_less(key_of(a), key_of(b));
  });
}

std::uint32_t ZoneKeyIndex::lookup(std::span<const std::uint8_t> key) const noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [this](const Entry& e, std::span<const std::uint8_t> k) {
                               return key_less(key_of(e), k);
                             });
  if (it != entries_.end() && key_equal(key_of(*it), key)) return it->slot;
  return kNone;
}

std::uint32_t ZoneKeyIndex::find_longest(const dns::Name& qname, bool skip_apex) const noexcept {
  KeyBuffer key;
  return find_longest(make_lookup_key(qname.wire(), key), skip_apex);
}

std::uint32_t ZoneKeyIndex::find_longest(std::span<const std::uint8_t> qname_key, bool skip_apex) const noexcept {
  if (entries_.empty()) return kNone;
  // ends[k-1]: the length of the key of the ancestor keeping the k rightmost
  // labels (every label ends with the key's only 0 bytes); k = 0 is the root.
  LabelEnds ends;
  std::size_t labels = 0;
  // No apex has more than max_labels_ labels: the ends past them are not
  // needed, but for skip_apex, which must know where qname itself ends.
  const std::size_t wanted = skip_apex ? ends.size() : std::min(ends.size(), max_labels_);
  for (std::size_t i = 0; i < qname_key.size() && labels < wanted; ++i) {
    if (qname_key[i] == 0) ends[labels++] = static_cast<std::uint16_t>(i + 1);
  }
  if (skip_apex && labels == 0) return kNone;  // the root has no parent zone
  // Longest first, trying only the label counts that apexes have.
  const std::size_t longest = std::min(skip_apex ? labels - 1 : labels, max_labels_);
  for (std::size_t k = longest + 1; k-- > min_labels_;) {
    const std::uint32_t slot = lookup(qname_key.first(k == 0 ? 0 : ends[k - 1]));
    if (slot != kNone) return slot;
  }
  return kNone;
}

std::uint32_t ZoneKeyIndex::find_exact(const dns::Name& apex) const noexcept {
  KeyBuffer key;
  return lookup(make_lookup_key(apex.wire(), key));
}

template class BasicZoneSet<ZoneVersion>;

}  // namespace zoned::zone
