#!/usr/bin/env bash
# Runs every test: native C (ctest), then the WASM build in Node and the
# browser tests in headless Chromium (node --test). Expects a finished build.
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build/native --output-on-failure
node --test --test-concurrency=1 tests/js/ tests/browser/
