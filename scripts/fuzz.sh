#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan) and
# fuzzes each target for a while, or only replays the committed seed corpora.
#
#   scripts/fuzz.sh [--replay] [SECONDS] [TARGET...]
#
#   SECONDS   time per target (default 60); ignored with --replay
#   TARGET    names like `rdata` or `fuzz_rdata` (default: every fuzz/fuzz_*.cpp)
#   --replay  run each target once over fuzz/corpus/<target>/ and stop
#
# Fuzzing works on a copy of the corpus in a temporary directory, so the
# committed corpus never grows. Crash inputs are kept in
# build/fuzz/artifacts/<target>/. Exits non-zero if any target fails.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/fuzz"
seconds=60
replay=0
targets=()

for arg in "$@"; do
  case "$arg" in
    --replay) replay=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
    *)
      if [[ "$arg" =~ ^[0-9]+$ ]]; then
        seconds="$arg"
      else
        name="${arg#fuzz_}"
        if [[ ! -f "$root/fuzz/fuzz_${name}.cpp" ]]; then
          echo "fuzz.sh: no target fuzz/fuzz_${name}.cpp" >&2; exit 2
        fi
        targets+=("$name")
      fi
      ;;
  esac
done

if [[ ${#targets[@]} -eq 0 ]]; then
  for src in "$root"/fuzz/fuzz_*.cpp; do
    name="$(basename "$src" .cpp)"
    targets+=("${name#fuzz_}")
  done
fi

cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]/#/fuzz_}"

work="$(mktemp -d -t zoned-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT

failed=()
for name in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$name"
  corpus="$root/fuzz/corpus/$name"
  artifacts="$build/artifacts/$name"
  mkdir -p "$artifacts"
  # Hangs count as failures (-timeout seconds per input); leaks too (ASan).
  common=(-timeout=25 -artifact_prefix="$artifacts/" -print_final_stats=0)
  status=0
  if [[ $replay -eq 1 ]]; then
    seeds=()
    [[ -d "$corpus" ]] && while IFS= read -r -d '' f; do seeds+=("$f"); done \
      < <(find "$corpus" -type f -print0 | sort -z)
    if [[ ${#seeds[@]} -eq 0 ]]; then
      echo "== fuzz_$name: no seed corpus in fuzz/corpus/$name, skipped"
      continue
    fi
    echo "== fuzz_$name: replaying ${#seeds[@]} corpus files"
    "$bin" "${common[@]}" "${seeds[@]}" >"$work/$name.log" 2>&1 || status=$?
  else
    copy="$work/corpus-$name"
    mkdir -p "$copy"
    [[ -d "$corpus" ]] && cp -R "$corpus/." "$copy/"
    echo "== fuzz_$name: fuzzing for ${seconds}s"
    "$bin" "${common[@]}" -max_total_time="$seconds" "$copy" >"$work/$name.log" 2>&1 || status=$?
  fi
  if [[ $status -ne 0 ]]; then
    echo "!! fuzz_$name FAILED (exit $status); log tail:"
    tail -n 40 "$work/$name.log"
    echo "!! crash inputs, if any, are in $artifacts/"
    failed+=("$name")
  elif [[ $replay -eq 1 ]]; then
    echo "   ok: $(grep -c '^Executed ' "$work/$name.log") inputs"
  else
    echo "   ok: $(grep -E '^(#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs)' "$work/$name.log" | tail -n 1)"
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz.sh: failing targets: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: all targets passed"
