#!/usr/bin/env bash
# Runs every test: native C (ctest), the same C tests under AddressSanitizer
# and UBSan, each libFuzzer target for a bounded time, then the WASM build in
# Node and the browser tests in headless Chromium (node --test). Expects a
# finished build (scripts/build.sh). docs/reliability.md lists what each
# part guarantees.
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build/native --output-on-failure
# what the two long-running tests rendered and checked (ctest keeps their output)
awk '/Testing: (hostile|soak)$/ { on = 1 } /^<end of output>/ { on = 0 } on && /^(hostile|soak): /' \
  build/native/Testing/Temporary/LastTest.log

# The same C tests under AddressSanitizer + UBSan: any report aborts the
# test (no recovery). The two long-running tests render less here than in
# the native run above.
asan_hostile=120 asan_soak=30
echo "sanitizers: ASan+UBSan run of the C tests (scaled: test_hostile ${asan_hostile} s of audio," \
  "test_soak ${asan_soak} s; the native run: ${WAMIX_HOSTILE_SECONDS:-3600} s and ${WAMIX_SOAK_SECONDS:-180} s)"
log=build/asan/ctest.log
if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  WAMIX_HOSTILE_SECONDS=$asan_hostile WAMIX_SOAK_SECONDS=$asan_soak \
  ctest --test-dir build/asan --output-on-failure >"$log" 2>&1; then
  cat "$log"
  echo "sanitizers: FAILED (log $log)" >&2
  exit 1
fi
echo "sanitizers: $(grep -o '[0-9]*% tests passed.*' "$log"); no ASan or UBSan report"

# Every libFuzzer target for a bounded time (longer: npm run fuzz -- <seconds>).
bash scripts/fuzz.sh "${WAMIX_FUZZ_SECONDS:-20}"

node --test --test-concurrency=1 tests/js/ tests/browser/ tests/package/
