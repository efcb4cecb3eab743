#!/usr/bin/env bash
# Rows that had no parent before a revision (an app that never turned
# foreign keys on left them) do not fail it: an unrelated revision, table
# rebuilds of the tables that hold them (one that keeps rowids, one that
# renumbers them) and the rollback all run, the old orphans are still there
# and named in a warning (stderr, --json "orphans", the --sql script). A
# revision that leaves a NEW row without its parent still fails, naming
# only the new rows, and changes nothing; so does its --sql script.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004 r5=eeee00000005
rev $r1 none "owners pets tags" "CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (id), name TEXT);
CREATE TABLE tag (pet_id INTEGER REFERENCES pet (id), label TEXT);
INSERT INTO owner VALUES (1, 'ann'), (2, 'bob');
INSERT INTO pet VALUES (10, 1, 'rex'), (11, 1, 'tom'), (12, 2, 'kit');
INSERT INTO tag VALUES (10, 'a'), (12, 'b');" "DROP TABLE tag;
DROP TABLE pet;
DROP TABLE owner;"
# unrelated to the orphans, but its rows make it a revision that is checked
rev $r2 $r1 "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO vet VALUES (1, 'doc');" "DROP TABLE vet;"
# pet's rowid is its INTEGER PRIMARY KEY: the rebuild keeps every rowid
rev $r3 $r2 "pet weight" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (id), name TEXT, weight REAL);
INSERT INTO _retort_new_pet (id, owner_id, name) SELECT id, owner_id, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (id), name TEXT);
INSERT INTO _retort_new_pet (id, owner_id, name) SELECT id, owner_id, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;"
# tag has no INTEGER PRIMARY KEY: this rebuild renumbers its rows (backwards)
# and adds a key, which renumbers the keys' fkid too
rev $r4 $r3 "tag vet" "CREATE TABLE _retort_new_tag (pet_id INTEGER REFERENCES pet (id), label TEXT, vet_id INTEGER REFERENCES vet (id));
INSERT INTO _retort_new_tag (pet_id, label) SELECT pet_id, label FROM tag ORDER BY rowid DESC;
DROP TABLE tag;
ALTER TABLE _retort_new_tag RENAME TO tag;" "CREATE TABLE _retort_new_tag (pet_id INTEGER REFERENCES pet (id), label TEXT);
INSERT INTO _retort_new_tag (pet_id, label) SELECT pet_id, label FROM tag ORDER BY rowid DESC;
DROP TABLE tag;
ALTER TABLE _retort_new_tag RENAME TO tag;"

run_ok upgrade $r1
# the app, foreign keys off as the sqlite3 shell has them, leaves orphans
q "INSERT INTO pet VALUES (50, 999, 'stray'); INSERT INTO tag VALUES (77, 'lost');"
expect_q "SELECT \"table\" || ':' || rowid || ':' || parent FROM pragma_foreign_key_check ORDER BY 1" "pet:50:owner
tag:3:pet" "" "two old orphans"
orphans() {
	q "SELECT (SELECT group_concat(id || ':' || owner_id) FROM pet WHERE id = 50) || ' ' ||
		(SELECT group_concat(pet_id || ':' || label) FROM tag WHERE pet_id = 77)"
}
[[ $(orphans) == "50:999 77:lost" ]] || fail "test bug: the orphans are $(orphans)"

# the warning, on stderr: each old orphan named once, before its revision ran
expect_warned() {
	expect_err "warning: $1 $2: 1 row of pet \(rowid 50\) has no parent in owner already" "$3: pet's old orphan named"
	expect_err "warning: $1 $2: 1 row of tag \(rowid $4\) has no parent in pet already" "$3: tag's old orphan named"
	[[ $(grep -c 'warning:.*already' "$work/err") == 2 ]] || fail "$3: expected exactly 2 warnings about orphans:
$(shown)"
	ok
}

