#!/usr/bin/python3
"""Query benchmark: dnsperf against zoned, knotd, nsd and a null server.

Every server serves the same generated zone (gen_zone.py's mix, ~100k names,
plus wildcards) with one worker, pinned with taskset to SERVER_CPU; dnsperf
runs pinned to CLIENT_CPU. The signed mixes query that zone signed by
dnssec-signzone with NSEC, or with NSEC3 (no extra iterations, no salt:
RFC 9276), with the DO bit set (dnsperf -D); the signed files and their keys
are cached in the --out directory. For each query mix (UDP hits, UDP mixed,
TCP, and the signed ones) and each round, every server gets two dnsperf runs:

  saturation  no rate limit: the highest QPS dnsperf reaches, and the
              server's CPU time per answered query at that load;
  fixed load  dnsperf -Q: the server's CPU time per query at the same offered
              load for every server.

Server CPU is utime+stime (plus the reaped children's) summed over the
server's process tree from /proc, read before and after each run. The null
server (null_server.cpp) echoes queries with QR set and does no DNS work: its
QPS is the ceiling of dnsperf and the kernel, its CPU per query the transport
floor. Servers run side by side on their own ports and are queried one after
another, in a rotated order each round. Results: a markdown table (medians
over rounds, ratios vs null and vs knotd), per-run lines on stderr, and all
runs as JSON. Run by bench/query_bench.sh; see bench/README.md. Never in CI.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_zone  # noqa: E402  (bench/gen_zone.py: the zone the other benchmarks use)
import peer_configs  # noqa: E402

READY_TIMEOUT = 120.0    # seconds for a server to load the zone and answer
READY_POLL = 0.1
STOP_TIMEOUT = 10.0      # SIGTERM, then SIGKILL
QUERY_LINES = 100_000    # lines per dnsperf input file (dnsperf loops over it)
DNSPERF_TIMEOUT = 2      # seconds before dnsperf counts a query as lost
CLK_TCK = os.sysconf("SC_CLK_TCK")
MIX_SEED = 20261130

# Shares of the mixed file (hits, NXDOMAIN, referrals, wildcard answers).
MIXED_SHARES = (("hit", 0.40), ("nxdomain", 0.20), ("referral", 0.20), ("wildcard", 0.20))
HIT_TYPES = ("A", "AAAA", "MX", "TXT", "CNAME", "SRV")

# The zones mixes query: gen_zone's zone, and that zone signed; name ->
# dnssec-signzone arguments for its denial of existence (None: unsigned).
ZONE_VARIANTS = {
    "unsigned": None,
    "nsec": [],
    "nsec3": ["-3", "-", "-H", "0"],  # RFC 9276 §3.1: no salt, no extra iterations
    # What extra iterations cost a denial (max-nsec3-iterations, docs/DECISIONS.md).
    "nsec3-10": ["-3", "-", "-H", "10"],
    "nsec3-100": ["-3", "-", "-H", "100"],
}
SIGN_ALGORITHM = "ECDSAP256SHA256"
SIGNATURE_DAYS = 30     # dnssec-signzone -e: the signatures' validity
RESIGN_AFTER_DAYS = 20  # a cached signed zone older than this is signed again
SIGN_TIMEOUT = 3600.0
DAY_SECONDS = 86400


@dataclass(frozen=True)
class Mix:
    transport: str            # dnsperf -m
    kind: str                 # query file kind: "hits" or "mixed"
    zone: str = "unsigned"    # ZONE_VARIANTS key
    dnssec_ok: bool = False   # dnsperf -D: the DO bit (RFC 3225) on every query


MIXES = {
    "udp-hits": Mix("udp", "hits"),
    "udp-mixed": Mix("udp", "mixed"),
    "tcp-hits": Mix("tcp", "hits"),
    "udp-hits-nsec": Mix("udp", "hits", "nsec", dnssec_ok=True),
    "udp-mixed-nsec": Mix("udp", "mixed", "nsec", dnssec_ok=True),
    "udp-mixed-nsec3": Mix("udp", "mixed", "nsec3", dnssec_ok=True),
    "udp-mixed-nsec3-10": Mix("udp", "mixed", "nsec3-10", dnssec_ok=True),
    "udp-mixed-nsec3-100": Mix("udp", "mixed", "nsec3-100", dnssec_ok=True),
    # NXDOMAIN alone (the mixed file's NXDOMAIN lines), where iterations cost most.
    "udp-nxdomain-nsec3": Mix("udp", "mixed-nxdomain", "nsec3", dnssec_ok=True),
    "udp-nxdomain-nsec3-10": Mix("udp", "mixed-nxdomain", "nsec3-10", dnssec_ok=True),
    "udp-nxdomain-nsec3-100": Mix("udp", "mixed-nxdomain", "nsec3-100", dnssec_ok=True),
}
ALL_SERVERS = ("null", "knotd", "nsd", "zoned", "zoned-rrl")
# zoned-rrl: zoned with Response Rate Limiting on at a rate no bucket reaches
# (dnsperf's one client is never limited), for the cost of RRL's bookkeeping.
RRL_UNREACHED_RATE = 1_000_000


# --- zone and query files ----------------------------------------------------

def make_zone(path, records, wildcards, origin):
    """gen_zone.py's zone plus `wildcards` names *.wK (gen_zone writes none)."""
    if os.path.exists(path):
        return
    tmp = path + ".tmp"
    with open(tmp, "w", buffering=1 << 20) as out:
        gen_zone.generate(out, records, origin)
        for k in range(wildcards):
            out.write(f"*.w{k} 300 IN A 192.0.2.{k % 250}\n")
    os.replace(tmp, path)


