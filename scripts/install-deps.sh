#!/usr/bin/env bash
# Installs the Debian packages zoned needs to build and test. Idempotent: does
# nothing when everything is present. Peers (knot, bind9, nsd, unbound) are
# installed with their system services blocked from starting; tests start them.
set -euo pipefail

BUILD_PKGS=(g++ cmake ninja-build pkg-config libboost-dev libssl-dev libyaml-cpp-dev
            libsqlite3-dev libspdlog-dev doctest-dev nlohmann-json3-dev)
TEST_PKGS=(python3-dnspython python3-pytest bind9 bind9-utils bind9-dnsutils knot
           knot-dnsutils knot-dnssecutils nsd unbound ldnsutils dnsperf clang
           libclang-rt-14-dev)

want=("${BUILD_PKGS[@]}")
[[ "${1:-}" == "--build-only" ]] || want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"

# Keep knotd/named/nsd/unbound services from starting during the install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null
  $SUDO chmod 755 $policy
  created_policy=1
fi
cleanup() { [[ $created_policy -eq 1 ]] && $SUDO rm -f $policy; true; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
