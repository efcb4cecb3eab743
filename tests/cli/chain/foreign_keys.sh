#!/usr/bin/env bash
# Foreign keys: enforcement is off while a revision runs, so rebuilding a
# parent table (DROP + RENAME) never cascades deletes into its children; a
# revision that leaves rows violating a foreign key is rolled back (exit 3)
# with the offending table (and its parent) named, while the revisions
# before it in the same run stay committed. The --sql script of such a
# revision fails under `sqlite3 -bail` and leaves the database unchanged.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "owners and pets" "CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE pet (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES owner (id) ON DELETE CASCADE, name TEXT);
INSERT INTO owner (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO pet (id, owner_id, name) VALUES (10, 1, 'rex'), (11, 1, 'tom'), (12, 2, 'kit'), (13, 3, 'bo'), (14, 3, 'zed');" \
	"DROP TABLE pet;
DROP TABLE owner;"
rev bbbb00000002 aaaa00000001 "rebuild owner" "CREATE TABLE _retort_new_owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
INSERT INTO _retort_new_owner (id, name) SELECT id, name FROM owner;
DROP TABLE owner;
ALTER TABLE _retort_new_owner RENAME TO owner;" \
	"CREATE TABLE _retort_new_owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO _retort_new_owner (id, name) SELECT id, name FROM owner;
DROP TABLE owner;
ALTER TABLE _retort_new_owner RENAME TO owner;"
rev cccc00000003 bbbb00000002 "orphan pets" "INSERT INTO pet (id, owner_id, name) VALUES (100, 999, 'lost');
INSERT INTO pet (id, owner_id, name) VALUES (101, 998, 'gone');" "DELETE FROM pet WHERE id IN (100, 101);"

pets="10:1:rex,11:1:tom,12:2:kit,13:3:bo,14:3:zed"
pet_rows() { q "SELECT group_concat(id || ':' || owner_id || ':' || name) FROM (SELECT * FROM pet ORDER BY id)"; }

run_ok upgrade aaaa00000001
# 1. the run: r2 rebuilds the parent and commits without losing a child;
# r3 leaves orphans and is rolled back
run_rc 3 upgrade head
expect_err 'pet' "the violating table is named"
expect_err 'owner' "its parent table is named"
expect_err '100' "the first offending rowid is named"
expect_version bbbb00000002 app.db "r2 stays committed"
[[ $(pet_rows) == "$pets" ]] || fail "the pets are $(pet_rows), expected $pets: the rebuild cascaded or r3 was not rolled back"
ok "every pet kept, no orphan left"
expect_q "SELECT group_concat(name) FROM pragma_table_info('owner')" "id,name,email" "" "the rebuild committed"
expect_q "SELECT count(*) FROM owner" 3
expect_q "SELECT count(*) FROM retort_history WHERE revision = 'cccc00000003'" 0
expect_integrity

# 2. the downgrade of the rebuild does not cascade either
run_ok downgrade aaaa00000001
expect_version aaaa00000001
[[ $(pet_rows) == "$pets" ]] || fail "after downgrading the rebuild the pets are $(pet_rows)"
ok "downgrading the rebuild keeps every pet"

# 3. a revision that deletes a parent row: with enforcement off nothing
# cascades, so the children become orphans and the revision is rolled back
rm "$(rev_file cccc00000003)"
rev cccc00000003 bbbb00000002 "drop an owner" "UPDATE owner SET email = 'x@example.com';
DELETE FROM owner WHERE id = 3;" "SELECT 1;"
run_rc 3 upgrade head
expect_err 'pet' "the violating table is named"
expect_version bbbb00000002
expect_q "SELECT count(*), count(email) FROM owner" "3|0" "" "the delete and the update rolled back"
[[ $(pet_rows) == "$pets" ]] || fail "the pets are $(pet_rows): the DELETE cascaded or was not rolled back"
ok
expect_integrity

# 4. the --sql script of that revision stops at its foreign-key guard
cp app.db "$work/before.db"
run_ok upgrade head --sql
cp "$work/out" "$work/up.sql"
cp app.db "$work/script.db"
sqlite3 -bail "$work/script.db" < "$work/up.sql" > /dev/null 2>&1 && fail "the --sql script applied a revision that violates a foreign key"
ok "the --sql script fails on the violation"
expect_same_state "$work/before.db" "$work/script.db" "the failed --sql script changed nothing"
expect_version bbbb00000002 "$work/script.db"
finish
