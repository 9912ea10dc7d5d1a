#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "zone/record_list.hpp"
#include "zone_test_util.hpp"
#include "zone/zone_version.hpp"

using namespace zoned;
using namespace zoned::zone;
using namespace zoned::zone::test;

namespace {

std::unique_ptr<const ZoneVersion> build_zone(std::string_view text,
                                              std::string_view origin = "example.com.") {
  RecordList rl;
  auto out = parse(text, rl, origin);
  REQUIRE(count(out.diagnostics, Severity::Error) == 0);
  rl.sort();
  return ZoneVersion::build(rl, name(origin));
}

std::vector<std::uint8_t> key_of(std::string_view text) {
  std::vector<std::uint8_t> k;
  RecordList::make_key(name(text).wire(), k);
  return k;
}

const Node* find(const ZoneVersion& v, std::string_view text) { return v.find(key_of(text)); }

std::string owner(const Node* n) { return n == nullptr ? "<none>" : n->owner_name().to_text(); }

}  // namespace

TEST_CASE("zone version: build groups records into nodes and rrsets") {
  auto v = build_zone(std::string(kApex) +
                      "www A 192.0.2.10\n"
                      "www A 192.0.2.9\n"
                      "www AAAA 2001:db8::1\n"
                      "WWW TXT \"x\"\n"
                      "mail 60 MX 10 www\n");
  CHECK(v->origin() == name("example.com."));
  CHECK(v->serial() == 1);
  CHECK(v->node_count() == 4);  // apex, mail, ns1, www
  CHECK(v->record_count() == 8);
  CHECK(v->apex().has(node_flag::kApex));
  CHECK(owner(&v->apex()) == "example.com.");

  const Node* www = find(*v, "WwW.Example.COM.");
  REQUIRE(www != nullptr);
  CHECK(owner(www) == "www.example.com.");
  REQUIRE(www->rrsets.size() == 3);
  CHECK(www->rrsets[0].type == dns::RRType::A);
  CHECK(www->rrsets[1].type == dns::RRType::TXT);
  CHECK(www->rrsets[2].type == dns::RRType::AAAA);
  const RRset* a = www->find(dns::RRType::A);
  REQUIRE(a != nullptr);
  CHECK(a->count == 2);
  CHECK(a->ttl == 3600);
  // Canonically sorted rdata: .9 before .10.
  std::vector<int> last_octets;
  a->for_each_rdata([&](std::span<const std::uint8_t> rd) {
    REQUIRE(rd.size() == 4);
    last_octets.push_back(rd[3]);
  });
  CHECK(last_octets == std::vector<int>{9, 10});
  CHECK(www->find(dns::RRType::MX) == nullptr);
  CHECK(find(*v, "mail.example.com.")->find(dns::RRType::MX)->ttl == 60);
  CHECK(find(*v, "nope.example.com.") == nullptr);
}

TEST_CASE("zone version: flags") {
  auto v = build_zone(std::string(kApex) +
                      "sub NS ns.sub\n"
                      "sub DS 1 8 2 " + std::string(64, 'a') + "\n"
                      "ns.sub A 192.0.2.2\n"
                      "deep.ns.sub A 192.0.2.3\n"
                      "d DNAME example.net.\n"
                      "x.d A 192.0.2.4\n"
                      "c CNAME www\n"
                      "*.w TXT \"w\"\n"
                      "subb A 192.0.2.5\n");
  CHECK(find(*v, "sub.example.com.")->has(node_flag::kDelegation));
  CHECK_FALSE(find(*v, "sub.example.com.")->has(node_flag::kOccluded));
  CHECK(find(*v, "ns.sub.example.com.")->has(node_flag::kOccluded));
  CHECK(find(*v, "deep.ns.sub.example.com.")->has(node_flag::kOccluded));
  CHECK_FALSE(find(*v, "subb.example.com.")->has(node_flag::kOccluded));
  CHECK(find(*v, "d.example.com.")->has(node_flag::kHasDname));
  CHECK_FALSE(find(*v, "d.example.com.")->has(node_flag::kOccluded));
  CHECK(find(*v, "x.d.example.com.")->has(node_flag::kOccluded));
  CHECK(find(*v, "c.example.com.")->has(node_flag::kHasCname));
  CHECK(find(*v, "*.w.example.com.")->has(node_flag::kWildcard));
  CHECK_FALSE(v->apex().has(node_flag::kDelegation));
  CHECK_FALSE(find(*v, "ns1.example.com.")->has(node_flag::kOccluded));
}

TEST_CASE("zone version: DNAME at the apex occludes the whole zone below it") {
  auto v = build_zone(std::string(kApex) + "@ DNAME example.net.\n");
  CHECK(v->apex().has(node_flag::kHasDname));
  CHECK_FALSE(v->apex().has(node_flag::kOccluded));
  CHECK(find(*v, "ns1.example.com.")->has(node_flag::kOccluded));
}

