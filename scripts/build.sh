#!/usr/bin/env bash
# Builds both targets from the same dsp/ sources:
#   build/native: the static library, C tests and native tools (gcc)
#   build/wasm:   dist/wamix.wasm (Emscripten), then prints its size report
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

[[ -f build/native/CMakeCache.txt ]] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs" -- --no-print-directory >/dev/null

[[ -f build/wasm/CMakeCache.txt ]] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"$jobs" -- --no-print-directory >/dev/null

node scripts/size-report.mjs
