"""The zone-file corpus (tests/data/zones/) against BIND, the reference parser.

good/*.zone  both named-compilezone and `zonectl check-zone --dump` load the
             file and produce the same SET of RRs, compared in wire form
             (owner lowercased, TTL, class, type, rdata in RFC 4034 §6.2
             canonical form), each output parsed by dnspython. A second check
             feeds named's output back to our parser, so that a type dnspython
             reads wrongly cannot hide a difference.
bad/*.zone   named-compilezone rejects the file, and zonectl exits 1 naming the
             defect (`; expect: <substring>`) at `file:LINE:` (`; line: N`;
             `; file: path` when the defect is in an included file; line 0
             means a zone-level error with no line).
warn/*.zone  both load the file; zonectl prints a warning with the expected
             substring (`; warn: <substring>`) at the expected line.
stricter/*.zone  named-compilezone loads the file, zonectl rejects it on
             purpose (`; why: ...` says why), with `; expect:` / `; line:` as
             in bad/. Each is a documented, deliberate difference from BIND.

Every corpus file starts with `; origin: <zone>.`; without it the origin is
the file name minus ".zone". Files are loaded with the file's directory as
working directory, which is where BIND resolves $INCLUDE paths.

Binaries: ZONECTL (default build/release/ctl/zonectl under the repository
root) and named-compilezone from PATH. Only a missing named-compilezone skips
these tests; a missing zonectl fails them.
"""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.ttl
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ZONES = ROOT / "tests" / "data" / "zones"
ZONECTL = pathlib.Path(os.environ.get("ZONECTL", ROOT / "build" / "release" / "ctl" / "zonectl"))
if not ZONECTL.is_absolute():
    ZONECTL = ROOT / ZONECTL
NAMED_COMPILEZONE = shutil.which("named-compilezone")

# BIND's per-name policy checks (host-name syntax, MX/SRV/NS targets,
# integrity, SPF, DNAME siblings...) are not master-file syntax: turn them all
# off so named judges only what a parser judges. Zone-level errors that are
# not policy (no SOA, two SOAs, CNAME and other data) still fail.
NAMED_FLAGS = [
    "-k", "ignore", "-n", "ignore", "-m", "ignore", "-r", "ignore", "-M", "ignore",
    "-S", "ignore", "-T", "ignore", "-W", "ignore", "-i", "none", "-s", "full",
]
TIMEOUT = 120

needs_named = pytest.mark.skipif(NAMED_COMPILEZONE is None,
                                 reason="named-compilezone (bind9-utils) is not installed")


# Known differences from BIND, reported to the parser's owners: (kind, file)
# -> (reason, names of the tests that fail because of it). strict: the day
# one is fixed its tests XPASS, fail, and the entry must go.
ALL_ZONECTL_TESTS = {"good_same", "good_reread", "good_fixed_point", "bad_zonectl", "warn_zonectl"}
KNOWN_MISMATCHES = {
}


def corpus(kind, test=None):
    """Parameters for the files of one corpus kind, as seen by `test` (a
    ALL_ZONECTL_TESTS name, or None for tests that run named only)."""
    params = []
    for p in sorted((ZONES / kind).glob("*.zone")):
        known = KNOWN_MISMATCHES.get((kind, p.name))
        marks = ()
        if known and test in known[1]:
            marks = (pytest.mark.xfail(strict=True, reason=known[0]),)
        params.append(pytest.param(p, id=p.name, marks=marks))
    return params


def header(path):
    """`; key: value` lines of the leading comment block."""
    fields = {}
    for raw in path.read_bytes().decode("utf-8", "replace").splitlines():
        line = raw.rstrip("\r")
        if not line.startswith(";"):
            if line.strip():
                break
            continue
        m = re.match(r";\s*([a-z]+):\s*(.*?)\s*$", line)
        if m and m.group(1) not in fields:
            fields[m.group(1)] = m.group(2)
    return fields


def origin_of(path):
    return header(path).get("origin") or (path.name[: -len(".zone")] + ".")


def require_zonectl():
    if not ZONECTL.is_file():
        pytest.fail(f"zonectl not found at {ZONECTL}: build it or set ZONECTL")


def run(cmd, cwd):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT, errors="replace")


def named_load(path, out_file="-"):
    return run([NAMED_COMPILEZONE, *NAMED_FLAGS, "-o", out_file, origin_of(path), path.name],
               path.parent)


def zonectl_check(path, *extra):
    return run([ZONECTL, "check-zone", *extra, origin_of(path), path.name], path.parent)


# --- reading a canonical dump into a set of wire-form RRs ----------------------

