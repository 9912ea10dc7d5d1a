"""Re-signing a zone of dnssec_zones.py with other dnssec-signzone options
(signature times, NSEC3 parameters), for the tests of what zonectl and zoned
tell operators about signed zones:

    signed = resign(signed_zones["nsec"], tmp_path / "expired.zone",
                    "-s", "20200101000000", "-e", "20200201000000")

It reuses the zone's source and keys, which dnssec_zones.py keeps beside the
signed file.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from dnssec_zones import SIGNZONE, SignedZone

RESIGN_TIMEOUT = 30.0


def resign(zone: SignedZone, out: Path, *signzone_args: str) -> Path:
    """Writes `zone` signed again with `signzone_args` to `out`. -P: the
    post-signing check would refuse expired signatures, which some tests want."""
    workdir = zone.path.parent
    source = workdir / f"{zone.origin}src"
    done = subprocess.run([SIGNZONE, "-q", "-P", "-S", "-K", str(workdir), "-d", str(out.parent),
                           "-o", zone.origin, "-N", "keep", *signzone_args, "-f", str(out),
                           str(source)], capture_output=True, text=True, timeout=RESIGN_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"dnssec-signzone exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return out
