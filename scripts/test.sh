#!/usr/bin/env bash
# The newcomer's second command (and what CI runs): install what is missing,
# build the release and the ASan+UBSan configurations, run the unit tests in
# both (the RRL ones 50 times over in release), the system tests against
# both, the concurrency tests under TSan, a replay of every committed fuzz
# corpus entry and a short fuzzing pass on every libFuzzer target. Ends with
# one summary line: "summary: N passed, N failed".
#
#   ZONED_FUZZ_SECONDS  seconds per fuzz target (default 10; 0 skips the fuzzing, not the replay)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs=$(mktemp -d)
passed=0
failed=0
stage_failed=()

stage() {  # stage NAME COMMAND...: run, remember failure, keep going
  local name=$1; shift
  echo "=== $name"
  if "$@"; then return 0; fi
  stage_failed+=("$name")
  return 1
}

count_ctest() {  # "100% tests passed, 0 tests failed out of 57"
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -1)
  [[ -n $line ]] || return 0
  local bad total
  bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  passed=$((passed + total - bad)); failed=$((failed + bad))
}

count_pytest() {  # junit xml: tests=, failures=, errors=, skipped=
  [[ -f $1 ]] || return 0
  read -r t f e s < <(/usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
suites = [r] if r.tag == "testsuite" else list(r)
tot = lambda k: sum(int(x.get(k, 0)) for x in suites)
print(tot("tests"), tot("failures"), tot("errors"), tot("skipped"))
PY
)
  passed=$((passed + t - f - e - s)); failed=$((failed + f + e))
}

stage "install dependencies" scripts/install-deps.sh || { echo "summary: 0 passed, 1 failed"; exit 1; }

for preset in release asan; do
  stage "build ($preset)" bash -c "cmake --preset $preset >/dev/null && cmake --build --preset $preset" || continue
  stage "unit tests ($preset)" bash -c "ctest --preset $preset -j2 2>&1 | tee $logs/ctest-$preset.log; exit \${PIPESTATUS[0]}"
  count_ctest "$logs/ctest-$preset.log"
  if [[ $preset == release ]]; then
    # RRL's tests must not pass by luck (hash collisions in the bucket table):
    # each of them 50 times in a row (about 10 s); a test counts as passed once.
    stage "rrl unit tests, 50 times ($preset)" bash -c \
      "ctest --preset $preset -j2 -R '^server:rrl: ' --repeat until-fail:50 2>&1 | tee $logs/ctest-$preset-rrl.log; exit \${PIPESTATUS[0]}"
    count_ctest "$logs/ctest-$preset-rrl.log"
  fi
  ZONECTL="$root/build/$preset/ctl/zonectl" ZONED="$root/build/$preset/server/zoned" stage "system tests ($preset)" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --junitxml="$logs/pytest-$preset.xml" tests/system
  count_pytest "$logs/pytest-$preset.xml"
done

# The concurrency tests under ThreadSanitizer: version publishing and
# reclamation, the network workers, settings publication and zone reloads.
if stage "build (tsan)" bash -c "cmake --preset tsan >/dev/null && cmake --build --preset tsan --target test_zone test_server"; then
  stage "concurrency tests (tsan)" bash -c \
    "TSAN_OPTIONS=halt_on_error=1 ctest --preset tsan -R 'qsbr|zone set|network|tcp|udp worker|settings|zone manager|rrl|stats' 2>&1 | tee $logs/ctest-tsan.log; exit \${PIPESTATUS[0]}"
  count_ctest "$logs/ctest-tsan.log"
fi

# Every committed corpus entry is replayed on its own (a regression corpus:
# each once fixed a crash or covers a case), then new inputs are searched for.
stage "fuzz corpus replay (ASan+UBSan)" scripts/fuzz.sh --replay
fuzz_seconds=${ZONED_FUZZ_SECONDS:-10}
if [[ $fuzz_seconds != 0 ]]; then
  stage "fuzz (${fuzz_seconds}s per target, ASan+UBSan)" scripts/fuzz.sh "$fuzz_seconds"
fi

if [[ ${#stage_failed[@]} -gt 0 ]]; then
  echo "failed stages: ${stage_failed[*]}"
  failed=$((failed > 0 ? failed : 1))
fi
echo "summary: $passed passed, $failed failed"
[[ ${#stage_failed[@]} -eq 0 && $failed -eq 0 ]]
