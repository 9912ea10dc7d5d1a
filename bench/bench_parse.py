#!/usr/bin/python3
"""Times zone-file checkers on one file: each tool RUNS times, median wall
time, records/s, ratio to zonectl, and the peak RSS of the child process
(from wait4's rusage, so each run is measured alone).

usage: bench_parse.py --origin ORIGIN --records N --runs R FILE
Tools: ZONECTL (env, default build/release/ctl/zonectl under the repo root),
kzonecheck and named-checkzone from PATH; a missing tool is listed as such.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def measure(cmd):
    """(seconds, peak RSS in KiB, exit status, stderr tail) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr while waiting so a chatty tool cannot block on a full pipe.
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = err.decode(errors="replace").strip().splitlines()[-3:]
    return elapsed, usage.ru_maxrss, proc.returncode, tail


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--origin", required=True)
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("file")
    a = p.parse_args()

    zonectl = pathlib.Path(os.environ.get("ZONECTL", ROOT / "build/release/ctl/zonectl"))
    tools = [
        ("zonectl check-zone", [str(zonectl), "check-zone", a.origin, a.file]
         if zonectl.is_file() else None),
        ("kzonecheck", ["kzonecheck", "-o", a.origin, a.file] if shutil.which("kzonecheck") else None),
        # -i local: named's default "full" resolves NS/MX/SRV targets it does
        # not find in the zone (delegation glue included) through the system
        # resolver, which measures the network, not the parser.
        ("named-checkzone", ["named-checkzone", "-i", "local", a.origin, a.file]
         if shutil.which("named-checkzone") else None),
    ]
    rows = []
    for name, cmd in tools:
        if cmd is None:
            rows.append((name, None, None, None, "not installed"))
            continue
        runs = []
        for i in range(a.runs):
            secs, rss, rc, tail = measure(cmd)
            print(f"  {name} run {i + 1}: {secs:.2f} s, {rss / 1024:.0f} MiB, exit {rc}",
                  file=sys.stderr)
            runs.append((secs, rss, rc, tail))
        secs = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        bad = [r for r in runs if r[2] != 0]
        note = "" if not bad else f"exit {bad[0][2]}: {' | '.join(bad[0][3])}"
        rows.append((name, secs, a.records / secs, rss, note))

    base = rows[0][1]
    print(f"\n{a.file}: {a.records} records, median of {a.runs} runs\n")
    print(f"{'tool':<20} {'seconds':>8} {'records/s':>12} {'vs zonectl':>10} {'peak RSS':>10}  note")
    for name, secs, rate, rss, note in rows:
        if secs is None:
            print(f"{name:<20} {'-':>8} {'-':>12} {'-':>10} {'-':>10}  {note}")
            continue
        ratio = f"{secs / base:.2f}x" if base else "-"
        print(f"{name:<20} {secs:>8.2f} {rate:>12,.0f} {ratio:>10} {rss / 1024:>7.0f} MiB  {note}")


if __name__ == "__main__":
    main()
