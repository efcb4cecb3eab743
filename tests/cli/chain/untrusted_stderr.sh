#!/usr/bin/env bash
# Escape sequences in names and messages (issue 12 item 2): a revision
# message and a table name holding an OSC title sequence, BEL and a
# clear-screen CSI reach stderr shown escaped (\x1b), in progress lines,
# data-loss warnings and error messages alike; so does a listing on a
# terminal's stdout. A pipe gets the bytes as they are.
source "$(dirname "$0")/common.bash"

project
esc=$'\e]0;pwned\a\e[2J'
rev aaaa00000001 none "red${esc}" "CREATE TABLE \"t${esc}\" (a);" "DROP TABLE \"t${esc}\";"

# no_esc WHAT: the last run's stderr has no raw ESC or BEL
no_esc() {
	! grep -q $'[\e\a]' "$work/err" || fail "$1 printed a raw control on stderr: $(cat -v "$work/err")"
	ok "$1: no raw ESC or BEL on stderr"
}

run_ok upgrade
no_esc "upgrade"
expect_err 'red\\x1b\]0;pwned\\x07\\x1b\[2J' "upgrade shows the message's sequence escaped"
run_ok downgrade base
no_esc "downgrade"
expect_err 'warning: .*drops table t\\x1b\]0;pwned' "the data-loss warning shows the name escaped"
run_rc 2 downgrade "${esc}x"
no_esc "an unknown TARGET's error"
run_ok history
grep -q $'red\e' "$work/out" || fail "history into a pipe changed the message: $(cat -v "$work/out")"
ok "a pipe gets the message as it is"
# on a terminal (script(1) makes one; a chroot without /dev/pts cannot)
if command -v script > /dev/null && script -qec true /dev/null > /dev/null 2>&1 < /dev/null; then
	script -qec "env NO_COLOR=1 '$bin' history" /dev/null > "$work/tty" 2>&1 < /dev/null
	grep -q 'red\\x1b' "$work/tty" && ! grep -q $'\e' "$work/tty" ||
		fail "history on a terminal: $(cat -v "$work/tty")"
	ok "history on a terminal shows the sequence escaped"
else
	echo "# skipped: no pseudo-terminal here for history on a terminal"
fi

finish
