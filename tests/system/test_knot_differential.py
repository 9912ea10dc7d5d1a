"""Differential test: the server under test (DNS_TEST_SUBJECT, default zoned)
and knotd (Debian's Knot DNS, the reference) serve the same zones of
tests/data/server/ and get the same queries; their answers must agree in
rcode, flags (AA, TC, RD, RA, AD, CD), EDNS presence and version, and each
section as a set of RRsets (owner, class, type, TTL, rdatas). Where knotd
breaks an RFC (KNOTD_DEVIATIONS), zoned's answer is held to the RFC instead.

Queries: every owner and every empty non-terminal of the zones (plus a
name that does not exist below each, a name two labels below each, and a
mixed-case spelling of each) times several types, each sent over UDP with
EDNS (1232-octet buffer, DO clear) and without EDNS; the big.test names with
large answers also over TCP.

Signed zones (dnssec_zones.py: the NSEC, NSEC3 and NSEC3 opt-out variants
with their signed children) get the same queries, plus the DNSSEC types,
over UDP with EDNS and DO set (and again over TCP when either answer is
truncated); the NSEC variant also without DO (no DNSSEC records unless
asked for, RFC 4035 3.1); NSEC3 owner names are asked about too (RFC 5155
7.2.8). RRSIGs are
compared by owner, TTL, type covered, signer, labels and original TTL, not
by signature bytes. The "broken" variant is left out: it differs from
"nsec" only in signature bytes.

Every difference is either a zoned bug (the test fails) or listed in
ALLOWED_DIFFERENCES with the RFC reason the two answers are both right.
"""
import re
from dataclasses import dataclass

import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.zone
import pytest

import dnssec_zones
from dnssec_zones import served_zone_files, signed_zones  # noqa: F401 (signed_zones: pytest fixture)
from server_under_test import (SUBJECT, describe, query, rrset_key, section, send, served_zones,
                               start_server)

SUBJECT_PORT = 20620
KNOTD_PORT = 20621
SIGNED_SUBJECT_PORT = 21110
SIGNED_KNOTD_PORT = 21111
QTYPES = ("A", "AAAA", "NS", "MX", "TXT", "CNAME", "DNAME", "DS", "SOA", "ANY")
# Asked at every name of the signed zones; at the apexes, the apex-only
# DNSSEC types as well (elsewhere they are a NODATA like any missing type).
SIGNED_QTYPES = QTYPES + ("RRSIG", "NSEC")
APEX_QTYPES = SIGNED_QTYPES + ("DNSKEY", "NSEC3PARAM", "NSEC3")
SIGNED_DERIVED_QTYPES = ("A", "DS")
COMPARED_VARIANTS = ("nsec", "nsec3", "nsec3-optout")
# Without DO no DNSSEC record is added whatever the denial method, so one
# variant is asked without DO (the NSEC3 owners of every variant are too).
WITHOUT_DO_VARIANT = "nsec"
# NSEC3 owner names asked about in each NSEC3 zone (RFC 5155 7.2.8).
NSEC3_OWNERS_ASKED = 3
NSEC3_OWNER_QTYPES = ("A", "NSEC3", "ANY")
DERIVED_QTYPES = ("A", "TXT", "DS")
COMPARED_FLAGS = {"AA": dns.flags.AA, "TC": dns.flags.TC, "RD": dns.flags.RD, "RA": dns.flags.RA,
                  "AD": dns.flags.AD, "CD": dns.flags.CD}
# Flags knotd 3.2 gets wrong: the subject's is checked against the RFC (the
# query's bit copied), not against knotd's. The queries without EDNS, and the
# signed zones' queries with DO, set CD, as validating resolvers do.
KNOTD_DEVIATIONS = {
    "CD": "RFC 4035 3.1.6: the name server side MUST copy the CD bit from a query to its "
          "response (named and NSD do); knotd 3.2 clears it",
}
# Answers that truncate over UDP are compared over TCP too.
TCP_NAMES = {"big.test.", "mid.big.test.", "huge.big.test.", "many.big.test."}
# ns02..ns20.many.big.test are glue exactly like ns01: asking about one is enough.
LIKE_ANOTHER_NAME = re.compile(r"ns(0[2-9]|1[0-9]|20)\.many\.big\.test\.")