def run_signer(argv, cwd):
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=SIGN_TIMEOUT)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {r.returncode}: {(r.stdout + r.stderr)[-400:]}")


def signing_keys(out_dir, origin):
    """The directory of the KSK and ZSK for `origin` (made on first use, then kept)."""
    keys = os.path.join(out_dir, f"keys-{origin.rstrip('.')}")
    os.makedirs(keys, exist_ok=True)
    if not any(name.endswith(".private") for name in os.listdir(keys)):
        for role in (["-f", "KSK"], []):
            run_signer(["dnssec-keygen", "-q", "-a", SIGN_ALGORITHM, *role, "-K", keys, origin], keys)
    return keys


def signed_zone(zone, origin, variant, out_dir):
    """The zone file to serve for ZONE_VARIANTS[variant]: `zone` itself, or
    its signed copy beside it, signed again when missing, older than `zone`
    or older than RESIGN_AFTER_DAYS (its signatures last SIGNATURE_DAYS)."""
    denial = ZONE_VARIANTS[variant]
    if denial is None:
        return zone
    path = f"{zone.removesuffix('.zone')}-{variant}.zone"
    if os.path.exists(path):
        age = time.time() - os.path.getmtime(path)
        if age < RESIGN_AFTER_DAYS * DAY_SECONDS and os.path.getmtime(path) >= os.path.getmtime(zone):
            return path
    keys = signing_keys(out_dir, origin)
    started = time.monotonic()
    tmp = path + ".tmp"
    # -S: the keys' DNSKEYs go into the zone, the KSK signs them and the ZSK
    # the rest. -P: no verification pass (BIND signed it; it doubles the time).
    run_signer(["dnssec-signzone", "-q", "-S", "-P", "-K", keys, "-d", keys, "-o", origin,
                "-e", f"now+{SIGNATURE_DAYS * DAY_SECONDS}", *denial, "-f", tmp, zone], keys)
    os.replace(tmp, path)
    print(f"signed {zone} with {variant.upper()} in {time.monotonic() - started:.0f} s: {path}",
          file=sys.stderr)
    return path


def zone_names(path, origin):
    """(answerable names by type, delegation points, wildcard parents, owner count)."""
    by_type = {t: [] for t in HIT_TYPES}
    delegations, wildcard_parents, owners = {}, [], set()
    owner = None
    with open(path) as f:
        for line in f:
            if not line.strip() or line[0] in ";$":
                continue
            fields = line.split()
            if not line[0].isspace():
                owner = fields[0]
                owners.add(owner)
            rtype = fields[fields.index("IN") + 1]
            absolute = origin if owner == "@" else f"{owner}.{origin}"
            if owner.startswith("*."):
                wildcard_parents.append(absolute[2:])
            elif rtype == "NS" and owner != "@":
                delegations[absolute] = None  # one entry per cut, not per NS record
            elif rtype in by_type and not owner.startswith("ns"):
                by_type[rtype].append(absolute)  # glue (ns*.dN) lies below a cut: not a hit
    return by_type, list(delegations), wildcard_parents, len(owners)


