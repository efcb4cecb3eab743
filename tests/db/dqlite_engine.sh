#!/bin/bash
# The engine's guarantees on a real 3-node dqlite cluster (issue 17 item 3),
# through the binary: a rebuild of a parent table keeps its ON DELETE CASCADE
# child's rows both ways; --backup writes one SQLite file (dqlite's DUMP);
# two upgrades at once apply each revision once; the leader SIGKILLed in the
# middle of a 200,000-row rebuild is an error that says whether the revision
# was applied, read again from the new leader, and a rerun against the
# surviving nodes reaches head with every row.
source "$(dirname "$0")/../cli/chain/common.bash"
source "$(dirname "$0")/dqlite_nodes.bash"

dq_port; p1=$dq_port
dq_port; p2=$dq_port
dq_port; p3=$dq_port
dq_start $p1; pid1=$dq_pid
dq_wait_nodes $p1 1
dq_start $p2 $p1; pid2=$dq_pid
dq_start $p3 $p1; pid3=$dq_pid
dq_wait_nodes $p1 3 voter
nodes=127.0.0.1:$p1,127.0.0.1:$p2,127.0.0.1:$p3

# dq SQL: the dqlite shell's answer from the cluster (any node)
dq() {
	timeout 20 dqlite -s "$nodes" "${db:-engine}" "$1"
}

project
cat > retort.yaml <<EOF
database: dqlite://$nodes/engine
models: models/
revisions: revisions/
EOF
rev a00000000001 none "owner and pet" \
"CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (id) ON DELETE CASCADE, name TEXT);" \
"DROP TABLE pet;
DROP TABLE owner;"
rebuild_owner() {
	printf '%s\n' "CREATE TABLE _retort_new_owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL$1);" \
		"INSERT INTO _retort_new_owner (id, name) SELECT id, name FROM owner;" \
		"DROP TABLE owner;" \
		"ALTER TABLE _retort_new_owner RENAME TO owner;"
}
rev b00000000002 a00000000001 "owner email by a rebuild" \
	"$(rebuild_owner ", email TEXT CHECK (email LIKE '%@%')")" "$(rebuild_owner "")"
rev c00000000003 b00000000002 "big table" \
"CREATE TABLE big (k INTEGER PRIMARY KEY, v TEXT NOT NULL);
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 200000)
INSERT INTO big SELECT k, printf('value %d', k) FROM n;" \
"DROP TABLE big;"
rev d00000000004 c00000000003 "big rebuilt" \
"CREATE TABLE _retort_new_big (k INTEGER PRIMARY KEY, v TEXT NOT NULL CHECK (length(v) > 0), w INTEGER NOT NULL DEFAULT 7);
INSERT INTO _retort_new_big (k, v) SELECT k, v FROM big;
DROP TABLE big;
ALTER TABLE _retort_new_big RENAME TO big;" \
"CREATE TABLE _retort_new_big (k INTEGER PRIMARY KEY, v TEXT NOT NULL);
INSERT INTO _retort_new_big (k, v) SELECT k, v FROM big;
DROP TABLE big;
ALTER TABLE _retort_new_big RENAME TO big;"

# A rebuild of the parent keeps the CASCADE child's rows: dqlite turns
# foreign keys on for every connection, and the engine turns them off for
# the run on its own connection (PRAGMA defer_foreign_keys would not do:
# DROP TABLE's implicit DELETE still cascades).
run_ok upgrade a00000000001
dq "INSERT INTO owner VALUES (1, 'ann'), (2, 'bob')" >/dev/null || fail "insert owners"
dq "INSERT INTO pet VALUES (1, 1, 'rex'), (2, 2, 'tom'), (3, 2, 'kit')" >/dev/null || fail "insert pets"
run_ok upgrade b00000000002
[[ $(dq "SELECT count(*) FROM pet") == 3 ]] || fail "the rebuild up cascaded: $(dq "SELECT count(*) FROM pet")"
ok "pets kept through the rebuild of their owner table"
[[ $(dq "SELECT sql FROM sqlite_master WHERE name = 'owner'") == *email* ]] || fail "owner not rebuilt"
run_ok downgrade a00000000001
[[ $(dq "SELECT count(*) FROM pet") == 3 ]] || fail "the rebuild down cascaded"
ok "pets kept through the rebuild down"
[[ $(dq "SELECT count(*) FROM pragma_foreign_key_check") == 0 ]] || fail "foreign key violations"
ok "no foreign key violations"
run_ok upgrade b00000000002

