#!/usr/bin/env bash
# The newcomer's first command: install what is missing, build, and serve
# zones-example/. Until the daemon lands (issue [3/6]) this checks every
# example zone with `zonectl check-zone` and prints what zoned would serve.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --build-only
cmake --preset release >/dev/null
cmake --build --preset release

status=0
for zone_file in zones-example/*.zone; do
  origin="$(basename "$zone_file" .zone)."
  echo "== $origin ($zone_file)"
  build/release/ctl/zonectl check-zone "$origin" "$zone_file" || status=1
done
exit $status