# 1. a revision unrelated to the orphans runs
run_ok upgrade $r2
expect_version $r2
expect_q "SELECT name FROM vet" doc
expect_warned upgrade $r2 "unrelated upgrade" 3
expect_err "^upgrade $r2 vets" "the upgrade is told done"

# 2. rebuilds of the tables that hold them, told once for the whole run, in --json
run_ok --json upgrade $r4
expect_version $r4
[[ $(orphans) == "50:999 77:lost" ]] || fail "the rebuilds lost an old orphan: $(orphans)"
ok "both old orphans kept through the rebuilds"
expect_q "SELECT group_concat(name) FROM pragma_table_info('pet')" "id,owner_id,name,weight" "" "pet rebuilt"
expect_q "SELECT group_concat(rowid || ':' || pet_id, ' ') FROM tag" "1:77 2:12 3:10" "" "tag rebuilt, its rows renumbered"
expect_warned upgrade $r3 "rebuilds" 3
expect_json "json_array_length(j, '\$.orphans')" 2
expect_json "(SELECT group_concat(json_extract(value, '\$.revision') || ' ' || json_extract(value, '\$.table') || ' ' ||
	json_extract(value, '\$.parent') || ' ' || json_extract(value, '\$.rows') || ' ' || json_extract(value, '\$.rowids'), '; ')
	FROM json_each(j, '\$.orphans'))" "$r3 pet owner 1 [50]; $r3 tag pet 1 [3]" "--json orphans"
expect_json "json_array_length(j, '\$.revisions')" 2
expect_json "json_type(j, '\$.error')" null

# 3. the rollback: every downgrade back to r1 (a rebuild again renumbers tag)
run_ok downgrade $r1
expect_version $r1
[[ $(orphans) == "50:999 77:lost" ]] || fail "the rollback lost an old orphan: $(orphans)"
ok "both old orphans kept through the rollback"
expect_warned downgrade $r4 "rollback" 1
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 'vet'" 0
expect_q "SELECT count(*) FROM sqlite_temp_schema" 0 "" "no temp table left (a new connection)"
expect_integrity_but_orphans() {
	expect_q "PRAGMA integrity_check" ok
	expect_q "SELECT count(*) FROM pragma_foreign_key_check" 2 "" "only the two old orphans"
}
expect_integrity_but_orphans

# 4. in one transaction, and as a --sql script run by the sqlite3 shell
run_ok upgrade $r4 --one-transaction
expect_version $r4
expect_warned upgrade $r2 "--one-transaction" 3
run_ok downgrade $r1 --one-transaction
expect_version $r1
cp app.db "$work/r1.db"
run_ok upgrade $r4 --sql
cmp -s app.db "$work/r1.db" || fail "--sql changed the database"
expect_warned upgrade $r2 "--sql" 3
expect_out "^-- warning: upgrade $r2: 1 row of pet \(rowid 50\)" "the warning is in the script"
cp "$work/out" "$work/up.sql"
sqlite3 -bail app.db < "$work/up.sql" > "$work/shell.out" 2>&1 || fail "the --sql script failed on the old orphans:
$(cat "$work/shell.out")"
ok "the --sql script runs"
expect_version $r4
[[ $(orphans) == "50:999 77:lost" ]] || fail "the script lost an old orphan: $(orphans)"
expect_integrity_but_orphans
expect_q "SELECT group_concat(revision || ' ' || direction, ', ') FROM (SELECT * FROM retort_history WHERE id > (SELECT max(id) - 3 FROM retort_history) ORDER BY id)" \
	"$r2 upgrade, $r3 upgrade, $r4 upgrade" "" "the script wrote the history"

