#!/usr/bin/env bash
# --sql: `upgrade --sql`, `downgrade --sql` and `stamp --sql` leave the
# database byte-for-byte unchanged (no journal, no new file, not even for a
# database that does not exist yet), and print a script that `sqlite3 -bail`
# applies without error to reach what the real run reaches: the same schema
# and rows, the same version table, and history rows with the same revision,
# direction and SHA-256.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004
rev $r1 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born TEXT);
INSERT INTO pet (name, born) VALUES ('rex', '2020-01-01'), ('tom', NULL), ('it''s; odd', '2021-05-05');" "DROP TABLE pet;"
rev $r2 $r1 "kinds" "ALTER TABLE pet ADD COLUMN kind TEXT NOT NULL DEFAULT 'cat';
UPDATE pet SET kind = 'dog' WHERE name = 'rex';
CREATE INDEX ix_pet_kind ON pet (kind);" "DROP INDEX ix_pet_kind;
ALTER TABLE pet DROP COLUMN kind;"
rev $r3 $r2 "rebuild pet" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0), born TEXT, kind TEXT NOT NULL DEFAULT 'cat');
INSERT INTO _retort_new_pet (id, name, born, kind) SELECT id, name, born, kind FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE INDEX ix_pet_kind ON pet (kind);
CREATE TRIGGER pet_touch AFTER UPDATE ON pet BEGIN
  UPDATE pet SET born = coalesce(new.born, '1970-01-01') WHERE id = new.id AND born IS NULL;
END;" "DROP TRIGGER pet_touch;
CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born TEXT, kind TEXT NOT NULL DEFAULT 'cat');
INSERT INTO _retort_new_pet (id, name, born, kind) SELECT id, name, born, kind FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE INDEX ix_pet_kind ON pet (kind);"
rev $r4 $r3 "owners" "CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO owner (name) VALUES ('ann'), ('bob');
CREATE VIEW pet_names AS SELECT name FROM pet;" "DROP VIEW pet_names;
DROP TABLE owner;"

hist() { sqlite3 -bail -batch "$1" "SELECT coalesce(revision, 'NULL') || ' ' || direction || ' ' || coalesce(sha256, 'NULL') || ' ' || retort_version FROM retort_history ORDER BY id"; }

# listing: every file and folder of the project, with size and mtime
listing() {
	find . -printf '%p %s %T@\n' | sort
}

# dry COPY_NAME ARGS...: `retort ARGS --sql` changes nothing; its script,
# applied to a copy of app.db named COPY_NAME, runs clean; then the real run
# on app.db must reach the same state as the copy
dry() {
	local copy=$work/$1 files_before
	shift
	files_before=$(listing)
	cp app.db "$work/before.db"
	run_ok "$@" --sql
	[[ -s $work/out ]] || fail "retort $* --sql printed no script"
	cp "$work/out" "$copy.sql"
	cmp -s app.db "$work/before.db" || fail "retort $* --sql changed the database"
	[[ $(listing) == "$files_before" ]] || fail "retort $* --sql changed the project folder:
$(diff <(echo "$files_before") <(listing))"
	ok "retort $* --sql: database and folder byte-for-byte unchanged"
	cp app.db "$copy"
	local out
	out=$(sqlite3 -bail "$copy" < "$copy.sql" 2>&1) || fail "sqlite3 -bail failed on the script of retort $* --sql: $out
script:
$(head -c 3000 "$copy.sql")"
	[[ -z $out ]] || fail "the script of retort $* --sql printed: $out"
	ok "the script of retort $* --sql runs under sqlite3 -bail"
	run_ok "$@"
	expect_same_state app.db "$copy" "retort $* and its --sql script reach the same schema and rows"
	expect_version "$(version_of)" "$copy" "the same version table"
	[[ $(hist app.db) == "$(hist "$copy")" ]] || fail "the history after retort $* differs from the script's:
$(diff <(hist app.db) <(hist "$copy"))"
	ok "the same history rows"
	expect_integrity "$copy"
}

run_ok upgrade $r1
dry up.db upgrade head
expect_version $r4
expect_q "SELECT group_concat(name || ':' || kind) FROM pet" "rex:dog,tom:cat,it's; odd:cat"
dry down.db downgrade $r1
expect_version $r1
dry stamp.db stamp $r3
expect_version $r3
expect_q "SELECT direction FROM retort_history ORDER BY id DESC LIMIT 1" stamp
dry stamp_back.db stamp $r1
dry base.db downgrade base
has_table pet && fail "downgrade base left pet"
dry from_base.db upgrade $r2
expect_version $r2
dry stamp_base.db stamp base
expect_version ""
expect_q "SELECT coalesce(revision, 'NULL') || ' ' || direction FROM retort_history ORDER BY id DESC LIMIT 1" "NULL stamp" "" \
	"stamp base writes a history row with no revision"

# a database that does not exist yet: --sql creates no file, and its script
# builds the same database from nothing
rt --db fresh.db upgrade head --sql
expect_rc 0 "upgrade --sql on a missing database"
[[ ! -e fresh.db ]] || fail "upgrade --sql created the missing database file"
ok "no file created"
cp "$work/out" "$work/fresh.sql"
sqlite3 -bail "$work/fresh_script.db" < "$work/fresh.sql" > /dev/null 2>&1 || fail "the script for a new database failed"
run_ok --db fresh.db upgrade head
expect_same_state fresh.db "$work/fresh_script.db" "the script builds the same database from nothing"
expect_version $r4 "$work/fresh_script.db"
finish