TEST_CASE("zone version: negative SOA TTL is min(SOA TTL, MINIMUM)") {
  auto v1 = build_zone("@ 3600 SOA ns1 hm 42 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n");
  CHECK(v1->negative_soa().ttl == 300);
  CHECK(v1->negative_soa().count == 1);
  CHECK(v1->negative_soa().type == dns::RRType::SOA);
  CHECK(v1->serial() == 42);
  CHECK(v1->negative_soa().data.size() == v1->apex().find(dns::RRType::SOA)->data.size());
  auto v2 = build_zone("@ 60 SOA ns1 hm 42 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n");
  CHECK(v2->negative_soa().ttl == 60);
}

TEST_CASE("zone version: RRSIGs are grouped per covered type") {
  const std::string sig_tail = " 8 3 3600 20300101000000 20200101000000 12345 example.com. AAAA\n";
  auto v = build_zone(std::string(kApex) +
                      "www A 192.0.2.1\n"
                      "www RRSIG A" + sig_tail +
                      "www RRSIG A 8 3 3600 20300101000000 20200101000000 54321 example.com. AAAA\n"
                      "www NSEC zz A RRSIG NSEC\n"
                      "www RRSIG NSEC" + sig_tail +
                      "www RRSIG MX" + sig_tail);  // covers a type absent here
  const Node* www = find(*v, "www.example.com.");
  REQUIRE(www != nullptr);
  // A, NSEC, and one RRSIG set for the orphan signature, in type order.
  REQUIRE(www->rrsets.size() == 3);
  CHECK(www->rrsets[0].type == dns::RRType::A);
  CHECK(www->rrsets[1].type == dns::RRType::RRSIG);
  CHECK(www->rrsets[2].type == dns::RRType::NSEC);
  const RRset* a = www->find(dns::RRType::A);
  REQUIRE(a->rrsigs != nullptr);
  CHECK(a->rrsigs->type == dns::RRType::RRSIG);
  CHECK(a->rrsigs->count == 2);
  const RRset* nsec = www->find(dns::RRType::NSEC);
  REQUIRE(nsec->rrsigs != nullptr);
  CHECK(nsec->rrsigs->count == 1);
  const RRset* orphan = www->find(dns::RRType::RRSIG);
  REQUIRE(orphan != nullptr);
  CHECK(orphan->count == 1);
  orphan->for_each_rdata([](std::span<const std::uint8_t> rd) {
    CHECK(rd[0] == 0);
    CHECK(rd[1] == 15);  // covers MX
  });
  CHECK(find(*v, "ns1.example.com.")->find(dns::RRType::A)->rrsigs == nullptr);
}

TEST_CASE("zone version: find and neighbours across page boundaries") {
  // 1000 hosts: 4 pages of 256 nodes plus apex and ns1.
  auto v = build_zone(std::string(kApex) + "$GENERATE 0-999 h${0,4,d} A 192.0.2.1\n");
  REQUIRE(v->node_count() == 1002);
  // Walk the canonical order and check find/neighbours for every node.
  std::vector<const Node*> all;
  v->for_each_node([&](const Node& n) { all.push_back(&n); });
  REQUIRE(all.size() == 1002);
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::vector<std::uint8_t> k(all[i]->key.begin(), all[i]->key.end());
    CHECK(v->find(k) == all[i]);
    auto nb = v->neighbours(k);
    CHECK(nb.at_or_before == all[i]);
    CHECK(nb.after == (i + 1 < all.size() ? all[i + 1] : nullptr));
    // A key just after this one (an extra byte) sits between i and i+1.
    k.push_back(1);
    auto between = v->neighbours(k);
    CHECK(between.at_or_before == all[i]);
    CHECK(between.after == (i + 1 < all.size() ? all[i + 1] : nullptr));
    CHECK(v->find(k) == nullptr);
    if (i > 0) CHECK(std::lexicographical_compare(all[i - 1]->key.begin(), all[i - 1]->key.end(),
                                                  all[i]->key.begin(), all[i]->key.end()));
  }
  // Before the first node (the apex): nothing at or before.
  auto before = v->neighbours(key_of("com."));
  CHECK(before.at_or_before == nullptr);
  CHECK(before.after == &v->apex());
  CHECK(owner(find(*v, "h0256.example.com.")) == "h0256.example.com.");
  CHECK(owner(find(*v, "h0999.example.com.")) == "h0999.example.com.");
  CHECK(owner(v->neighbours(key_of("h0512a.example.com.")).at_or_before) == "h0512.example.com.");
  CHECK(owner(v->neighbours(key_of("h0512a.example.com.")).after) == "h0513.example.com.");
}

TEST_CASE("zone version: an empty non-terminal has no node but its successor is below it") {
  auto v = build_zone(std::string(kApex) + "a.b.c A 192.0.2.1\n");
  const auto ent = key_of("b.c.example.com.");
  CHECK(v->find(ent) == nullptr);
  auto nb = v->neighbours(ent);
  REQUIRE(nb.after != nullptr);
  CHECK(owner(nb.after) == "a.b.c.example.com.");
  CHECK(nb.after->key.size() > ent.size());
  CHECK(std::equal(ent.begin(), ent.end(), nb.after->key.begin()));
  CHECK(owner(nb.at_or_before) == "example.com.");
}
