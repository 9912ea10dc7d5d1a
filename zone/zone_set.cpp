#include "zone/zone_set.hpp"

#include <algorithm>
#include <cstring>

namespace zoned::zone {

namespace {

// Lowercasing is ASCII only (RFC 4343 §3); kept local so this file does not
// depend on record_list internals.
constexpr std::uint8_t lower(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}

// Plain byte order, shorter first on a common prefix: canonical order of keys.
bool key_less(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c != 0 ? c < 0 : a.size() < b.size();
}

bool key_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace

std::size_t ZoneKeyIndex::make_key(const dns::Name& name, KeyBuffer& out,
                                   LabelEnds* ends) noexcept {
  // Same encoding as RecordList::make_key: labels right to left, lowercased;
  // 0x00 -> 01 01 and 0x01 -> 01 02 keep byte order and free 0x00 to end a
  // label, so that a shorter label sorts first (RFC 4034 §6.1).
  std::size_t len = 0;
  const std::size_t labels = name.label_count();
  for (std::size_t i = labels; i-- > 0;) {
    for (const std::uint8_t raw : name.label(i)) {
      const std::uint8_t c = lower(raw);
      if (c <= 1) {
        out[len++] = 1;
        out[len++] = static_cast<std::uint8_t>(c + 1);
      } else {
        out[len++] = c;
      }
    }
    out[len++] = 0;
    if (ends != nullptr) (*ends)[labels - 1 - i] = static_cast<std::uint16_t>(len);
  }
  return len;
}

ZoneKeyIndex::ZoneKeyIndex(std::span<const dns::Name> apexes) {
  KeyBuffer buf;
  entries_.reserve(apexes.size());
  min_labels_ = apexes.empty() ? 0 : dns::Name::kMaxLabels;
  for (std::size_t i = 0; i < apexes.size(); ++i) {
    min_labels_ = std::min(min_labels_, apexes[i].label_count());
    max_labels_ = std::max(max_labels_, apexes[i].label_count());
    const std::size_t len = make_key(apexes[i], buf, nullptr);
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
  if (entries_.empty()) return kNone;
  KeyBuffer key;
  LabelEnds ends;
  (void)make_key(qname, key, &ends);
  const std::size_t labels = qname.label_count();
  // The key of the ancestor keeping the k rightmost labels is the prefix
  // ending at ends[k-1] (k = 0: the root, the empty key). Longest first.
  if (skip_apex && labels == 0) return kNone;  // the root has no parent zone
  const std::size_t longest = std::min(skip_apex ? labels - 1 : labels, max_labels_);
  for (std::size_t k = longest + 1; k-- > min_labels_;) {
    const std::size_t len = k == 0 ? 0 : ends[k - 1];
    const std::uint32_t slot = lookup({key.data(), len});
    if (slot != kNone) return slot;
  }
  return kNone;
}

std::uint32_t ZoneKeyIndex::find_exact(const dns::Name& apex) const noexcept {
  KeyBuffer key;
  const std::size_t len = make_key(apex, key, nullptr);
  return lookup({key.data(), len});
}

template class BasicZoneSet<ZoneVersion>;

}  // namespace zoned::zone
