"""Answering, case by case, over UDP and TCP: the real server (DNS_TEST_SUBJECT,
see server_under_test.py) serving tests/data/server/, each case asserting the
rcode, AA and the exact RRsets of every section.

Cases: exact match, CNAME (chain, loop, dangling, out of zone, into an ENT or
a delegation; RFC 1034 4.3.2, RFC 6604 rcode), DNAME (RFC 6672: synthesized
CNAME with the DNAME's TTL, never applied to its own owner), delegations
(RFC 1034 4.3.2 referral, not authoritative, NS plus in-bailiwick and sibling
glue, RFC 9471), DS answered by the parent (RFC 4035 3.1.4.1), occluded data
below a cut, wildcards (RFC 4592: closest encloser, source of synthesis,
ENTs block, `*` only as a whole leftmost label, wildcard CNAME, wildcard
ENT), empty non-terminals, NXDOMAIN and NODATA with the SOA at TTL
min(SOA TTL, MINIMUM) (RFC 2308 3), and REFUSED outside the served zones.

Queries carry EDNS with a 1232-octet buffer so every case fits over UDP.
"""
from dataclasses import dataclass, field

import dns.flags
import dns.rcode
import pytest

from server_under_test import SUBJECT, ask, describe, records, section, start_server

PORT = 20600

LOOKUP_SOA = "lookup.test. 3600 IN SOA ns1.lookup.test. hostmaster.lookup.test. 2026113001 7200 3600 1209600 300"
# RFC 2308 3: the SOA in a negative answer has TTL min(SOA TTL, SOA MINIMUM).
LOOKUP_NEG = "lookup.test. 300 IN SOA ns1.lookup.test. hostmaster.lookup.test. 2026113001 7200 3600 1209600 300"
PARENT_NEG = "parent.test. 600 IN SOA ns.parent.test. hostmaster.parent.test. 1 7200 3600 1209600 600"
CHILD_NEG = "child.parent.test. 60 IN SOA ns.child.parent.test. hostmaster.child.parent.test. 7 7200 3600 1209600 60"
WWW_A = "www.lookup.test. 3600 IN A 192.0.2.10"
SUB_NS = ("sub.lookup.test. 3600 IN NS ns.sub.lookup.test.",
          "sub.lookup.test. 3600 IN NS ns.sibling.lookup.test.")
# RFC 9471: all in-bailiwick glue, in-domain (ns.sub) and sibling (ns.sibling).
SUB_GLUE = ("ns.sub.lookup.test. 3600 IN A 192.0.2.53",
            "ns.sub.lookup.test. 3600 IN AAAA 2001:db8::53",
            "ns.sibling.lookup.test. 3600 IN A 192.0.2.54")
NOERROR, NXDOMAIN, REFUSED = dns.rcode.NOERROR, dns.rcode.NXDOMAIN, dns.rcode.REFUSED
# 255 octets in wire form: rewritten by `dname` (DNAME target.lookup.test.) it
# would grow by one octet past the limit.
LONGEST_UNDER_DNAME = ".".join(["a" * 63] * 3 + ["b" * 43]) + ".dname.lookup.test."


@dataclass
class Case:
    qname: str
    qtype: str
    rcode: int
    aa: bool
    answer: tuple = ()
    authority: tuple | None = ()  # None: the RFCs leave it open, not compared
    additional: tuple = field(default_factory=tuple)
    knotd_bug: str = ""  # knotd 3.2 answers this case wrongly: why (the case is skipped for it)


