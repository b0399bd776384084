#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a bounded time and prints,
# per target, the executions and the coverage reached (libFuzzer's cov:
# edges and ft: features). Expects build/fuzz (scripts/build.sh).
#   bash scripts/fuzz.sh [seconds per target, default 20] [target names...]
# Each target starts from its seed corpus (tests/fuzz/corpus/<name>, never
# written to); what it finds goes to a scratch corpus under build/fuzz/runs.
# A crash or a failed check stops the run: the input that caused it is
# saved as build/fuzz/artifacts/<name>-crash-*, and
#   build/fuzz/tests/fuzz/fuzz_<name> <that file>
# replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  for bin in build/fuzz/tests/fuzz/fuzz_*; do targets+=("$(basename "$bin" | sed 's/^fuzz_//')"); done
fi
mkdir -p build/fuzz/artifacts build/fuzz/runs
for name in "${targets[@]}"; do
  bin=build/fuzz/tests/fuzz/fuzz_$name
  seeds=tests/fuzz/corpus/$name
  work=build/fuzz/runs/$name
  log=build/fuzz/runs/$name.log
  rm -rf "$work" && mkdir -p "$work" "$seeds"
  if ! "$bin" "$work" "$seeds" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz $name: FAILED (log $log; the input is in build/fuzz/artifacts/)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
  seed_count=$(find "$seeds" -type f | wc -l)
  echo "fuzz $name: $runs executions in ${seconds}s, $cov (corpus $(find "$work" -type f | wc -l) new + $seed_count seeds), clean"
done
