"""zonectl transactions against a running zoned: zone-begin, zone-set,
zone-unset, zone-diff, zone-commit and zone-abort, checked by their output
and through DNS (a committed record answers with the new serial, an aborted
one never does, a failed commit leaves the old answer), for a master-file
zone and a SQLite zone; crash safety (kill -9 right after a commit returns:
the change is there after a restart; kill -9 in the middle of a transaction:
the old zone is); two zonectl clients editing two zones at once, and a
second zone-begin on a zone in a transaction refused.

Ports 21600-21699. Binaries: ZONED and ZONECTL (zoned_process.py).
"""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import textwrap
import threading

import dns.name
import dns.rcode
import dns.rdatatype
import pytest

from zonectl_util import control_config, socket_of, zonectl
from zoned_process import ZONECTL, ZoneEntry


def zone_text(origin: str, serial: int) -> str:
    return textwrap.dedent(f"""\
        $ORIGIN {origin}
        $TTL 3600
        @    SOA ns1 hostmaster {serial} 7200 3600 1209600 300
        @    NS  ns1
        ns1  A   192.0.2.1
        www  A   192.0.2.10
        """)


# Every test here runs zonectl (conftest.py).
pytestmark = pytest.mark.usefixtures("zonectl_built")


def file_zone(tmp_path, origin="example.com.", serial=1) -> ZoneEntry:
    path = tmp_path / f"{origin}zone"
    path.write_text(zone_text(origin, serial))
    return ZoneEntry(origin, file=path)


