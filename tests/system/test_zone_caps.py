"""The per-zone caps (zone/zone_limits.hpp, docs/CONFIG.md "zones") and the
answers they bound, held from outside against the real zoned:

- docs/robustness.md case 31: a zone whose NSEC3PARAM asks for more NSEC3
  iterations than `max-nsec3-iterations` (default 100) is refused on
  `zonectl zone-reload` while the old version keeps answering, the error (in
  zonectl's reply, zone-status and zoned's log) naming the count and the cap;
  raising the cap in the zone's config entry lets it load; `zonectl
  check-zone` applies the same cap and option.
- case 29: a name with 1,000 MX targets (the default `max-records-per-type`)
  loads and answers all of them over TCP with the additional section capped
  at kMaxAdditionalTargets (32) target names; 1,001 MX at one name is
  refused at start and on `zonectl zone-commit`, naming owner, type, count
  and cap, and the served zone is unchanged.
- case 26: a signed RRset whose answer is above 4,096 bytes: over UDP (1232,
  DO) TC=1 with no partial RRset, over TCP the whole RRset with its RRSIG,
  which verifies against the zone's DNSKEY (dnspython) and validates
  through a real unbound, which has to retry over TCP to get it.

Binaries: ZONED and ZONECTL (zoned_process.py); signing: BIND's
dnssec-keygen / dnssec-signzone (dnssec_zones.py); unbound (unbound_process.py).
Ports 21900-21999.
"""
from __future__ import annotations

import shutil
import socket
import textwrap

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import pytest

from dnssec_zones import KEYGEN, NSEC, SIGNZONE, Variant, _sign
from server_process import QUERY_TIMEOUT
from tcp_wire import framed, read_message
from unbound_process import UNBOUND, StubZone, UnboundProcess
from zoned_process import LOOPBACK, ZoneEntry
from zonectl_util import control_config, socket_of, zonectl

NSEC3_PORT = 21900
MX_PORT = 21901
SIGNED_PORT = 21902
RESOLVER_PORT = 21903

# zone/zone_limits.hpp defaults.
DEFAULT_MAX_NSEC3_ITERATIONS = 100
DEFAULT_MAX_RECORDS_PER_TYPE = 1000
# server/query/response_builder.hpp: kMaxAdditionalTargets, the distinct
# target names whose addresses go into the additional section.
MAX_ADDITIONAL_TARGETS = 32


# Every test here runs zonectl (conftest.py).
pytestmark = pytest.mark.usefixtures("zonectl_built")


def start_with_control(zoned_factory, tmp_path, port, zones):
    workdir = tmp_path / f"zoned-{port}"
    workdir.mkdir(exist_ok=True)
    server = zoned_factory(port, zones=zones, extra_config=control_config(workdir))
    server.start()
    return server, socket_of(server)


def refused(result) -> str:
    """zonectl failed with one `zonectl: ...` line; returns it."""
    assert result.rc == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("zonectl: "), result.stderr
    return lines[0]


# ---- case 31: NSEC3 iterations -----------------------------------------------------

def nsec3_zone_text(serial: int, iterations: int) -> str:
    # Unsigned: the cap is checked on the NSEC3PARAM alone, at load.
    return textwrap.dedent(f"""\
        $ORIGIN example.com.
        $TTL 3600
        @    SOA ns1 hostmaster {serial} 7200 3600 1209600 300
        @    NS  ns1
        @    NSEC3PARAM 1 0 {iterations} -
        ns1  A   192.0.2.1
        """)


def served_iterations(server, zone: str) -> int | None:
    reply = server.query(zone, "NSEC3PARAM")
    for rrset in reply.answer:
        if rrset.rdtype == dns.rdatatype.NSEC3PARAM:
            return rrset[0].iterations
    return None