@dataclass(frozen=True)
class AllowedDifference:
    """Answers to queries whose name matches `qname` (a regex on the lowercased
    name) and type is in `qtypes` may differ in `aspects`; `reason` says why
    both answers are right."""
    qname: str
    qtypes: frozenset
    aspects: frozenset
    reason: str

    def covers(self, qname: str, qtype: str, aspect: str) -> bool:
        return (aspect in self.aspects and qtype in self.qtypes
                and re.fullmatch(self.qname, qname.lower()) is not None)


def signed_cname_owners() -> list[str]:
    """The owners of a CNAME in the signed zones' parent source, relative."""
    zone = dns.zone.from_file(str(dnssec_zones.PARENT_SOURCE), "origin.invalid.", relativize=True,
                              check_origin=False)
    return sorted(name.to_text() for name, node in zone.nodes.items()
                  if node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME) is not None)


ALLOWED_DIFFERENCES: list[AllowedDifference] = [
    AllowedDifference(
        r"(.+\.)?many\.big\.test\.", frozenset(QTYPES), frozenset({"additional"}),
        "RFC 9471 3: in-bailiwick glue that does not fit sets TC (both do); which glue "
        "RRsets precede the cut-off is not specified: knotd skips one that does not fit "
        "and tries the next, zoned stops at the first."),
    AllowedDifference(
        r"(.+\.dname-loop|long([1-9]|[1-3][0-9]|4[0-4]))\.lookup\.test\.", frozenset(QTYPES),
        frozenset({"answer", "authority", "TC"}),
        "RFC 1034 4.3.2 and RFC 6672 3.2 leave the bound on a CNAME chain (long1..long50) "
        "or a DNAME that rewrites into itself (dname-loop) to the server: knotd stops "
        "after 5 CNAMEs, zoned after kMaxCnameChain (8). So zoned reaches long50 from "
        "long42 on (and its NODATA SOA for other types), and without EDNS its longer "
        "dname-loop chain exceeds 512 octets: TC with no partial RRset."),
    AllowedDifference(
        r"(a{63}\.){3}b{43}\.dname\.lookup\.test\.", frozenset(QTYPES), frozenset({"authority"}),
        "RFC 6672 2.2: a DNAME expansion over 255 octets is YXDOMAIN (both agree, with "
        "the DNAME); the authority section is unspecified: knotd adds the zone's SOA, "
        "zoned sends none (YXDOMAIN is not an RFC 2308 negative answer)."),
    AllowedDifference(
        r".+\.\*\.wdname\.lookup\.test\.", frozenset(QTYPES), frozenset({"answer"}),
        "knotd 3.2 bug: below the literal label `*.wdname` it returns the DNAME with "
        "its owner rewritten to the query name, as if wildcard-synthesized. RFC 6672 "
        "2.3/3: the DNAME at `*.wdname` applies to its descendants and keeps its owner "
        "(RFC 4592 4.4: wildcard synthesis never applies to a DNAME); zoned does that."),
    # The signed zones (dnssec_zones.py), with DO unless said otherwise.
    AllowedDifference(
        r"(.+\.)?(nsec|nsec3|optout)\.dnssec\.test\.", frozenset({"RRSIG"}), frozenset({"answer"}),
        "A query for type RRSIG: zoned answers every RRSIG at the name (RFC 1034 4.3.2, "
        "all RRs of the type asked for; RFC 4035 makes no exception), knotd 3.2 only those "
        "over one type, to limit the answer's size in the spirit of RFC 8482. Validators "
        "never ask for RRSIG (RFC 4035 5)."),
    AllowedDifference(
        rf"({'|'.join(re.escape(owner) for owner in signed_cname_owners())})\.(nsec3|optout)\.dnssec\.test\.",
        frozenset({"NSEC"}), frozenset({"rcode", "answer", "authority", "additional"}),
        "Type NSEC at a CNAME owner of an NSEC3 zone (which has no NSEC): zoned follows the "
        "CNAME as for any type but CNAME (RFC 1034 4.3.2), into a referral for to-sub "
        "and to-remote. knotd 3.2 answers NODATA at the "
        "owner with the NSEC3 matching it, whose CNAME bit makes that proof fail (RFC 5155 "
        "8.5): unbound finds knotd's answer bogus and zoned's secure."),
    AllowedDifference(
        r"(zz-none|a\.b)\.went\.nsec\.dnssec\.test\.", frozenset(QTYPES), frozenset({"authority"}),
        "NODATA through the wildcard `*.went`, an empty non-terminal (RFC 4592 2.2.2, 4.9), "
        "in the NSEC zone. RFC 4035 3.1.3.4 asks for an NSEC denying the exact match and "
        "one showing the wildcard has no RRset of the type: for a wildcard without an NSEC "
        "of its own, the NSEC covering it whose next name is below it (`*.wcname` -> "
        "`x.*.went`). zoned sends both, knotd 3.2 only the first (unbound 1.17 accepts "
        "neither: it does not recognise an empty non-terminal wildcard in an NSEC proof)."),
    AllowedDifference(
        r"mx-many\.(nsec|nsec3|optout)\.dnssec\.test\.", frozenset({"MX", "ANY"}),
        frozenset({"additional"}),
        "The A/AAAA RRsets of ten MX targets with their RRSIGs do not fit 1232 octets. "
        "Additional data is optional (RFC 2181 9 for the records, RFC 4035 3.1.1 for their "
        "RRSIGs); zoned includes the RRset+RRSIG pairs that fit (never one without the "
        "other), knotd 3.2 includes none. Neither sets TC (RFC 9471 concerns glue only)."),
]


