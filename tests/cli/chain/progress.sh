#!/usr/bin/env bash
# Progress: a statement that runs for more than a second shows a "still
# running" line on a terminal (redrawn with \r and cleared before the next
# line), and nothing of the kind when stderr is not a terminal.
source "$(dirname "$0")/common.bash"

project
slow="CREATE TABLE total AS SELECT count(*) AS c FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000000) SELECT i FROM n);"
rev aaaa00000001 none "slow count" "$slow" "DROP TABLE total;"

# not a terminal: only the one line per revision
run_ok upgrade head
expect_q "SELECT c FROM total" 8000000
! grep -q $'\r' "$work/err" || fail "a carriage return on stderr, which is not a terminal: $(cat -A "$work/err")"
expect_no_err "still running|has run [0-9]|progress" "no progress line when stderr is not a terminal"
expect_err "^upgrade aaaa00000001 slow count \(" "the revision's line"
[[ $(wc -l < "$work/err") == 1 ]] || fail "more than one line on stderr: $(cat -A "$work/err")"
ok

# a terminal (script(1) gives retort a pseudo-terminal)
run_ok downgrade base
command -v script > /dev/null || fail "script(1) (util-linux) is needed to give retort a terminal"
# a machine without pseudo-terminals (a chroot without /dev/pts, some
# containers) cannot show this; say so rather than fail on the machine
if ! script -qec true /dev/null > /dev/null 2>&1; then
	echo "no pseudo-terminal here (script: $(script -qec true /dev/null 2>&1 | head -n 1)): the terminal part is not run"
	finish
fi
printf -v cmd '%q upgrade head' "$bin"
env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 script -qec "$cmd" /dev/null > "$work/tty" 2>&1
code=$?
((code == 0)) || fail "retort upgrade head on a terminal exited $code: $(cat -A "$work/tty")"
grep -Eq "still running|has run [0-9]" "$work/tty" || fail "no progress line on a terminal during a long statement: $(cat -A "$work/tty")"
grep -q $'\r' "$work/tty" || fail "the progress line is not redrawn with \\r: $(cat -A "$work/tty")"
ok "progress shown on a terminal"
# the last progress line is cleared before the revision's line
tr '\r' '\n' < "$work/tty" | grep -q '^upgrade aaaa00000001 slow count (' || fail "the revision's line does not start a fresh line after the progress: $(cat -A "$work/tty")"
ok "the progress line is cleared"
expect_q "SELECT c FROM total" 8000000
finish
