#!/usr/bin/env bash
# Configure and build retort in build/ (extra arguments go to cmake), with
# warnings as errors: this is the developers' build.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build -DRETORT_WERROR=ON "$@"
cmake --build build -j "$(nproc)"