def write_queries(path, kind, names, rnd):
    """One dnsperf input file: QUERY_LINES lines of "NAME TYPE". For the mixed
    file also one file per query kind (PATH-KIND.txt, same lines, in order), for
    instructions per kind. Returns {kind: share} and {kind: its file}."""
    by_type, delegations, wildcard_parents, _ = names
    hit_pool = [(n, t) for t in HIT_TYPES for n in by_type[t]]
    shares = (("hit", 1.0),) if kind == "hits" else MIXED_SHARES
    labels, weights = zip(*shares)
    counts = {}
    per_kind = {label: f"{path.removesuffix('.txt')}-{label}.txt" for label in labels} if len(labels) > 1 else {}
    kind_out = {label: open(p, "w") for label, p in per_kind.items()}
    with open(path, "w") as out:
        for i, what in enumerate(rnd.choices(labels, weights, k=QUERY_LINES)):
            counts[what] = counts.get(what, 0) + 1
            if what == "hit":
                name, rtype = rnd.choice(hit_pool)
            elif what == "nxdomain":
                name, rtype = f"nx{rnd.getrandbits(40):x}.{rnd.choice(by_type['A'])}", "A"
            elif what == "referral":
                name, rtype = f"www.{rnd.choice(delegations)}", "A"
            else:
                name, rtype = f"q{i}.{rnd.choice(wildcard_parents)}", "A"
            out.write(f"{name} {rtype}\n")
            if what in kind_out:
                kind_out[what].write(f"{name} {rtype}\n")
    for f in kind_out.values():
        f.close()
    return {k: v / QUERY_LINES for k, v in counts.items()}, per_kind


# --- processes -----------------------------------------------------------------

def process_tree(pid):
    """pid and all its descendants, from the parent links in /proc/*/stat."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = read_stat(int(entry))
            if stat:
                children.setdefault(int(stat[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def read_stat(pid):
    """Fields of /proc/PID/stat after the command name (state is [0]), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pid):
    """utime+stime of every process in the tree, all threads, plus reaped children."""
    total = 0
    for p in process_tree(pid):
        stat = read_stat(p)
        if stat:
            # man 5 proc: utime, stime, cutime, cstime are fields 14-17 (1-based).
            total += sum(int(v) for v in stat[11:15])
    return total / CLK_TCK


class Server:
    """One server process started under taskset, stopped by PID."""

    def __init__(self, name, argv, port, workdir, needs_answer=True):
        self.name, self.argv, self.port, self.workdir = name, argv, port, workdir
        self.needs_answer = needs_answer
        self.wrapper = []           # runs argv under this (valgrind for instruction counts)
        self.stop_timeout = STOP_TIMEOUT
        self.proc = None
        self.log_path = os.path.join(workdir, f"{name}.log")

    def start(self, cpu, origin):
        if not port_is_free(self.port):
            raise RuntimeError(f"port {self.port} is in use by another process")
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["taskset", "-c", str(cpu)] + self.wrapper + self.argv, stdout=log,
                                     stderr=subprocess.STDOUT, cwd=self.workdir)
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.answers(origin):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: "
                                   f"{tail(self.log_path)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: no SOA answer after {READY_TIMEOUT:.0f} s: "
                                   f"{tail(self.log_path)}")
            time.sleep(READY_POLL)
        self.pin_threads(cpu)

    def pin_threads(self, cpu):
        """Pins every thread of the server to cpu again: knotd moves its first
        UDP worker to CPU 0 by itself, which would put it beside dnsperf."""
        for pid in process_tree(self.proc.pid):
            try:
                tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
            except OSError:
                continue
            for tid in tids:
                try:
                    if os.sched_getaffinity(tid) != {cpu}:
                        print(f"{self.name}: thread {tid} had set its own CPU affinity "
                              f"{sorted(os.sched_getaffinity(tid))}; pinned back to {cpu}", file=sys.stderr)
                        os.sched_setaffinity(tid, {cpu})
                except OSError:
                    continue  # the thread ended meanwhile

    def ask_soa(self, origin, option):
        """kdig's output for the SOA of `origin` over TCP with `option`
        (+short, +dnssec), or None when the server did not answer."""
        try:
            r = subprocess.run(["kdig", "@127.0.0.1", "-p", str(self.port), "+tcp", "+retry=0",
                                "+time=1", option, "SOA", origin],
                               capture_output=True, text=True, timeout=5)
        except subprocess.TimeoutExpired:
            return None
        return r.stdout if r.returncode == 0 else None

    def answers(self, origin):
        out = self.ask_soa(origin, "+short")
        return out is not None and (not self.needs_answer or out.strip() != "")

    def signs_answers(self, origin):
        """True when the SOA answer to a query with DO carries its RRSIG
        (RFC 4035 §3.1.1): the server serves the signed zone as signed."""
        out = self.ask_soa(origin, "+dnssec")
        return out is not None and re.search(r"\sRRSIG\s+SOA\s", out) is not None

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=self.stop_timeout)


