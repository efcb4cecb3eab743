#!/usr/bin/env bash
# verify: in memory, upgrade, downgrade and upgrade again every revision;
# exit 0 saying ok for a chain whose downgrades restore their parents, exit
# 1 naming the first revision whose downgrade does not (a forgotten index, a
# forgotten column, a table left behind); the database is never touched
# (verify needs none).
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cccc00000003 d=dddd00000004 e=eeee00000005
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" "DROP TABLE pet;"
rev $b $a "rebuild pet" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (name <> ''));
INSERT INTO _retort_new_pet (id, name) SELECT id, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE TRIGGER pet_guard BEFORE DELETE ON pet BEGIN
  SELECT RAISE(ABORT, 'no');
END;" "DROP TRIGGER pet_guard;
CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO _retort_new_pet (id, name) SELECT id, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;"
rev $c $b "pet index" "CREATE INDEX ix_pet_name ON pet (name);" "DROP INDEX ix_pet_name;"

run_ok verify
expect_said "ok" "verify says ok"
[[ ! -e app.db ]] || fail "verify created the database"
ok "verify needs no database"

# d: its downgrade forgets the index it created
rev $d $c "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
CREATE INDEX ix_pet_kind ON pet (kind);" "DROP INDEX ix_pet_kind;"
rev $e $d "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "DROP TABLE vet;"
run_ok upgrade $c
cp app.db "$work/before.db"
run_rc 1 verify
expect_said "$d" "verify names the revision whose downgrade is wrong"
cmp -s app.db "$work/before.db" || fail "verify changed the database"
ok "verify leaves the database alone"

# a table left behind
rev $d $c "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
CREATE TABLE kind (name TEXT PRIMARY KEY);" "ALTER TABLE pet DROP COLUMN kind;"
run_rc 1 verify
expect_said "$d"
expect_said "\bkind\b" "names what differs"

# fixed: ok again
rev $d $c "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
CREATE TABLE kind (name TEXT PRIMARY KEY);" "DROP TABLE kind;
ALTER TABLE pet DROP COLUMN kind;"
run_ok verify

# the first bad one is named when there are two: b keeps its CHECK, e its table
rev $b $a "rebuild pet" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (name <> ''));
INSERT INTO _retort_new_pet (id, name) SELECT id, name FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;
CREATE TRIGGER pet_guard BEFORE DELETE ON pet BEGIN
  SELECT RAISE(ABORT, 'no');
END;" "DROP TRIGGER pet_guard;"
rev $e $d "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "SELECT 1;"
run_rc 1 verify
expect_said "$b" "verify names the first bad revision"
finish
