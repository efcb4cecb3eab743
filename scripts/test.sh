#!/usr/bin/env bash
# Quick start, part 2: install what retort needs (Debian 12), build it, and run
# the test suite under CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh
# both cores: the tests use their own temporary folders and databases
ctest --test-dir build --output-on-failure -j "$(nproc)"