def port_is_free(port):
    """True when 127.0.0.1:port can be bound over both UDP and TCP."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def tail(path, lines=3):
    try:
        with open(path) as f:
            return " | ".join(f.read().strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def knotd_server(workdir, zone, origin, port):
    d = os.path.join(workdir, "knotd")
    os.makedirs(d)
    conf = peer_configs.write_knot_conf(d, port, origin, zone, log_level="warning", one_worker=True)
    return Server("knotd", ["knotd", "-c", conf], port, d)


def nsd_server(workdir, zone, origin, port):
    d = os.path.join(workdir, "nsd")
    os.makedirs(d)
    conf = peer_configs.write_nsd_conf(d, port, origin, zone, verbosity=0)
    return Server("nsd", ["nsd", "-d", "-c", conf], port, d)


def zoned_server(workdir, zone, origin, port, binary, name="zoned"):
    d = os.path.join(workdir, name)
    os.makedirs(d)
    conf = os.path.join(d, "zoned.yaml")
    rrl = f"\n  rrl:\n    rate: {RRL_UNREACHED_RATE}" if name == "zoned-rrl" else ""
    with open(conf, "w") as f:
        f.write(f"""server:
  listen: ["127.0.0.1@{port}"]
  workers: 1{rrl}
log:
  level: warn
zones:
  - domain: {origin}
    file: "{zone}"
""")
    return Server(name, [binary, "-c", conf], port, d)


def null_server(workdir, port, binary):
    d = os.path.join(workdir, "null")
    os.makedirs(d)
    return Server("null", [binary, str(port)], port, d, needs_answer=False)


def make_server(name, workdir, zone, port, args):
    if name == "null":
        return null_server(workdir, port, args.null_server)
    if name == "knotd":
        return knotd_server(workdir, zone, args.origin, port)
    if name == "nsd":
        return nsd_server(workdir, zone, args.origin, port)
    return zoned_server(workdir, zone, args.origin, port, args.zoned, name)


# --- dnsperf -------------------------------------------------------------------

DNSPERF_FIELDS = {
    "sent": re.compile(r"Queries sent:\s+(\d+)"),
    "completed": re.compile(r"Queries completed:\s+(\d+)"),
    "lost": re.compile(r"Queries lost:\s+(\d+)"),
    "qps": re.compile(r"Queries per second:\s+([\d.]+)"),
}


def dnssec_flags(mix):
    """dnsperf -D sets the DO bit (and EDNS) on every query of a signed mix."""
    return ["-D"] if mix.dnssec_ok else []


def run_dnsperf(args, port, query_file, mix, qps_limit):
    argv = ["taskset", "-c", str(args.client_cpu), "dnsperf", "-s", "127.0.0.1", "-p", str(port),
            "-m", mix.transport, "-d", query_file, "-l", str(args.seconds), "-c", str(args.clients),
            "-q", str(args.outstanding), "-t", str(DNSPERF_TIMEOUT)] + dnssec_flags(mix)
    if qps_limit:
        argv += ["-Q", str(qps_limit)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=args.seconds + 60)
    out = r.stdout + r.stderr
    result = {}
    for key, pattern in DNSPERF_FIELDS.items():
        m = pattern.search(out)
        if not m:
            raise RuntimeError(f"dnsperf output lacks '{key}' (exit {r.returncode}): {out[-400:]}")
        result[key] = float(m.group(1))
    m = re.search(r"Response codes:\s+(.*)", out)
    result["rcodes"] = {}
    if m:
        for code, count in re.findall(r"([A-Z]+) (\d+)", m.group(1)):
            result["rcodes"][code] = int(count)
    return result


def measure(args, server, query_file, mix, qps_limit):
    before = server.cpu()
    r = run_dnsperf(args, server.port, query_file, mix, qps_limit)
    r["cpu_s"] = server.cpu() - before
    r["us_per_query"] = r["cpu_s"] / r["completed"] * 1e6 if r["completed"] else float("nan")
    return r


# --- instructions per query (callgrind) -----------------------------------------

CALLGRIND_STOP_TIMEOUT = 120.0  # a server under valgrind exits slowly
CALLGRIND_QPS = 1000            # replay rate: far below what a server under valgrind answers
CALLGRIND_SUMMARY = re.compile(r"^(?:summary|totals):\s+(\d+)", re.M)


def callgrind_run(args, name, workdir, zone, port, replay):
    """User-space instructions of one server run (start, optional replay, stop),
    summed over its processes; with the replay's dnsperf result."""
    os.makedirs(workdir)
    server = make_server(name, workdir, zone, port, args)
    server.stop_timeout = CALLGRIND_STOP_TIMEOUT
    server.wrapper = ["valgrind", "--tool=callgrind", "--trace-children=yes",
                      f"--callgrind-out-file={workdir}/callgrind.out.%p"]
    replayed = None
    try:
        server.start(args.server_cpu, args.origin)
        if replay:
            query_file, mix = replay
            argv = ["taskset", "-c", str(args.client_cpu), "dnsperf", "-s", "127.0.0.1",
                    "-p", str(port), "-m", mix.transport, "-d", query_file, "-n", "1", "-c", "1",
                    "-Q", str(CALLGRIND_QPS), "-t", "10"] + dnssec_flags(mix)
            r = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
            m = DNSPERF_FIELDS["completed"].search(r.stdout + r.stderr)
            replayed = int(m.group(1)) if m else 0
    finally:
        server.stop()
    total = 0
    for entry in os.listdir(workdir):
        if entry.startswith("callgrind.out."):
            with open(os.path.join(workdir, entry)) as f:
                m = CALLGRIND_SUMMARY.search(f.read())
            total += int(m.group(1)) if m else 0
    if total == 0:
        raise RuntimeError(f"{name} under callgrind wrote no counts: {tail(server.log_path)}")
    return total, replayed


