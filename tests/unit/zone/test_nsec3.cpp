// NSEC3 hashing (RFC 5155 §5, Appendix A) and the hash-ordered chain that
// ZoneVersion builds from the apex NSEC3PARAM (RFC 5155 §4).
#include <doctest/doctest.h>

#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"
#include "dns/encoding.hpp"
#include "zone/nsec3.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_version.hpp"
#include "zone_test_util.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

Nsec3Params appendix_a_params() {
  Nsec3Params p;  // RFC 5155 Appendix A: salt aabbccdd, 12 additional iterations
  p.iterations = 12;
  p.salt_length = 4;
  p.salt = {0xaa, 0xbb, 0xcc, 0xdd};
  return p;
}

std::string base32hex(const Nsec3Hash& h) {
  std::string s;
  dns::base32hex_encode(h, s);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Nsec3Hash hash_of(std::string_view text, const Nsec3Params& params) {
  return nsec3_hash(name(text).wire(), params);
}

Nsec3Hash decode(std::string_view label) {
  std::vector<std::uint8_t> bytes;
  REQUIRE(dns::base32hex_decode(label, bytes));
  REQUIRE(bytes.size() == kNsec3HashLength);
  Nsec3Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

std::string owner(const Nsec3Entry* e) { return e == nullptr ? "" : e->node->owner_name().to_text(); }

constexpr std::string_view kApexText =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.1\n";

// Four NSEC3 records of the Appendix A chain (owners: H(example), H(a.example),
// H(w.example), H(xx.example)), plus records that are not part of it.
std::string chain_zone(std::string_view nsec3param) {
  return std::string(kApexText) + std::string(nsec3param) +
         "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 1 1 12 aabbccdd 35mthgpgcu1qg68fab165klnsnk3dpvl NS SOA\n"
         "35mthgpgcu1qg68fab165klnsnk3dpvl NSEC3 1 0 12 aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h NS DS\n"
         "k8udemvp1j2f7eg6jebps17vp3n8i58h NSEC3 1 0 12 aabbccdd t644ebqk9bibcna874givr6joj62mlhv TXT\n"
         "T644EBQK9BIBCNA874GIVR6JOJ62MLHV NSEC3 1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A\n"
         // Another chain's salt, a deeper owner, and a label that is no hash.
         "2t7b4g4vsa5smi47k61mv5bv1a22bojr NSEC3 1 0 12 00 35mthgpgcu1qg68fab165klnsnk3dpvl A\n"
         "q04jkcevqvmu85r014c7dkba38o0ji5r.w NSEC3 1 0 12 aabbccdd t644ebqk9bibcna874givr6joj62mlhv A\n"
         "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz NSEC3 1 0 12 aabbccdd t644ebqk9bibcna874givr6joj62mlhv A\n";
}

}  // namespace

TEST_CASE("nsec3: RFC 5155 Appendix A hashes") {
  const Nsec3Params p = appendix_a_params();
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
      {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
      {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
      {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
      {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
      {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
      {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
      {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
      {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
      {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
      {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
  };
  for (const auto& [text, expected] : vectors) {
    CAPTURE(text);
    CHECK(base32hex(hash_of(text, p)) == expected);
  }
}

TEST_CASE("nsec3: the name is hashed in canonical (lower) case, and no salt, no iterations") {
  CHECK(base32hex(hash_of("ExAmPlE.", appendix_a_params())) == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  const Nsec3Params plain;  // ldns-nsec3-hash -t 0 example
  CHECK(base32hex(hash_of("EXAMPLE.", plain)) == "3msev9usmd4br9s97v51r2tdvmr9iqo1");
}

TEST_CASE("nsec3: hashing allocates nothing") {
  const dns::Name n = name("x.y.w.example.");
  const Nsec3Params p = appendix_a_params();
  zoned::test::AllocationCounter counter;
  const Nsec3Hash h = nsec3_hash(n.wire(), p);
  CHECK(counter.count() == 0);
  CHECK(base32hex(h) == "2vptu5timamqttgl4luu9kg21e0aor3s");
}

TEST_CASE("nsec3: the chain holds the NSEC3 records with the NSEC3PARAM's parameters, by hash") {
  // A flags-1 NSEC3PARAM (chain under construction) is skipped for the next.
  const auto v = build_zone(chain_zone("@ NSEC3PARAM 1 1 5 00\n@ NSEC3PARAM 1 0 12 aabbccdd\n"), "example.");
  const Nsec3Chain* chain = v->nsec3_chain();
  REQUIRE(chain != nullptr);
  CHECK(chain->size() == 4);
  CHECK(chain->params().iterations == 12);
  CHECK(chain->params().salt_length == 4);
  const Nsec3Params p = appendix_a_params();
  CHECK(chain->origin_hash() == hash_of("example.", p));
  CHECK(chain->origin_wildcard_hash() == hash_of("*.example.", p));

  const Nsec3Entry* apex = chain->matching(hash_of("example.", p));
  REQUIRE(apex != nullptr);
  CHECK(owner(apex) == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.");
  CHECK(apex->opt_out);
  CHECK(apex->rrset == apex->node->find(dns::RRType::NSEC3));
  CHECK(base32hex(apex->hash) == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  CHECK(chain->covering(hash_of("example.", p)) == nullptr);
  // An upper-case owner label decodes to the same hash.
  CHECK(owner(chain->matching(hash_of("xx.example.", p))) == "t644ebqk9bibcna874givr6joj62mlhv.example.");
  CHECK_FALSE(chain->matching(hash_of("xx.example.", p))->opt_out);

  // Covering: the predecessor in hash order, wrapping before the first.
  CHECK(chain->matching(hash_of("ns1.example.", p)) == nullptr);  // other salt: not in the chain
  CHECK(owner(chain->covering(hash_of("ns1.example.", p))) == "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.");
  CHECK(owner(chain->covering(hash_of("ai.example.", p))) == "35mthgpgcu1qg68fab165klnsnk3dpvl.example.");
  CHECK(owner(chain->covering(hash_of("ns2.example.", p))) == "k8udemvp1j2f7eg6jebps17vp3n8i58h.example.");
  CHECK(owner(chain->covering(hash_of("*.w.example.", p))) == "k8udemvp1j2f7eg6jebps17vp3n8i58h.example.");
  Nsec3Hash lowest{}, highest{};
  highest.fill(0xff);
  CHECK(owner(chain->covering(lowest)) == "t644ebqk9bibcna874givr6joj62mlhv.example.");
  CHECK(owner(chain->covering(highest)) == "t644ebqk9bibcna874givr6joj62mlhv.example.");
  CHECK(owner(chain->covering(decode("t644ebqk9bibcna874givr6joj62mli0"))) ==
        "t644ebqk9bibcna874givr6joj62mlhv.example.");

  zoned::test::AllocationCounter counter;
  const Nsec3Hash h = nsec3_hash(name("nothere.example.").wire(), chain->params());
  const Nsec3Entry* cover = chain->covering(h);
  const Nsec3Entry* match = chain->matching(h);
  CHECK(counter.count() == 0);
  CHECK(cover != nullptr);
  CHECK(match == nullptr);
}

TEST_CASE("nsec3: no chain without a usable NSEC3PARAM or without matching NSEC3 records") {
  CHECK(build_zone(chain_zone(""), "example.")->nsec3_chain() == nullptr);
  CHECK(build_zone(chain_zone("@ NSEC3PARAM 1 1 12 aabbccdd\n"), "example.")->nsec3_chain() == nullptr);
  CHECK(build_zone(chain_zone("@ NSEC3PARAM 2 0 12 aabbccdd\n"), "example.")->nsec3_chain() == nullptr);
  CHECK(build_zone(chain_zone("@ NSEC3PARAM 1 0 11 aabbccdd\n"), "example.")->nsec3_chain() == nullptr);
  // Parameters of the other chain: its one record at the right depth.
  const auto other = build_zone(chain_zone("@ NSEC3PARAM 1 0 12 00\n"), "example.");
  REQUIRE(other->nsec3_chain() != nullptr);
  CHECK(other->nsec3_chain()->size() == 1);
}
