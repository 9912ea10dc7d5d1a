"""Header and EDNS compliance probes, in the shape of ISC's DNS compliance
battery (`genreport` from DNS-Compliance-Testing): each probe is one query
with chosen header flags, opcode and EDNS; each reply is checked against the
rules the RFCs set for it. zoned, named and knotd serve the same zone and get
the same probes.

Passing means: zoned fails no check, and on the probes `cd`, `docd`,
`opcode` and `opcodeflg` its reply header is named's (flags and rcode; section
counts, which named fills with its authority and glue on a QUERY, so
those only under an unknown opcode). knotd 3.2 clears CD (a deviation from RFC 4035 3.1.6, listed in
test_knot_differential.py), which these checks see: that is asserted too,
so the checker is shown to catch the failure it is for.

genreport itself is not packaged by Debian; docs/robustness.md says how to
run it by hand against a zoned.
"""
from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from knot_process import KnotProcess
from named_process import NamedProcess
from server_under_test import start_server
from tcp_wire import framed, read_message

ZONED_PORT = 21700
NAMED_PORT = 21701
KNOTD_PORT = 21702
ZONE = "probe.test."
TIMEOUT = 3.0
ZONE_TEXT = """$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A 192.0.2.1
www A 192.0.2.2
"""
HEADER = struct.Struct("!HHHHHH")
OPCODE_SHIFT = 11  # RFC 1035 4.1.1; dnspython knows only the assigned opcodes
UNKNOWN_OPCODE = 15
UNKNOWN_OPTION = 100
FLAG_BITS = {"aa": dns.flags.AA, "tc": dns.flags.TC, "rd": dns.flags.RD, "ra": dns.flags.RA,
             "ad": dns.flags.AD, "cd": dns.flags.CD, "z": 0x0040}


@dataclass(frozen=True)
class Probe:
    """One query: header flags (names in FLAG_BITS), opcode, EDNS version
    (None: no OPT), EDNS flags, options, qtype (None: header only), TCP."""
    name: str
    flags: tuple[str, ...] = ()
    opcode: int = 0
    edns: int | None = None
    do: bool = False
    undefined_edns_flag: bool = False
    options: tuple = ()
    qtype: str | None = "SOA"
    payload: int = 4096
    tcp: bool = False


PROBES = [
    Probe("dns"),
    Probe("aa", ("aa",)),
    Probe("ad", ("ad",)),
    Probe("cd", ("cd",)),
    Probe("ra", ("ra",)),
    Probe("rd", ("rd",)),
    Probe("tc", ("tc",)),
    Probe("zflag", ("z",)),
    Probe("opcode", opcode=UNKNOWN_OPCODE, qtype=None),
    Probe("opcodeflg", ("tc", "rd", "ra", "cd", "ad", "aa", "z"), opcode=UNKNOWN_OPCODE, qtype=None),
    Probe("opcodeq", ("rd", "cd"), opcode=UNKNOWN_OPCODE),
    Probe("type666", qtype="TYPE666"),
    Probe("tcp", tcp=True),
    Probe("edns", edns=0),
    Probe("edns1", edns=1),
    Probe("edns@512", edns=0, do=True, qtype="DNSKEY", payload=512),
    Probe("ednsopt", edns=0, options=(dns.edns.GenericOption(UNKNOWN_OPTION, b""),)),
    Probe("edns1opt", edns=1, options=(dns.edns.GenericOption(UNKNOWN_OPTION, b""),)),
    Probe("do", edns=0, do=True),
    Probe("docd", ("cd",), edns=0, do=True),
    Probe("ednsflags", edns=0, undefined_edns_flag=True),
    Probe("ednstcp", edns=0, do=True, qtype="DNSKEY", payload=512, tcp=True),
    Probe("opcodeedns", ("rd", "cd"), opcode=UNKNOWN_OPCODE, edns=0, do=True, qtype=None),
]
# The probes whose reply header must be named's, field for field.
LIKE_NAMED = ("cd", "docd", "opcode", "opcodeflg")


def probe_wire(probe: Probe) -> bytes:
    flags = probe.opcode << OPCODE_SHIFT
    for name in probe.flags:
        flags |= FLAG_BITS[name]
    if probe.qtype is None:
        wire = HEADER.pack(0x5a5a, flags, 0, 0, 0, 0)
        if probe.edns is not None:
            ttl = (probe.edns << 16) | (0x8000 if probe.do else 0)
            wire = wire[:10] + b"\x00\x01" + b"\x00" + struct.pack("!HHIH", 41, probe.payload, ttl, 0)
        return wire
    message = dns.message.make_query(ZONE, probe.qtype)
    message.flags = flags
    if probe.edns is not None:
        ednsflags = (dns.flags.DO if probe.do else 0) | (0x0080 if probe.undefined_edns_flag else 0)
        message.use_edns(probe.edns, ednsflags=ednsflags, payload=probe.payload, options=list(probe.options))
    return message.to_wire()


def exchange(port: int, probe: Probe) -> bytes:
    wire = probe_wire(probe)
    if probe.tcp:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(framed(wire))
            return read_message(s)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.sendto(wire, ("127.0.0.1", port))
        return s.recv(65535)


def header_of(probe: Probe, reply: bytes) -> tuple:
    """What LIKE_NAMED compares: flags and rcode, and under an unknown
    opcode the section counts."""
    _, flags, qd, an, ns, ar = HEADER.unpack(reply[:12])
    return flags, (qd, an, ns, ar) if probe.opcode else None