def _read_rr(line):
    tok = dns.tokenizer.Tokenizer(line)
    owner = tok.get_name(dns.name.root)
    ttl = dns.ttl.from_text(tok.get_string())
    rdclass = dns.rdataclass.from_text(tok.get_string())
    rdtype = dns.rdatatype.from_text(tok.get_string())
    if rdtype in (dns.rdatatype.SVCB, dns.rdatatype.HTTPS) and "dohpath=" in line:
        # dnspython 2.3 predates RFC 9461 and knows SvcParamKey 7 only as "key7".
        return _read_rr(re.sub(r"(\s)dohpath=", r"\1key7=", line))
    rd = dns.rdata.from_text(rdclass, rdtype, tok, origin=dns.name.root, relativize=False)
    return rd, owner, ttl, rdclass, rdtype


def wire_set(text, what):
    """Parses 'owner TTL CLASS TYPE rdata' lines into a set of
    (owner wire lowercased, ttl, class, type, canonical rdata wire)."""
    rrs = set()
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        try:
            rd, owner, ttl, rdclass, rdtype = _read_rr(line)
        except Exception as e:  # noqa: BLE001 - report which line dnspython refused
            raise AssertionError(f"{what}: line {lineno} unreadable by dnspython ({e}): {line}")
        rrs.add((owner.canonicalize().to_wire(), ttl, int(rdclass), int(rdtype),
                 rd.to_digestable(dns.name.root)))
    return rrs


def describe(rr):
    owner, ttl, rdclass, rdtype, rdata = rr
    name = dns.name.from_wire(owner, 0)[0]
    return (f"{name} {ttl} {dns.rdataclass.to_text(rdclass)} {dns.rdatatype.to_text(rdtype)} "
            f"\\# {len(rdata)} {rdata.hex()}")


def assert_same_rrs(ours, theirs, label):
    missing = sorted(describe(r) for r in theirs - ours)
    extra = sorted(describe(r) for r in ours - theirs)
    assert not missing and not extra, (
        f"{label}\n  only in named ({len(missing)}):\n    " + "\n    ".join(missing[:40])
        + f"\n  only in zonectl ({len(extra)}):\n    " + "\n    ".join(extra[:40]))


def text_lines(text):
    return {line.strip() for line in text.splitlines() if line.strip()}


# --- good ------------------------------------------------------------------------

@needs_named
@pytest.mark.parametrize("path", corpus("good", "good_same"))
def test_good_same_rrs_as_named(path):
    require_zonectl()
    named = named_load(path)
    assert named.returncode == 0, f"named-compilezone rejects a good file:\n{named.stderr}{named.stdout}"
    ours = zonectl_check(path, "--dump")
    assert ours.returncode == 0, f"zonectl rejects a good file:\n{ours.stderr}"
    # named prints "zone ...: loaded serial" and "OK" around the data on stdout.
    named_rrs = "\n".join(l for l in named.stdout.splitlines()
                          if l.strip() and l.strip() != "OK" and not l.startswith("zone "))
    assert_same_rrs(wire_set(ours.stdout, "zonectl --dump"), wire_set(named_rrs, "named"),
                    f"{path.name}: zonectl and named-compilezone load different records")


@needs_named
@pytest.mark.parametrize("path", corpus("good", "good_reread"))
def test_good_named_output_reread_by_zonectl(path):
    """Ours on the original file == ours on named's canonical rendering of it.
    Covers types and forms dnspython cannot read."""
    require_zonectl()
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / (path.name)
        named = named_load(path, str(out))
        assert named.returncode == 0, f"named-compilezone rejects a good file:\n{named.stderr}"
        direct = zonectl_check(path, "--dump")
        assert direct.returncode == 0, f"zonectl rejects {path.name}:\n{direct.stderr}"
        reread = run([ZONECTL, "check-zone", "--dump", origin_of(path), out], tmp)
        assert reread.returncode == 0, f"zonectl rejects named's output of {path.name}:\n{reread.stderr}"
    a, b = text_lines(direct.stdout), text_lines(reread.stdout)
    assert a == b, (f"{path.name}: file vs named's rendering differ\n  only from file:\n    "
                    + "\n    ".join(sorted(a - b)[:40]) + "\n  only from named's output:\n    "
                    + "\n    ".join(sorted(b - a)[:40]))


