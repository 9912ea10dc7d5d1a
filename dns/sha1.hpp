#pragma once
// SHA-1 (FIPS 180-4 §6.1), written here rather than taken from OpenSSL: the
// query path hashes short names for NSEC3 (RFC 5155 §5) on every negative or
// wildcard answer from an NSEC3 zone, and OpenSSL 3's one-shot digests fetch
// an EVP_MD and allocate on each call, while the query path must not
// allocate. This one keeps its whole state on the stack and works on 64-byte
// blocks, with the x86 SHA extensions when the CPU has them (NSEC3 chains
// with extra iterations hash each name many times). SHA-1 is used only where
// a protocol fixes it (NSEC3), never for security decisions of our own.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace zoned::dns {

inline constexpr std::size_t kSha1DigestLength = 20;
using Sha1Digest = std::array<std::uint8_t, kSha1DigestLength>;

class Sha1 {
 public:
  static constexpr std::size_t kBlockLength = 64;
  // Best: the CPU's SHA instructions when present, else portable C++.
  // Portable: always the C++ rounds (tests compare the two).
  enum class Engine : std::uint8_t { Best, Portable };

  explicit Sha1(Engine engine = Engine::Best) noexcept;
  void reset() noexcept;
  // Appends `data` to the message.
  void update(std::span<const std::uint8_t> data) noexcept;
  // The digest of everything appended since the last reset(); the object
  // must be reset() before it hashes another message.
  [[nodiscard]] Sha1Digest finish() noexcept;

 private:
  void compress(const std::uint8_t* blocks, std::size_t count) noexcept;

  std::array<std::uint32_t, 5> state_{};
  std::array<std::uint8_t, kBlockLength> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_length_ = 0;  // bytes
  bool hardware_ = false;
};

// One-shot SHA-1 of `data`.
[[nodiscard]] Sha1Digest sha1(std::span<const std::uint8_t> data) noexcept;

}  // namespace zoned::dns
