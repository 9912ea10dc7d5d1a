"""zoned's zone load and reload lines say whether the zone is signed and how
(NSEC, or NSEC3 with its iterations, salt and opt-out), and zoned warns,
serving the zone anyway, when NSEC3 uses extra iterations (RFC 9276 3.1), when
a signed zone has no chain to prove denial with, and when signatures have
expired or expire within 7 days (RFC 4034 3.1.5), in the words `zonectl
check-zone` uses for the same file.

Zones from dnssec_zones.py (the many-iterations, expired and expiring ones
re-signed with dnssec_resign.py). Binaries: ZONED, and ZONECTL for the
signature warnings (see zoned_process.py). Ports 21200-21299.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone
import pytest

from dnssec_resign import resign
from dnssec_zones import signed_zones  # noqa: F401 (pytest fixture)
from zoned_process import ZONECTL, ZoneEntry

BASE_PORT = 21200
UNSIGNED_ZONE = "$TTL 300\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.1\n"
DAY = 86400
CHECK_ZONE_TIMEOUT = 30.0


def load_line(log: str, origin: str) -> str:
    found = re.findall(rf"zone {re.escape(origin)}: loaded serial .*", log)
    assert len(found) == 1, log
    return found[0]


def test_load_line_says_how_each_zone_is_signed(zoned_factory, signed_zones, tmp_path):
    unsigned = tmp_path / "plain.zone"
    unsigned.write_text(UNSIGNED_ZONE)
    variants = ("nsec", "nsec3", "nsec3-optout")
    zones = [ZoneEntry(signed_zones[v].origin, file=signed_zones[v].path) for v in variants]
    zones.append(ZoneEntry("plain.test.", file=unsigned))
    with zoned_factory(BASE_PORT, zones) as server:
        log = server.log_text()
    expected = {
        "nsec": "signed with NSEC",
        "nsec3": "signed with NSEC3 (iterations 0, salt -, no opt-out)",
        "nsec3-optout": "signed with NSEC3 (iterations 0, salt -, opt-out)",
    }
    for variant, description in expected.items():
        assert load_line(log, signed_zones[variant].origin).endswith(f" ms, {description}")
    assert load_line(log, "plain.test.").endswith(" ms, unsigned")
    assert "RFC 9276" not in log


def test_nsec3_iterations_warn_and_serve(zoned_factory, signed_zones, tmp_path):
    zone = signed_zones["nsec3"]
    signed = resign(zone, tmp_path / "iterations.zone", "-3", "abcd", "-H", "5")
    with zoned_factory(BASE_PORT + 1, [ZoneEntry(zone.origin, file=signed)]) as server:
        assert server.query(zone.origin, "SOA").rcode() == dns.rcode.NOERROR
        log = server.log_text()
    assert load_line(log, zone.origin).endswith(" ms, signed with NSEC3 (iterations 5, salt ABCD, no opt-out)")
    assert re.search(rf"zone {re.escape(zone.origin)}: NSEC3 uses 5 extra iterations; RFC 9276 "
                     r"recommends 0 .*; served anyway", log), log


def test_reload_line_says_how_the_zone_is_signed(zoned_factory, signed_zones, tmp_path):
    """A zone re-signed from NSEC to NSEC3 says so when reloaded."""
    zone = signed_zones["nsec"]
    served = tmp_path / "served.zone"
    served.write_bytes(zone.path.read_bytes())
    with zoned_factory(BASE_PORT + 2, [ZoneEntry(zone.origin, file=served)]) as server:
        mark = server.log_size()
        resign(zone, tmp_path / "nsec3.zone", "-3", "-", "-H", "0")
        os.replace(tmp_path / "nsec3.zone", served)
        server.reload()
        line = server.wait_for_log(rf"zone {re.escape(zone.origin)}: reloaded from .*", start=mark)
    assert line.group(0).endswith(" ms), signed with NSEC3 (iterations 0, salt -, no opt-out)")


def test_signed_zone_without_a_chain_warns(zoned_factory, signed_zones, tmp_path):
    """The NSEC zone with its NSEC records (and their RRSIGs) taken out."""
    zone = signed_zones["nsec"]
    loaded = dns.zone.from_file(str(zone.path), origin=zone.origin, relativize=False)
    for node in loaded.nodes.values():
        node.delete_rdataset(dns.rdataclass.IN, dns.rdatatype.NSEC)
        node.delete_rdataset(dns.rdataclass.IN, dns.rdatatype.RRSIG, dns.rdatatype.NSEC)
    stripped = tmp_path / "no-chain.zone"
    loaded.to_file(str(stripped), relativize=False)
    with zoned_factory(BASE_PORT + 3, [ZoneEntry(zone.origin, file=stripped)]) as server:
        assert server.query(zone.origin, "SOA").rcode() == dns.rcode.NOERROR
        log = server.log_text()
    assert load_line(log, zone.origin).endswith(" ms, signed, without an NSEC or NSEC3 chain")
    assert f"zone {zone.origin}: has a DNSKEY but no NSEC chain" in log


def check_zone_signature_warnings(origin: str, path: Path) -> list[str]:
    """The signature warnings `zonectl check-zone` prints for a file, as
    FILE:LINE:COLUMN: warning: MESSAGE lines."""
    if not ZONECTL.exists():
        pytest.skip(f"{ZONECTL} not built (set ZONECTL)")
    done = subprocess.run([str(ZONECTL), "check-zone", origin, str(path)],
                          capture_output=True, text=True, timeout=CHECK_ZONE_TIMEOUT)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if " signature(s) " in line]


def logged_warnings(log: str, origin: str, warning: str) -> list[str]:
    """Lines of zoned's log, at warning level, with `warning` for zone `origin`."""
    return re.findall(rf"^\S+ warning: zone {re.escape(origin)}: {re.escape(warning)}$", log, re.M)


