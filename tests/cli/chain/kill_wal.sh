#!/usr/bin/env bash
# SIGKILL with the database in WAL mode: the upgrade and the downgrade of
# kill_upgrade.sh and kill_downgrade.sh (on 30k rows), on a file whose
# journal_mode is WAL, killed at every line of the --echo output and at fixed
# delays. After each kill the database is at a revision boundary (schema,
# rows, history, integrity_check) and a rerun finishes; the file stays in
# WAL mode.
source "$(dirname "$0")/kill.bash"

rows=${RETORT_KILL_ROWS:-30000}
project
kill_chain
long_statement_boundary() { :; }

expect_q "PRAGMA journal_mode = WAL" wal
order=(base "$r1" "$r2" "$r3" "$r4")
record_boundary
for r in "${order[@]:1}"; do
	run_ok upgrade "$r"
	record_boundary
done
expect_q "PRAGMA journal_mode" wal "" "the file stays in WAL mode"
expect_q "SELECT count(*) FROM item" "$rows"
kill_everywhere "$r4" upgrade head

# the downgrade, against the boundaries of a stepwise downgrade
rm -f "$work"/ref/*
order=("$r4" "$r3" "$r2" "$r1" base)
record_boundary
for r in "${order[@]:1}"; do
	run_ok downgrade "$r"
	record_boundary
done
kill_everywhere base downgrade base
expect_q "PRAGMA journal_mode" wal "" "the file is still in WAL mode"
finish
