#pragma once
// dns::Name: an absolute domain name held as uncompressed wire bytes (RFC 1035
// §3.1), case preserved. Equality and ordering are case-insensitive; ordering
// is the DNSSEC canonical order (RFC 4034 §6.1). A Name is always valid: the
// only ways to make one are the checked parsers below.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dns/result.hpp"
#include "dns/wire.hpp"

namespace zoned::dns {

class Name {
 public:
  static constexpr std::size_t kMaxWireLength = 255;  // RFC 1035 §2.3.4
  static constexpr std::size_t kMaxLabelLength = 63;
  static constexpr std::size_t kMaxLabels = 127;      // 255 octets of 1-byte labels

  Name() noexcept { wire_[0] = 0; }  // the root

  // Presentation format (RFC 1035 §5.1): `\X` and `\DDD` escapes, "@" is the
  // origin, a name without a trailing dot is relative to `origin` (an error
  // when origin is null).
  static Result<Name> parse(std::string_view text, const Name* origin = nullptr);

  // Reads a possibly compressed name at `pos` in `message`; on success `pos`
  // moves past the name's bytes at that position. Every compression pointer
  // must point strictly before the label it replaces, so no loop is possible,
  // and past the 12-octet header: `message` is a whole DNS message.
  [[nodiscard]] static WireError from_wire(std::span<const std::uint8_t> message,
                                           std::size_t& pos, Name& out) noexcept;

  // Uncompressed wire bytes that are known to be one valid name (for example
  // from zone storage). Returns false if they are not.
  [[nodiscard]] static bool from_uncompressed(std::span<const std::uint8_t> wire,
                                              Name& out) noexcept;

  std::span<const std::uint8_t> wire() const noexcept { return {wire_.data(), length_}; }
  std::size_t wire_length() const noexcept { return length_; }
  std::size_t label_count() const noexcept { return labels_; }  // root has 0
  bool is_root() const noexcept { return labels_ == 0; }

  // Label i (0 = leftmost) without its length byte.
  std::span<const std::uint8_t> label(std::size_t i) const noexcept;
  bool is_wildcard() const noexcept { return labels_ > 0 && wire_[0] == 1 && wire_[1] == '*'; }

  // The name with its `n` leftmost labels removed (n <= label_count()).
  Name parent(std::size_t n = 1) const noexcept;
  // `prefix` prepended to this name as its leftmost labels; fails past 255 octets.
  Result<Name> prepend(std::span<const std::uint8_t> relative_wire_labels) const;
  // this name's labels followed by `suffix` (this name's root label dropped).
  Result<Name> concat(const Name& suffix) const;

  bool is_subdomain_of(const Name& ancestor) const noexcept;  // true for equal names too
  bool equals_ci(const Name& other) const noexcept;
  bool equals_exact(const Name& other) const noexcept;  // byte for byte, case included
  // <0, 0, >0 in canonical DNS order (RFC 4034 §6.1).
  int canonical_compare(const Name& other) const noexcept;

  Name lowercased() const noexcept;
  void lowercase() noexcept;

  std::string to_text() const;  // absolute, trailing dot, escaped
  void append_text(std::string& out) const;

  friend bool operator==(const Name& a, const Name& b) noexcept { return a.equals_ci(b); }
  friend std::strong_ordering operator<=>(const Name& a, const Name& b) noexcept {
    int c = a.canonical_compare(b);
    return c < 0 ? std::strong_ordering::less
                 : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
  }

 private:
  std::array<std::uint8_t, kMaxWireLength> wire_;
  std::uint8_t length_ = 1;
  std::uint8_t labels_ = 0;
};

// Appends the presentation form of one label or character-string byte run with
// the escapes RFC 1035 §5.1 needs (`\.`, `\"`, `\DDD` for non-printables ...).
// `in_name` also escapes the characters special only in names ('.', '@', '$').
void append_escaped(std::string& out, std::span<const std::uint8_t> bytes, bool in_name);

constexpr std::uint8_t ascii_lower(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}

}  // namespace zoned::dns
