#!/usr/bin/env bash
# A hand-written revision whose statement starts with a sqlite3 shell
# dot-command line (issue 12 item 2): no SQL starts with '.', and the shell
# runs such a line of a --sql script between statements, so every run
# refuses the revision at that line before anything runs: `upgrade --sql`
# prints no script (nothing for sqlite3 to run), `upgrade`, `check` and
# `verify` change nothing.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "dot" "CREATE TABLE a (x);
-- a comment line keeps the shell between statements
.shell touch x
CREATE TABLE b (x);" "DROP TABLE a;"
f=$(rev_file aaaa00000001)
at="^$f:9:1: error: a statement cannot start with '\\.'"
run_rc 2 upgrade --sql
expect_err "$at" "upgrade --sql refuses the dot-command line at its place"
expect_out_empty "upgrade --sql prints no script"
sqlite3 -bail "$work/copy.db" < "$work/out" > /dev/null 2>&1
[[ ! -e x ]] || fail "sqlite3 ran the .shell line of upgrade --sql's script"
ok "no script ran .shell"
run_rc 2 upgrade
expect_err "$at" "so does upgrade"
[[ ! -e app.db ]] || expect_q "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')" 0 app.db \
	"upgrade applied nothing"
run_rc 2 verify
expect_err "a statement cannot start with '\\.'" "verify refuses it too"
[[ ! -e x ]] || fail "a run made file x"
ok "no file x"

finish
