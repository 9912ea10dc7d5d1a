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
