#!/usr/bin/env bash
# Install the Debian 12 packages retort needs to build and test, skipping the
# apt run when they are all there already. Usage: install-deps.sh [--ci]
# (--ci adds clang and its sanitizer/libFuzzer runtime, the EditorConfig core,
# and Django with the Django apps whose migrations tests/django/run.sh runs,
# for .ci/run).
set -euo pipefail

# libuv1-dev: only examples/petapp_async (the library never links it);
# go-dqlite: only the tests' and bench/dqlite.sh's 3-node cluster (dqlite-demo
# and the dqlite shell; retort speaks dqlite's wire protocol itself)
pkgs=(gcc libc6-dev make cmake pkg-config libsqlite3-dev libyaml-dev libgit2-dev sqlite3 git libuv1-dev
	go-dqlite)
if [[ ${1:-} == --ci ]]; then
	pkgs+=(clang libclang-rt-14-dev)
	# the EditorConfig core: tests/style/editorconfig.sh asks it what applies
	pkgs+=(editorconfig)
	# the corpus of tests/django/gen_corpus.py (its PACKAGED list)
	pkgs+=(python3-django python3-django-allauth python3-django-axes python3-django-cas-server
		python3-django-constance python3-django-celery-beat python3-django-celery-results
		python3-django-contrib-comments python3-django-otp python3-django-q
		python3-django-guardian python3-django-invitations python3-django-oauth-toolkit
		python3-django-organizations python3-django-extensions python3-djangorestframework
		python3-django-rest-hooks python3-django-reversion python3-django-sitetree
		python3-django-tagging python3-django-taggit python3-django-waffle)
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
