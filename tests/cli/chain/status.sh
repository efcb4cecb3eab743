#!/usr/bin/env bash
# status: where the database is, what is pending, and drift between the
# live schema and what the chain gives at its current revision. Exit 1 with
# pending revisions (listed), 0 at head with no drift, 1 on drift (an extra
# table, an extra column, a missing index: each named); rows are not drift.
# status writes nothing, and creates no database.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cccc00000003
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" "DROP TABLE pet;"
rev $b $a "pet index" "CREATE INDEX ix_pet_name ON pet (name);" "DROP INDEX ix_pet_name;"
rev $c $b "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY, pet_id INTEGER REFERENCES pet (id));" "DROP TABLE vet;"

run_rc 1 status
expect_said "$a" "pending a listed"
expect_said "$c" "pending c listed"
[[ ! -e app.db ]] || fail "status created the database"
ok "status creates no database"

run_ok upgrade $b
cp app.db "$work/before.db"
run_rc 1 status
expect_said "$c" "pending c listed"
expect_said "$b" "the current revision shown"
cmp -s app.db "$work/before.db" || fail "status changed the database"
ok

run_ok upgrade head
run_rc 0 status
expect_said "$c" "at head: the current revision shown"
q "INSERT INTO pet (name) VALUES ('rex'), ('tom'); INSERT INTO vet (pet_id) VALUES (1);"
run_rc 0 status
ok "rows are not drift"
run_ok --json status
expect_json "json_valid(j)" 1 "status --json is valid JSON"
expect_json "instr(j, '$c') > 0" 1

# drift, three kinds
q "CREATE TABLE extra (a INTEGER)"
cp app.db "$work/before.db"
run_rc 1 status
expect_said "\bextra\b" "the extra table named"
cmp -s app.db "$work/before.db" || fail "status changed the database"
ok
q "DROP TABLE extra"
run_rc 0 status

q "ALTER TABLE pet ADD COLUMN sneaky TEXT"
run_rc 1 status
expect_said "sneaky" "the extra column named"
q "ALTER TABLE pet DROP COLUMN sneaky"
run_rc 0 status

q "DROP INDEX ix_pet_name"
run_rc 1 status
expect_said "ix_pet_name" "the missing index named"
q "CREATE INDEX ix_pet_name ON pet (name)"
run_rc 0 status

# drift below head, and pending at the same time
run_ok downgrade $a
q "CREATE TABLE extra (a INTEGER)"
run_rc 1 status
expect_said "\bextra\b"
expect_said "$b"
finish
