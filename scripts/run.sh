#!/usr/bin/env bash
# The newcomer's first command: install what is missing, build the release
# preset, and serve zones-example/ on 127.0.0.1 port 5353 in the foreground:
#   dig @127.0.0.1 -p 5353 www.example.com
# Ctrl-C stops the server. Extra arguments go to zoned (e.g. --check-config).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --build-only
cmake --preset release >/dev/null
cmake --build --preset release

config=zones-example/zoned.yaml
build/release/server/zoned --check-config -c "$config" >/dev/null
echo "zoned: serving zones-example/ on 127.0.0.1@5353 (try: dig @127.0.0.1 -p 5353 www.example.com); Ctrl-C stops it" >&2
exec build/release/server/zoned -c "$config" "$@"
