#!/bin/sh
# Query benchmark: dnsperf against zoned, knotd, nsd and a null server, one
# worker each on CPU 1, dnsperf on CPU 0. See bench/README.md ("Query
# benchmark"). Never run in CI: it takes minutes and starts servers.
#   bench/query_bench.sh                       # 3 rounds x 10 s per run
#   ROUNDS=1 RUN_SECONDS=3 bench/query_bench.sh   # quick look
#   BUILD=build/mine SERVERS=null,knotd,zoned bench/query_bench.sh --fixed-qps 30000
#   bench/query_bench.sh --mixes udp-mixed-nsec,udp-mixed-nsec3   # signed zones, DO set
# Extra arguments go to query_bench.py (see its --help). The signed mixes
# sign the zone with dnssec-signzone once and cache it in bench/out.
# BUILD (default build/bench) is configured here as a Release build with the
# bench programs (ZONED_BENCH=ON) and zoned and null_server are built in it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build/bench}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
out="$here/out"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZONED_TESTS=OFF \
  -DZONED_BENCH=ON >/dev/null
cmake --build "$build" --target null_server
null_server="$build/bench/null_server"

# A tree whose zoned does not build still measures the other servers.
zoned=""
if cmake --build "$build" --target zoned; then
  zoned="$build/server/zoned"
else
  echo "query_bench: building zoned failed; zoned is skipped" >&2
fi

exec /usr/bin/python3 "$here/query_bench.py" --null-server "$null_server" --zoned "$zoned" \
  --out "$out" --rounds "${ROUNDS:-3}" --seconds "${RUN_SECONDS:-10}" \
  --servers "${SERVERS:-null,knotd,nsd,zoned}" --base-port "${PORT_BASE:-0}" "$@"
