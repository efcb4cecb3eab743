#!/usr/bin/env bash
# A connection that stays open while an in-place step edits a table's
# definition sees the new definition (issue 20): the step bumps the schema
# cookie, so the other connection reloads its schema instead of enforcing
# the one it had cached. A sqlite3 shell keeps a connection to app.db open,
# idle, with pet's schema loaded; retort drops pet's CHECK, NOT NULL and
# foreign key in place (the revision autogenerate wrote), and the open
# connection may then insert what they forbade; the downgrade adds them back
# in place, and the same connection is refused again. In rollback-journal
# and WAL mode. A control shows that the probe can tell: an edit of
# sqlite_schema that leaves the cookie alone is not seen by the open
# connection.
source "$(dirname "$0")/inplace.bash"

# models CONSTRAINED: owner and pet, pet's constraints on (1) or off (0)
models() {
	local name='' age='' owner=''
	if (($1)); then
		name=', nullable: false' age=', check: "age >= 0"' owner=', references: owner.id'
	fi
	pet_models "$name" "$age" "$owner"
}

# probes EXPECT WHAT: on the open connection, each insert that pet's
# constraints forbid is refused (EXPECT 0) or goes in (EXPECT 1), and is
# taken out again
probes() {
	local want=$1 what=$2
	conn_expect "INSERT INTO pet VALUES (101, 'neg', -1, 1);" \
		"SELECT count(*) FROM pet WHERE id = 101" "$want" "$what: age -1 (CHECK)"
	conn_expect "INSERT INTO pet VALUES (102, NULL, 1, 1);" \
		"SELECT count(*) FROM pet WHERE id = 102" "$want" "$what: a NULL name (NOT NULL)"
	conn_expect "INSERT INTO pet VALUES (103, 'stray', 1, 99);" \
		"SELECT count(*) FROM pet WHERE id = 103" "$want" "$what: owner 99, which is not there (foreign key)"
	conn_expect "DELETE FROM pet WHERE id > 100;" "SELECT count(*) FROM pet" 20 "$what: the probes taken out"
}

for mode in delete wal; do
	project "$work/$mode"
	models 1
	run_ok revision -m "pets" --autogenerate
	run_ok upgrade
	q "PRAGMA journal_mode = $mode" > /dev/null
	q "INSERT INTO owner VALUES (1), (2);
	   WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
	   INSERT INTO pet SELECT i, 'pet ' || i, i % 7, 1 + i % 2 FROM n"

	conn_open
	conn_expect "PRAGMA foreign_keys = ON;" "SELECT count(*) FROM pet" 20 "$mode: the open connection has read pet"
	probes 0 "$mode, before"

	models 0
	run_ok revision -m "pets unconstrained" --autogenerate
	f=$(head -n 1 "$work/out")
	expect_in_place "$f" upgrade "$mode: dropping the constraints is in place"
	expect_in_place "$f" downgrade "$mode: adding them back is in place"
	run_ok upgrade
	probes 1 "$mode, after the in-place upgrade, the open connection"
	expect_integrity

	run_ok downgrade -1
	probes 0 "$mode, after the in-place downgrade, the open connection"
	expect_q "SELECT count(*), sum(age), sum(owner_id) FROM pet" "20|63|30" "" "$mode: every row kept"
	expect_integrity

	# the control: the same edit by hand without the cookie bump is not seen
	# by the open connection, which still enforces the CHECK it had cached
	q "PRAGMA writable_schema = ON;
	   UPDATE sqlite_schema SET sql = replace(sql, 'age >= 0', 'age >= -5') WHERE name = 'pet';
	   PRAGMA writable_schema = OFF;"
	[[ $(q "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%age >= -5%'") == 1 ]] ||
		fail "test bug: the control's edit did not change pet's definition"
	conn_expect "INSERT INTO pet VALUES (104, 'neg', -1, 1);" \
		"SELECT count(*) FROM pet WHERE id = 104" 0 "$mode, control: without the cookie bump the open connection keeps its cached CHECK"
	conn_close
done
finish