CASES = {
    # Exact matches; MX and NS targets in the zone get their addresses
    # (RFC 1035 3.3.9 and 3.3.11 additional section processing).
    "exact_a": Case("www.lookup.test.", "A", NOERROR, True, (WWW_A,)),
    "exact_aaaa": Case("www.lookup.test.", "AAAA", NOERROR, True,
                       ("www.lookup.test. 3600 IN AAAA 2001:db8::10",)),
    "exact_txt": Case("www.lookup.test.", "TXT", NOERROR, True,
                      ('www.lookup.test. 3600 IN TXT "www text"',)),
    "exact_mx_own_ttl": Case("www.lookup.test.", "MX", NOERROR, True,
                             ("www.lookup.test. 7200 IN MX 20 mail.lookup.test.",),
                             additional=("mail.lookup.test. 3600 IN A 192.0.2.25",)),
    "mixed_case_qname": Case("mIxEd.LOOKUP.test.", "A", NOERROR, True,
                             ("mixed.lookup.test. 3600 IN A 192.0.2.11",)),
    "apex_soa": Case("lookup.test.", "SOA", NOERROR, True, (LOOKUP_SOA,)),
    "apex_ns": Case("lookup.test.", "NS", NOERROR, True,
                    ("lookup.test. 3600 IN NS ns1.lookup.test.", "lookup.test. 3600 IN NS ns2.lookup.test."),
                    additional=("ns1.lookup.test. 3600 IN A 192.0.2.1",
                                "ns1.lookup.test. 3600 IN AAAA 2001:db8::1",
                                "ns2.lookup.test. 3600 IN A 192.0.2.2")),
    "apex_mx": Case("lookup.test.", "MX", NOERROR, True, ("lookup.test. 3600 IN MX 10 mail.lookup.test.",),
                    additional=("mail.lookup.test. 3600 IN A 192.0.2.25",)),
    # NODATA and NXDOMAIN (RFC 2308 2.1, 2.2).
    "nodata": Case("www.lookup.test.", "SRV", NOERROR, True, authority=(LOOKUP_NEG,)),
    "nodata_cname_type": Case("www.lookup.test.", "CNAME", NOERROR, True, authority=(LOOKUP_NEG,)),
    "nxdomain": Case("nothing.lookup.test.", "A", NXDOMAIN, True, authority=(LOOKUP_NEG,)),
    "nxdomain_deep": Case("a.b.c.nothing.lookup.test.", "A", NXDOMAIN, True, authority=(LOOKUP_NEG,)),
    "nxdomain_parent": Case("nothing.parent.test.", "A", NXDOMAIN, True, authority=(PARENT_NEG,)),
    "nodata_child": Case("www.child.parent.test.", "TXT", NOERROR, True, authority=(CHILD_NEG,)),
    # Empty non-terminals exist: NODATA, never NXDOMAIN (RFC 8020).
    "ent": Case("ent.lookup.test.", "A", NOERROR, True, authority=(LOOKUP_NEG,)),
    "ent_two_levels_up": Case("ent2.lookup.test.", "A", NOERROR, True, authority=(LOOKUP_NEG,)),
    "ent_one_level_up": Case("er.ent2.lookup.test.", "TXT", NOERROR, True, authority=(LOOKUP_NEG,)),
    "below_ent": Case("deep.er.ent2.lookup.test.", "A", NOERROR, True,
                      ("deep.er.ent2.lookup.test. 3600 IN A 192.0.2.41",)),
    "nxdomain_beside_ent_child": Case("other.ent.lookup.test.", "A", NXDOMAIN, True, authority=(LOOKUP_NEG,)),
    # CNAME (RFC 1034 4.3.2 step 3a; RFC 6604: the rcode is the last name's).
    "cname": Case("alias.lookup.test.", "A", NOERROR, True,
                  ("alias.lookup.test. 3600 IN CNAME www.lookup.test.", WWW_A)),
    "cname_qtype_cname": Case("alias.lookup.test.", "CNAME", NOERROR, True,
                              ("alias.lookup.test. 3600 IN CNAME www.lookup.test.",)),
    "cname_chain": Case("chain1.lookup.test.", "A", NOERROR, True,
                        ("chain1.lookup.test. 3600 IN CNAME chain2.lookup.test.",
                         "chain2.lookup.test. 3600 IN CNAME chain3.lookup.test.",
                         "chain3.lookup.test. 3600 IN CNAME www.lookup.test.", WWW_A)),
    "cname_loop": Case("loop1.lookup.test.", "A", NOERROR, True,
                       ("loop1.lookup.test. 3600 IN CNAME loop2.lookup.test.",
                        "loop2.lookup.test. 3600 IN CNAME loop1.lookup.test.")),
    "cname_dangling": Case("dangling.lookup.test.", "A", NXDOMAIN, True,
                           ("dangling.lookup.test. 3600 IN CNAME nothing-here.lookup.test.",),
                           (LOOKUP_NEG,)),
    "cname_out_of_zone": Case("external.lookup.test.", "A", NOERROR, True,
                              ("external.lookup.test. 3600 IN CNAME www.example.net.",)),
    "cname_to_ent": Case("to-ent.lookup.test.", "A", NOERROR, True,
                         ("to-ent.lookup.test. 3600 IN CNAME ent.lookup.test.",), (LOOKUP_NEG,)),
    "cname_to_wildcard": Case("to-wild.lookup.test.", "A", NOERROR, True,
                              ("to-wild.lookup.test. 3600 IN CNAME synthesized.wild.lookup.test.",
                               "synthesized.wild.lookup.test. 3600 IN A 192.0.2.100")),
    "cname_chain_end_within_bound": Case("long47.lookup.test.", "A", NOERROR, True,
                                         ("long47.lookup.test. 3600 IN CNAME long48.lookup.test.",
                                          "long48.lookup.test. 3600 IN CNAME long49.lookup.test.",
                                          "long49.lookup.test. 3600 IN CNAME long50.lookup.test.",
                                          "long50.lookup.test. 3600 IN A 192.0.2.50")),
    "cname_into_delegation": Case("to-sub.lookup.test.", "A", NOERROR, True,
                                  ("to-sub.lookup.test. 3600 IN CNAME host.sub.lookup.test.",),
                                  SUB_NS, SUB_GLUE),
    # DNAME (RFC 6672 2.3, 3.1): the synthesized CNAME has the DNAME's TTL.
    "dname_owner_own_data": Case("dname.lookup.test.", "A", NOERROR, True,
                                 ("dname.lookup.test. 3600 IN A 192.0.2.30",)),
    "dname_owner_dname": Case("dname.lookup.test.", "DNAME", NOERROR, True,
                              ("dname.lookup.test. 3600 IN DNAME target.lookup.test.",)),
    "dname_synthesis": Case("host.dname.lookup.test.", "A", NOERROR, True,
                            ("dname.lookup.test. 3600 IN DNAME target.lookup.test.",
                             "host.dname.lookup.test. 3600 IN CNAME host.target.lookup.test.",
                             "host.target.lookup.test. 3600 IN A 192.0.2.31")),
    "dname_synthesis_mixed_case": Case("HOST.Dname.lookup.test.", "A", NOERROR, True,
                                       ("dname.lookup.test. 3600 IN DNAME target.lookup.test.",
                                        "host.dname.lookup.test. 3600 IN CNAME host.target.lookup.test.",
                                        "host.target.lookup.test. 3600 IN A 192.0.2.31")),
    "dname_to_nxdomain": Case("none.dname.lookup.test.", "A", NXDOMAIN, True,
                              ("dname.lookup.test. 3600 IN DNAME target.lookup.test.",
                               "none.dname.lookup.test. 3600 IN CNAME none.target.lookup.test."),
                              (LOOKUP_NEG,)),
    # RFC 6672 2.2: a synthesized name over 255 octets is YXDOMAIN, with the
    # DNAME and no CNAME; the authority section is not specified.
    "dname_expansion_too_long": Case(LONGEST_UNDER_DNAME, "A", dns.rcode.YXDOMAIN, True,
                                     ("dname.lookup.test. 3600 IN DNAME target.lookup.test.",),
                                     None),
    "dname_out_of_zone": Case("a.b.dname-out.lookup.test.", "AAAA", NOERROR, True,
                              ("dname-out.lookup.test. 3600 IN DNAME example.net.",
                               "a.b.dname-out.lookup.test. 3600 IN CNAME a.b.example.net.")),
    # Delegations: referral, AA clear, NS in authority, glue (RFC 9471).
    "referral_at_cut": Case("sub.lookup.test.", "A", NOERROR, False, (), SUB_NS, SUB_GLUE),
    "referral_ns_at_cut": Case("sub.lookup.test.", "NS", NOERROR, False, (), SUB_NS, SUB_GLUE),
    "referral_below_cut": Case("host.sub.lookup.test.", "A", NOERROR, False, (), SUB_NS, SUB_GLUE),
    "occluded_data_never_leaks": Case("secret.sub.lookup.test.", "A", NOERROR, False, (), SUB_NS, SUB_GLUE),
    "glue_itself_is_a_referral": Case("ns.sub.lookup.test.", "A", NOERROR, False, (), SUB_NS, SUB_GLUE),
    "referral_sibling_only": Case("x.sibling.lookup.test.", "MX", NOERROR, False, (),
                                  ("sibling.lookup.test. 3600 IN NS ns.sibling.lookup.test.",),
                                  ("ns.sibling.lookup.test. 3600 IN A 192.0.2.54",)),
    "referral_out_of_zone_ns": Case("www.out.lookup.test.", "A", NOERROR, False, (),
                                    ("out.lookup.test. 3600 IN NS ns.example.net.",)),
    # DS belongs to the parent side of the cut (RFC 4035 3.1.4.1).
    "ds_at_cut": Case("sub.lookup.test.", "DS", NOERROR, True,
                      ("sub.lookup.test. 3600 IN DS 12345 13 2 "
                       "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",)),
    "ds_below_cut_is_referral": Case("x.sub.lookup.test.", "DS", NOERROR, False, (), SUB_NS, SUB_GLUE),
    # No parent served: the zone's own apex answers DS with NODATA (RFC 4035 3.1.4.1).
    "ds_at_apex_without_parent": Case("lookup.test.", "DS", NOERROR, True, authority=(LOOKUP_NEG,)),
    "ds_from_parent_zone": Case("child.parent.test.", "DS", NOERROR, True,
                                ("child.parent.test. 3600 IN DS 54321 13 2 "
                                 "FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210",)),
    "child_apex_from_child": Case("child.parent.test.", "SOA", NOERROR, True,
                                  ("child.parent.test. 1800 IN SOA ns.child.parent.test. "
                                   "hostmaster.child.parent.test. 7 7200 3600 1209600 60",)),
    "child_ns_from_child": Case("child.parent.test.", "NS", NOERROR, True,
                                ("child.parent.test. 1800 IN NS ns.child.parent.test.",),
                                additional=("ns.child.parent.test. 1800 IN A 192.0.2.61",)),
    "child_data_from_child": Case("www.child.parent.test.", "A", NOERROR, True,
                                  ("www.child.parent.test. 1800 IN A 192.0.2.70",)),
    "ds_unserved_child": Case("unserved.parent.test.", "DS", NOERROR, True,
                              ("unserved.parent.test. 3600 IN DS 11111 8 2 "
                               "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",)),
    "referral_unserved_child": Case("www.unserved.parent.test.", "A", NOERROR, False, (),
                                    ("unserved.parent.test. 3600 IN NS ns.unserved.parent.test.",),
                                    ("ns.unserved.parent.test. 3600 IN A 192.0.2.62",)),
    # Wildcards (RFC 4592 2.2, 3.3): the answer's owner is the query name.
    "wildcard": Case("foo.wild.lookup.test.", "A", NOERROR, True,
                     ("foo.wild.lookup.test. 3600 IN A 192.0.2.100",)),
    "wildcard_other_type": Case("foo.wild.lookup.test.", "TXT", NOERROR, True,
                                ('foo.wild.lookup.test. 3600 IN TXT "wild"',)),
    "wildcard_nodata": Case("foo.wild.lookup.test.", "MX", NOERROR, True, authority=(LOOKUP_NEG,)),
    "wildcard_several_labels": Case("a.b.c.wild.lookup.test.", "A", NOERROR, True,
                                    ("a.b.c.wild.lookup.test. 3600 IN A 192.0.2.100",)),
    "wildcard_literal_star": Case("*.wild.lookup.test.", "A", NOERROR, True,
                                  ("*.wild.lookup.test. 3600 IN A 192.0.2.100",)),
    "existing_name_not_wildcarded": Case("explicit.wild.lookup.test.", "TXT", NOERROR, True,
                                         authority=(LOOKUP_NEG,)),
    "ent_blocks_wildcard": Case("b.wild.lookup.test.", "A", NOERROR, True, authority=(LOOKUP_NEG,)),
    "closest_encloser_without_wildcard": Case("x.b.wild.lookup.test.", "A", NXDOMAIN, True,
                                              authority=(LOOKUP_NEG,)),
    "nearer_wildcard": Case("x.nested.wild.lookup.test.", "A", NOERROR, True,
                            ("x.nested.wild.lookup.test. 3600 IN A 192.0.2.103",)),
    "wildcard_parent_is_ent": Case("nested.wild.lookup.test.", "A", NOERROR, True, authority=(LOOKUP_NEG,)),
    "wildcard_cname": Case("foo.wcname.lookup.test.", "A", NOERROR, True,
                           ("foo.wcname.lookup.test. 3600 IN CNAME www.lookup.test.", WWW_A)),
    "wildcard_dname_not_applied_to_match": Case("foo.wdname.lookup.test.", "A", NOERROR, True,
                                                authority=(LOOKUP_NEG,)),
    # RFC 6672 2.3: the DNAME owned by `*.wdname` applies to the descendants
    # of that literal name and keeps its owner (no wildcard synthesis, RFC 4592 4.4).
    "dname_owned_by_wildcard_below_literal_star": Case(
        "x.*.wdname.lookup.test.", "A", NXDOMAIN, True,
        ("*.wdname.lookup.test. 3600 IN DNAME target.lookup.test.",
         "x.*.wdname.lookup.test. 3600 IN CNAME x.target.lookup.test."), (LOOKUP_NEG,),
        knotd_bug="rewrites the DNAME's owner to the query name"),
    "wildcard_matches": Case("anything.blocked.lookup.test.", "A", NOERROR, True,
                             ("anything.blocked.lookup.test. 3600 IN A 192.0.2.110",)),
    "wildcard_blocked_by_ent": Case("ent.blocked.lookup.test.", "A", NOERROR, True, authority=(LOOKUP_NEG,)),
    "wildcard_not_below_ent": Case("y.ent.blocked.lookup.test.", "A", NXDOMAIN, True,
                                   authority=(LOOKUP_NEG,)),
    # RFC 4592 4.9: a source of synthesis that is an empty non-terminal
    # (`*.went`, only `x.*.went` below it) still matches: NOERROR, no data.
    "wildcard_ent_nodata": Case("foo.went.lookup.test.", "A", NOERROR, True, authority=(LOOKUP_NEG,)),
    "below_wildcard_ent": Case("x.*.went.lookup.test.", "A", NOERROR, True,
                               ("x.*.went.lookup.test. 3600 IN A 192.0.2.120",)),
    "star_inside_label_is_literal": Case("a*.star.lookup.test.", "A", NOERROR, True,
                                         ("a*.star.lookup.test. 3600 IN A 192.0.2.130",)),
    "star_inside_label_no_wildcard": Case("ab.star.lookup.test.", "A", NXDOMAIN, True,
                                          authority=(LOOKUP_NEG,)),
    "star_leading_part_no_wildcard": Case("xb.star.lookup.test.", "A", NXDOMAIN, True,
                                          authority=(LOOKUP_NEG,)),
    # Not ours: REFUSED, not authoritative (RFC 1034 4.3.2 step 2 for a non-recursive server).
    "refused_not_served": Case("www.example.org.", "A", REFUSED, False),
    "refused_above_zone": Case("test.", "SOA", REFUSED, False),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("answers"), PORT)
    yield running
    running.stop_cleanly()


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_answer(server, case_id, transport):
    case = CASES[case_id]
    if case.knotd_bug and SUBJECT == "knotd":
        pytest.skip(f"knotd 3.2 {case.knotd_bug}")
    reply = ask(server, case.qname, case.qtype, tcp=transport == "tcp")
    context = describe(reply)
    assert reply.rcode() == case.rcode, context
    assert bool(reply.flags & dns.flags.AA) == case.aa, context
    assert not reply.flags & dns.flags.TC, context
    assert section(reply.answer) == records(*case.answer), context
    if case.authority is not None:
        assert section(reply.authority) == records(*case.authority), context
    assert section(reply.additional) == records(*case.additional), context


CHAIN_BOUND = 16  # docs/robustness.md case 27: some bound; zoned's is 8, knotd's 5


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_long_cname_chain_is_bounded(server, transport):
    """docs/robustness.md case 27: a chain of 50 CNAMEs is followed only up to
    the server's bound: a prefix of the chain, starting at the query name."""
    reply = ask(server, "long1.lookup.test.", "A", tcp=transport == "tcp")
    assert reply.rcode() == NOERROR and reply.flags & dns.flags.AA, describe(reply)
    followed = len(reply.answer)
    assert 1 <= followed <= CHAIN_BOUND, describe(reply)
    expected = [f"long{i}.lookup.test. 3600 IN CNAME long{i + 1}.lookup.test." for i in range(1, followed + 1)]
    assert section(reply.answer) == records(*expected), describe(reply)


def test_question_echoed_byte_for_byte(server):
    """docs/robustness.md case 14: a mixed-case QNAME comes back exactly as
    sent (0x20 resolvers)."""
    reply = ask(server, "wWw.LoOkUp.TeSt.", "A")
    assert reply.question[0].name.to_text() == "wWw.LoOkUp.TeSt.", describe(reply)
    assert reply.flags & dns.flags.AA
