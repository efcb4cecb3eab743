#!/usr/bin/env bash
# SIGKILL inside an upgrade: a run through a 100k-row table's creation, its
# rebuild (CREATE, INSERT ... SELECT, DROP, RENAME, CREATE INDEX), new
# indexes and an UPDATE of every row is killed at every line of its --echo
# output (each statement, and the engine's BEGIN, version update, history row
# and COMMIT) and at fixed delays. Each time the database must be exactly at
# a revision boundary (schema, every row and the history those of that
# revision, integrity_check ok) and a plain `upgrade head` must then finish,
# applying each revision exactly once.
source "$(dirname "$0")/kill.bash"

project
kill_chain
order=(base "$r1" "$r2" "$r3" "$r4")

# the statements that run long enough for a kill to land inside them
long_statement_boundary() {
	case $1 in
	*'WITH RECURSIVE'*) echo base ;;
	*'INSERT INTO _retort_new_item'*) echo "$r1" ;;
	*'UPDATE item SET qty = qty + 1'*) echo "$r3" ;;
	esac
}

# the reference run, one revision at a time, from an empty database file
sqlite3 app.db "VACUUM"
record_boundary
for r in "${order[@]:1}"; do
	run_ok upgrade "$r"
	expect_version "$r"
	record_boundary
done
expect_q "SELECT count(*), sum(qty), sum(price) FROM item" "$rows|$((rows / 100 * 5050))|$((rows / 100 * 4950 / 2)).0"
expect_q "SELECT count(*) FROM tag" "$((rows / 2))"
expect_q "SELECT group_concat(revision, ' ') FROM retort_history WHERE direction = 'upgrade'" "${order[*]:1}"

kill_everywhere "$r4" upgrade head
((long_checked >= 3)) || fail "only $long_checked kills landed inside a long statement"
ok "$long_checked kills landed inside a long statement, at the boundary before it"
finish
