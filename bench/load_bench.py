#!/usr/bin/python3
"""Zone load benchmark: zoned (zone_load_bench) against knotd and nsd.

For zoned: load seconds (parse + check + build, from the master file and from
SQLite), peak RSS and RSS once loaded, and lookups/s. For knotd and nsd: time
from process start to the first NOERROR SOA answer (kdig every 50 ms), and
their memory once loaded (VmRSS and VmHWM summed over all their processes;
PSS too, since nsd's forked servers share the zone pages copy-on-write).
Run by bench/load_bench.sh; see bench/README.md. Never run in CI.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_configs  # noqa: E402  (bench/peer_configs.py: knotd and nsd configs)

POLL_INTERVAL = 0.05    # seconds between kdig probes
LOAD_TIMEOUT = 600.0    # a server that needs longer than this has failed
STOP_TIMEOUT = 20.0     # SIGTERM, then SIGKILL after this
KDIG_TIMEOUT = "+time=1"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def soa_answers(port, origin):
    """True when the server answers NOERROR with the SOA of origin."""
    try:
        r = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(port), "+tcp", "+retry=0", KDIG_TIMEOUT, "+short",
             "SOA", origin],
            capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0 and r.stdout.strip() != ""


def descendants(pid):
    """pid and all its descendants (from /proc/*/stat parent links)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_mib(pid):
    """(VmRSS, VmHWM, Pss) in MiB summed over pid and its descendants."""
    rss = hwm = pss = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        hwm += int(line.split()[1])
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, hwm / 1024, pss / 1024


def stop(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


RUNNING = []


def cleanup(*_):
    for p in RUNNING:
        stop(p)
    RUNNING.clear()


def measure_server(name, argv, port, origin, log_path, settle):
    """Starts argv, waits for the first SOA answer, measures memory, stops it."""
    with open(log_path, "w") as log:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        RUNNING.append(proc)
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_path}")
                if soa_answers(port, origin):
                    break
                if time.monotonic() - start > LOAD_TIMEOUT:
                    raise RuntimeError(f"{name}: no SOA answer after {LOAD_TIMEOUT:.0f} s")
                time.sleep(POLL_INTERVAL)
            seconds = time.monotonic() - start
            # Let the loader's temporaries be released before reading memory.
            time.sleep(settle)
            rss, hwm, pss = memory_mib(proc.pid)
        finally:
            stop(proc)
            RUNNING.remove(proc)
    return {"tool": name, "seconds": seconds, "rss": rss, "peak": hwm, "pss": pss}


def knot(workdir, zone, origin, port, settle, tag=""):
    d = os.path.join(workdir, "knot" + tag)
    os.makedirs(d)
    conf = peer_configs.write_knot_conf(d, port, origin, zone)
    return measure_server("knotd", ["knotd", "-c", conf], port, origin,
                          os.path.join(d, "knotd.log"), settle)


def nsd(workdir, zone, origin, port, settle, tag=""):
    d = os.path.join(workdir, "nsd" + tag)
    os.makedirs(d)
    conf = peer_configs.write_nsd_conf(d, port, origin, zone)
    return measure_server("nsd", ["nsd", "-d", "-c", conf], port, origin,
                          os.path.join(d, "nsd.out"), settle)


def run_zoned(bench, origin, zone, database, seconds):
    r = subprocess.run([bench, "--seconds", str(seconds), origin, zone, database],
                       capture_output=True, text=True, timeout=LOAD_TIMEOUT * 3)
    sys.stderr.write(r.stderr)
    sys.stderr.flush()
    if r.returncode != 0:
        raise RuntimeError(f"zone_load_bench failed ({r.returncode})")
    phases = {}
    for line in r.stdout.splitlines():
        kv = dict(item.split("=", 1) for item in line.split())
        phases[kv["phase"]] = kv
        print(line, flush=True)
    return phases


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", required=True, help="zone_load_bench binary")
    p.add_argument("--origin", default="bench.example.")
    p.add_argument("--database", required=True, help="SQLite database holding the zone")
    p.add_argument("--lookup-seconds", type=float, default=5.0)
    p.add_argument("--settle", type=float, default=1.0,
                   help="seconds between a server's first answer and reading its memory")
    p.add_argument("zone")
    args = p.parse_args()
    zone = os.path.abspath(args.zone)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: (cleanup(), sys.exit(130)))

    phases = run_zoned(args.bench, args.origin, zone, args.database, args.lookup_seconds)
    rows = []
    for phase, label in (("file", "zoned (master file)"), ("sqlite", "zoned (SQLite)")):
        kv = phases[phase]
        rows.append({"tool": label, "seconds": float(kv["seconds"]),
                     "rss": float(kv["rss_mib"]), "peak": float(kv["peak_rss_mib"]),
                     "pss": float(kv["rss_mib"])})
    workdir = tempfile.mkdtemp(prefix="zoned-loadbench-")
    tiny = os.path.join(workdir, "tiny.zone")
    with open(tiny, "w") as f:
        f.write(f"$ORIGIN {args.origin}\n$TTL 300\n@ SOA ns1 h 1 7200 3600 1209600 300\n"
                "@ NS ns1\nns1 A 192.0.2.1\n")
    try:
        for binary, server in (("knotd", knot), ("nsd", nsd)):
            if shutil.which(binary) is None:
                print(f"skipping {binary}: not installed", file=sys.stderr)
                continue
            row = server(workdir, zone, args.origin, free_port(), args.settle)
            # The same server with a one-SOA zone: process start-up and the
            # first probe, which the load seconds above include.
            floor = server(workdir, tiny, args.origin, free_port(), 0.0, "-tiny")
            row["startup"] = floor["seconds"]
            rows.append(row)
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)

    base = rows[0]
    print()
    print(f"{'tool':<22}{'load s':>8}{'startup s':>10}{'RSS MiB':>9}{'peak MiB':>10}"
          f"{'PSS MiB':>9}{'time x':>8}{'RSS x':>7}")
    for r in rows:
        startup = f"{r['startup']:>10.2f}" if "startup" in r else f"{'-':>10}"
        print(f"{r['tool']:<22}{r['seconds']:>8.2f}{startup}{r['rss']:>9.1f}{r['peak']:>10.1f}"
              f"{r['pss']:>9.1f}{r['seconds'] / base['seconds']:>8.2f}"
              f"{r['rss'] / base['rss']:>7.2f}")
    lk = phases["lookup"]
    print()
    print(f"lookups: {float(lk['lookups_per_s']):,.0f}/s, {lk['ns_per_lookup']} ns/lookup "
          f"(1 thread; mix answer={lk['answer']} nxdomain={lk['nxdomain']} "
          f"wildcard={lk['wildcard']} referral={lk['referral']} other={lk['other']})")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