def test_nsec3_iterations_over_the_cap_refused_until_the_cap_is_raised(zoned_factory, tmp_path):
    """docs/robustness.md case 31: 150 NSEC3 iterations (cap 100) is refused on
    reload with the old serial kept, named in zonectl's error, zone-status and
    the log; `max-nsec3-iterations: 150` in the zone's entry lets it load;
    check-zone refuses it too unless given --max-nsec3-iterations 150."""
    zone_file = tmp_path / "example.com.zone"
    zone_file.write_text(nsec3_zone_text(1, 10))
    server, path = start_with_control(zoned_factory, tmp_path, NSEC3_PORT,
                                      [ZoneEntry("example.com.", file=zone_file)])
    assert server.serial("example.com.") == 1
    assert served_iterations(server, "example.com.") == 10

    zone_file.write_text(nsec3_zone_text(2, 150))
    expected = (f"example.com. NSEC3PARAM: NSEC3 iterations 150 exceed the cap "
                f"max-nsec3-iterations {DEFAULT_MAX_NSEC3_ITERATIONS} (RFC 9276 recommends 0)")
    log_start = server.log_size()
    error = refused(zonectl(path, "zone-reload", "example.com."))
    assert expected in error and "still serving serial 1" in error, error
    assert f"{zone_file}:5:1" in error, error
    assert server.serial("example.com.") == 1
    assert server.serial("example.com.", tcp=True) == 1
    assert served_iterations(server, "example.com.") == 10
    status = zonectl(path, "zone-status", "example.com", json=True)
    assert status.rc == 0, status.stderr
    zone_status = status.json["zones"][0]
    assert zone_status["serial"] == 1 and expected in zone_status["error"], zone_status
    human = zonectl(path, "zone-status", "example.com")
    assert human.rc == 0 and expected in human.stdout, human.stdout
    server.wait_for_log(r"iterations 150 exceed the cap max-nsec3-iterations 100", start=log_start)

    # The operator raises the cap for this zone: the new version loads.
    config = server.config(extra_config={"control": {"socket": str(path)}})
    config["zones"][0]["max-nsec3-iterations"] = 150
    server.write_config_dict(config)
    reloaded = zonectl(path, "reload")
    assert reloaded.rc == 0, reloaded.stderr
    assert server.serial("example.com.") == 2
    assert served_iterations(server, "example.com.") == 150
    status = zonectl(path, "zone-status", "example.com", json=True).json["zones"][0]
    assert status["serial"] == 2 and status["error"] is None, status

    # check-zone: the same cap, the same message, and the same way to raise it.
    checked = zonectl(None, "check-zone", "example.com", zone_file)
    assert checked.rc == 1, (checked.stdout, checked.stderr)
    assert f"{zone_file}:5:1: error: {expected}" in checked.stderr, checked.stderr
    raised = zonectl(None, "check-zone", "--max-nsec3-iterations", "150", "example.com", zone_file)
    assert raised.rc == 0, (raised.stdout, raised.stderr)
    assert "error" not in raised.stderr, raised.stderr


# ---- case 29: records per RRset, and the additional section -----------------------

def many_mx_zone_text(origin: str, mx_count: int, serial: int = 1) -> str:
    """`mx.<origin>` with `mx_count` MX records, each target an in-zone name
    with an A record (so each could bring an address into the additional
    section)."""
    lines = [f"$ORIGIN {origin}", "$TTL 3600",
             f"@    SOA ns1 hostmaster {serial} 7200 3600 1209600 300", "@    NS  ns1",
             "ns1  A   192.0.2.1"]
    lines += [f"mx   MX  10 t{i:04d}" for i in range(mx_count)]
    lines += [f"t{i:04d} A 10.0.{i // 250}.{i % 250 + 1}" for i in range(mx_count)]
    return "\n".join(lines) + "\n"


def mx_answer(server, qname: str):
    """An MX query over TCP with EDNS (payload 1232): (reply, MX rdata count,
    additional A RRsets)."""
    reply = server.query(qname, "MX", tcp=True, use_edns=0, payload=1232)
    mx = [rrset for rrset in reply.answer if rrset.rdtype == dns.rdatatype.MX]
    return reply, sum(len(rrset) for rrset in mx), [
        rrset for rrset in reply.additional if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)]


