"""End-to-end DNSSEC: a validating unbound (unbound_process.py) resolves
through the authoritative server under test (DNS_TEST_SUBJECT, default
zoned) serving the signed zones of dnssec_zones.py, and must reach the
verdict the signatures and denial proofs call for:

- secure (AD set) for existing names, NXDOMAIN, NODATA (at a name, at an
  empty non-terminal, at a wildcard), wildcard answers, CNAME and DNAME
  chains, a truncated answer retried over TCP, and names in the signed child
  `secure.<origin>` (its DS from the parent, served by the same server),
  and the absence of a DS at the unsigned delegation `sub`;
- insecure (answer, no AD) below `sub` (an unsigned zone served too), and
  for the denials RFC 5155 leaves unauthenticated under NSEC3 opt-out;
- bogus (SERVFAIL) where the "broken" variant's signatures are damaged,
  while its undamaged names still validate.

unbound reaches each zone through a stub zone pointing at the server: the
delegations' glue (192.0.2.x) is not reachable, so the signed child is
validated through the parent's DS answer (RFC 4035 5.2), not a referral.
Running with DNS_TEST_SUBJECT=knotd proves the expectations.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from dnssec_zones import served_zone_files, signed_zones  # noqa: F401 (signed_zones: pytest fixture)
from server_under_test import LOOPBACK, start_server
from unbound_process import StubZone, UnboundProcess

RESOLVER_PORT = 21100
AUTHORITATIVE_PORT = 21101
# A validation that needs several upstream queries takes milliseconds on
# loopback; the bound only matters when the server does not answer.
RESOLVER_TIMEOUT = 4.0
LOG_LINES_SHOWN = 30
VALIDATED_VARIANTS = ("nsec", "nsec3", "nsec3-optout")
UNSIGNED_CHILD_LABEL = "sub"
# The unsigned child the parents delegate to with NS ns.sub and ns.sibling.
UNSIGNED_CHILD_TEXT = """\
$TTL 1800
@       SOA   ns hostmaster 1 7200 3600 1209600 60
@       NS    ns
@       NS    ns.sibling.{parent}
ns      A     192.0.2.53
www     A     192.0.2.80
host    A     192.0.2.81
"""

NOERROR, NXDOMAIN, SERVFAIL = "NOERROR", "NXDOMAIN", "SERVFAIL"


@dataclass(frozen=True)
class Case:
    """`name` (relative to the variant's origin) and `qtype` resolved through
    unbound must give `rcode`, AD exactly when `secure`, and an answer whose
    RRsets of `qtype` hold exactly `answer` (rdata texts, "{origin}" standing
    for the origin; empty: none; None: some, unchecked).
    `covers_next_closer`: the proof rests on a denial record covering the
    next closer name (NXDOMAIN, wildcard; no DS at an unsigned delegation
    that has no NSEC3 of its own)."""
    label: str
    name: str
    qtype: str
    rcode: str
    secure: bool
    answer: frozenset | None = frozenset()
    covers_next_closer: bool = False


def answer(*rdatas: str) -> frozenset:
    return frozenset(rdatas)


# Answers standing for the zone's own keys and for its child's DS.
ZONE_DNSKEYS = answer("<the zone's DNSKEYs>")
CHILD_DS = answer("<the child's DS>")

SECURE_CASES = [
    Case("existing name", "www", "A", NOERROR, True, answer("192.0.2.10")),
    Case("apex SOA", "@", "SOA", NOERROR, True,
         answer("ns1.{origin} hostmaster.{origin} 2026113001 7200 3600 1209600 300")),
    Case("apex DNSKEY", "@", "DNSKEY", NOERROR, True, ZONE_DNSKEYS),
    Case("NXDOMAIN", "nothing-here", "A", NXDOMAIN, True, covers_next_closer=True),
    Case("NXDOMAIN two labels below an existing name", "a.b.www", "A", NXDOMAIN, True,
         covers_next_closer=True),
    Case("NODATA", "www", "SRV", NOERROR, True),
    Case("NODATA at an empty non-terminal", "ent", "A", NOERROR, True),
    Case("wildcard answer", "anything.wild", "A", NOERROR, True, answer("192.0.2.100"),
         covers_next_closer=True),
    Case("wildcard answer two labels below", "a.b.nested.wild", "A", NOERROR, True, answer("192.0.2.103"),
         covers_next_closer=True),
    Case("wildcard NODATA", "anything.wild", "MX", NOERROR, True, covers_next_closer=True),
    Case("explicit name beside a wildcard", "explicit.wild", "A", NOERROR, True, answer("192.0.2.101")),
    Case("CNAME chain", "chain1", "A", NOERROR, True, answer("192.0.2.10")),
    Case("CNAME to a wildcard", "to-wild", "A", NOERROR, True, answer("192.0.2.100"),
         covers_next_closer=True),
    Case("DNAME (synthesized CNAME unsigned)", "host.dname", "A", NOERROR, True, answer("192.0.2.31")),
    Case("answer truncated over UDP, retried over TCP", "big", "TXT", NOERROR, True, answer=None),
    Case("signed child: DS at the parent", "secure", "DS", NOERROR, True, CHILD_DS),
    Case("signed child: existing name", "www.secure", "A", NOERROR, True, answer("192.0.2.70")),
    Case("signed child: NXDOMAIN", "nothing.secure", "A", NXDOMAIN, True, covers_next_closer=True),
    Case("unsigned child: no DS (denied at the parent)", "sub", "DS", NOERROR, True, covers_next_closer=True),
    Case("unsigned child: insecure answer", "www.sub", "A", NOERROR, False, answer("192.0.2.80")),
    Case("CNAME into the unsigned child: insecure", "to-sub", "A", NOERROR, False, answer("192.0.2.81")),
]

BROKEN_CASES = [
    Case("damaged RRSIG over the answer", "www", "A", SERVFAIL, False),
    # The apex NSEC denies the wildcard `*.<origin>` every apex-level NXDOMAIN needs.
    Case("damaged RRSIG over the apex NSEC", "nothing-here", "A", SERVFAIL, False),
    Case("damaged RRSIG over the child's DS", "www.secure", "A", SERVFAIL, False),
    Case("undamaged name still validates", "ns1", "A", NOERROR, True, answer("192.0.2.1")),
]


def cases_for(variant: str, zone) -> list[Case]:
    if variant == "broken":
        assert {(owner, rdtype) for owner, rdtype in zone.corrupted} == {
            (zone.absolute("www"), "A"), (zone.origin, "NSEC"), (zone.absolute("secure"), "DS")}, \
            "BROKEN_CASES follow dnssec_zones.VARIANTS['broken'].corrupt"
        return BROKEN_CASES
    if zone.opt_out:
        # RFC 5155 6 and 9.2: an NSEC3 with the Opt-Out flag (all of them in
        # this variant, the child's too) that covers the next closer name does
        # not prove that no unsigned delegation exists there, so neither the
        # name's absence (8.4) nor the wildcard's being the closest match (8.8)
        # is authenticated: the validator answers without AD.
        return [dataclasses.replace(case, secure=False) if case.covers_next_closer else case
                for case in SECURE_CASES]
    return SECURE_CASES


ALL_VARIANTS = (*VALIDATED_VARIANTS, "broken")
CASE_IDS = [(variant, case.label) for variant in ALL_VARIANTS
            for case in (BROKEN_CASES if variant == "broken" else SECURE_CASES)]


# ---- the servers ------------------------------------------------------------------

def unsigned_children(zones, workdir: Path) -> list[tuple[str, Path]]:
    """(origin, file) of the unsigned child `sub` of every variant, written to `workdir`."""
    children = []
    for zone in zones.values():
        origin = zone.absolute(UNSIGNED_CHILD_LABEL)
        path = workdir / f"{origin}zone"
        path.write_text(f"$ORIGIN {origin}\n" + UNSIGNED_CHILD_TEXT.format(parent=zone.origin))
        children.append((origin, path))
    return children


@dataclass
class Resolution:
    unbound: UnboundProcess
    authoritative: object
    zones: dict


@pytest.fixture(scope="module")
def resolution(signed_zones, tmp_path_factory):  # noqa: F811 (the imported fixture)
    workdir = tmp_path_factory.mktemp("unbound-validation")
    served = served_zone_files(signed_zones) + unsigned_children(signed_zones, workdir)
    authoritative = start_server(workdir / "authoritative", AUTHORITATIVE_PORT, cookies=False, zones=served)
    try:
        resolver_dir = workdir / "unbound"
        resolver_dir.mkdir()
        anchors = [f"{zone.origin} DS {ds}" for zone in signed_zones.values() for ds in zone.ds]
        stubs = [StubZone(origin, LOOPBACK, AUTHORITATIVE_PORT) for origin, _ in served]
        unbound = UnboundProcess(resolver_dir, RESOLVER_PORT, stubs, anchors).start()
    except BaseException:
        authoritative.stop()
        raise
    yield Resolution(unbound, authoritative, signed_zones)
    unbound.stop()
    authoritative.stop_cleanly()


# ---- the checks -------------------------------------------------------------------

def resolve(unbound: UnboundProcess, qname: str, qtype: str) -> dns.message.Message:
    """A stub query (RD; DO so unbound keeps the signatures), over TCP so
    that unbound's answer with them is never truncated."""
    message = dns.message.make_query(qname, qtype, want_dnssec=True, payload=1232)
    return dns.query.tcp(message, unbound.address, port=unbound.port, timeout=RESOLVER_TIMEOUT)


def answer_rdatas(reply: dns.message.Message, qtype: str) -> frozenset:
    rdtype = dns.rdatatype.from_text(qtype)
    return frozenset(rdata.to_text() for rrset in reply.answer if rrset.rdtype == rdtype for rdata in rrset)


def expected_answer(case: Case, zone) -> frozenset:
    if case.answer == ZONE_DNSKEYS:
        return frozenset(zone.dnskey)
    if case.answer == CHILD_DS:
        return frozenset(zone.child.ds)
    return frozenset(text.format(origin=zone.origin) for text in case.answer)


def problems(case: Case, zone, reply: dns.message.Message) -> list[str]:
    found = []
    if dns.rcode.to_text(reply.rcode()) != case.rcode:
        found.append(f"rcode {dns.rcode.to_text(reply.rcode())}, expected {case.rcode}")
    if bool(reply.flags & dns.flags.AD) != case.secure:
        found.append(f"AD {bool(reply.flags & dns.flags.AD)}, expected {case.secure}")
    got = answer_rdatas(reply, case.qtype)
    if case.answer is None:
        if not got:
            found.append(f"no {case.qtype} answer")
    elif case.rcode == NOERROR and got != expected_answer(case, zone):
        found.append(f"answer {sorted(got)}, expected {sorted(expected_answer(case, zone))}")
    return found


def log_since(unbound: UnboundProcess, start: int) -> str:
    """The last lines unbound logged past offset `start` (val-log-level 2
    says why an answer is bogus)."""
    return "\n".join(unbound.log_text()[start:].splitlines()[-LOG_LINES_SHOWN:])


@pytest.mark.parametrize("variant, label", [pytest.param(*ids, id=f"{ids[0]}: {ids[1]}") for ids in CASE_IDS])
def test_validation(resolution, variant, label):
    zone = resolution.zones[variant]
    case = next(case for case in cases_for(variant, zone) if case.label == label)
    qname = zone.origin if case.name == "@" else zone.absolute(case.name)
    log_start = len(resolution.unbound.log_text())
    try:
        reply = resolve(resolution.unbound, qname, case.qtype)
    except dns.exception.Timeout:
        pytest.fail(f"{qname} {case.qtype}: unbound gave no answer in {RESOLVER_TIMEOUT}s "
                    f"(authoritative: {resolution.authoritative.name})\n"
                    + log_since(resolution.unbound, log_start))
    found = problems(case, zone, reply)
    assert not found, (f"{qname} {case.qtype} via unbound from {resolution.authoritative.name}: "
                       + "; ".join(found) + f"\n--- reply ---\n{reply.to_text()}\n--- unbound log ---\n"
                       + log_since(resolution.unbound, log_start))
