#!/usr/bin/env bash
# Install the Debian 12 packages retort needs to build and test, skipping the
# apt run when they are all there already. Usage: install-deps.sh [--ci]
# (--ci adds clang and its sanitizer/libFuzzer runtime, for .ci/run).
set -euo pipefail

# libuv1-dev: only examples/petapp_async (the library never links it)
pkgs=(gcc libc6-dev make cmake pkg-config libsqlite3-dev libyaml-dev libgit2-dev sqlite3 git libuv1-dev)
if [[ ${1:-} == --ci ]]; then
	pkgs+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} == 0)); then
	exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	sudo=(sudo)
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