@pytest.mark.parametrize("path", corpus("good", "good_fixed_point"))
def test_good_dump_is_a_fixed_point(path):
    """Dumping our own dump changes nothing (no named needed)."""
    require_zonectl()
    first = zonectl_check(path, "--dump")
    assert first.returncode == 0, f"zonectl rejects {path.name}:\n{first.stderr}"
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "dump.zone"
        out.write_text(first.stdout)
        second = run([ZONECTL, "check-zone", "--dump", origin_of(path), out], tmp)
    assert second.returncode == 0, f"zonectl rejects its own dump of {path.name}:\n{second.stderr}"
    assert text_lines(first.stdout) == text_lines(second.stdout)
    assert first.stdout.count("\n") == second.stdout.count("\n")


# --- bad -------------------------------------------------------------------------

def where(path, fields):
    """Regex for the `file:LINE:` the diagnostic must carry."""
    fname = pathlib.PurePosixPath(fields.get("file", path.name)).name
    return re.compile(r"(^|[/\s])" + re.escape(fname) + ":" + re.escape(fields["line"]) + r":")


def test_corpus_is_not_empty():
    count = lambda kind: len(list((ZONES / kind).glob("*.zone")))
    assert count("good") >= 10 and count("bad") >= 30 and count("warn") >= 1
    assert count("stricter") >= 1


@pytest.mark.parametrize("path", corpus("bad"))
def test_bad_file_headers(path):
    fields = header(path)
    assert fields.get("expect"), "bad file without '; expect: <substring>'"
    assert re.fullmatch(r"\d+", fields.get("line", "")), "bad file without '; line: N'"


@needs_named
@pytest.mark.parametrize("path", corpus("bad"))
def test_bad_rejected_by_named(path):
    named = named_load(path, os.devnull)
    assert named.returncode != 0, f"named-compilezone accepts {path.name}: move it to warn/ or fix it"


def assert_zonectl_rejects(path):
    """zonectl exits 1 with the `; expect:` error at the `; line:` position."""
    require_zonectl()
    fields = header(path)
    ours = zonectl_check(path)
    assert ours.returncode == 1, f"zonectl exit {ours.returncode} (want 1):\n{ours.stderr}{ours.stdout}"
    errors = [l for l in ours.stderr.splitlines() if "error:" in l]
    assert errors, f"no error line printed:\n{ours.stderr}"
    # Match in the message only: a file name may contain the word too.
    matching = [l for l in errors if fields["expect"] in l.split("error:", 1)[1]]
    assert matching, f"no error mentions {fields['expect']!r}:\n{ours.stderr}"
    if fields["line"] != "0":
        pos = where(path, fields)
        assert any(pos.search(l) for l in matching), (
            f"error for {fields['expect']!r} not at {fields.get('file', path.name)}:"
            f"{fields['line']}:\n{ours.stderr}")


@pytest.mark.parametrize("path", corpus("bad", "bad_zonectl"))
def test_bad_rejected_by_zonectl(path):
    assert_zonectl_rejects(path)


# --- stricter ----------------------------------------------------------------------

@needs_named
@pytest.mark.parametrize("path", corpus("stricter"))
def test_stricter_accepted_by_named(path):
    fields = header(path)
    assert fields.get("why") and fields.get("expect"), "stricter file without '; why:' and '; expect:'"
    named = named_load(path, os.devnull)
    assert named.returncode == 0, f"named-compilezone rejects {path.name}: it belongs in bad/\n{named.stderr}"


@pytest.mark.parametrize("path", corpus("stricter"))
def test_stricter_rejected_by_zonectl(path):
    assert_zonectl_rejects(path)


# --- warn ------------------------------------------------------------------------

@needs_named
@pytest.mark.parametrize("path", corpus("warn"))
def test_warn_accepted_by_named(path):
    named = named_load(path, os.devnull)
    assert named.returncode == 0, f"named-compilezone rejects {path.name}: it belongs in bad/\n{named.stderr}"


@pytest.mark.parametrize("path", corpus("warn", "warn_zonectl"))
def test_warn_accepted_by_zonectl_with_warning(path):
    require_zonectl()
    fields = header(path)
    assert fields.get("warn"), "warn file without '; warn: <substring>'"
    ours = zonectl_check(path)
    assert ours.returncode == 0, f"zonectl rejects {path.name}:\n{ours.stderr}"
    warnings = [l for l in ours.stderr.splitlines()
                if "warning:" in l and fields["warn"] in l.split("warning:", 1)[1]]
    assert warnings, f"no warning mentions {fields['warn']!r}:\n{ours.stderr}"
    if fields.get("line", "0") != "0":
        pos = where(path, fields)
        assert any(pos.search(l) for l in warnings), (
            f"warning not at {path.name}:{fields['line']}:\n{ours.stderr}")