def callgrind_replays(args, mixes):
    """[(label, Mix)]: the mixes, and with --callgrind-by-kind each kind of
    the mixed file alone over UDP (for each zone the mixes query)."""
    replays = [(mix, MIXES[mix]) for mix in mixes]
    if args.callgrind_by_kind:
        for variant in dict.fromkeys(MIXES[mix].zone for mix in mixes):
            suffix = "" if variant == "unsigned" else f"-{variant}"
            replays += [(f"udp-mixed{suffix}/{label}",
                         Mix("udp", f"mixed-{label}", variant, dnssec_ok=variant != "unsigned"))
                        for label, _ in MIXED_SHARES]
    return replays


def instructions_per_query(args, servers, replays, zones, query_files, workdir, next_port):
    """{(label, server): instructions/query}: a run that replays the first
    --callgrind-queries queries once, minus a run of the same zone that
    answers only the readiness probe (start-up, zone load and shutdown cancel
    out). `zones`: ZONE_VARIANTS key -> zone file."""
    replay_files = {}
    for kind, path in query_files.items():
        replay_files[kind] = f"{path}.first{args.callgrind_queries}"
        with open(path) as src, open(replay_files[kind], "w") as dst:
            for _, line in zip(range(args.callgrind_queries), src):
                dst.write(line)
    counts = {}
    for name in servers:
        port = next_port()
        try:
            base = {}
            for variant in dict.fromkeys(mix.zone for _, mix in replays):
                base[variant], _ = callgrind_run(args, name, os.path.join(workdir, f"cg-{name}-base-{variant}"),
                                                 zones[variant], port, None)
            for label, mix in replays:
                total, replayed = callgrind_run(args, name, os.path.join(workdir, f"cg-{name}-{label}"),
                                                zones[mix.zone], port, (replay_files[mix.kind], mix))
                if replayed != args.callgrind_queries:
                    print(f"callgrind {name} {label}: {replayed} of {args.callgrind_queries} answered",
                          file=sys.stderr)
                if replayed:
                    counts[(label, name)] = (total - base[mix.zone]) / replayed
                    print(f"callgrind {label:14} {name:6} {counts[(label, name)]:10,.0f} instructions/query",
                          file=sys.stderr)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"callgrind {name} failed: {e}", file=sys.stderr)
    return counts


def instructions_markdown(counts, servers, mixes):
    lines = ["| mix | server | instructions/query | x null | x knotd |", "|---|---|---|---|---|"]
    for mix in mixes:
        null, knot = counts.get((mix, "null")), counts.get((mix, "knotd"))
        for name in servers:
            n = counts.get((mix, name))
            if n is not None:
                lines.append(f"| {mix} | {name} | {n:,.0f} | {ratio(n, null) if null else '-'} "
                             f"| {ratio(n, knot) if knot else '-'} |")
    return "\n".join(lines)


# --- report ----------------------------------------------------------------------

def median(values):
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    return f"{a / b:.2f}" if b and a == a and b == b else "-"


def rcode_text(runs):
    totals = {}
    for r in runs:
        for code, n in r["rcodes"].items():
            totals[code] = totals.get(code, 0) + n
    all_ = sum(totals.values()) or 1
    return " ".join(f"{c} {100 * n / all_:.0f}%" for c, n in sorted(totals.items(), key=lambda x: -x[1]))


