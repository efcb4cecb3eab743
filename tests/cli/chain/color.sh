#!/usr/bin/env bash
# Colour (issue 15 item 5): the words "error" and "warning" on stderr are
# coloured by --color=always even into a pipe and even with NO_COLOR set (the
# flag given for the run wins), never by --color=never or --no-color (the last
# one given wins), and by auto (the default) only on a terminal where NO_COLOR
# is unset or empty (no-color.org: only a non-empty value turns colour off).
# A bad WHEN is exit 2. The terminal cases need script(1) and a
# pseudo-terminal, which a chroot without /dev/pts lacks: skipped there.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "one" "CREATE TABLE t (a);" "DROP TABLE t;"
red=$'\e[1;31merror\e[0m'
yellow=$'\e[1;33mwarning\e[0m'

# col ENV... -- ARGS...: retort ARGS with the environment ENV (NO_COLOR unset
# unless given), stderr into a pipe; sets rc and leaves it in $work/err
col() {
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	last_cmd="${envs[*]} retort $*"
	env -u NO_COLOR -u DATABASE_URL -u RETORT_DATABASE_URL "${envs[@]}" "$bin" "$@" \
		> "$work/out" 2> "$work/err"
	rc=$?
}
coloured() {
	grep -qF -- "$1" "$work/err" || fail "$2: $last_cmd printed no colour: $(cat -v "$work/err")"
	ok "$2"
}
plain() {
	! grep -q $'\e' "$work/err" || fail "$1: $last_cmd printed an escape: $(cat -v "$work/err")"
	grep -q 'error\|warning' "$work/err" || fail "$1: $last_cmd said nothing: $(cat -v "$work/err")"
	ok "$1"
}

# into a pipe
col -- show nosuch
expect_rc 2
plain "auto on a pipe: no colour"
col -- --color=always show nosuch
expect_rc 2
coloured "$red" "--color=always on a pipe: error in colour"
col NO_COLOR=1 -- --color always show nosuch
coloured "$red" "--color always wins over NO_COLOR=1"
col -- --no-color --color=always show nosuch
coloured "$red" "the last of --no-color and --color wins (always)"
col -- --color=always --no-color show nosuch
plain "the last of --color and --no-color wins (never)"
col -- --color=always upgrade
expect_rc 0
col -- --color=always downgrade base
expect_rc 0
coloured "$yellow" "--color=always on a pipe: warning in colour"
col -- --color=never show nosuch
plain "--color=never: no colour"
col -- --color=auto show nosuch
plain "--color=auto on a pipe: no colour"
col -- --color=blue show nosuch
expect_rc 2
expect_err "error: --color expects auto, always or never, got 'blue'" "a bad WHEN is named"
col -- --color
expect_rc 2
expect_err "option '--color' needs a value" "--color needs a value"

# on a terminal (script(1) makes one; a chroot without /dev/pts cannot)
if command -v script > /dev/null && script -qec true /dev/null > /dev/null 2>&1 < /dev/null; then
	# on_tty ENV... -- ARGS...: retort ARGS on a terminal, its output in $work/err
	on_tty() {
		local envs=() cmd
		while [[ $1 != -- ]]; do envs+=("$1"); shift; done
		shift
		last_cmd="${envs[*]} retort $* (on a terminal)"
		printf -v cmd '%q ' env -u NO_COLOR "${envs[@]}" "$bin" "$@"
		script -qec "$cmd" /dev/null > "$work/err" 2>&1 < /dev/null
	}
	on_tty -- show nosuch
	coloured "$red" "a terminal, NO_COLOR unset: colour"
	on_tty NO_COLOR= -- show nosuch
	coloured "$red" "a terminal, NO_COLOR set but empty: colour"
	on_tty NO_COLOR=1 -- show nosuch
	plain "a terminal, NO_COLOR=1: no colour"
	on_tty NO_COLOR=1 -- --color=auto show nosuch
	plain "a terminal, NO_COLOR=1, --color=auto: no colour"
	on_tty -- --color=never show nosuch
	plain "a terminal, --color=never: no colour"
	on_tty -- --no-color show nosuch
	plain "a terminal, --no-color: no colour"
	on_tty NO_COLOR=1 -- --color=always show nosuch
	coloured "$red" "a terminal, NO_COLOR=1, --color=always: colour"
else
	echo "# skipped: no pseudo-terminal here for the terminal cases"
fi

finish