# --backup: the cluster's database before the first change, as one SQLite file
run_ok upgrade c00000000003 --backup "$work/before.db"
[[ $(sqlite3 "$work/before.db" "SELECT revision FROM retort_version") == b00000000002 ]] ||
	fail "the backup is not at b00000000002"
[[ $(sqlite3 "$work/before.db" "SELECT count(*) FROM pet; PRAGMA integrity_check; PRAGMA journal_mode") == \
	$'3\nok\ndelete' ]] || fail "the backup is not whole: $(sqlite3 "$work/before.db" "PRAGMA integrity_check")"
[[ ! -e $work/before.db-wal ]] || fail "the backup left its WAL beside it"
ok "the backup is one SQLite file at the revision before the run"
[[ $(dq "SELECT count(*) FROM big") == 200000 ]] || fail "big not filled"

# Two upgrades at once on another database: each revision applied once
sed -i "s#/engine\$#/twice#" retort.yaml
"$bin" upgrade b00000000002 > "$work/one.out" 2>&1 &
one=$!
"$bin" upgrade b00000000002 > "$work/two.out" 2>&1 &
two=$!
wait $one || fail "the first concurrent upgrade failed: $(cat "$work/one.out")"
wait $two || fail "the second concurrent upgrade failed: $(cat "$work/two.out")"
[[ $(db=twice dq "SELECT revision, count(*) FROM retort_history WHERE direction = 'upgrade' GROUP BY revision") == \
	$'a00000000001|1\nb00000000002|1' ]] || fail "concurrent upgrades: $(db=twice dq "SELECT * FROM retort_history")"
ok "two upgrades at once applied each revision once"
sed -i "s#/twice\$#/engine#" retort.yaml

# The leader SIGKILLed in the middle of the 200,000-row rebuild
leader=$(dq .leader)
case $leader in
127.0.0.1:$p1) victim=$pid1 ;;
127.0.0.1:$p2) victim=$pid2 ;;
127.0.0.1:$p3) victim=$pid3 ;;
*) fail "no leader: '$leader'" ;;
esac
"$bin" upgrade head > "$work/out" 2> "$work/err" &
run=$!
# the run holds the write lock from its BEGIN IMMEDIATE on, and a node runs
# one statement at a time: a write of ours kept waiting 2 s (the copy runs) or
# refused as locked (the revision's other statements or its commit run) says
# the revision is under way (a row written over with itself changes nothing a
# drift check would see)
for _ in $(seq 500); do
	probe=$(timeout 2 dqlite -s "$nodes" engine "UPDATE owner SET name = name WHERE id = 1" 2>&1)
	code=$?
	[[ $code == 124 || $probe == *"database is locked"* ]] && break
	sleep 0.02
done
kill -KILL "$(dq_node_pid "$victim")" || fail "cannot kill the leader"
wait $run
rc=$?
last_cmd="retort upgrade head (leader killed)"
cat "$work/err"
expect_rc 3 "the run whose leader was killed"
grep -q "lost" "$work/err" || fail "no lost connection told: $(shown)"
grep -q "; connected again: .*the database is at [a-z0-9]*: run the command again to finish" \
	"$work/err" || fail "the outcome is not told: $(shown)"
told=$(grep -o "the database is at [a-z0-9]*" "$work/err")
now=$(dq "SELECT revision FROM retort_version")
[[ $told == "the database is at $now" ]] || fail "told '$told', the version table holds '$now'"
ok "what it told is what the version table of the new leader holds"
# the kill lands in the revision (the usual case) or, on a slow machine, past its commit
if grep -q "d00000000004 was not applied (rolled back)" "$work/err"; then
	[[ $now == c00000000003 ]] || fail "told not applied, but the database is at $now"
elif grep -q "d00000000004 was applied" "$work/err"; then
	[[ $now == d00000000004 ]] || fail "told applied, but the database is at $now"
else
	grep -q "upgrade d00000000004" "$work/out" "$work/err" ||
		fail "lost outside the revision, which was not reported done: $(shown)"
fi
ok "whether the revision was applied is told as the survivors hold it"

# the rerun against the surviving nodes finishes the job, every row kept
run_ok upgrade head
[[ $(dq "SELECT revision FROM retort_version") == d00000000004 ]] || fail "not at head"
[[ $(dq "SELECT count(*), sum(w = 7), sum(v = printf('value %d', k)) FROM big") == "200000|200000|200000" ]] ||
	fail "rows lost: $(dq "SELECT count(*) FROM big")"
ok "the rerun reached head with all 200,000 rows"
[[ $(dq "SELECT count(*) FROM pet") == 3 ]] || fail "pets lost"
finish