def sqlite_zone(tmp_path, origin="example.net.", serial=1) -> ZoneEntry:
    source = tmp_path / f"{origin}src"
    source.write_text(zone_text(origin, serial))
    db = tmp_path / "zones.db"
    done = subprocess.run([str(ZONECTL), "import", origin, str(source), str(db)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return ZoneEntry(origin, sqlite=db)


def start(zoned_factory, tmp_path, port, zones):
    server = zoned_factory(port, zones=zones, extra_config=control_config(tmp_path))
    server.start()
    return server


def ok(server, *args, json=False):
    result = zonectl(socket_of(server), *args, json=json)
    assert result.rc == 0, f"zonectl {' '.join(args)}: {result.stderr}"
    return result


def refused(server, *args):
    result = zonectl(socket_of(server), *args)
    assert result.rc == 1, f"zonectl {' '.join(args)} should fail: {result.stdout}"
    assert result.stderr.startswith("zonectl: ") and result.stderr.count("\n") == 1
    return result.stderr


def addresses(server, name):
    """The A rdata served for `name` (empty on NXDOMAIN / NODATA)."""
    reply = server.query(name, "A")
    return sorted(rd.address for rrset in reply.answer if rrset.rdtype == dns.rdatatype.A
                  for rd in rrset)


def rcode(server, name, rdtype="A"):
    return server.query(name, rdtype).rcode()


def db_rows(db, origin, owner):
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT type, ttl, rdata FROM records JOIN zones ON zones.id = zone_id "
            "WHERE zones.name = ? AND owner = ? ORDER BY type, rdata",
            (origin, dns.name.from_text(owner).canonicalize().to_wire())).fetchall()


def check_transactions(server, origin, source_bytes):
    """Every command on zone `origin` (serial 1), with its output and its effect through DNS."""
    zone = origin.rstrip(".")
    # begin
    begun = ok(server, "zone-begin", zone)
    assert begun.stdout == f"transaction open on {origin} (serial 1)\n"
    # set and unset: output, and nothing served before the commit
    added = ok(server, "zone-set", zone, "www2", "300", "A", "192.0.2.20")
    assert added.stdout == f"+ www2.{origin} 300 IN A 192.0.2.20\n"
    removed = ok(server, "zone-unset", zone, "www", "A")
    assert removed.stdout == f"- www.{origin} 3600 IN A 192.0.2.10\n"
    assert rcode(server, f"www2.{origin}") == dns.rcode.NXDOMAIN
    assert addresses(server, f"www.{origin}") == ["192.0.2.10"]
    assert source_bytes() == source_bytes.before
    # diff, human and JSON
    diff = ok(server, "zone-diff", zone)
    lines = diff.stdout.splitlines()
    assert lines[0].startswith(f"{origin}: serial 1 -> 2 (transaction begun ")
    assert f"- www.{origin} 3600 IN A 192.0.2.10" in lines
    assert f"+ www2.{origin} 300 IN A 192.0.2.20" in lines
    assert any(line.startswith(f"+ {origin} 3600 IN SOA ") and " 2 7200 " in line for line in lines)
    diff_json = ok(server, "zone-diff", zone, json=True).json
    assert (diff_json["zone"], diff_json["old_serial"], diff_json["new_serial"]) == (origin, 1, 2)
    assert {"owner": f"www2.{origin}", "ttl": 300, "class": "IN", "type": "A",
            "rdata": "192.0.2.20"} in diff_json["added"]
    # bad input changes nothing
    assert "outside the zone" in refused(server, "zone-set", zone, "www.example.org.", "300", "A",
                                         "192.0.2.1")
    assert "bad A record" in refused(server, "zone-set", zone, "www3", "300", "A", "192.0.2.300")
    assert ok(server, "zone-diff", zone, json=True).json == diff_json
    # commit: served at once with the new serial, written to the source
    committed = ok(server, "zone-commit", zone, json=True).json
    assert (committed["old_serial"], committed["new_serial"]) == (1, 2)
    assert server.serial(origin) == 2
    assert addresses(server, f"www2.{origin}") == ["192.0.2.20"]
    assert rcode(server, f"www.{origin}") == dns.rcode.NXDOMAIN
    assert source_bytes() != source_bytes.before
    assert "no open transaction" in refused(server, "zone-diff", zone)

    # abort: the record never answers
    ok(server, "zone-begin", zone)
    ok(server, "zone-set", zone, "www3", "300", "A", "192.0.2.30")
    aborted = ok(server, "zone-abort", zone)
    assert aborted.stdout == f"transaction on {origin} aborted; the zone is unchanged\n"
    assert rcode(server, f"www3.{origin}") == dns.rcode.NXDOMAIN
    assert server.serial(origin) == 2
    assert "no open transaction" in refused(server, "zone-commit", zone)

    # a failed commit (CNAME beside the A) leaves the old answer and the source
    after_commit = source_bytes()
    ok(server, "zone-begin", zone)
    ok(server, "zone-set", zone, "www2", "300", "CNAME", "ns1")
    error = refused(server, "zone-commit", zone)
    assert f"commit of zone {origin} failed, nothing changed" in error and "CNAME" in error
    assert server.serial(origin) == 2
    assert addresses(server, f"www2.{origin}") == ["192.0.2.20"]
    assert source_bytes() == after_commit
    # the transaction stays open: fixed, it commits
    ok(server, "zone-unset", zone, "www2", "A", "192.0.2.20")
    fixed = ok(server, "zone-commit", zone)
    assert fixed.stdout.startswith(f"{origin} committed: serial 2 -> 3 (+1 -1 records)\n")
    reply = server.query(f"www2.{origin}", "A")
    assert reply.answer and reply.answer[0].rdtype == dns.rdatatype.CNAME
    assert server.serial(origin) == 3


class Bytes:
    """Reads a source's bytes; `before` is what it held at the start."""

    def __init__(self, read):
        self.read = read
        self.before = read()

    def __call__(self):
        return self.read()


def test_every_command_on_a_file_zone(zoned_factory, tmp_path):
    entry = file_zone(tmp_path)
    server = start(zoned_factory, tmp_path, 21600, [entry])
    check_transactions(server, "example.com.", Bytes(entry.file.read_bytes))
    # The rewritten file is a valid zone holding the change.
    assert "www2.example.com.\t300\tIN\tCNAME\tns1.example.com." in entry.file.read_text()
    check = subprocess.run([str(ZONECTL), "check-zone", "example.com", str(entry.file)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr


def test_every_command_on_a_sqlite_zone(zoned_factory, tmp_path):
    entry = sqlite_zone(tmp_path)

    def rows():
        return db_rows(entry.sqlite, "example.net.", "www2.example.net.") + \
            db_rows(entry.sqlite, "example.net.", "www.example.net.")

    server = start(zoned_factory, tmp_path, 21601, [entry])
    check_transactions(server, "example.net.", Bytes(rows))
    assert db_rows(entry.sqlite, "example.net.", "www2.example.net.") == [
        (5, 300, dns.name.from_text("ns1.example.net.").canonicalize().to_wire())]
    assert db_rows(entry.sqlite, "example.net.", "www.example.net.") == []


def test_a_second_begin_is_refused(zoned_factory, tmp_path):
    server = start(zoned_factory, tmp_path, 21602, [file_zone(tmp_path)])
    ok(server, "zone-begin", "example.com")
    error = refused(server, "zone-begin", "example.com.")
    assert error.startswith("zonectl: zone example.com. already has a transaction open (begun at ")
    assert error.rstrip().endswith(" UTC); commit or abort it first")
    assert "not configured" in refused(server, "zone-begin", "example.org")
    ok(server, "zone-abort", "example.com")
    ok(server, "zone-begin", "example.com")


def test_two_clients_edit_two_zones_at_once(zoned_factory, tmp_path):
    zones = [file_zone(tmp_path, "example.com."), sqlite_zone(tmp_path, "example.net.")]
    server = start(zoned_factory, tmp_path, 21603, zones)
    failures = []

    def edit(origin):
        try:
            ok(server, "zone-begin", origin)
            for i in range(5):
                ok(server, "zone-set", origin, f"host{i}", "300", "A", f"192.0.2.{100 + i}")
            ok(server, "zone-commit", origin)
        except AssertionError as e:  # reported from the main thread
            failures.append(str(e))

    threads = [threading.Thread(target=edit, args=(zone.domain,)) for zone in zones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures
    for zone in zones:
        assert server.serial(zone.domain) == 2
        for i in range(5):
            assert addresses(server, f"host{i}.{zone.domain}") == [f"192.0.2.{100 + i}"]


def kill_and_restart(server):
    server.send_signal(signal.SIGKILL)
    assert server.stop() == -signal.SIGKILL
    server.start()


def test_kill_9_after_commit_keeps_the_change(zoned_factory, tmp_path):
    zones = [file_zone(tmp_path, "example.com."), sqlite_zone(tmp_path, "example.net.")]
    server = start(zoned_factory, tmp_path, 21604, zones)
    for zone in zones:
        ok(server, "zone-begin", zone.domain)
        ok(server, "zone-set", zone.domain, "new", "300", "A", "192.0.2.50")
    for zone in zones:
        ok(server, "zone-commit", zone.domain)
    kill_and_restart(server)  # right after the last commit returned
    for zone in zones:
        assert server.serial(zone.domain) == 2
        assert addresses(server, f"new.{zone.domain}") == ["192.0.2.50"]


def test_kill_9_mid_transaction_keeps_the_old_zone(zoned_factory, tmp_path):
    zones = [file_zone(tmp_path, "example.com."), sqlite_zone(tmp_path, "example.net.")]
    server = start(zoned_factory, tmp_path, 21605, zones)
    for zone in zones:
        ok(server, "zone-begin", zone.domain)
        ok(server, "zone-set", zone.domain, "new", "300", "A", "192.0.2.50")
        ok(server, "zone-unset", zone.domain, "www")
    kill_and_restart(server)
    for zone in zones:
        assert server.serial(zone.domain) == 1
        assert rcode(server, f"new.{zone.domain}") == dns.rcode.NXDOMAIN
        assert addresses(server, f"www.{zone.domain}") == ["192.0.2.10"]
        # The transaction died with the daemon.
        assert "no open transaction" in refused(server, "zone-diff", zone.domain)
        ok(server, "zone-begin", zone.domain)
