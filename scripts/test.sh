#!/usr/bin/env bash
# Quick start, part 2: install what retort needs (Debian 12), build it, and run
# the test suite under CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure
