"""Signed test zones for the DNSSEC system tests, signed on the fly with
BIND's dnssec-keygen and dnssec-signzone (Debian bind9-utils).

    zones = sign_test_zones(workdir)          # {variant: SignedZone}
    served = served_zone_files(zones)         # [(origin, signed file)], children included
    zones["nsec3"].origin                     # "nsec3.dnssec.test."

or, in a test module, the session-cached fixture (import it by name):

    from dnssec_zones import signed_zones     # noqa: F401 (pytest fixture)

    def test_x(signed_zones): ...

Every variant signs tests/data/dnssec/parent.zone.in under its own origin
(ECDSAP256SHA256, a KSK and a ZSK), so one server can serve them all, and a
child `secure.<origin>` from child.zone.in whose DS goes into the parent:

- "nsec": NSEC chain (RFC 4035);
- "nsec3": NSEC3, 0 extra iterations and an empty salt (RFC 9276);
- "nsec3-optout": NSEC3 with opt-out; the unsigned delegations (`sub`,
  `sibling`, `out`, `deleg.optent`) have no NSEC3 of their own, nor has the
  empty non-terminal `optent` (RFC 5155 6, 7.1);
- "broken": NSEC like "nsec", then the signatures over the RRsets listed in
  SignedZone.corrupted damaged, so validation must fail there.

Signing the eight zones (the variants in parallel) takes a few seconds at most.
"""
from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dns.dnssec
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE_DIR = REPO / "tests" / "data" / "dnssec"
PARENT_SOURCE = SOURCE_DIR / "parent.zone.in"
CHILD_SOURCE = SOURCE_DIR / "child.zone.in"
SUFFIX = "dnssec.test."
CHILD_LABEL = "secure"
ALGORITHM = "ECDSAP256SHA256"
# Signatures valid from an hour ago (clock skew) for 30 days.
INCEPTION = "now-3600"
EXPIRATION = "now+2592000"
SIGN_TIMEOUT = 20.0

KEYGEN = shutil.which("dnssec-keygen") or "/usr/bin/dnssec-keygen"
SIGNZONE = shutil.which("dnssec-signzone") or "/usr/bin/dnssec-signzone"

NSEC, NSEC3 = "nsec", "nsec3"


@dataclass(frozen=True)
class Variant:
    label: str           # origin = label + "." + SUFFIX
    denial: str          # NSEC or NSEC3
    opt_out: bool = False
    corrupt: tuple[tuple[str, str], ...] = ()  # (owner relative to the origin, type covered)


VARIANTS = {
    "nsec": Variant("nsec", NSEC),
    "nsec3": Variant("nsec3", NSEC3),
    "nsec3-optout": Variant("optout", NSEC3, opt_out=True),
    # An answer's RRset, the apex NSEC (it covers the wildcard `*.<origin>`,
    # so every NXDOMAIN whose closest encloser is the apex needs it) and the
    # DS of the signed child `secure`.
    "broken": Variant("broken", NSEC, corrupt=(("www", "A"), ("@", "NSEC"), ("secure", "DS"))),
}


@dataclass(frozen=True)
class SignedZone:
    origin: str                    # absolute, lowercase, e.g. "nsec.dnssec.test."
    path: Path                     # the signed master file
    denial: str                    # "nsec" or "nsec3"
    opt_out: bool
    ds: tuple[str, ...]            # DS rdata text, the zone's trust anchor
    dnskey: tuple[str, ...]        # DNSKEY rdata text (KSK and ZSK)
    child: SignedZone | None = None                 # the signed child `secure.<origin>`
    corrupted: tuple[tuple[str, str], ...] = ()     # (absolute owner, type covered) with bad RRSIGs

    def dnskey_rrset(self) -> dns.rrset.RRset:
        return dns.rrset.from_text_list(self.origin, 3600, "IN", "DNSKEY", list(self.dnskey))

    def ds_rrset(self) -> dns.rrset.RRset:
        return dns.rrset.from_text_list(self.origin, 3600, "IN", "DS", list(self.ds))

    def absolute(self, relative: str) -> str:
        return self.origin if relative == "@" else f"{relative}.{self.origin}"


class SigningError(RuntimeError):
    """A BIND signing tool failed; carries its output."""


def _run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=SIGN_TIMEOUT)
    if done.returncode != 0:
        raise SigningError(f"{' '.join(argv)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def _generate_keys(origin: str, keydir: Path) -> None:
    for role in (["-f", "KSK"], []):
        _run([KEYGEN, "-q", "-a", ALGORITHM, *role, "-K", str(keydir), origin], keydir)


def _keys_and_anchor(signed: Path, origin: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(DNSKEY rdata text, DS rdata text of the KSKs, SHA-256) of a signed zone file."""
    zone = dns.zone.from_file(str(signed), origin=origin, relativize=False)
    dnskeys = zone.find_rdataset(origin, dns.rdatatype.DNSKEY)
    anchors = [dns.dnssec.make_ds(origin, key, "SHA256") for key in dnskeys
               if key.flags & dns.dnssec.Flag.SEP]
    return tuple(key.to_text() for key in dnskeys), tuple(ds.to_text() for ds in anchors)


def _sign(origin: str, source_text: str, workdir: Path, variant: Variant) -> SignedZone:
    """Keys, then dnssec-signzone over `source_text`: smart signing (-S)
    lets the KSK sign the DNSKEY RRset and the ZSK everything else."""
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"{origin}src"
    signed = workdir / f"{origin}zone"
    source.write_text(f"$ORIGIN {origin}\n{source_text}")
    _generate_keys(origin, workdir)
    denial_args = ["-3", "-", "-H", "0"] if variant.denial == NSEC3 else []
    if variant.opt_out:
        denial_args.append("-A")
    _run([SIGNZONE, "-q", "-S", "-K", str(workdir), "-d", str(workdir), "-o", origin,
          "-N", "keep", "-s", INCEPTION, "-e", EXPIRATION, *denial_args,
          "-f", str(signed), str(source)], workdir)
    dnskey, ds = _keys_and_anchor(signed, origin)
    return SignedZone(origin=origin, path=signed, denial=variant.denial, opt_out=variant.opt_out,
                      ds=ds, dnskey=dnskey)


def _corrupt_signatures(zone: SignedZone, targets: tuple[tuple[str, str], ...]) -> SignedZone:
    """Flips one bit in the signature of every RRSIG over each (owner, type)
    target: the record still parses, the signature no longer verifies."""
    loaded = dns.zone.from_file(str(zone.path), origin=zone.origin, relativize=False)
    corrupted = []
    for relative, rdtype in targets:
        owner = dns.name.from_text(zone.absolute(relative))
        covered = dns.rdatatype.from_text(rdtype)
        node = loaded.get_node(owner)
        sigs = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.RRSIG, covered) if node else None
        if not sigs:
            raise SigningError(f"{zone.origin}: no RRSIG over {owner} {rdtype} to corrupt")
        damaged = [sig.replace(signature=bytes([sig.signature[0] ^ 0x01]) + sig.signature[1:])
                   for sig in sigs]
        sigs.clear()
        for sig in damaged:
            sigs.add(sig)
        corrupted.append((owner.to_text(), rdtype))
    loaded.to_file(str(zone.path), relativize=False)
    return SignedZone(**{**zone.__dict__, "corrupted": tuple(corrupted)})


def _sign_variant(variant: Variant, workdir: Path) -> SignedZone:
    origin = f"{variant.label}.{SUFFIX}"
    child = _sign(f"{CHILD_LABEL}.{origin}", CHILD_SOURCE.read_text(), workdir / "child", variant)
    delegation_ds = "".join(f"{CHILD_LABEL} DS {ds}\n" for ds in child.ds)
    parent = _sign(origin, PARENT_SOURCE.read_text() + delegation_ds, workdir / "parent", variant)
    parent = SignedZone(**{**parent.__dict__, "child": child})
    return _corrupt_signatures(parent, variant.corrupt) if variant.corrupt else parent


def sign_test_zones(workdir: Path) -> dict[str, SignedZone]:
    """Signs every variant in `workdir` (created); {variant name: SignedZone}."""
    workdir = Path(workdir)
    with ThreadPoolExecutor(max_workers=len(VARIANTS)) as pool:
        futures = {name: pool.submit(_sign_variant, variant, workdir / name)
                   for name, variant in VARIANTS.items()}
        return {name: future.result() for name, future in futures.items()}


def served_zone_files(zones: dict[str, SignedZone]) -> list[tuple[str, Path]]:
    """(origin, signed file) of every zone to serve: each variant and its child."""
    served = []
    for zone in zones.values():
        served.append((zone.origin, zone.path))
        if zone.child is not None:
            served.append((zone.child.origin, zone.child.path))
    return served


_signed_once: dict[str, SignedZone] | None = None


@pytest.fixture(scope="session")
def signed_zones(tmp_path_factory) -> dict[str, SignedZone]:
    """sign_test_zones, once per test session however many modules import it."""
    global _signed_once
    if _signed_once is None:
        _signed_once = sign_test_zones(tmp_path_factory.mktemp("dnssec-zones"))
    return _signed_once
