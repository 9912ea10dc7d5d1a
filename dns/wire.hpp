#pragma once
// Bounds-checked reading of untrusted wire bytes, and the error codes every
// wire parser returns. A WireError maps to FORMERR (or a drop) by the caller.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace zoned::dns {

enum class WireError : std::uint8_t {
  Ok = 0,
  Truncated,         // fewer bytes than a length or count promised
  BadPointer,        // compression pointer not strictly backwards, or out of range
  BadLabelType,      // label type 0x40/0x80 (extended / reserved)
  NameTooLong,       // more than 255 octets uncompressed
  BadRdata,          // rdata does not match its type's layout
  TrailingData,      // bytes left after the last record the counts announced
  CountMismatch,     // header counts disagree with the message (e.g. QDCOUNT != 1)
  BadOpt,            // OPT misplaced, duplicated or malformed
  TooLarge,          // a size limit of ours was exceeded
};

[[nodiscard]] std::string_view to_string(WireError e) noexcept;

// A cursor over a message. Every read checks bounds and returns false (leaving
// the output untouched) when the bytes are not there.
class WireReader {
 public:
  explicit WireReader(std::span<const std::uint8_t> bytes, std::size_t pos = 0) noexcept
      : bytes_(bytes), pos_(pos) {}

  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
  std::size_t pos() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return pos_ <= bytes_.size() ? bytes_.size() - pos_ : 0; }
  bool at_end() const noexcept { return remaining() == 0; }
  void seek(std::size_t pos) noexcept { pos_ = pos; }

  [[nodiscard]] bool u8(std::uint8_t& out) noexcept {
    if (remaining() < 1) return false;
    out = bytes_[pos_++];
    return true;
  }
  [[nodiscard]] bool u16(std::uint16_t& out) noexcept {
    if (remaining() < 2) return false;
    out = static_cast<std::uint16_t>(bytes_[pos_] << 8 | bytes_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  [[nodiscard]] bool u32(std::uint32_t& out) noexcept {
    if (remaining() < 4) return false;
    out = std::uint32_t{bytes_[pos_]} << 24 | std::uint32_t{bytes_[pos_ + 1]} << 16 |
          std::uint32_t{bytes_[pos_ + 2]} << 8 | std::uint32_t{bytes_[pos_ + 3]};
    pos_ += 4;
    return true;
  }
  [[nodiscard]] bool bytes(std::size_t n, std::span<const std::uint8_t>& out) noexcept {
    if (remaining() < n) return false;
    out = bytes_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_;
};

// Big-endian helpers for building wire data in growable buffers.
template <class Buffer>
inline void put_u8(Buffer& b, std::uint8_t v) { b.push_back(v); }
template <class Buffer>
inline void put_u16(Buffer& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
template <class Buffer>
inline void put_u32(Buffer& b, std::uint32_t v) {
  put_u16(b, static_cast<std::uint16_t>(v >> 16));
  put_u16(b, static_cast<std::uint16_t>(v));
}

}  // namespace zoned::dns