# 5. new orphans still fail, naming only the new rows, and change nothing
expect_new_orphan() { # WHAT REGEX
	cp app.db "$work/before.db"
	run_rc 3 upgrade $r5
	expect_err "$(basename "$(rev_file $r5)"):[0-9]+(:[0-9]+)?: error: foreign key check failed: $2" "$1: the new rows named"
	expect_no_err "error:.*rowid[^)]*\b50\b" "$1: the old orphan is not blamed"
	expect_version $r4 app.db "$1: not applied"
	expect_same_state "$work/before.db" app.db "$1: the database is unchanged"
	expect_q "SELECT count(*) FROM retort_history WHERE revision = '$r5'" 0
	# its script stops at the guard and changes nothing either
	run_ok upgrade $r5 --sql
	cp "$work/out" "$work/bad.sql"
	cp app.db "$work/script.db"
	sqlite3 -bail "$work/script.db" < "$work/bad.sql" > "$work/shell.out" 2>&1 &&
		fail "$1: the --sql script applied a revision that leaves a new orphan"
	grep -q "new foreign key violations\|foreign key violations" "$work/shell.out" ||
		fail "$1: the script stopped on something else: $(cat "$work/shell.out")"
	ok "$1: the --sql script stops at the guard"
	expect_same_state "$work/before.db" "$work/script.db" "$1: the failed script changed nothing"
	expect_version $r4 "$work/script.db"
	rm "$(rev_file $r5)"
}
rev $r5 $r4 "drop bob" "DELETE FROM owner WHERE id = 2;" "INSERT INTO owner VALUES (2, 'bob');"
expect_new_orphan "a deleted parent" "1 row of pet \(rowid 12\) has no parent in owner$"
rev $r5 $r4 "rebuild pet wrong" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owner (id), name TEXT, weight REAL);
INSERT INTO _retort_new_pet (id, owner_id, name) SELECT id, CASE id WHEN 11 THEN 3 ELSE owner_id END, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;" "SELECT 1;"
expect_new_orphan "a rebuild that keeps rowids" "1 row of pet \(rowid 11\) has no parent in owner$"
rev $r5 $r4 "rebuild tag wrong" "CREATE TABLE _retort_new_tag (pet_id INTEGER REFERENCES pet (id), label TEXT, vet_id INTEGER REFERENCES vet (id));
INSERT INTO _retort_new_tag (pet_id, label) SELECT CASE label WHEN 'a' THEN 1000 ELSE pet_id END, label FROM tag;
DROP TABLE tag;
ALTER TABLE _retort_new_tag RENAME TO tag;" "SELECT 1;"
expect_new_orphan "a rebuild that renumbers" "1 row of tag \(among rowid [0-9, ]+\) has no parent in pet$"

# 6. a WITHOUT ROWID table has no rowids: its violations are counted
r6=ffff00000006
rev $r5 $r4 "visits" "CREATE TABLE visit (pet_id INTEGER NOT NULL REFERENCES pet (id), day TEXT NOT NULL, PRIMARY KEY (pet_id, day)) WITHOUT ROWID;" "DROP TABLE visit;"
run_ok upgrade $r5
q "INSERT INTO visit VALUES (404, '2026-01-01');"
rev $r6 $r5 "a visit" "INSERT INTO visit VALUES (10, '2026-01-02');" "DELETE FROM visit WHERE pet_id = 10;"
run_ok upgrade $r6
expect_err "warning: upgrade $r6: 1 row of visit has no parent in pet already" "the old orphan of a WITHOUT ROWID table is counted"
run_ok downgrade $r5
expect_q "SELECT group_concat(pet_id) FROM visit" 404 "" "the rollback keeps it"
rm "$(rev_file $r6)"
rev $r6 $r5 "a lost visit" "INSERT INTO visit VALUES (405, '2026-01-02');" "DELETE FROM visit WHERE pet_id = 405;"
cp app.db "$work/before.db"
run_rc 3 upgrade $r6
expect_err "error: foreign key check failed: 1 row of visit has no parent in pet$" "a new orphan of a WITHOUT ROWID table fails"
expect_same_state "$work/before.db" app.db "the database is unchanged"
expect_version $r5
finish
