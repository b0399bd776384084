#!/usr/bin/env bash
# Builds every target from the same dsp/ sources:
#   build/native: the static library, C tests and native tools (gcc)
#   build/asan:   the same under AddressSanitizer + UBSan (gcc, WAMIX_SANITIZE)
#   build/fuzz:   the libFuzzer targets of tests/fuzz (clang, WAMIX_FUZZ)
#   build/wasm:   dist/wamix.wasm (Emscripten)
#   dist/wamix.js, dist/wamix-worklet.js: the browser's JavaScript, bundled
#     and minified (esbuild); the worklet must be one file, since bundlers
#     copy it as an asset without following its imports
# then prints the size report.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

[[ -f build/native/CMakeCache.txt ]] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs" -- --no-print-directory >/dev/null

[[ -f build/asan/CMakeCache.txt ]] ||
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAMIX_SANITIZE=ON >/dev/null
cmake --build build/asan -j"$jobs" -- --no-print-directory >/dev/null

[[ -f build/fuzz/CMakeCache.txt ]] ||
  CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAMIX_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$jobs" -- --no-print-directory >/dev/null

[[ -f build/wasm/CMakeCache.txt ]] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"$jobs" -- --no-print-directory >/dev/null

for entry in index:wamix worklet-processor:wamix-worklet; do
  node_modules/.bin/esbuild "js/${entry%%:*}.js" --bundle --format=esm --minify --log-level=warning \
    --outfile="dist/${entry##*:}.js"
done

node scripts/size-report.mjs
