"""The server under test for the answering system tests, and the helpers
that compare its answers.

The tests in test_answers.py and test_edns_transport.py check the RFCs, not
zoned's habits: they run against whichever server DNS_TEST_SUBJECT names
(`zoned`, the default, or `knotd`) serving the zones of tests/data/server/.
Running them against knotd proves the expectations are those of a
reference server.

    server = start_server(workdir, port, identity="ns.test")   # started
    reply = ask(server, "www.lookup.test.", "A", tcp=True)
    assert section(reply.answer) == records("www.lookup.test. 3600 IN A 192.0.2.10")
    server.stop()

A zoned subject that has not been built skips the tests (see ZONED in
zoned_process.py); a knotd that cannot start fails them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdata
import dns.rdataclass
import dns.rcode
import dns.rdatatype
import pytest

from knot_process import KnotProcess
from zoned_process import ZONED, ZonedProcess, ZoneEntry

REPO = Path(__file__).resolve().parents[2]
ZONE_DIR = REPO / "tests" / "data" / "server"
SUBJECT = os.environ.get("DNS_TEST_SUBJECT", "zoned")
LOOPBACK = "127.0.0.1"
TIMEOUT = 2.0
ALIVE_TRIES = 3
OUR_UDP_LIMIT = 1232  # EDNS buffer limit both servers are configured with


def served_zones() -> list[tuple[str, Path]]:
    """(origin, file) of every zone in tests/data/server/ (file name = origin + .zone)."""
    return [(path.name[: -len(".zone")] + ".", path) for path in sorted(ZONE_DIR.glob("*.zone"))]


@dataclass
class Server:
    """What a test needs of a running server: where it listens, how to stop it."""
    name: str
    address: str
    port: int
    process: object

    def stop(self) -> int | None:
        """SIGTERM; the exit status (negative: killed by a signal)."""
        return self.process.stop()

    def stop_cleanly(self) -> None:
        """Stops the server and fails unless it exits with 0: a crash, or a
        sanitizer report at exit, after the tests had their answers."""
        status = self.stop()
        assert status == 0, f"{self.name} exited with {status}:\n{self.process.log_text()[-4000:]}"

    def rss_kib(self) -> int:
        """The server's resident set size (VmRSS) in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))

    def alive(self) -> bool:
        """A follow-up SOA query is answered (docs/robustness.md, "alive"); a few
        tries, since a test may just have flooded the socket's receive buffer."""
        for _ in range(ALIVE_TRIES):
            try:
                reply = ask(self, "lookup.test.", "SOA")
            except dns.exception.Timeout:
                continue
            return reply.rcode() == dns.rcode.NOERROR and len(reply.answer) == 1
        return False


def start_server(workdir: Path, port: int, *, subject: str = SUBJECT, identity: str | None = None,
                 version: str | None = None, cookies: bool = True,
                 zones: list[tuple[str, Path]] | None = None) -> Server:
    """Starts `subject` serving `zones` ((origin, file) pairs; default: every
    zone of tests/data/server/) on 127.0.0.1:`port`."""
    workdir.mkdir(parents=True, exist_ok=True)
    zones = served_zones() if zones is None else zones
    if subject == "knotd":
        process = KnotProcess(workdir, port, zones, identity=identity, version=version,
                              cookies=cookies, udp_max_payload=OUR_UDP_LIMIT)
    elif subject == "zoned":
        if not ZONED.exists():
            pytest.skip(f"{ZONED} not built (set ZONED)")
        options = {"cookies": cookies, "udp-max-payload": OUR_UDP_LIMIT}
        if identity is not None:
            options["identity"] = identity
        if version is not None:
            options["version"] = version
        process = ZonedProcess(workdir, port, [ZoneEntry(origin, file=file) for origin, file in zones],
                               server_options=options, ready_name=zones[0][0])
    else:
        raise ValueError(f"DNS_TEST_SUBJECT={subject!r}: expected zoned or knotd")
    process.start()
    return Server(subject, LOOPBACK, port, process)


def query(qname: str, qtype: str = "A", *, edns: int | None = 0, payload: int = OUR_UDP_LIMIT,
          want_dnssec: bool = False, options=(), rd: bool = True,
          cd: bool = False) -> dns.message.QueryMessage:
    """A query message; edns=None sends none, an int is the EDNS version."""
    message = dns.message.make_query(qname, qtype)
    if edns is not None:
        message.use_edns(edns, ednsflags=dns.flags.DO if want_dnssec else 0, payload=payload,
                         options=list(options))
    if not rd:
        message.flags &= ~dns.flags.RD
    if cd:
        message.flags |= dns.flags.CD
    return message


def send(server: Server, message: dns.message.Message, *, tcp: bool = False,
         ignore_trailing: bool = False) -> dns.message.Message:
    if tcp:
        return dns.query.tcp(message, server.address, port=server.port, timeout=TIMEOUT)
    return dns.query.udp(message, server.address, port=server.port, timeout=TIMEOUT,
                         ignore_trailing=ignore_trailing, raise_on_truncation=False)


def ask(server: Server, qname: str, qtype: str = "A", *, tcp: bool = False, **query_args) -> dns.message.Message:
    return send(server, query(qname, qtype, **query_args), tcp=tcp)


# An RRset as a comparable value: (owner lowercased, class, type, TTL, rdatas).
RRsetKey = tuple


def rrset_key(name: dns.name.Name, rdclass: int, rdtype: int, ttl: int, rdatas) -> RRsetKey:
    return (name.to_text().lower(), dns.rdataclass.to_text(rdclass), dns.rdatatype.to_text(rdtype),
            ttl, frozenset(rdata.to_digestable() for rdata in rdatas))


def section(rrsets) -> set[RRsetKey]:
    """A message section as a set of RRsets."""
    return {rrset_key(rrset.name, rrset.rdclass, rrset.rdtype, rrset.ttl, rrset) for rrset in rrsets}


def records(*lines: str) -> set[RRsetKey]:
    """Expected RRsets from master-file lines ("owner TTL class type rdata"),
    grouped by (owner, class, type); every line must be absolute."""
    groups: dict[tuple, list] = {}
    for line in lines:
        owner, ttl, rdclass, rdtype, rdata_text = line.split(None, 4)
        cls = dns.rdataclass.from_text(rdclass)
        typ = dns.rdatatype.from_text(rdtype)
        key = (dns.name.from_text(owner), cls, typ)
        groups.setdefault(key, []).append((int(ttl), dns.rdata.from_text(cls, typ, rdata_text)))
    result = set()
    for (owner, cls, typ), items in groups.items():
        ttls = {ttl for ttl, _ in items}
        assert len(ttls) == 1, f"one TTL per RRset in the expectation: {owner} {typ}"
        result.add(rrset_key(owner, cls, typ, ttls.pop(), [rdata for _, rdata in items]))
    return result


def describe(reply: dns.message.Message) -> str:
    return f"\n--- reply ---\n{reply.to_text()}"
