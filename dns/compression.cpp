#include "dns/compression.hpp"

#include <algorithm>
#include <cstring>

#include "dns/name.hpp"

namespace zoned::dns {

namespace {

// Loop guard: names we wrote have at most 127 labels, each reached by at most
// one pointer hop, and pointers we write always point backwards.
constexpr std::size_t kMaxHops = 256;

// True if the (possibly compressed) name at `pos` in `message` equals the
// uncompressed `name`, ignoring ASCII case.
bool equals_at(std::span<const std::uint8_t> message, std::size_t pos,
               std::span<const std::uint8_t> name) noexcept {
  std::size_t n = 0;
  for (std::size_t hops = 0; hops < kMaxHops; ++hops) {
    if (pos >= message.size() || n >= name.size()) return false;
    const std::uint8_t len = message[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= message.size()) return false;
      const std::size_t target = std::size_t{len & 0x3fu} << 8 | message[pos + 1];
      if (target >= pos) return false;
      pos = target;
      continue;
    }
    if (len != name[n]) return false;
    if (len == 0) return true;
    if (pos + 1 + len > message.size() || n + 1 + len > name.size()) return false;
    // Mostly the same bytes (zone data is lowercase): compare them at once,
    // and case by case only when they differ.
    if (std::memcmp(message.data() + pos + 1, name.data() + n + 1, len) != 0) {
      for (std::size_t i = 1; i <= len; ++i) {
        if (ascii_lower(message[pos + i]) != ascii_lower(name[n + i])) return false;
      }
    }
    pos += 1 + std::size_t{len};
    n += 1 + std::size_t{len};
  }
  return false;
}

}  // namespace

void CompressionTable::suffix_hashes(std::span<const std::uint8_t> name,
                                     std::span<const std::uint8_t> starts,
                                     std::span<SuffixHash> hashes) noexcept {
  // A filter, not an identity: each label adds its length and its first and
  // last bytes lowercased (FNV-1a style), extended from the root leftwards.
  // Hashing every byte cost more than the comparisons it saved.
  constexpr SuffixHash kRootHash = 2166136261u;
  constexpr SuffixHash kPrime = 16777619u;
  SuffixHash h = kRootHash;
  for (std::size_t i = starts.size(); i-- > 0;) {
    const std::size_t begin = starts[i];
    const std::size_t length = std::min<std::size_t>(name[begin], name.size() - begin - 1);
    SuffixHash label = static_cast<SuffixHash>(length);
    if (length > 0) {
      label |= SuffixHash{ascii_lower(name[begin + 1])} << 8 | SuffixHash{ascii_lower(name[begin + length])} << 16;
    }
    h = (h ^ label) * kPrime;
    hashes[i] = h;
  }
}

void CompressionTable::add(std::size_t offset, std::size_t labels, SuffixHash hash) noexcept {
  if (size_ >= kCapacity || offset > kMaxPointerOffset || labels == 0 || labels > 255) return;
  entries_[size_++] = Entry{static_cast<std::uint16_t>(offset), static_cast<std::uint8_t>(labels), hash};
}

CompressionTable::Match CompressionTable::find_longest(std::span<const std::uint8_t> message,
                                                       std::span<const std::uint8_t> name,
                                                       std::span<const std::uint8_t> starts,
                                                       std::span<const SuffixHash> hashes) const noexcept {
  const std::size_t labels = starts.size();
  Match best;
  for (std::size_t i = 0; i < size_ && best.labels < labels; ++i) {
    const Entry& e = entries_[i];
    if (e.labels <= best.labels || e.labels > labels) continue;
    const std::size_t first = labels - e.labels;
    if (e.hash == hashes[first] && equals_at(message, e.offset, name.subspan(starts[first]))) {
      best = Match{e.offset, e.labels};
    }
  }
  return best;
}

}  // namespace zoned::dns
