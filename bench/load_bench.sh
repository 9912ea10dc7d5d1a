#!/bin/sh
# Zone load benchmark: zoned (parse/SQLite + check + build, lookups/s) against
# knotd and nsd loading the same generated zone. See bench/README.md. Never
# run in CI: it takes minutes and starts servers.
#   RECORDS=1000000 BUILD=build/loadbench bench/load_bench.sh
# BUILD must be a Release build configured with the benchmark programs; the
# script builds zone_load_bench and zonectl in it:
#   cmake -S . -B build/loadbench -G Ninja -DCMAKE_BUILD_TYPE=Release -DZONED_TESTS=OFF -DZONED_BENCH=ON
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
records=${RECORDS:-1000000}
wildcards=${WILDCARDS:-1000}
origin=${ORIGIN:-bench.example.}
seconds=${LOOKUP_SECONDS:-5}
build=${BUILD:-$root/build/loadbench}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
out="$here/out"
zone="$out/load-$records.zone"
db="$out/load-$records.sqlite"
bench="$build/bench/zone_load_bench"
tmp=""
cleanup() { [ -z "$tmp" ] || rm -f "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

grep -q '^ZONED_BENCH:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null ||
  { echo "$build is not configured with -DZONED_BENCH=ON (see header)" >&2; exit 1; }
cmake --build "$build" --target zone_load_bench zonectl >&2

# gen_zone.py writes no wildcards; the lookup mix needs some, so the last
# $wildcards records are wildcards appended under names of their own
# (*.wN, whose parent wN is an empty non-terminal).
mkdir -p "$out"
if [ ! -s "$zone" ]; then
  echo "generating $zone ($records records, $wildcards wildcards)" >&2
  tmp="$zone.tmp"
  /usr/bin/python3 "$here/gen_zone.py" --records "$((records - wildcards))" --origin "$origin" "$tmp"
  awk -v n="$wildcards" 'BEGIN { for (k = 0; k < n; k++) printf "*.w%d 300 IN A 192.0.2.%d\n", k, k % 250 }' >> "$tmp"
  mv "$tmp" "$zone"
  tmp=""
  rm -f "$db" "$db-wal" "$db-shm"
fi
if [ ! -s "$db" ] || [ "$zone" -nt "$db" ]; then
  echo "importing into $db" >&2
  rm -f "$db" "$db-wal" "$db-shm"
  "$build/ctl/zonectl" import "$origin" "$zone" "$db" >&2
fi

exec /usr/bin/python3 "$here/load_bench.py" --bench "$bench" --origin "$origin" --database "$db" \
  --lookup-seconds "$seconds" "$zone"
