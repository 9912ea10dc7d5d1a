#!/bin/sh
# Master-file parser benchmark: zonectl check-zone vs kzonecheck (Knot) vs
# named-checkzone (BIND) on one generated zone. See bench/README.md.
#   RECORDS=1000000 RUNS=3 ZONECTL=build/release/ctl/zonectl bench/parse_bench.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
records=${RECORDS:-1000000}
runs=${RUNS:-3}
origin=${ORIGIN:-bench.example.}
out="$here/out"
zone="$out/bench-$records.zone"
export ZONECTL="${ZONECTL:-$root/build/release/ctl/zonectl}"
case "$ZONECTL" in /*) ;; *) ZONECTL="$root/$ZONECTL" ;; esac

mkdir -p "$out"
if [ ! -s "$zone" ]; then
  echo "generating $zone ($records records)" >&2
  /usr/bin/python3 "$here/gen_zone.py" --records "$records" --origin "$origin" "$zone.tmp"
  mv "$zone.tmp" "$zone"
fi
[ -x "$ZONECTL" ] || echo "warning: no zonectl at $ZONECTL (build the release preset or set ZONECTL)" >&2
exec /usr/bin/python3 "$here/bench_parse.py" --origin "$origin" --records "$records" --runs "$runs" "$zone"
