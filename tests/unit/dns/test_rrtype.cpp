#include <doctest/doctest.h>

#include "dns/rrtype.hpp"

using namespace zoned::dns;

TEST_CASE("rrtype: mnemonics both ways") {
  CHECK(type_mnemonic(RRType::AAAA) == "AAAA");
  CHECK(type_mnemonic(RRType::NSAP_PTR) == "NSAP-PTR");
  CHECK(type_mnemonic(RRType::DLV) == "DLV");
  CHECK(type_mnemonic(static_cast<RRType>(262)) == "WALLET");
  CHECK(type_from_text("talink") == static_cast<RRType>(58));
  CHECK(type_mnemonic(static_cast<RRType>(0)).empty());
  CHECK(type_mnemonic(static_cast<RRType>(65535)).empty());
  CHECK(type_to_text(static_cast<RRType>(65535)) == "TYPE65535");
  CHECK(type_to_text(RRType::NSEC3PARAM) == "NSEC3PARAM");
  CHECK(type_from_text("aaaa") == RRType::AAAA);
  CHECK(type_from_text("Nsec3") == RRType::NSEC3);
  CHECK(type_from_text("TYPE1") == RRType::A);
  CHECK(type_from_text("type65535") == static_cast<RRType>(65535));
  CHECK(!type_from_text("TYPE65536"));
  CHECK(!type_from_text("TYPE"));
  CHECK(!type_from_text("TYPE-1"));
  CHECK(!type_from_text("AAAAA"));
  CHECK(!type_from_text(""));
  // Every mnemonic reads back as itself.
  for (std::uint32_t v = 0; v <= 0xFFFF; ++v) {
    auto t = static_cast<RRType>(v);
    auto text = type_to_text(t);
    auto back = type_from_text(text);
    REQUIRE(back);
    CHECK(*back == t);
  }
}

TEST_CASE("rrtype: classes") {
  CHECK(class_to_text(RRClass::IN) == "IN");
  CHECK(class_to_text(static_cast<RRClass>(42)) == "CLASS42");
  CHECK(class_from_text("in") == RRClass::IN);
  CHECK(class_from_text("CHAOS") == RRClass::CH);
  CHECK(class_from_text("class42") == static_cast<RRClass>(42));
  CHECK(!class_from_text("CLASS70000"));
  CHECK(!class_from_text("INN"));
}