def test_thousand_mx_served_with_capped_additional_and_1001_refused(zoned_factory, tmp_path):
    """docs/robustness.md case 29: 1,000 MX at one name (the default
    max-records-per-type) loads and answers all 1,000 over TCP with at most
    kMaxAdditionalTargets (32, server/query/response_builder.hpp) target
    address RRsets in the additional section; 1,001 MX at one name does not
    load at start (SERVFAIL, zone-status and the log name owner, type, count
    and cap), a zone-commit adding a 1,001st MX is refused with the same
    message and the served zone and its file are unchanged; check-zone
    refuses it unless given a higher --max-records-per-type."""
    ok_file = tmp_path / "mx.example.zone"
    ok_file.write_text(many_mx_zone_text("mx.example.", DEFAULT_MAX_RECORDS_PER_TYPE))
    over_file = tmp_path / "over.example.zone"
    over_file.write_text(many_mx_zone_text("over.example.", DEFAULT_MAX_RECORDS_PER_TYPE + 1))
    server, path = start_with_control(zoned_factory, tmp_path, MX_PORT,
                                      [ZoneEntry("mx.example.", file=ok_file),
                                       ZoneEntry("over.example.", file=over_file)])

    # 1,000: served whole; the additional section stays capped but is not empty.
    reply, mx_count, addresses = mx_answer(server, "mx.mx.example.")
    assert reply.rcode() == dns.rcode.NOERROR and not reply.flags & dns.flags.TC
    assert mx_count == DEFAULT_MAX_RECORDS_PER_TYPE
    assert 0 < len(addresses) <= MAX_ADDITIONAL_TARGETS, len(addresses)
    targets = {rdata.exchange for rrset in reply.answer for rdata in rrset}
    assert all(rrset.name in targets and len(rrset) == 1 for rrset in addresses)
    assert len({rrset.name for rrset in addresses}) == len(addresses)

    # 1,001: refused at start, naming owner, type, count and cap.
    expected = (f"mx.over.example. MX: {DEFAULT_MAX_RECORDS_PER_TYPE + 1} records in one RRset "
                f"exceed the cap max-records-per-type {DEFAULT_MAX_RECORDS_PER_TYPE}")
    assert server.query("over.example.", "SOA").rcode() == dns.rcode.SERVFAIL
    over_status = zonectl(path, "zone-status", "over.example", json=True).json["zones"][0]
    assert over_status["serial"] is None and expected in over_status["error"], over_status
    assert f"{over_file}:6:1: error: {expected}" in server.log_text()

    # A 1,001st MX through a transaction: the commit is refused, nothing changes.
    before = ok_file.read_bytes()
    begun = zonectl(path, "zone-begin", "mx.example")
    assert begun.rc == 0, begun.stderr
    added = zonectl(path, "zone-set", "mx.example", "mx", "3600", "MX", "10", "t1000")
    assert added.rc == 0, added.stderr
    error = refused(zonectl(path, "zone-commit", "mx.example"))
    assert "commit of zone mx.example. failed, nothing changed" in error, error
    assert (f"mx.mx.example. MX: {DEFAULT_MAX_RECORDS_PER_TYPE + 1} records in one RRset exceed "
            f"the cap max-records-per-type {DEFAULT_MAX_RECORDS_PER_TYPE}") in error, error
    aborted = zonectl(path, "zone-abort", "mx.example")
    assert aborted.rc == 0, aborted.stderr
    assert server.serial("mx.example.") == 1
    assert mx_answer(server, "mx.mx.example.")[1] == DEFAULT_MAX_RECORDS_PER_TYPE
    assert ok_file.read_bytes() == before
    status = zonectl(path, "zone-status", "mx.example", json=True).json["zones"][0]
    assert status["serial"] == 1, status

    # check-zone: the same cap, raised by its option.
    checked = zonectl(None, "check-zone", "over.example", over_file)
    assert checked.rc == 1 and f"{over_file}:6:1: error: {expected}" in checked.stderr, checked.stderr
    raised = zonectl(None, "check-zone", "--max-records-per-type", "1001", "over.example", over_file)
    assert raised.rc == 0, (raised.stdout, raised.stderr)


# ---- case 26: a signed answer above 4,096 bytes --------------------------------------

SIGNED_ORIGIN = "big.caps.test."
TXT_RECORDS = 20
TXT_LENGTH = 250
UDP_PAYLOAD = 1232
# unbound resolves with a few upstream queries on loopback; the bound only
# matters when something does not answer.
RESOLVER_TIMEOUT = 5.0


def signed_zone_source() -> str:
    lines = ["$TTL 3600", "@    SOA ns1 hostmaster 1 7200 3600 1209600 300", "@    NS  ns1",
             "ns1  A   192.0.2.1"]
    lines += [f'big  TXT "{chr(ord("a") + i) * TXT_LENGTH}"' for i in range(TXT_RECORDS)]
    return "\n".join(lines) + "\n"


needs_signing = pytest.mark.skipif(
    not (shutil.which(KEYGEN) and shutil.which(SIGNZONE)),
    reason="dnssec-keygen and dnssec-signzone (bind9-utils) are needed")


def exchange(server, message: dns.message.Message, *, tcp: bool) -> tuple[dns.message.Message, int]:
    """(reply, its size on the wire) for one query over UDP or TCP."""
    wire = message.to_wire()
    if tcp:
        with socket.create_connection((server.address, server.port), timeout=QUERY_TIMEOUT) as sock:
            sock.sendall(framed(wire))
            reply = read_message(sock)
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(QUERY_TIMEOUT)
            sock.sendto(wire, (server.address, server.port))
            reply = sock.recv(65535)
    return dns.message.from_wire(reply), len(reply)


def rrsets_of(section) -> dict:
    return {(rrset.name, rrset.rdtype, rrset.covers): rrset for rrset in section}


