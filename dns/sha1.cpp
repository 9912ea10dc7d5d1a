// SHA-1 per FIPS 180-4 §5.3.1 (initial value), §6.1.2 (computation) and
// §5.1.1 (padding). See sha1.hpp for why it is written here.
#include "dns/sha1.hpp"

#include <algorithm>
#include <cstring>

namespace zoned::dns {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) noexcept { return (x << n) | (x >> (32 - n)); }

std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// FIPS 180-4 §4.2.1.
constexpr std::uint32_t kRound0 = 0x5a827999, kRound1 = 0x6ed9eba1, kRound2 = 0x8f1bbcdc,
                        kRound3 = 0xca62c1d6;
constexpr std::size_t kLengthFieldOctets = 8;  // §5.1.1: the message length in bits, 64-bit

}  // namespace

void Sha1::reset() noexcept {
  state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};  // §5.3.1
  buffered_ = 0;
  total_length_ = 0;
}

void Sha1::compress(const std::uint8_t* block) noexcept {
  // The 80-word schedule kept as a 16-word ring (§6.1.3); the rounds in four
  // runs of 20, one per function f_t and constant K_t (§4.1.1, §4.2.1), so
  // that no round branches.
  std::uint32_t w[16];
  for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
  const auto schedule = [&w](std::size_t t) noexcept {
    if (t < 16) return w[t];
    w[t & 15] = rotl(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
    return w[t & 15];
  };
  const auto round = [&](std::uint32_t f, std::uint32_t k, std::uint32_t wt) noexcept {
    const std::uint32_t temp = rotl(a, 5) + f + e + k + wt;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = temp;
  };
  for (std::size_t t = 0; t < 20; ++t) round((b & c) | (~b & d), kRound0, schedule(t));
  for (std::size_t t = 20; t < 40; ++t) round(b ^ c ^ d, kRound1, schedule(t));
  for (std::size_t t = 40; t < 60; ++t) round((b & c) | (b & d) | (c & d), kRound2, schedule(t));
  for (std::size_t t = 60; t < 80; ++t) round(b ^ c ^ d, kRound3, schedule(t));
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
}

void Sha1::update(std::span<const std::uint8_t> data) noexcept {
  total_length_ += data.size();
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  if (buffered_ > 0) {
    const std::size_t take = std::min(left, kBlockLength - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take;
    p += take;
    left -= take;
    if (buffered_ < kBlockLength) return;
    compress(buffer_.data());
    buffered_ = 0;
  }
  for (; left >= kBlockLength; p += kBlockLength, left -= kBlockLength) compress(p);
  if (left > 0) std::memcpy(buffer_.data(), p, left);
  buffered_ = left;
}

Sha1Digest Sha1::finish() noexcept {
  // §5.1.1: a 1 bit, zeros up to 56 mod 64 octets, then the bit length.
  const std::uint64_t bits = total_length_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > kBlockLength - kLengthFieldOctets) {
    std::memset(buffer_.data() + buffered_, 0, kBlockLength - buffered_);
    compress(buffer_.data());
    buffered_ = 0;
  }
  std::memset(buffer_.data() + buffered_, 0, kBlockLength - kLengthFieldOctets - buffered_);
  store_be32(buffer_.data() + kBlockLength - 8, static_cast<std::uint32_t>(bits >> 32));
  store_be32(buffer_.data() + kBlockLength - 4, static_cast<std::uint32_t>(bits));
  compress(buffer_.data());
  buffered_ = 0;
  Sha1Digest out;
  for (std::size_t i = 0; i < state_.size(); ++i) store_be32(out.data() + 4 * i, state_[i]);
  return out;
}

Sha1Digest sha1(std::span<const std::uint8_t> data) noexcept {
  Sha1 h;
  h.update(data);
  return h.finish();
}

}  // namespace zoned::dns
