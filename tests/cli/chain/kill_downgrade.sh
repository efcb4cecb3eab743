#!/usr/bin/env bash
# SIGKILL inside a downgrade: from head (a 100k-row table, rebuilt, indexed,
# every row updated) `downgrade base` (which rebuilds the table back, drops
# indexes and a table, and updates every row) is killed at every line of its
# --echo output and at fixed delays. Each time the database must be exactly
# at a revision boundary (schema, every row and the history those of the
# reference run at that revision, integrity_check ok) and a plain
# `downgrade base` must then finish.
source "$(dirname "$0")/kill.bash"

project
kill_chain
order=("$r4" "$r3" "$r2" "$r1" base)

long_statement_boundary() {
	case $1 in
	*'INSERT INTO _retort_new_item'*) echo "$r2" ;;
	*'UPDATE item SET qty = qty - 1'*) echo "$r4" ;;
	esac
}

run_ok upgrade head
expect_version "$r4"
# the reference run, one revision at a time
record_boundary
for r in "${order[@]:1}"; do
	run_ok downgrade "$r"
	record_boundary
done
expect_version ""
kill_everywhere base downgrade base
((long_checked >= 2)) || fail "only $long_checked kills landed inside a long statement"
ok "$long_checked kills landed inside a long statement, at the boundary before it"
finish
