// dns::Sha1 against the FIPS 180-2 Appendix A / RFC 3174 §7.3 vectors and,
// for arbitrary lengths and split points, against OpenSSL.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"
#include "dns/encoding.hpp"
#include "dns/sha1.hpp"

using namespace zoned::dns;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string hex(const Sha1Digest& d) {
  std::string s;
  hex_encode(d, s);
  return s;
}

Sha1Digest openssl_sha1(std::span<const std::uint8_t> data) {
  Sha1Digest out{};
  unsigned int length = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha1(), nullptr) == 1);
  REQUIRE(length == out.size());
  return out;
}

}  // namespace

TEST_CASE("sha1: FIPS 180 / RFC 3174 test vectors") {
  CHECK(hex(sha1(bytes("abc"))) == "A9993E364706816ABA3E25717850C26C9CD0D89D");
  CHECK(hex(sha1(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
        "84983E441C3BD26EBAAE4AA1F95129E5E54670F1");
  CHECK(hex(sha1({})) == "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
  Sha1 pieces;  // empty updates (null data) between the pieces change nothing
  pieces.update(bytes("ab"));
  pieces.update({});
  pieces.update(bytes("c"));
  CHECK(hex(pieces.finish()) == "A9993E364706816ABA3E25717850C26C9CD0D89D");
  // One million 'a', fed in uneven pieces through the incremental interface.
  for (const Sha1::Engine engine : {Sha1::Engine::Best, Sha1::Engine::Portable}) {
    const std::string chunk(999, 'a');
    Sha1 h(engine);
    std::size_t fed = 0;
    for (; fed + chunk.size() <= 1000000; fed += chunk.size()) h.update(bytes(chunk));
    h.update(bytes(std::string(1000000 - fed, 'a')));
    CHECK(hex(h.finish()) == "34AA973CD4C4DAA4F61EEB2BDBAD27316534016F");
  }
}

TEST_CASE("sha1: matches OpenSSL for every length around the block and padding edges") {
  std::mt19937 rng(5155);
  std::vector<std::uint8_t> data(300);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t length = 0; length <= data.size(); ++length) {
    const std::span<const std::uint8_t> message(data.data(), length);
    const Sha1Digest expected = openssl_sha1(message);
    CHECK(sha1(message) == expected);
    // The same message split at a random point, then reused after reset(),
    // through the CPU's SHA instructions (where present) and without them.
    const std::size_t split = length == 0 ? 0 : rng() % (length + 1);
    for (const Sha1::Engine engine : {Sha1::Engine::Best, Sha1::Engine::Portable}) {
      Sha1 h(engine);
      h.update(bytes("stale"));
      h.reset();
      h.update(message.first(split));
      h.update(message.subspan(split));
      CHECK(h.finish() == expected);
    }
  }
}

TEST_CASE("sha1: hashing allocates nothing") {
  const std::string input(200, 'x');
  zoned::test::AllocationCounter counter;
  const Sha1Digest d = sha1(bytes(input));
  CHECK(counter.count() == 0);
  CHECK(d == openssl_sha1(bytes(input)));
}
