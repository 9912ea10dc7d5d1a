"""`zonectl check-zone` on signed zones: the NSEC3 parameters, the earliest
RRSIG expiration (owner, covered type, UTC time) in the summary and in
--json, and the warnings for expired or soon-expiring signatures (RFC 4034
3.1.5) and NSEC3 iterations above 0 (RFC 9276 3.1).

Zones come from dnssec_zones.py (signed for 30 days); the expired,
expiring and many-iterations cases re-sign them (dnssec_resign.py) with
other dnssec-signzone times or NSEC3 parameters.

Binary: ZONECTL (see zoned_process.py). No network.
"""
from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.zone
import pytest

from dnssec_resign import resign
from dnssec_zones import signed_zones  # noqa: F401 (pytest fixture)
from zoned_process import ZONECTL

RUN_TIMEOUT = 30.0
DAY = 86400


# Every test here runs zonectl (conftest.py).
pytestmark = pytest.mark.usefixtures("zonectl_built")


def check_zone(zone_origin: str, path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ZONECTL), "check-zone", *extra, zone_origin, str(path)],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)


def check_zone_json(zone_origin: str, path: Path) -> dict:
    done = check_zone(zone_origin, path, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def signatures(path: Path, origin: str) -> list[tuple[str, str, int]]:
    """(owner, covered type, expiration) of every RRSIG in a signed file."""
    zone = dns.zone.from_file(str(path), origin=origin, relativize=False)
    found = []
    for owner, node in zone.nodes.items():
        for rdataset in node.rdatasets:
            if rdataset.rdtype != dns.rdatatype.RRSIG:
                continue
            for sig in rdataset:
                found.append((owner.to_text(), dns.rdatatype.to_text(sig.type_covered), sig.expiration))
    return found


def utc(seconds: int) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dnssec_warnings(report: dict) -> list[str]:
    """The signature and NSEC3 warnings (the test zone has others: occluded data)."""
    return [d["message"] for d in report["diagnostics"] if d["severity"] == "warning"
            and ("signature" in d["message"] or "NSEC3" in d["message"])]


def test_nsec_zone_reports_earliest_expiration(signed_zones):
    zone = signed_zones["nsec"]
    sigs = signatures(zone.path, zone.origin)
    first = min(expiration for _, _, expiration in sigs)
    first_signed = {(owner, covered) for owner, covered, expiration in sigs if expiration == first}

    report = check_zone_json(zone.origin, zone.path)
    summary = report["summary"]
    assert report["valid"] and summary["signed"] and summary["denial"] == "nsec"
    assert "nsec3" not in summary
    assert summary["expired_signatures"] == 0 and summary["expiring_signatures"] == 0
    earliest = summary["earliest_expiration"]
    assert earliest["time"] == utc(first)
    assert (earliest["owner"], earliest["type"]) in first_signed
    assert dnssec_warnings(report) == []

    human = check_zone(zone.origin, zone.path)
    assert human.returncode == 0, human.stderr
    assert "signed:  yes (NSEC)" in human.stdout
    assert f"expires: {utc(first)} (first RRSIG: {earliest['owner']} {earliest['type']})" in human.stdout
    assert "nsec3:" not in human.stdout


def test_earliest_expiration_names_its_signature(signed_zones, tmp_path):
    """One RRSIG made to expire a day before the others is the one reported."""
    zone = signed_zones["nsec"]
    loaded = dns.zone.from_file(str(zone.path), origin=zone.origin, relativize=False)
    owner = dns.name.from_text(zone.absolute("www"))
    sigs = loaded.get_node(owner).get_rdataset(dns.rdataclass.IN, dns.rdatatype.RRSIG,
                                               dns.rdatatype.AAAA)
    earlier = [sig.replace(expiration=sig.expiration - DAY) for sig in sigs]
    sigs.clear()
    for sig in earlier:
        sigs.add(sig)
    edited = tmp_path / "edited.zone"
    loaded.to_file(str(edited), relativize=False)

    earliest = check_zone_json(zone.origin, edited)["summary"]["earliest_expiration"]
    assert earliest == {"time": utc(earlier[0].expiration), "owner": owner.to_text(), "type": "AAAA"}


@pytest.mark.parametrize("variant, opt_out", [("nsec3", False), ("nsec3-optout", True)])
def test_nsec3_parameters(signed_zones, variant, opt_out):
    zone = signed_zones[variant]
    report = check_zone_json(zone.origin, zone.path)
    assert report["summary"]["denial"] == "nsec3"
    assert report["summary"]["nsec3"] == {"iterations": 0, "salt": "", "opt_out": opt_out}
    assert dnssec_warnings(report) == []

    human = check_zone(zone.origin, zone.path)
    assert "signed:  yes (NSEC3)" in human.stdout
    assert f"nsec3:   iterations 0, salt -, opt-out {'yes' if opt_out else 'no'}" in human.stdout


def test_nsec3_iterations_warn(signed_zones, tmp_path):
    zone = signed_zones["nsec3"]
    signed = resign(zone, tmp_path / "iterations.zone", "-3", "abcd", "-H", "5")
    done = check_zone(zone.origin, signed, "--json")
    assert done.returncode == 0, done.stderr  # a warning, not an error
    report = json.loads(done.stdout)
    assert report["summary"]["nsec3"] == {"iterations": 5, "salt": "ABCD", "opt_out": False}
    warnings = dnssec_warnings(report)
    assert len(warnings) == 1 and "NSEC3 iterations are 5" in warnings[0] and "RFC 9276" in warnings[0]


def test_expired_signatures_warn(signed_zones, tmp_path):
    zone = signed_zones["nsec"]
    signed = resign(zone, tmp_path / "expired.zone", "-s", "20200101000000", "-e", "20200201000000")
    count = len(signatures(signed, zone.origin))

    report = check_zone_json(zone.origin, signed)
    summary = report["summary"]
    assert report["valid"]
    assert summary["expired_signatures"] == count and summary["expiring_signatures"] == 0
    assert summary["earliest_expiration"]["time"] == "2020-02-01T00:00:00Z"
    warnings = dnssec_warnings(report)
    assert len(warnings) == 1
    assert f"{count} signature(s) have expired" in warnings[0] and "2020-02-01T00:00:00Z" in warnings[0]

    human = check_zone(zone.origin, signed)
    assert human.returncode == 0
    assert "warning: " in human.stderr and "have expired" in human.stderr


def test_signatures_expiring_within_a_week_warn(signed_zones, tmp_path):
    zone = signed_zones["nsec"]
    signed = resign(zone, tmp_path / "expiring.zone", "-s", "now-3600", "-e", f"now+{3 * DAY}")
    count = len(signatures(signed, zone.origin))

    summary_report = check_zone_json(zone.origin, signed)
    assert summary_report["summary"]["expired_signatures"] == 0
    assert summary_report["summary"]["expiring_signatures"] == count
    warnings = dnssec_warnings(summary_report)
    assert len(warnings) == 1 and f"{count} signature(s) expire within 7 days" in warnings[0]


def test_unsigned_zone_has_no_dnssec_facts(tmp_path):
    source = tmp_path / "plain.zone"
    source.write_text("$TTL 300\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n")
    summary = check_zone_json("plain.test.", source)["summary"]
    assert not summary["signed"] and summary["denial"] == "none"
    assert "nsec3" not in summary and "earliest_expiration" not in summary
