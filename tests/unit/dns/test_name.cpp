#include <doctest/doctest.h>

#include <vector>

#include "dns/name.hpp"

using zoned::dns::Name;
using zoned::dns::WireError;

namespace {
Name N(std::string_view text) {
  auto r = Name::parse(text);
  REQUIRE_MESSAGE(r.ok(), text);
  return *r;
}
}  // namespace

TEST_CASE("name: presentation round trip with escapes") {
  CHECK(N(".").to_text() == ".");
  CHECK(N("www.Example.COM.").to_text() == "www.Example.COM.");
  CHECK(N("a\\.b.example.").label_count() == 2);
  CHECK(N("a\\.b.example.").to_text() == "a\\.b.example.");
  CHECK(N("\\065bc.").to_text() == "Abc.");
  CHECK(N("\\000.x.").to_text() == "\\000.x.");
  CHECK(N("sp\\032ace.").to_text() == "sp\\032ace.");
  CHECK(N("q\\\"uote.").to_text() == "q\\\"uote.");
  CHECK(N("at\\@.").to_text() == "at\\@.");
}

TEST_CASE("name: relative names, @ and origin") {
  Name origin = N("example.com.");
  CHECK(Name::parse("www", &origin)->to_text() == "www.example.com.");
  CHECK(Name::parse("@", &origin)->to_text() == "example.com.");
  CHECK(Name::parse("abs.", &origin)->to_text() == "abs.");
  CHECK_FALSE(Name::parse("www").ok());
  CHECK_FALSE(Name::parse("@").ok());
}

TEST_CASE("name: length limits and malformed text") {
  std::string label63(63, 'a');
  CHECK(Name::parse(label63 + ".").ok());
  CHECK_FALSE(Name::parse(std::string(64, 'a') + ".").ok());
  // 4 labels of 63 = 4*64 + 1 = 257 > 255
  CHECK_FALSE(Name::parse(label63 + "." + label63 + "." + label63 + "." + label63 + ".").ok());
  std::string ok253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b') + ".";
  REQUIRE(Name::parse(ok253).ok());
  CHECK(Name::parse(ok253)->wire_length() == 255);
  CHECK_FALSE(Name::parse("a..b.").ok());
  CHECK_FALSE(Name::parse(".a.").ok());
  CHECK_FALSE(Name::parse("").ok());
  CHECK_FALSE(Name::parse("a\\").ok());
  CHECK_FALSE(Name::parse("a\\25.").ok());
  CHECK_FALSE(Name::parse("a\\256.").ok());
}

TEST_CASE("name: case-insensitive equality, case-preserving storage") {
  CHECK(N("WWW.example.") == N("www.EXAMPLE."));
  CHECK_FALSE(N("WWW.example.").equals_exact(N("www.example.")));
  CHECK(N("WWW.example.").lowercased().equals_exact(N("www.example.")));
}

TEST_CASE("name: canonical order (RFC 4034 section 6.1 example)") {
  std::vector<Name> ordered = {N("example."),          N("a.example."),
                               N("yljkjljk.a.example."), N("Z.a.example."),
                               N("zABC.a.EXAMPLE."),   N("z.example."),
                               N("\\001.z.example."),  N("*.z.example."),
                               N("\\200.z.example.")};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    CAPTURE(i);
    CHECK(ordered[i].canonical_compare(ordered[i + 1]) < 0);
    CHECK(ordered[i + 1].canonical_compare(ordered[i]) > 0);
  }
  CHECK(N("a.example.").canonical_compare(N("A.EXAMPLE.")) == 0);
}

TEST_CASE("name: parent, labels, subdomain") {
  Name n = N("a.b.example.");
  CHECK(n.label_count() == 3);
  CHECK(n.parent().to_text() == "b.example.");
  CHECK(n.parent(3).is_root());
  CHECK(n.is_subdomain_of(N("EXAMPLE.")));
  CHECK(n.is_subdomain_of(n));
  CHECK_FALSE(N("example.").is_subdomain_of(n));
  CHECK_FALSE(N("xexample.").is_subdomain_of(N("example.")));
  CHECK(N("*.example.").is_wildcard());
  CHECK_FALSE(N("x*.example.").is_wildcard());
  CHECK_FALSE(N("a.").concat(N(std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                                std::string(63, 'd') + "." + std::string(61, 'e') + ".")).ok());
  auto c = N("www.").concat(N("example.org."));
  REQUIRE(c.ok());
  CHECK(c->to_text() == "www.example.org.");
}

TEST_CASE("name: wire decoding with compression") {
  // After the 12-octet header: "example." at 12, then "www" + pointer to 12 at 21.
  std::vector<std::uint8_t> msg(12, 0);
  msg.insert(msg.end(), {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 3, 'w', 'w', 'w', 0xC0, 12});
  std::size_t pos = 21;
  Name n;
  REQUIRE(Name::from_wire(msg, pos, n) == WireError::Ok);
  CHECK(n.to_text() == "www.example.");
  CHECK(pos == 27);
}

TEST_CASE("name: a compression pointer into the header is malformed") {
  // Header bytes that read as a name ("\001a" at 0), then a pointer to each
  // of the 12 header offsets: never a name made of header bytes.
  std::vector<std::uint8_t> msg = {1, 'a', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'b', 0xC0, 0};
  for (std::uint8_t target = 0; target < 12; ++target) {
    CAPTURE(static_cast<int>(target));
    msg[15] = target;
    std::size_t pos = 12;
    Name n;
    CHECK(Name::from_wire(msg, pos, n) == WireError::BadPointer);
  }
}

TEST_CASE("name: wire decoding rejects loops, forward pointers and bad labels") {
  Name n;
  std::size_t pos = 0;
  std::vector<std::uint8_t> self = {0xC0, 0};
  CHECK(Name::from_wire(self, pos, n) == WireError::BadPointer);
  pos = 0;
  std::vector<std::uint8_t> forward = {0xC0, 2, 0};
  CHECK(Name::from_wire(forward, pos, n) == WireError::BadPointer);
  // Two-pointer cycle: at 2 a pointer to 0, at 0 a pointer to 2.
  std::vector<std::uint8_t> cycle = {0xC0, 2, 0xC0, 0};
  pos = 2;
  CHECK(Name::from_wire(cycle, pos, n) == WireError::BadPointer);
  // A pointer back into the labels already read: a -> pointer to itself's label.
  std::vector<std::uint8_t> into_self = {1, 'a', 0xC0, 0};
  pos = 0;
  CHECK(Name::from_wire(into_self, pos, n) == WireError::BadPointer);
  std::vector<std::uint8_t> ext = {0x40, 0};
  pos = 0;
  CHECK(Name::from_wire(ext, pos, n) == WireError::BadLabelType);
  std::vector<std::uint8_t> cut = {3, 'a', 'b'};
  pos = 0;
  CHECK(Name::from_wire(cut, pos, n) == WireError::Truncated);
  std::vector<std::uint8_t> empty;
  pos = 0;
  CHECK(Name::from_wire(empty, pos, n) == WireError::Truncated);
  // 256 octets uncompressed: 4 labels of 63 + one of 2 + root.
  std::vector<std::uint8_t> longname;
  for (int i = 0; i < 4; ++i) {
    longname.push_back(63);
    longname.insert(longname.end(), 63, 'x');
  }
  longname.push_back(2);
  longname.push_back('y');
  longname.push_back('y');
  longname.push_back(0);
  pos = 0;
  CHECK(Name::from_wire(longname, pos, n) == WireError::NameTooLong);
}