def summarize(results, servers, mixes):
    """Medians per (mix, server) from the per-round runs."""
    table = {}
    for mix in mixes:
        for name in servers:
            runs = results.get(mix, {}).get(name)
            if not runs:
                continue
            sat = [r["saturation"] for r in runs]
            fix = [r["fixed"] for r in runs]
            table[(mix, name)] = {
                "qps": median([r["qps"] for r in sat]),
                "qps_min": min(r["qps"] for r in sat),
                "qps_max": max(r["qps"] for r in sat),
                "lost_pct": median([100 * r["lost"] / r["sent"] if r["sent"] else 0 for r in sat]),
                "us_sat": median([r["us_per_query"] for r in sat]),
                "fixed_qps": median([r["qps"] for r in fix]),
                "fixed_lost_pct": median([100 * r["lost"] / r["sent"] if r["sent"] else 0 for r in fix]),
                "us_fixed": median([r["us_per_query"] for r in fix]),
                "rcodes": rcode_text(sat),
            }
    return table


def markdown(table, servers, mixes, fixed_qps):
    lines = [
        "| mix | server | QPS (median) | min-max | x null | x knotd | lost % | CPU us/q at saturation "
        "| x knotd | fixed -Q: QPS | lost % | CPU us/q | x knotd | response codes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mix in mixes:
        null, knot = table.get((mix, "null")), table.get((mix, "knotd"))
        for name in servers:
            row = table.get((mix, name))
            if not row:
                continue
            lines.append(
                f"| {mix} | {name} | {row['qps']:,.0f} | {row['qps_min']:,.0f}-{row['qps_max']:,.0f} "
                f"| {ratio(row['qps'], null['qps']) if null else '-'} "
                f"| {ratio(row['qps'], knot['qps']) if knot else '-'} | {row['lost_pct']:.2f} "
                f"| {row['us_sat']:.2f} | {ratio(row['us_sat'], knot['us_sat']) if knot else '-'} "
                f"| {row['fixed_qps']:,.0f} of {fixed_qps[mix]:,} | {row['fixed_lost_pct']:.2f} "
                f"| {row['us_fixed']:.2f} | {ratio(row['us_fixed'], knot['us_fixed']) if knot else '-'} "
                f"| {row['rcodes']} |")
    return "\n".join(lines)


def paired_ratios(results, mix, name, reference):
    """Per round, `name`'s CPU per query at saturation over `reference`'s in
    the same round. The machine drifts between a fast and a slow mode (every
    server's CPU per query moves together); runs of one round are minutes
    apart at most, so their ratio is steadier than the ratio of medians."""
    runs, refs = results.get(mix, {}).get(name, []), results.get(mix, {}).get(reference, [])
    return [r["saturation"]["us_per_query"] / f["saturation"]["us_per_query"]
            for r, f in zip(runs, refs) if f["saturation"]["us_per_query"]]


def target_lines(table, results):
    """The query-speed targets for zoned (bench/README.md), each with the figures it compares."""
    out = []

    def check(label, ok, detail):
        out.append(f"- {'PASS' if ok else 'FAIL'}: {label} ({detail})")

    for mix in ("udp-hits", "udp-mixed"):
        z, n = table.get((mix, "zoned")), table.get((mix, "null"))
        if z and n:
            check(f"{mix} QPS >= 0.95x null", z["qps"] >= 0.95 * n["qps"],
                  f"{z['qps']:,.0f} vs {n['qps']:,.0f} = {z['qps'] / n['qps']:.2f}x")
    z, k = table.get(("udp-mixed", "zoned")), table.get(("udp-mixed", "knotd"))
    if z and k:
        check("udp-mixed CPU/query at saturation <= 0.9x knotd", z["us_sat"] <= 0.9 * k["us_sat"],
              f"{z['us_sat']:.2f} vs {k['us_sat']:.2f} us = {z['us_sat'] / k['us_sat']:.2f}x")
        paired = paired_ratios(results, "udp-mixed", "zoned", "knotd")
        if paired:
            check("the same, paired by round", median(paired) <= 0.9,
                  f"median {median(paired):.2f}x of per-round ratios {', '.join(f'{x:.2f}' for x in paired)}")
    z, k = table.get(("tcp-hits", "zoned")), table.get(("tcp-hits", "knotd"))
    if z and k:
        check("TCP QPS >= knotd", z["qps"] >= k["qps"],
              f"{z['qps']:,.0f} vs {k['qps']:,.0f} = {z['qps'] / k['qps']:.2f}x")
    for mix in ("udp-hits", "udp-mixed"):
        on, off = table.get((mix, "zoned-rrl")), table.get((mix, "zoned"))
        if on and off:
            check(f"{mix} QPS with RRL on (nobody over the limit) >= 0.95x off", on["qps"] >= 0.95 * off["qps"],
                  f"{on['qps']:,.0f} vs {off['qps']:,.0f} = {on['qps'] / off['qps']:.2f}x")
    if not out:
        out.append("- targets not checked: no timed runs of zoned on the unsigned mixes they name")
    return out


# --- main ----------------------------------------------------------------------

def started_names(started):
    """The names of the servers started, each once, in start order."""
    return dict.fromkeys(s.name for s in started)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--null-server", required=True, help="the null_server binary")
    p.add_argument("--zoned", default="", help="the zoned binary (absent: zoned is skipped)")
    p.add_argument("--servers", default=",".join(s for s in ALL_SERVERS if s != "zoned-rrl"))
    p.add_argument("--rrl", action="store_true",
                   help="also zoned-rrl: zoned with RRL on at a rate never reached (RRL's cost)")
    p.add_argument("--mixes", default=",".join(MIXES),
                   help=f"comma-separated, of {', '.join(MIXES)} (the *-nsec* ones query the signed zone with DO)")
    p.add_argument("--records", type=int, default=148_000, help="gen_zone.py records (~100k names)")
    p.add_argument("--wildcards", type=int, default=1000)
    p.add_argument("--origin", default="bench.example.")
    p.add_argument("--out", required=True, help="directory for the zone, query files and results")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=int, default=10, help="per dnsperf run")
    p.add_argument("--fixed-qps", type=int, default=50_000, help="dnsperf -Q for the UDP mixes")
    p.add_argument("--fixed-qps-tcp", type=int, default=20_000, help="dnsperf -Q for TCP")
    p.add_argument("--clients", type=int, default=8, help="dnsperf -c (sockets / TCP connections)")
    p.add_argument("--outstanding", type=int, default=256, help="dnsperf -q")
    p.add_argument("--server-cpu", type=int, default=1)
    p.add_argument("--client-cpu", type=int, default=0)
    p.add_argument("--base-port", type=int, default=0, help="first port (0: free ports)")
    p.add_argument("--callgrind-queries", type=int, default=0,
                   help="also count instructions/query under callgrind over this many queries (0: no)")
    p.add_argument("--callgrind-by-kind", action="store_true",
                   help="with --callgrind-queries: also each kind of the mixed file alone")
    args = p.parse_args()
    # Servers run in their own directories: binaries given relative to here must still work.
    args.null_server = os.path.abspath(args.null_server)
    args.zoned = os.path.abspath(args.zoned) if args.zoned else ""
    args.out = os.path.abspath(args.out)

    servers = [s for s in args.servers.split(",") if s]
    if args.rrl and "zoned-rrl" not in servers:
        servers.append("zoned-rrl")
    mixes = [m for m in args.mixes.split(",") if m]
    for s in servers:
        if s not in ALL_SERVERS:
            p.error(f"unknown server {s!r} (known: {', '.join(ALL_SERVERS)})")
    for m in mixes:
        if m not in MIXES:
            p.error(f"unknown mix {m!r} (known: {', '.join(MIXES)})")
    skipped = {}
    for zoned in ("zoned", "zoned-rrl"):
        if zoned in servers and not (args.zoned and os.access(args.zoned, os.X_OK)):
            skipped[zoned] = f"no executable zoned binary ({args.zoned or 'none given'})"
            print(f"SKIPPING {zoned}: {skipped[zoned]}", file=sys.stderr)
            servers.remove(zoned)
    signers = ("dnssec-keygen", "dnssec-signzone") if any(MIXES[m].zone != "unsigned" for m in mixes) else ()
    for tool in ("dnsperf", "kdig", "taskset") + signers + tuple(s for s in servers if s in ("knotd", "nsd")):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"query_bench: {tool} not found")

    os.makedirs(args.out, exist_ok=True)
    zone = os.path.join(args.out, f"query-{args.records}-{args.wildcards}w.zone")
    make_zone(zone, args.records, args.wildcards, args.origin)
    names = zone_names(zone, args.origin)
    rnd = random.Random(MIX_SEED)
    query_files, shares = {}, {}
    for kind in ("hits", "mixed"):
        query_files[kind] = os.path.join(args.out, f"query-{kind}.txt")
        shares[kind], per_kind = write_queries(query_files[kind], kind, names, rnd)
        query_files.update({f"{kind}-{label}": p for label, p in per_kind.items()})
    print(f"zone {zone}: {names[3]:,} owner names, {len(names[1]):,} delegations, "
          f"{len(names[2]):,} wildcards; mixed file shares {shares['mixed']}", file=sys.stderr)
    fixed_qps = {m: args.fixed_qps_tcp if MIXES[m].transport == "tcp" else args.fixed_qps for m in mixes}
    variants = list(dict.fromkeys(MIXES[m].zone for m in mixes))
    zones = {v: signed_zone(zone, args.origin, v, args.out) for v in variants}

    workdir = tempfile.mkdtemp(prefix="query-bench-")
    # instances[variant][server name]: the servers of each zone; the null
    # server answers without a zone, so one instance serves every variant.
    started, instances, results = [], {}, {}
    load_before = os.getloadavg()[0]
    ports = iter(range(args.base_port, 65536)) if args.base_port else None

    def next_port():
        return next(ports) if ports else free_port()

    # Server directories (configs, logs, callgrind output) go away even on error.
    try:
        try:
            for variant in variants:
                instances[variant] = {}
                for name in servers:
                    if name == "null" and "null" in started_names(started):
                        instances[variant][name] = next(s for s in started if s.name == "null")
                        continue
                    variant_dir = os.path.join(workdir, variant)
                    os.makedirs(variant_dir, exist_ok=True)
                    server = make_server(name, variant_dir, zones[variant], next_port(), args)
                    started.append(server)  # stopped below even if start() is interrupted
                    try:
                        server.start(args.server_cpu, args.origin)
                        if variant != "unsigned" and name != "null" and not server.signs_answers(args.origin):
                            raise RuntimeError("no RRSIG beside the SOA in its answer to a query with DO")
                    except RuntimeError as e:
                        server.stop()
                        started.remove(server)
                        label = name if variant == "unsigned" else f"{name} ({variant} zone)"
                        skipped[label] = str(e)
                        print(f"SKIPPING {label}: {e}", file=sys.stderr)
                        continue
                    instances[variant][name] = server
            if not started:
                sys.exit("query_bench: no server started")
            for rnd_index in range(args.rounds):
                # Rotate the order so no server always runs first (or last) in a round.
                order = servers[rnd_index % len(servers):] + servers[:rnd_index % len(servers)]
                for mix in mixes:
                    spec = MIXES[mix]
                    for server in (instances[spec.zone][n] for n in order if n in instances[spec.zone]):
                        sat = measure(args, server, query_files[spec.kind], spec, 0)
                        fix = measure(args, server, query_files[spec.kind], spec, fixed_qps[mix])
                        results.setdefault(mix, {}).setdefault(server.name, []).append(
                            {"saturation": sat, "fixed": fix})
                        print(f"round {rnd_index + 1} {mix:15} {server.name:6} "
                              f"sat {sat['qps']:9,.0f} qps lost {sat['lost']:.0f} {sat['us_per_query']:6.2f} us/q | "
                              f"-Q {fixed_qps[mix]}: {fix['qps']:9,.0f} qps lost {fix['lost']:.0f} "
                              f"{fix['us_per_query']:6.2f} us/q", file=sys.stderr)
                        for s in started:
                            if s.proc.poll() is not None:
                                raise RuntimeError(f"{s.name} died (exit {s.proc.returncode}): {tail(s.log_path)}")
        finally:
            for server in started:
                server.stop()
        measured = list(started_names(started))
        instructions = {}
        if args.callgrind_queries:
            replays = callgrind_replays(args, mixes)
            instructions = instructions_per_query(args, measured, replays, zones, query_files, workdir, next_port)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    names_order = [s for s in ALL_SERVERS if any(s in results.get(m, {}) for m in mixes)]
    table = summarize(results, names_order, mixes)
    with open(os.path.join(args.out, "query-bench-results.json"), "w") as f:
        json.dump({"args": vars(args), "skipped": skipped, "runs": results,
                   "instructions_per_query": {f"{m} {n}": v for (m, n), v in instructions.items()}},
                  f, indent=1)

    print(f"{args.rounds} rounds x {args.seconds} s per run, 1 worker on CPU {args.server_cpu}, "
          f"dnsperf -c {args.clients} -q {args.outstanding} on CPU {args.client_cpu}; medians. "
          f"Load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"({os.cpu_count()} CPUs).\n")
    print(markdown(table, names_order, mixes, fixed_qps))
    print()
    if instructions:
        print(f"User-space instructions per query (callgrind, {args.callgrind_queries:,} queries "
              f"replayed once at {CALLGRIND_QPS} qps, minus a run without them):\n")
        print(instructions_markdown(instructions, measured, [label for label, _ in replays]))
        print()
    for line in target_lines(table, results):
        print(line)
    for name, why in skipped.items():
        print(f"- {name} not measured: {why}")


if __name__ == "__main__":
    main()
