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

# TEXT as retort shows it on stderr (retort_buf_visible): bytes that are not UTF-8
# as \xNN, controls but tab as \r, \xNN or \uNNNN
shown_form() {
	printf '%s' "$1" | perl -MEncode -e 'my $s = decode("UTF-8", join("", <STDIN>),
		sub { sprintf "\\x%02x", shift });
	$s =~ s/([\x00-\x08\x0a-\x1f\x7f-\x9f\x{2028}-\x{202e}\x{2066}-\x{2069}])/
		my $c = ord $1; $c == 10 ? "\\n" : $c == 13 ? "\\r" :
		$c < 128 ? sprintf("\\x%02x", $c) : sprintf("\\u%04x", $c)/ge;
	print encode("UTF-8", $s)'
}

# path:line:col: error: ... is followed by that line of the file and a caret
if [[ $first =~ ^([^:]+):([0-9]+):([0-9]+):\ error: ]]; then
	file=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]} col=${BASH_REMATCH[3]}
	raw=$(sed -n "${line}p" "$file")
	src=$(shown_form "$raw")
	shown=$(sed -n 2p .retort-out/stderr)
	[[ $shown == "$src" ]] || fail "line 2 of stderr is '$shown', expected the source line '$src'"
	caret=$(sed -n 3p .retort-out/stderr)
	prefix=$(shown_form "${raw:0:col-1}")
	want_caret="${prefix//[^$'\t']/ }^"
	[[ $caret == "$want_caret" ]] || fail "caret line is '$caret', expected '$want_caret'"
fi

rm -rf .retort-out
after=$(snapshot)
[[ $before == "$after" ]] || fail "files changed: $(diff <(echo "$before") <(echo "$after"))"
echo "ok $name"
