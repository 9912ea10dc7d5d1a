#include <doctest/doctest.h>

#include <string>

#include "zone/generate.hpp"

using namespace zoned::zone;

TEST_CASE("generate: range parsing and cap") {
  GenerateRange r;
  CHECK_FALSE(parse_generate_range("1-10", r));
  CHECK(r.start == 1);
  CHECK(r.stop == 10);
  CHECK(r.step == 1);
  CHECK_FALSE(parse_generate_range("0-20/5", r));
  CHECK(r.step == 5);
  CHECK(parse_generate_range("5-1", r));
  CHECK(parse_generate_range("1-2/0", r));
  CHECK(parse_generate_range("x-2", r));
  CHECK(parse_generate_range("0-4000000", r));  // above kMaxGeneratedRecords
}

TEST_CASE("generate: substitutions") {
  std::string out;
  CHECK_FALSE(generate_expand("host-$", 7, out));
  CHECK(out == "host-7");
  CHECK_FALSE(generate_expand("${10,4,x}", 5, out));
  CHECK(out == "000f");
  CHECK_FALSE(generate_expand("${0,3,X}", 255, out));
  CHECK(out == "0FF");
  CHECK_FALSE(generate_expand("${-1,2,o}", 9, out));
  CHECK(out == "10");
  CHECK_FALSE(generate_expand("${0,0,n}", 0x123, out));
  CHECK(out == "3.2.1");
  CHECK_FALSE(generate_expand("${0,7,N}", 0xab, out));
  CHECK(out == "B.A.0.0");
  CHECK_FALSE(generate_expand("${0,4,n}rev", 0x1a, out));  // named-compilezone: "a.1.rev"
  CHECK(out == "a.1.rev");
  CHECK_FALSE(generate_expand("${0,4,n}", 0, out));
  CHECK(out == "0.0.");
  CHECK_FALSE(generate_expand("a\\$b$", 3, out));
  CHECK(out == "a\\$b3");
  CHECK(generate_expand("${1,2", 1, out));
  CHECK(generate_expand("${1,2,q}", 1, out));
}

TEST_CASE("generate: an offset may carry an explicit '+' (named reads it as a signed decimal)") {
  std::string out;
  // generate_plus_offset.zone: named-compilezone gives plus1 -> 192.0.2.2 and pad011.
  CHECK_FALSE(generate_expand("192.0.2.${+1}", 1, out));
  CHECK(out == "192.0.2.2");
  CHECK_FALSE(generate_expand("pad${+10,3}", 1, out));
  CHECK(out == "pad011");
  CHECK_FALSE(generate_expand("${+0,2,x}", 10, out));
  CHECK(out == "0a");
  CHECK_FALSE(generate_expand("${-2}", 5, out));
  CHECK(out == "3");
  CHECK(generate_expand("${+}", 1, out));
  CHECK(generate_expand("${++1}", 1, out));
  CHECK(generate_expand("${+-1}", 1, out));
}

TEST_CASE("generate: a negative value's width counts the sign, like printf(\"%0*d\")") {
  std::string out;
  // generate_negative_width.zone: named-compilezone gives neg-01, neg000, neg-5.
  CHECK_FALSE(generate_expand("neg${-1,3}", 0, out));
  CHECK(out == "neg-01");
  CHECK_FALSE(generate_expand("neg${-1,3}", 1, out));
  CHECK(out == "neg000");
  CHECK_FALSE(generate_expand("neg${-5}", 0, out));
  CHECK(out == "neg-5");
  CHECK_FALSE(generate_expand("${-12,2}", 0, out));  // width below the length: no cut
  CHECK(out == "-12");
  CHECK_FALSE(generate_expand("${-1,1}", 0, out));
  CHECK(out == "-1");
  CHECK_FALSE(generate_expand("${-7,5}", 2, out));
  CHECK(out == "-0005");
}