# ---- the queries -----------------------------------------------------------------

def zone_names(origin: str, path) -> list[dns.name.Name]:
    """Every owner of the zone and every empty non-terminal above one."""
    zone = dns.zone.from_file(str(path), origin, relativize=False, check_origin=False)
    apex = dns.name.from_text(origin)
    names = set()
    for owner in zone.nodes:
        name = owner
        while name != apex and name.is_subdomain(apex):
            names.add(name)
            name = name.parent()
        names.add(apex)
    return sorted(names)


def mixed_case(name: dns.name.Name) -> str:
    text = name.to_text()
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text))


def derived_names(name: dns.name.Name) -> list[str]:
    """A name that does not exist below `name`, one two labels below, and
    `name` in mixed case."""
    return [dns.name.from_text("zz-none", name).to_text(), dns.name.from_text("a.b", name).to_text(),
            mixed_case(name)]


def differential_queries() -> list[tuple[str, tuple[str, ...], bool]]:
    """(qname, qtypes, also over TCP) for every name asked about."""
    groups = []
    for origin, path in served_zones():
        for name in zone_names(origin, path):
            if LIKE_ANOTHER_NAME.fullmatch(name.to_text()):
                continue
            groups.append((name.to_text(), QTYPES, name.to_text() in TCP_NAMES))
            groups += [(d, DERIVED_QTYPES, False) for d in derived_names(name)]
    groups += [(qname, ("A", "SOA"), False) for qname in ("example.org.", "test.", ".", "parent.test.zz.")]
    groups.append((".".join(["a" * 63] * 3 + ["b" * 43]) + ".dname.lookup.test.", ("A", "TXT"), False))
    return groups


def signed_differential_queries() -> list[tuple[str, tuple[str, ...], bool]]:
    """(qname, qtypes, also without DO) for the signed zones of
    COMPARED_VARIANTS, taken from their sources (known before signing; the
    NSEC3 owners signing adds are asked about in
    test_same_answers_at_nsec3_owners)."""
    groups: dict[str, tuple[tuple[str, ...], bool]] = {}
    for variant in COMPARED_VARIANTS:
        origin = f"{dnssec_zones.VARIANTS[variant].label}.{dnssec_zones.SUFFIX}"
        child = f"{dnssec_zones.CHILD_LABEL}.{origin}"
        without_do = variant == WITHOUT_DO_VARIANT
        for zone_origin, source in ((origin, dnssec_zones.PARENT_SOURCE), (child, dnssec_zones.CHILD_SOURCE)):
            apex = dns.name.from_text(zone_origin)
            for name in zone_names(zone_origin, source):
                groups[name.to_text()] = (APEX_QTYPES if name == apex else SIGNED_QTYPES, without_do)
                for derived in derived_names(name):
                    groups.setdefault(derived, (SIGNED_DERIVED_QTYPES, without_do))
    return [(qname, qtypes, without_do) for qname, (qtypes, without_do) in groups.items()]


