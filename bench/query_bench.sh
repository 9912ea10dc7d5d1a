#!/bin/sh
# Query benchmark: dnsperf against zoned, knotd, nsd and a null server, one
# worker each on CPU 1, dnsperf on CPU 0. See bench/README.md ("Query
# benchmark"). Never run in CI: it takes minutes and starts servers.
#   bench/query_bench.sh                       # 3 rounds x 10 s per run
#   ROUNDS=1 RUN_SECONDS=3 bench/query_bench.sh   # quick look
#   BUILD=build/mine SERVERS=null,knotd,zoned bench/query_bench.sh --fixed-qps 30000
# Extra arguments go to query_bench.py (see its --help).
# BUILD (default build/bench) is configured here as a Release build with the
# bench programs (ZONED_BENCH=ON) and zoned and null_server are built in it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build/bench}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
out="$here/out"

# bench/CMakeLists.txt builds bench/*.cpp when ZONED_BENCH=ON; without it the
# null server is compiled here.
bench_option=OFF
[ -e "$here/CMakeLists.txt" ] && bench_option=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZONED_TESTS=OFF \
  -DZONED_BENCH="$bench_option" >/dev/null

has_target() { ninja -C "$build" -t targets all 2>/dev/null | grep -q "^$1: phony"; }

zoned=""
if has_target zoned; then
  if cmake --build "$build" --target zoned; then
    zoned="$build/server/zoned"
  else
    echo "query_bench: building zoned failed; zoned is skipped" >&2
  fi
else
  echo "query_bench: no zoned target in this tree yet; zoned is skipped" >&2
fi

if [ "$bench_option" = ON ] && has_target null_server; then
  cmake --build "$build" --target null_server
  null_server="$build/bench/null_server"
else
  null_server="$build/null_server"
  if [ ! -x "$null_server" ] || [ "$here/null_server.cpp" -nt "$null_server" ]; then
    g++ -std=c++20 -O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion \
      "$here/null_server.cpp" -o "$null_server"
  fi
fi

exec /usr/bin/python3 "$here/query_bench.py" --null-server "$null_server" --zoned "$zoned" \
  --out "$out" --rounds "${ROUNDS:-3}" --seconds "${RUN_SECONDS:-10}" \
  --servers "${SERVERS:-null,knotd,nsd,zoned}" --base-port "${PORT_BASE:-0}" "$@"