def test_expired_and_expiring_signatures_logged_as_check_zone_says(zoned_factory, signed_zones,
                                                                   tmp_path):
    """One zone whose signatures expired in 2020, one whose expire in 2 days:
    zoned serves both and logs, for each, the warning check-zone prints."""
    expired_zone, expiring_zone = signed_zones["nsec"], signed_zones["nsec3"]
    expired = resign(expired_zone, tmp_path / "expired.zone",
                     "-s", "20200101000000", "-e", "20200201000000")
    expiring = resign(expiring_zone, tmp_path / "expiring.zone", "-3", "-", "-H", "0",
                      "-s", "now-3600", "-e", f"now+{2 * DAY}")
    expected = {
        expired_zone.origin: check_zone_signature_warnings(expired_zone.origin, expired),
        expiring_zone.origin: check_zone_signature_warnings(expiring_zone.origin, expiring),
    }
    [expired_warning] = expected[expired_zone.origin]
    assert ": warning: " in expired_warning and " signature(s) have expired; the first was " in \
        expired_warning and expired_warning.endswith(" at 2020-02-01T00:00:00Z")
    [expiring_warning] = expected[expiring_zone.origin]
    assert " signature(s) expire within 7 days; the first is " in expiring_warning

    zones = [ZoneEntry(expired_zone.origin, file=expired),
             ZoneEntry(expiring_zone.origin, file=expiring)]
    with zoned_factory(BASE_PORT + 4, zones) as server:
        for zone in (expired_zone, expiring_zone):  # served anyway
            assert server.query(zone.origin, "SOA").rcode() == dns.rcode.NOERROR
        log = server.log_text()
    for origin, warnings in expected.items():
        for warning in warnings:
            assert len(logged_warnings(log, origin, warning)) == 1, f"{warning}\n{log}"
    assert log.count(" signature(s) ") == 2, log


def test_reload_logs_expired_signatures(zoned_factory, signed_zones, tmp_path):
    """Signatures valid for 30 days: nothing said. The file replaced by one
    whose signatures have expired: the reload says so."""
    zone = signed_zones["nsec"]
    served = tmp_path / "served.zone"
    served.write_bytes(zone.path.read_bytes())
    with zoned_factory(BASE_PORT + 5, [ZoneEntry(zone.origin, file=served)]) as server:
        assert " signature(s) " not in server.log_text()
        mark = server.log_size()
        resign(zone, tmp_path / "expired.zone", "-s", "20200101000000", "-e", "20200201000000")
        os.replace(tmp_path / "expired.zone", served)
        [warning] = check_zone_signature_warnings(zone.origin, served)
        server.reload()
        server.wait_for_log(rf"zone {re.escape(zone.origin)}: reloaded from .*", start=mark)
        log = server.log_text()[mark:]
    assert len(logged_warnings(log, zone.origin, warning)) == 1, f"{warning}\n{log}"
