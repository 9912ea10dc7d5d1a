// SHA-1 per FIPS 180-4 §5.3.1 (initial value), §6.1.2 (computation) and
// §5.1.1 (padding). See sha1.hpp for why it is written here.
#include "dns/sha1.hpp"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#define ZONED_SHA1_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define ZONED_SHA1_X86 0
#endif

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

void compress_portable(std::array<std::uint32_t, 5>& state, const std::uint8_t* block) noexcept {
  // The 80-word schedule kept as a 16-word ring (§6.1.3); the rounds in four
  // runs of 20, one per function f_t and constant K_t (§4.1.1, §4.2.1), so
  // that no round branches.
  std::uint32_t w[16];
  for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
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
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
}


#if ZONED_SHA1_X86
// The same rounds with the x86 SHA extensions (SHA-NI): four rounds per
// sha1rnds4, the schedule by sha1msg1/sha1msg2 (Intel's SHA extensions
// reference). A, B, C, D sit in one register with A in the top lane; E
// rides in the top lane of the message words.
__attribute__((target("sha,sse4.1,ssse3"))) void compress_sha_extensions(std::array<std::uint32_t, 5>& state,
                                                                         const std::uint8_t* blocks,
                                                                         std::size_t count) noexcept {
  // Reverses the 16 bytes: big-endian words, W[t] in the top lane.
  const __m128i byte_order = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data())), 0x1b);
  __m128i e = _mm_set_epi32(static_cast<int>(state[4]), 0, 0, 0);
  for (std::size_t n = 0; n < count; ++n) {
    const std::uint8_t* block = blocks + n * Sha1::kBlockLength;
    const __m128i abcd_in = abcd;
    const __m128i e_in = e;
    __m128i w[4];  // W[4g .. 4g+3] of the last four groups, group g in w[g % 4]
    for (std::size_t i = 0; i < 4; ++i)
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_order);
    __m128i abcd_before = abcd;
#pragma GCC unroll 20
    for (std::size_t g = 0; g < 20; ++g) {
      // E for these four rounds: the initial E, then rotl30 of the A that
      // entered the previous four.
      const __m128i e_plus_w = g == 0 ? _mm_add_epi32(e, w[0]) : _mm_sha1nexte_epu32(abcd_before, w[g % 4]);
      abcd_before = abcd;
      switch (g / 5) {  // f_t and K_t change every 20 rounds
        case 0: abcd = _mm_sha1rnds4_epu32(abcd, e_plus_w, 0); break;
        case 1: abcd = _mm_sha1rnds4_epu32(abcd, e_plus_w, 1); break;
        case 2: abcd = _mm_sha1rnds4_epu32(abcd, e_plus_w, 2); break;
        default: abcd = _mm_sha1rnds4_epu32(abcd, e_plus_w, 3); break;
      }
      // W[t+16] = rotl1(W[t] ^ W[t+2] ^ W[t+8] ^ W[t+13]) for the group four ahead.
      if (g + 4 < 20) {
        const __m128i partial = _mm_xor_si128(_mm_sha1msg1_epu32(w[g % 4], w[(g + 1) % 4]), w[(g + 2) % 4]);
        w[g % 4] = _mm_sha1msg2_epu32(partial, w[(g + 3) % 4]);
      }
    }
    e = _mm_sha1nexte_epu32(abcd_before, e_in);
    abcd = _mm_add_epi32(abcd, abcd_in);
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), _mm_shuffle_epi32(abcd, 0x1b));
  state[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
}

bool cpu_has_sha_extensions() noexcept {
  // CPUID leaf 7 EBX bit 29: SHA; leaf 1 ECX bits 19 and 9: SSE4.1, SSSE3.
  // (cpuid.h rather than __builtin_cpu_supports("sha"), which clang lacks.)
  static const bool present = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
    const bool sse = (c & (1u << 19)) != 0 && (c & (1u << 9)) != 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
    return sse && (b & (1u << 29)) != 0;
  }();
  return present;
}
#else
bool cpu_has_sha_extensions() noexcept { return false; }
#endif

}  // namespace

void Sha1::reset() noexcept {
  state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};  // §5.3.1
  buffered_ = 0;
  total_length_ = 0;
}

Sha1::Sha1(Engine engine) noexcept : hardware_(engine == Engine::Best && cpu_has_sha_extensions()) { reset(); }

void Sha1::compress(const std::uint8_t* blocks, std::size_t count) noexcept {
#if ZONED_SHA1_X86
  if (hardware_) {
    compress_sha_extensions(state_, blocks, count);
    return;
  }
#endif
  for (std::size_t i = 0; i < count; ++i) compress_portable(state_, blocks + i * kBlockLength);
}

void Sha1::update(std::span<const std::uint8_t> data) noexcept {
  if (data.empty()) return;  // its data() may be null, which memcpy must not see
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
    compress(buffer_.data(), 1);
    buffered_ = 0;
  }
  const std::size_t whole = left / kBlockLength;
  compress(p, whole);
  p += whole * kBlockLength;
  left -= whole * kBlockLength;
  if (left > 0) std::memcpy(buffer_.data(), p, left);
  buffered_ = left;
}

Sha1Digest Sha1::finish() noexcept {
  // §5.1.1: a 1 bit, zeros up to 56 mod 64 octets, then the bit length.
  const std::uint64_t bits = total_length_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > kBlockLength - kLengthFieldOctets) {
    std::memset(buffer_.data() + buffered_, 0, kBlockLength - buffered_);
    compress(buffer_.data(), 1);
    buffered_ = 0;
  }
  std::memset(buffer_.data() + buffered_, 0, kBlockLength - kLengthFieldOctets - buffered_);
  store_be32(buffer_.data() + kBlockLength - 8, static_cast<std::uint32_t>(bits >> 32));
  store_be32(buffer_.data() + kBlockLength - 4, static_cast<std::uint32_t>(bits));
  compress(buffer_.data(), 1);
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