@pytest.fixture
def signed_big(tmp_path):
    """The zone signed (ECDSAP256SHA256, KSK and ZSK, NSEC): a SignedZone."""
    return _sign(SIGNED_ORIGIN, signed_zone_source(), tmp_path / "signing", Variant("big", NSEC))


@needs_signing
def test_signed_answer_over_4096_bytes_truncated_whole_then_complete_over_tcp(
        zoned_factory, tmp_path, signed_big):
    """docs/robustness.md case 26 (the seed failure "DNSSEC answers that
    break over TCP"): a signed TXT RRset of 20 x 250 bytes. UDP, EDNS 1232,
    DO: TC=1 and no partial RRset; TCP with DO: all 20 records and the RRSIG
    over them, above 4,096 bytes, and the RRSIG verifies against the DNSKEY
    the zoned serves, which matches the zone's DS; a validating unbound with
    that DS as trust anchor answers it secure (AD), having had to retry over
    TCP (zoned's counters: a truncated answer, then a TCP query)."""
    server, path = start_with_control(zoned_factory, tmp_path, SIGNED_PORT,
                                      [ZoneEntry(SIGNED_ORIGIN, file=signed_big.path)])
    qname = dns.name.from_text("big." + SIGNED_ORIGIN)
    query = dns.message.make_query(qname, "TXT", want_dnssec=True, payload=UDP_PAYLOAD)

    full, full_size = exchange(server, query, tcp=True)
    assert full.rcode() == dns.rcode.NOERROR and not full.flags & dns.flags.TC, full
    answer = rrsets_of(full.answer)
    txt = answer.get((qname, dns.rdatatype.TXT, dns.rdatatype.NONE))
    sigs = answer.get((qname, dns.rdatatype.RRSIG, dns.rdatatype.TXT))
    assert txt is not None and len(txt) == TXT_RECORDS, full
    assert sigs is not None and len(sigs) >= 1, full
    assert full_size > 4096, full_size

    truncated, truncated_size = exchange(server, query, tcp=False)
    assert truncated.flags & dns.flags.TC, truncated
    assert truncated_size <= UDP_PAYLOAD, truncated_size
    complete = rrsets_of(full.answer) | rrsets_of(full.authority) | rrsets_of(full.additional)
    for name, section in (("answer", truncated.answer), ("authority", truncated.authority),
                          ("additional", truncated.additional)):
        for key, rrset in rrsets_of(section).items():
            assert key in complete and rrset == complete[key], f"partial RRset in the {name} section: {rrset}"

    # The signature verifies against the served DNSKEY, anchored by the DS.
    keys, _ = exchange(server, dns.message.make_query(SIGNED_ORIGIN, "DNSKEY", want_dnssec=True),
                       tcp=True)
    dnskey = keys.find_rrset(keys.answer, dns.name.from_text(SIGNED_ORIGIN), dns.rdataclass.IN,
                             dns.rdatatype.DNSKEY)
    anchors = {dns.dnssec.make_ds(SIGNED_ORIGIN, key, "SHA256").to_text() for key in dnskey}
    assert set(signed_big.ds) <= anchors
    dns.dnssec.validate(txt, sigs, {dns.name.from_text(SIGNED_ORIGIN): dnskey})

    # A validating resolver: UDP is truncated, the TCP retry validates.
    if not shutil.which(UNBOUND):
        pytest.skip("unbound is needed for the end-to-end half")
    before = zonectl(path, "stats", json=True).json
    resolver_dir = tmp_path / "unbound"
    resolver_dir.mkdir()
    anchors = [f"{SIGNED_ORIGIN} DS {ds}" for ds in signed_big.ds]
    with UnboundProcess(resolver_dir, RESOLVER_PORT, [StubZone(SIGNED_ORIGIN, LOOPBACK, SIGNED_PORT)],
                        anchors) as unbound:
        try:
            resolved = dns.query.tcp(query, unbound.address, port=unbound.port, timeout=RESOLVER_TIMEOUT)
        except dns.exception.Timeout:
            pytest.fail(f"unbound gave no answer in {RESOLVER_TIMEOUT}s:\n{unbound.log_text()[-4000:]}")
        log = unbound.log_text()
    assert resolved.rcode() == dns.rcode.NOERROR, f"{resolved}\n{log[-4000:]}"
    assert resolved.flags & dns.flags.AD, f"not validated:\n{resolved}\n{log[-4000:]}"
    resolved_txt = [rrset for rrset in resolved.answer if rrset.rdtype == dns.rdatatype.TXT]
    assert len(resolved_txt) == 1 and resolved_txt[0] == txt, resolved
    after = zonectl(path, "stats", json=True).json
    assert after["truncated"] > before["truncated"], (before, after)
    assert after["queries"]["tcp"] > before["queries"]["tcp"], (before, after)
