#pragma once
// Name compression for the message writer (RFC 1035 §4.1.4): a fixed-capacity
// table of offsets where names (and each of their suffixes) were written, and
// a longest-suffix search. No heap allocation; when the table is full, names
// are still written correctly, only less compactly.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace zoned::dns {

class CompressionTable {
 public:
  static constexpr std::size_t kCapacity = 256;
  static constexpr std::size_t kMaxPointerOffset = 0x3fff;  // 14-bit pointer field

  // Hash of each suffix of a name, compared case-insensitively: hashes[i]
  // covers the name from label i (at starts[i]) to the root. Entries carry
  // the hash of the suffix they hold, so a search compares message bytes
  // only for the entries whose hash matches.
  using SuffixHash = std::uint32_t;
  static void suffix_hashes(std::span<const std::uint8_t> name, std::span<const std::uint8_t> starts,
                            std::span<SuffixHash> hashes) noexcept;

  struct Entry {
    std::uint16_t offset;  // of a label's length byte in the message
    std::uint8_t labels;   // labels from there to the root (root excluded)
    SuffixHash hash;       // suffix_hashes() of the name written there
  };
  void clear() noexcept { size_ = 0; }
  std::size_t size() const noexcept { return size_; }
  void truncate(std::size_t n) noexcept { if (n < size_) size_ = static_cast<std::uint16_t>(n); }
  // Ignored when full or when the offset cannot be pointed at.
  void add(std::size_t offset, std::size_t labels, SuffixHash hash) noexcept;
  struct Match {
    std::size_t offset = 0;  // 0: no suffix of the name was written before
    std::size_t labels = 0;  // labels of the name covered by the pointer
  };
  // Longest suffix of the uncompressed `name` already in `message`, in one
  // pass over the table. `starts[i]` is the offset of label i in `name`,
  // `hashes` its suffix_hashes().
  [[nodiscard]] Match find_longest(std::span<const std::uint8_t> message,
                                   std::span<const std::uint8_t> name,
                                   std::span<const std::uint8_t> starts,
                                   std::span<const SuffixHash> hashes) const noexcept;

 private:
  std::array<Entry, kCapacity> entries_;  // only [0, size_) is ever read: not zeroed
  std::uint16_t size_ = 0;
};

}  // namespace zoned::dns
