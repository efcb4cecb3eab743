#!/usr/bin/env bash
# Configure and build retort in build/ (extra arguments go to cmake).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build "$@"
cmake --build build -j "$(nproc)"
