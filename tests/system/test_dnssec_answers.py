"""DNSSEC answers, case by case: the server under test (DNS_TEST_SUBJECT, see
server_under_test.py) serving the signed zones of dnssec_zones.py, every
answer to a DO query checked by dnssec_proofs.py the way a validator would
(signatures, and the NSEC/NSEC3 proof of every denial, wildcard and
unsigned delegation), for each denial variant: NSEC, NSEC3, NSEC3 opt-out.

Each case also states what the answer is (rcode, AA, kind, whether a
wildcard answered), so a proof of the wrong thing fails. The same query
without DO must give the same records less the DNSSEC ones (RFC 4035 3.1).
UDP with a 1232-octet buffer; the one case that does not fit (`big`)
must come back truncated and is checked over TCP.

The broken zone proves the checker fails: its damaged signatures must be
caught, as must replies with a proof record taken out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import pytest

from dnssec_proofs import (ProofError, TrustedZones, check_signed_reply, check_unsigned_reply,
                           without_dnssec)
from dnssec_zones import served_zone_files, signed_zones  # noqa: F401 (signed_zones: pytest fixture)
from server_under_test import SUBJECT, ask, describe, start_server

PORT = 21000
NOERROR, NXDOMAIN = dns.rcode.NOERROR, dns.rcode.NXDOMAIN
VARIANTS = ("nsec", "nsec3", "nsec3-optout")


@dataclass(frozen=True)
class Case:
    qname: str           # relative to the variant's origin ("@" for the apex)
    qtype: str
    kind: str            # what dnssec_proofs.Checked.kind must be
    wildcard: bool = False
    rcode: int = NOERROR
    truncates: bool = False  # too big for 1232 octets over UDP
    aa: bool = True          # clear for a referral, set when a CNAME leads to one
    signed_delegation: bool = False  # a referral carrying the child's DS
    trims_additional: bool = False   # with DO, some additional data does not fit
    opt_out: bool = False            # under NSEC3 opt-out the proof is an opt-out one
    knotd_differs: str = ""   # how knotd 3.2 answers this otherwise (the case is skipped for it)
    knotd_differs_with: tuple[str, ...] = ("nsec", "nsec3")  # the denials it differs under


ANSWER, NODATA, NXDOMAIN_KIND, REFERRAL = "answer", "nodata", "nxdomain", "referral"

CASES = {
    # Data; MX and NS with signed additional data.
    "exact_a": Case("www", "A", ANSWER),
    "exact_aaaa": Case("www", "AAAA", ANSWER),
    "exact_mx": Case("www", "MX", ANSWER),
    "apex_soa": Case("@", "SOA", ANSWER),
    "apex_ns": Case("@", "NS", ANSWER),
    "apex_mx": Case("@", "MX", ANSWER),
    "apex_dnskey": Case("@", "DNSKEY", ANSWER),
    "big_over_tcp": Case("big", "TXT", ANSWER, truncates=True),
    # Additional data that does not fit is left out, never TC, and an RRset
    # never without its RRSIGs (RFC 4035 3.1.1).
    "additional_trimmed": Case("mx-many", "MX", ANSWER, trims_additional=True,
                               knotd_differs="keeps the last AAAA without its RRSIG (RFC 4035 "
                                             "3.1.1 allows it; zoned never splits an RRset "
                                             "from its RRSIGs)"),
    # NODATA and NXDOMAIN (RFC 4035 3.1.3.1, 3.1.3.2; RFC 5155 7.2.3, 7.2.2).
    "nodata": Case("www", "SRV", NODATA),
    "nodata_cname_type": Case("www", "CNAME", NODATA),
    "nxdomain": Case("nothing", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "nxdomain_deep": Case("a.b.c.nothing", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "nxdomain_beside_ent_child": Case("other.ent", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "ds_at_apex_without_parent": Case("@", "DS", NODATA),
    # Empty non-terminals: NODATA (RFC 5155 7.2.3: they have NSEC3s).
    "ent": Case("ent", "A", NODATA),
    "ent_two_levels_up": Case("ent2", "A", NODATA),
    "ent_one_level_up": Case("er.ent2", "TXT", NODATA),
    "below_ent": Case("deep.er.ent2", "A", ANSWER),
    # CNAME chains: each link signed, the end proven.
    "cname": Case("alias", "A", ANSWER),
    "cname_qtype_cname": Case("alias", "CNAME", ANSWER),
    "cname_chain": Case("chain1", "A", ANSWER),
    "cname_loop": Case("loop1", "A", "loop"),
    "cname_dangling": Case("dangling", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "cname_out_of_zone": Case("external", "A", "left"),
    "cname_to_ent": Case("to-ent", "A", NODATA),
    "cname_to_wildcard": Case("to-wild", "A", ANSWER, wildcard=True),
    "cname_into_unsigned_delegation": Case("to-sub", "A", REFERRAL, opt_out=True),
    "cname_into_signed_delegation": Case("to-remote", "A", REFERRAL, signed_delegation=True),
    # DNAME: signed DNAME, unsigned synthesized CNAME (RFC 6672 5.3.1).
    "dname_owner_own_data": Case("dname", "A", ANSWER),
    "dname_owner_dname": Case("dname", "DNAME", ANSWER),
    "dname_synthesis": Case("host.dname", "A", ANSWER),
    "dname_to_nxdomain": Case("none.dname", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "dname_out_of_zone": Case("a.b.dname-out", "AAAA", "left"),
    # Unsigned delegations: proof of no DS (NSEC/NSEC3 at the cut, or opt-out).
    "referral_at_cut": Case("sub", "A", REFERRAL, aa=False, opt_out=True),
    "referral_ns_at_cut": Case("sub", "NS", REFERRAL, aa=False, opt_out=True),
    "referral_below_cut": Case("host.sub", "A", REFERRAL, aa=False, opt_out=True),
    "glue_itself_is_a_referral": Case("ns.sub", "A", REFERRAL, aa=False, opt_out=True),
    "referral_sibling_only": Case("x.sibling", "MX", REFERRAL, aa=False, opt_out=True),
    "referral_out_of_zone_ns": Case("www.out", "A", REFERRAL, aa=False, opt_out=True),
    # Below an empty non-terminal that, under opt-out, has no NSEC3: the
    # closest provable encloser is the apex (RFC 5155 7.2.4, 7.2.7).
    "referral_below_ent": Case("deleg.optent", "A", REFERRAL, aa=False, opt_out=True),
    "ent_above_unsigned_delegation": Case("optent", "A", NODATA, opt_out=True),
    "nxdomain_below_ent_above_delegation": Case("x.optent", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "ds_below_cut_is_referral": Case("x.sub", "DS", REFERRAL, aa=False, opt_out=True),
    "no_ds_at_unsigned_cut": Case("sub", "DS", NODATA, opt_out=True),
    # The signed child `secure`: DS from the parent, the rest from the child.
    "ds_at_signed_cut": Case("secure", "DS", ANSWER),
    # The signed child `remote` is not served: a referral with its DS (RFC 4035 3.1.4).
    "referral_to_signed_child": Case("www.remote", "A", REFERRAL, aa=False, signed_delegation=True),
    "ds_at_unserved_signed_cut": Case("remote", "DS", ANSWER),
    "child_apex_soa": Case("secure", "SOA", ANSWER),
    "child_apex_ns": Case("secure", "NS", ANSWER),
    "child_dnskey": Case("secure", "DNSKEY", ANSWER),
    "child_data": Case("www.secure", "A", ANSWER),
    "child_nodata": Case("www.secure", "TXT", NODATA),
    "child_nxdomain": Case("nothing.secure", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    # Wildcards (RFC 4035 3.1.3.3, 5.3.4; RFC 5155 7.2.5, 7.2.6, 8.8).
    "wildcard": Case("foo.wild", "A", ANSWER, wildcard=True),
    "wildcard_other_type": Case("foo.wild", "TXT", ANSWER, wildcard=True),
    "wildcard_nodata": Case("foo.wild", "MX", NODATA, wildcard=True),
    "wildcard_several_labels": Case("a.b.c.wild", "A", ANSWER, wildcard=True),
    "wildcard_literal_star": Case("*.wild", "A", ANSWER),
    "existing_name_not_wildcarded": Case("explicit.wild", "TXT", NODATA),
    "ent_blocks_wildcard": Case("b.wild", "A", NODATA),
    "closest_encloser_without_wildcard": Case("x.b.wild", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "nearer_wildcard": Case("x.nested.wild", "A", ANSWER, wildcard=True),
    "wildcard_parent_is_ent": Case("nested.wild", "A", NODATA),
    "wildcard_cname": Case("foo.wcname", "A", ANSWER, wildcard=True),
    "wildcard_matches": Case("anything.blocked", "A", ANSWER, wildcard=True),
    "wildcard_blocked_by_ent": Case("ent.blocked", "A", NODATA),
    "wildcard_not_below_ent": Case("y.ent.blocked", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "wildcard_ent_nodata": Case("foo.went", "A", NODATA, wildcard=True,
                                knotd_differs="omits the NSEC showing `*.went` is an empty "
                                              "non-terminal (NSD 4.6 sends it)",
                                knotd_differs_with=("nsec",)),
    "below_wildcard_ent": Case("x.*.went", "A", ANSWER),
    "star_inside_label_is_literal": Case("a*.star", "A", ANSWER),
    "star_inside_label_no_wildcard": Case("ab.star", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
    "star_leading_part_no_wildcard": Case("xb.star", "A", NXDOMAIN_KIND, rcode=NXDOMAIN),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory, signed_zones):
    running = start_server(tmp_path_factory.mktemp("dnssec-answers"), PORT,
                           zones=served_zone_files(signed_zones))
    yield running
    running.stop_cleanly()


@pytest.fixture(scope="module")
def trusted(signed_zones) -> TrustedZones:
    served = []
    for zone in signed_zones.values():
        served += [zone, zone.child]
    return TrustedZones(served)


def verdict(checked) -> tuple:
    """What a reply proves, as the cases state it."""
    return checked.kind, checked.wildcard, checked.signed_delegation, checked.opt_out


def proves_something_else(reply: dns.message.Message, trusted: TrustedZones, proven: tuple) -> bool:
    """The checker refuses `reply`, or it proves less than `proven` (under
    opt-out a missing record can leave an insecure proof standing)."""
    try:
        return verdict(check_signed_reply(reply, trusted)) != proven
    except ProofError:
        return True


def qname_of(origin: str, relative: str) -> str:
    return origin if relative == "@" else f"{relative}.{origin}"


def ask_dnssec(server, qname: str, qtype: str, *, want_dnssec: bool = True,
               truncates: bool = False) -> dns.message.Message:
    """Asks over UDP (1232-octet buffer); a reply that must not fit has to
    come back with TC set, and is then asked again over TCP."""
    reply = ask(server, qname, qtype, want_dnssec=want_dnssec)
    assert bool(reply.flags & dns.flags.TC) == truncates, describe(reply)
    return ask(server, qname, qtype, want_dnssec=want_dnssec, tcp=True) if truncates else reply


@pytest.mark.parametrize("case_id", sorted(CASES))
@pytest.mark.parametrize("variant", VARIANTS)
def test_dnssec_answer(server, trusted, signed_zones, variant, case_id):
    case = CASES[case_id]
    if case.knotd_differs and SUBJECT == "knotd" and signed_zones[variant].denial in case.knotd_differs_with:
        pytest.skip(f"knotd 3.2 {case.knotd_differs}")
    qname = qname_of(signed_zones[variant].origin, case.qname)
    reply = ask_dnssec(server, qname, case.qtype, truncates=case.truncates)
    context = describe(reply)
    assert reply.rcode() == case.rcode, context
    assert bool(reply.flags & dns.flags.AA) == case.aa, context
    try:
        checked = check_signed_reply(reply, trusted)
    except ProofError as error:
        pytest.fail(f"{error}{context}")
    opt_out = case.opt_out and signed_zones[variant].opt_out
    assert verdict(checked) == (case.kind, case.wildcard, case.signed_delegation, opt_out), \
        f"{checked.proofs}{context}"

    plain = ask_dnssec(server, qname, case.qtype, want_dnssec=False, truncates=case.truncates)
    check_unsigned_reply(plain)
    assert plain.rcode() == reply.rcode(), describe(plain)
    signed, unsigned = without_dnssec(reply), without_dnssec(plain)
    if case.trims_additional:
        assert signed.pop("additional") < unsigned.pop("additional"), describe(plain) + context
    assert signed == unsigned, describe(plain) + context


# ---- the checker can fail ----------------------------------------------------

BROKEN_SIGNATURES = {
    # query (relative) -> the RRset whose signature dnssec_zones damaged
    ("www", "A"): "www",
    ("nothing", "A"): "@",         # the apex NSEC covers the wildcard `*.<origin>`
    ("secure", "DS"): "secure",
}


@pytest.mark.parametrize("query", sorted(BROKEN_SIGNATURES), ids="-".join)
def test_damaged_signature_is_caught(server, trusted, signed_zones, query):
    broken = signed_zones["broken"]
    relative, qtype = query
    reply = ask_dnssec(server, qname_of(broken.origin, relative), qtype)
    damaged = qname_of(broken.origin, BROKEN_SIGNATURES[query])
    with pytest.raises(ProofError, match=f"{re.escape(damaged)}.*no RRSIG verifies"):
        check_signed_reply(reply, trusted)


def test_undamaged_data_of_the_broken_zone_validates(server, trusted, signed_zones):
    """The same zone's other signatures are good: the failures above are the damage."""
    reply = ask_dnssec(server, qname_of(signed_zones["broken"].origin, "www"), "AAAA")
    assert check_signed_reply(reply, trusted).kind == ANSWER, describe(reply)


