#!/usr/bin/env bash
# Quick start, part 1: install what retort needs (Debian 12), build it, and run
# it on the pet app example of this repository (retort.yaml, models/).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh

run() {
	printf '\n$ %s\n' "$*" >&2
	"$@"
}

# The pet app's models (models/user.yaml, models/pet.yaml), read through
# SQLite and printed back as model YAML.
run ./build/cmd/retort --version
run ./build/cmd/retort inspect models