def parse(reply: bytes) -> dns.message.Message:
    """The reply as dnspython reads it, its opcode made QUERY (dnspython
    rejects unassigned opcodes; the header is checked from the bytes)."""
    flags = HEADER.unpack(reply[:12])[1] & ~(0xF << OPCODE_SHIFT)
    return dns.message.from_wire(reply[:2] + struct.pack("!H", flags) + reply[4:])


def failures(probe: Probe, reply: bytes) -> set[str]:
    """The checks `reply` fails, by name."""
    _, flags, qdcount, ancount, nscount, arcount = HEADER.unpack(reply[:12])
    query_flags = HEADER.unpack(probe_wire(probe)[:12])[1]
    bit = lambda name: bool(flags & FLAG_BITS[name])  # noqa: E731
    asked = lambda name: bool(query_flags & FLAG_BITS[name])  # noqa: E731
    failed = set()
    message = parse(reply)
    rcode = message.rcode()
    if flags >> OPCODE_SHIFT & 0xF != probe.opcode:
        failed.add("opcode-not-echoed")  # RFC 1035 4.1.1
    if not flags & dns.flags.QR:
        failed.add("not-a-response")
    if bit("z"):
        failed.add("z")  # RFC 1035 4.1.1: zero in all responses
    if probe.opcode != 0:
        # Unknown opcode: NOTIMP (RFC 1035 4.1.1); no section, no flag of a QUERY.
        if rcode != dns.rcode.NOTIMP:
            failed.add(f"rcode-{dns.rcode.to_text(rcode).lower()}")
        if qdcount or ancount or nscount:
            failed.add("non-empty-sections")
        for name in ("aa", "ra", "rd", "ad", "cd"):
            if bit(name):
                failed.add(name)
    else:
        want = dns.rcode.BADVERS if (probe.edns or 0) > 0 else dns.rcode.NOERROR
        if rcode != want:
            failed.add(f"rcode-{dns.rcode.to_text(rcode).lower()}")
        if rcode == dns.rcode.NOERROR and not bit("aa"):
            failed.add("noaa")  # authoritative data
        if bit("rd") != asked("rd"):
            failed.add("rd")  # RFC 1035 4.1.1: copied
        if bit("cd") != asked("cd"):
            failed.add("cd")  # RFC 4035 3.1.6: MUST be copied
        if bit("ad"):
            failed.add("ad")  # unsigned zone: nothing authenticated
        if bit("ra"):
            failed.add("ra")  # no recursion offered
        if qdcount != 1:
            failed.add("question-not-echoed")
        if probe.qtype == "SOA" and rcode == dns.rcode.NOERROR and not probe.tcp and probe.payload >= 512:
            if not any(rrset.rdtype == dns.rdatatype.SOA for rrset in message.answer):
                failed.add("nosoa")
    if probe.edns is None:
        if message.opt is not None:
            failed.add("opt")  # RFC 6891 7: no OPT to a query without one
    else:
        if message.opt is None:
            failed.add("noopt")
        else:
            if message.edns != 0:
                failed.add("version-not-zero")
            if probe.do and not message.ednsflags & dns.flags.DO:
                failed.add("nodo")  # RFC 3225 3: DO copied
            if message.ednsflags & 0x7FFF:
                failed.add("mbz")  # RFC 6891 6.1.4: undefined flags cleared
            if any(option.otype == UNKNOWN_OPTION for option in message.options):
                failed.add("echoed")  # RFC 6891 6.1.2: unknown options ignored
    return failed


def zone_file(workdir: Path) -> Path:
    path = workdir / "probe.test.zone"
    path.write_text(ZONE_TEXT)
    return path


@pytest.fixture(scope="module")
def replies(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """server -> probe name -> reply, for zoned, named and knotd."""
    workdir = tmp_path_factory.mktemp("probes")
    zones = [(ZONE, zone_file(workdir))]
    result: dict[str, dict[str, bytes]] = {}
    zoned = start_server(workdir / "zoned", ZONED_PORT, subject="zoned", cookies=False, zones=zones)
    try:
        result["zoned"] = {probe.name: exchange(ZONED_PORT, probe) for probe in PROBES}
    finally:
        zoned.stop_cleanly()
    for name, process_type, port in (("named", NamedProcess, NAMED_PORT), ("knotd", KnotProcess, KNOTD_PORT)):
        (workdir / name).mkdir()
        with process_type(workdir / name, port, zones):
            result[name] = {probe.name: exchange(port, probe) for probe in PROBES}
    return result


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.name)
def test_zoned_passes_every_probe(replies, probe):
    assert failures(probe, replies["zoned"][probe.name]) == set()


@pytest.mark.parametrize("probe", [p for p in PROBES if p.name in LIKE_NAMED], ids=lambda p: p.name)
def test_reply_header_is_nameds(replies, probe):
    assert header_of(probe, replies["zoned"][probe.name]) == header_of(probe, replies["named"][probe.name])


def test_named_passes_and_knotd_fails_only_on_cd(replies):
    """The checks are those of a reference server: named passes them all;
    knotd 3.2 fails where it clears CD (and echoes RD and the question under an
    unknown opcode), which shows the checker catches those failures."""
    named = {probe.name: failures(probe, replies["named"][probe.name]) for probe in PROBES}
    assert {name: failed for name, failed in named.items() if failed} == {}
    knotd = {probe.name: failures(probe, replies["knotd"][probe.name]) for probe in PROBES}
    assert "cd" in knotd["cd"] and "cd" in knotd["docd"]
    assert set().union(*knotd.values()) <= {"cd", "rd", "non-empty-sections"}
