// Randomised robustness: mutated rdata for every type must be either rejected
// or survive wire -> text -> wire unchanged; never crash (run under ASan).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "dns/rdata.hpp"
#include "rdata_text_util.hpp"

using namespace zoned::dns;
using namespace zoned::dns::test;

namespace {

const std::uint16_t kTypes[] = {259, 31, 56, 57, 58, 261, 11, 22, 30, 38, 42, 55, 260, 29, 64, 65, 1,  2,  3,  4,  5,  6,  7,  8,  9,  12, 13, 14, 15, 16, 17,
                                18, 19, 20, 21, 24, 25, 26, 27, 28, 33, 35, 36, 37, 39, 43,
                                44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 59, 60, 61, 62, 63,
                                99, 104, 105, 106, 107, 108, 109, 256, 257, 258, 32768, 32769};

}  // namespace

TEST_CASE("rdata fuzz: random rdata is rejected or round-trips exactly") {
  std::mt19937 rng(12345);
  const Name origin;
  std::size_t accepted = 0;
  for (std::uint16_t tv : kTypes) {
    auto type = static_cast<RRType>(tv);
    for (int iter = 0; iter < 3000; ++iter) {
      // Bias towards shapes that pass: short, with plausible length bytes.
      std::size_t len = rng() % 48;
      std::vector<std::uint8_t> rdata(len);
      for (auto& b : rdata) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() % 8 : rng());
      if (rdata_check(type, rdata) != WireError::Ok) {
        // The message path may accept it only by decompressing names, and
        // then what it produces must be valid stored rdata.
        std::vector<std::uint8_t> out;
        if (rdata_from_message(type, rdata, 0, static_cast<std::uint16_t>(len), out) ==
            WireError::Ok) {
          CHECK(rdata_check(type, out) == WireError::Ok);
          CHECK(out != rdata);
        }
        continue;
      }
      ++accepted;
      std::string text;
      rdata_to_text(type, rdata, text);
      auto tokens = text_tokens(text);
      std::vector<std::uint8_t> back;
      auto err = rdata_from_text(type, tokens, origin, back);
      INFO(type_to_text(type), " ", text);
      REQUIRE(!err);
      if (type == RRType::WKS || type == RRType::NXT) {
        // Their bitmaps end the rdata and may carry trailing zero octets on
        // the wire (no RFC forbids them); text gives the minimal form.
        auto trim = [](std::vector<std::uint8_t> v) {
          while (!v.empty() && v.back() == 0) v.pop_back();
          return v;
        };
        CHECK(trim(back) == trim(rdata));
      } else {
        CHECK(back == rdata);
      }
      std::string generic;
      rdata_to_generic_text(rdata, generic);
      back.clear();
      REQUIRE(!rdata_from_text(type, text_tokens(generic), origin, back));
      CHECK(back == rdata);
    }
  }
  CHECK(accepted > 1000);  // the generator must reach the interesting paths
}