# ---- comparing -------------------------------------------------------------------

def signed_section(rrsets) -> set:
    """section(), but an RRSIG RRset compared by what its signatures say
    (type covered, signer, labels, original TTL), not by their bytes."""
    keys = set()
    for rrset in rrsets:
        if rrset.rdtype != dns.rdatatype.RRSIG:
            keys.add(rrset_key(rrset.name, rrset.rdclass, rrset.rdtype, rrset.ttl, rrset))
            continue
        signatures = frozenset((dns.rdatatype.to_text(sig.type_covered), sig.signer.to_text().lower(),
                                sig.labels, sig.original_ttl) for sig in rrset)
        keys.add((rrset.name.to_text().lower(), dns.rdataclass.to_text(rrset.rdclass), "RRSIG",
                  rrset.ttl, signatures))
    return keys


def differences(asked, got, expected, section_of=section) -> dict[str, str]:
    """aspect -> description, for every aspect in which two replies to the
    query `asked` differ (or, for KNOTD_DEVIATIONS, `got` breaks the RFC)."""
    found = {}
    if got.rcode() != expected.rcode():
        found["rcode"] = f"rcode {got.rcode().name} != knotd {expected.rcode().name}"
    for flag_name, bit in COMPARED_FLAGS.items():
        if flag_name in KNOTD_DEVIATIONS:
            if bool(got.flags & bit) != bool(asked.flags & bit):
                found[flag_name] = (f"{flag_name} {bool(got.flags & bit)} in the answer, "
                                    f"{bool(asked.flags & bit)} in the query: {KNOTD_DEVIATIONS[flag_name]}")
        elif bool(got.flags & bit) != bool(expected.flags & bit):
            found[flag_name] = f"{flag_name} {bool(got.flags & bit)} != knotd {bool(expected.flags & bit)}"
    if got.edns != expected.edns:
        found["edns"] = f"EDNS version {got.edns} != knotd {expected.edns}"
    # RFC 3225 3: the DO bit of the query is copied into the response.
    if bool(got.ednsflags & dns.flags.DO) != bool(expected.ednsflags & dns.flags.DO):
        found["DO"] = f"DO {bool(got.ednsflags & dns.flags.DO)} != knotd {bool(expected.ednsflags & dns.flags.DO)}"
    for name in ("answer", "authority", "additional"):
        ours, theirs = section_of(getattr(got, name)), section_of(getattr(expected, name))
        if ours != theirs:
            found[name] = (f"{name}: only {SUBJECT}: {sorted(ours - theirs)}; "
                           f"only knotd: {sorted(theirs - ours)}")
    return found


@dataclass
class Exchange:
    """One query sent to both servers: their replies, and the report of the
    differences ALLOWED_DIFFERENCES does not explain (empty when none)."""
    got: dns.message.Message
    expected: dns.message.Message
    report: str

    def truncated(self) -> bool:
        return bool((self.got.flags | self.expected.flags) & dns.flags.TC)


def exchange(servers, qname: str, qtype: str, label: str, message, *, tcp: bool = False,
             section_of=section) -> Exchange:
    subject, knot = servers
    got = send(subject, message, tcp=tcp)
    expected = send(knot, message, tcp=tcp)
    unexplained = {aspect: text for aspect, text in differences(message, got, expected, section_of).items()
                   if not any(allowed.covers(qname, qtype, aspect) for allowed in ALLOWED_DIFFERENCES)}
    report = ""
    if unexplained:
        report = (f"{qname} {qtype} [{label}] " + "; ".join(unexplained.values())
                  + describe(got) + "\n--- knotd ---\n" + expected.to_text())
    return Exchange(got, expected, report)