def _without(reply: dns.message.Message, section: str, owner: dns.name.Name, rdtype: int, *,
             signatures_only: bool = False) -> dns.message.Message:
    """A copy of `reply` without one RRset's RRSIGs and, unless
    `signatures_only`, the RRset itself."""
    copy = dns.message.from_wire(reply.to_wire())
    removed = (dns.rdatatype.RRSIG,) if signatures_only else (dns.rdatatype.RRSIG, rdtype)
    kept = [rrset for rrset in getattr(copy, section)
            if not (rrset.name == owner and rrset.rdtype in removed
                    and rdtype in (rrset.rdtype, rrset.covers))]
    setattr(copy, section, kept)
    return copy


# Replies whose every denial record is needed: without any one the proof
# fails, or (opt-out) rests on opt-out where it did not.
TAMPER_CASES = ("nxdomain", "closest_encloser_without_wildcard", "nodata", "wildcard",
                "wildcard_nodata", "ent", "referral_at_cut", "referral_to_signed_child",
                "no_ds_at_unsigned_cut")


@pytest.mark.parametrize("case_id", TAMPER_CASES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_denial_record_is_needed(server, trusted, signed_zones, variant, case_id):
    case = CASES[case_id]
    reply = ask_dnssec(server, qname_of(signed_zones[variant].origin, case.qname), case.qtype)
    proven = verdict(check_signed_reply(reply, trusted))
    proofs = [(rrset.name, rrset.rdtype) for rrset in reply.authority
              if rrset.rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3, dns.rdatatype.DS)]
    assert proofs, describe(reply)
    for owner, rdtype in proofs:
        assert proves_something_else(_without(reply, "authority", owner, rdtype), trusted, proven), \
            f"still proven without {owner} {dns.rdatatype.to_text(rdtype)}{describe(reply)}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_claims_that_do_not_match_the_proof_fail(server, trusted, signed_zones, variant):
    """A NODATA proof passed off as NXDOMAIN, an NXDOMAIN proof as NODATA, and
    a negative answer with its SOA unsigned or missing are all refused."""
    origin = signed_zones[variant].origin
    nodata = ask_dnssec(server, qname_of(origin, "www"), "SRV")
    nodata.set_rcode(NXDOMAIN)
    with pytest.raises(ProofError):
        check_signed_reply(nodata, trusted)
    nxdomain = ask_dnssec(server, qname_of(origin, "nothing"), "A")
    nxdomain.set_rcode(NOERROR)
    assert proves_something_else(nxdomain, trusted, (NODATA, False, False, False)), describe(nxdomain)
    negative = ask_dnssec(server, qname_of(origin, "nothing"), "A")
    apex = dns.name.from_text(origin)
    with pytest.raises(ProofError, match="SOA has no RRSIG"):
        check_signed_reply(_without(negative, "authority", apex, dns.rdatatype.SOA, signatures_only=True),
                           trusted)
    with pytest.raises(ProofError, match="without the SOA"):
        check_signed_reply(_without(negative, "authority", apex, dns.rdatatype.SOA), trusted)
