#!/usr/bin/env bash
# The 24-hour soak: tests/c/test_soak.c (native build) rendering 24 hours
# of audio, faster than real time (docs/reliability.md gives the time on a
# 2-core machine). The test run renders 3 minutes of it.
#   bash scripts/soak.sh [seconds of audio, default 86400]
set -euo pipefail
cd "$(dirname "$0")/.."
WAMIX_SOAK_SECONDS=${1:-86400} build/native/tests/c/test_soak