def both_servers(tmp_path_factory, subject_port: int, knotd_port: int, zones=None):
    """Starts the subject and knotd serving `zones` (default: tests/data/server/);
    yields both, then stops them (the subject must exit cleanly)."""
    subject = start_server(tmp_path_factory.mktemp("subject"), subject_port, cookies=False, zones=zones)
    try:
        knot = start_server(tmp_path_factory.mktemp("knotd"), knotd_port, subject="knotd", cookies=False,
                            zones=zones)
    except BaseException:
        subject.stop()
        raise
    yield subject, knot
    knot.stop()
    subject.stop_cleanly()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    yield from both_servers(tmp_path_factory, SUBJECT_PORT, KNOTD_PORT)


@pytest.fixture(scope="module")
def signed_servers(signed_zones, tmp_path_factory):  # noqa: F811 (the imported fixture)
    zones = served_zone_files({variant: signed_zones[variant] for variant in COMPARED_VARIANTS})
    yield from both_servers(tmp_path_factory, SIGNED_SUBJECT_PORT, SIGNED_KNOTD_PORT, zones)


QUERIES = differential_queries()
SIGNED_QUERIES = signed_differential_queries()


def test_query_set_is_large():
    """A few hundred queries at least, over every case."""
    assert sum(len(qtypes) for _, qtypes, _ in QUERIES) >= 300
    assert sum(len(qtypes) for _, qtypes, _ in SIGNED_QUERIES) >= 300


@pytest.mark.parametrize("qname, qtypes, tcp", [pytest.param(*q, id=q[0]) for q in QUERIES])
def test_same_answers_as_knotd(servers, qname, qtypes, tcp):
    """All of `qtypes` at `qname`, with and without EDNS (and over TCP)."""
    report = []
    for qtype in qtypes:
        variants = [("udp+edns", query(qname, qtype), False),
                    ("udp+cd", query(qname, qtype, edns=None, cd=True), False)]
        if tcp:
            variants.append(("tcp+edns", query(qname, qtype), True))
        report += [exchange(servers, qname, qtype, label, message, tcp=over_tcp).report
                   for label, message, over_tcp in variants]
    report = [text for text in report if text]
    assert not report, "\n\n".join(report)


def signed_report(servers, qname: str, qtypes, without_do: bool) -> list[str]:
    """Every unexplained difference for `qtypes` at `qname` in the signed
    zones: with DO over UDP (again over TCP when truncated), and without DO
    when asked."""
    report = []
    for qtype in qtypes:
        with_do = exchange(servers, qname, qtype, "udp+edns+do+cd",
                           query(qname, qtype, want_dnssec=True, cd=True), section_of=signed_section)
        exchanges = [with_do]
        if without_do:
            exchanges.append(exchange(servers, qname, qtype, "udp+edns", query(qname, qtype),
                                      section_of=signed_section))
        if with_do.truncated():
            exchanges.append(exchange(servers, qname, qtype, "tcp+edns+do+cd",
                                      query(qname, qtype, want_dnssec=True, cd=True), tcp=True,
                                      section_of=signed_section))
        report += [done.report for done in exchanges if done.report]
    return report


@pytest.mark.parametrize("qname, qtypes, without_do", [pytest.param(*q, id=q[0]) for q in SIGNED_QUERIES])
def test_same_signed_answers_as_knotd(signed_servers, qname, qtypes, without_do):
    report = signed_report(signed_servers, qname, qtypes, without_do)
    assert not report, "\n\n".join(report)


@pytest.mark.parametrize("variant", [v for v in COMPARED_VARIANTS if dnssec_zones.VARIANTS[v].denial == "nsec3"])
def test_same_answers_at_nsec3_owners(signed_servers, signed_zones, variant):  # noqa: F811
    """The first NSEC3 owner names of the zone (RFC 5155 7.2.8: a name that
    owns only an NSEC3 does not exist as far as queries go)."""
    zone = signed_zones[variant]
    loaded = dns.zone.from_file(str(zone.path), zone.origin, relativize=False)
    owners = sorted(name.to_text() for name, node in loaded.nodes.items()
                    if node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NSEC3) is not None)
    assert owners, f"{zone.origin}: no NSEC3 records"
    report = []
    for owner in owners[:NSEC3_OWNERS_ASKED]:
        report += signed_report(signed_servers, owner, NSEC3_OWNER_QTYPES, without_do=True)
    assert not report, "\n\n".join(report)
