#!/usr/bin/env bash
# One bad-input case against the real binary: run_bad.sh RETORT_BIN CASE_DIR.
# A case holds its input files, `cmd` (the arguments), optionally `env`
# (VAR=value lines) and `exit` (default 2), and `expected`: the exact first
# line of stderr. The run must exit with that code, print nothing on stdout,
# show the source line and a caret under the column when the error has a
# location, not crash, and leave every file exactly as it was.
set -uo pipefail
# columns count characters, as libyaml's marks do, so that a caret after
# "名前" stands under the right character
export LC_ALL=C.UTF-8

bin=$1
case_dir=$2
name=$(basename "$case_dir")
fail() {
	echo "FAIL $name: $*" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$case_dir"/. "$work"/
cd "$work" || fail "cannot enter $work"
snapshot() {
	find . -path ./.retort-out -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
	find . -path ./.retort-out -prune -o -print | sort
}
before=$(snapshot)

read -r -a args < cmd
envs=()
if [[ -f env ]]; then
	mapfile -t envs < env
fi
mkdir .retort-out
runner=()
if [[ ${RETORT_VALGRIND:-0} == 1 ]] && command -v valgrind >/dev/null; then
	runner=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
fi
env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "${envs[@]}" \
	"${runner[@]}" "$bin" "${args[@]}" > .retort-out/stdout 2> .retort-out/stderr
code=$?

want_code=2
[[ -f exit ]] && want_code=$(< exit)
(( code < 128 )) || fail "crashed (exit $code): $(cat .retort-out/stderr)"
[[ $code == 99 ]] && fail "valgrind reported errors: $(cat .retort-out/stderr)"
[[ $code == "$want_code" ]] || fail "exit $code, expected $want_code: $(cat .retort-out/stderr)"
[[ ! -s .retort-out/stdout ]] || fail "wrote to stdout: $(cat .retort-out/stdout)"
first=$(head -n 1 .retort-out/stderr)
want=$(< expected)
[[ $first == "$want" ]] || fail "stderr is
  $first
expected
  $want"

# path:line:col: error: ... is followed by that line of the file and a caret
if [[ $first =~ ^([^:]+):([0-9]+):([0-9]+):\ error: ]]; then
	file=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]} col=${BASH_REMATCH[3]}
	src=$(sed -n "${line}p" "$file")
	shown=$(sed -n 2p .retort-out/stderr)
	[[ $shown == "$src" ]] || fail "line 2 of stderr is '$shown', expected the source line '$src'"
	caret=$(sed -n 3p .retort-out/stderr)
	prefix=${src:0:col-1}
	want_caret="${prefix//[^$'\t']/ }^"
	[[ $caret == "$want_caret" ]] || fail "caret line is '$caret', expected '$want_caret'"
fi

rm -rf .retort-out
after=$(snapshot)
[[ $before == "$after" ]] || fail "files changed: $(diff <(echo "$before") <(echo "$after"))"
echo "ok $name"
