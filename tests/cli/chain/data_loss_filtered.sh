#!/usr/bin/env bash
# Operator safety: a hand-written table rebuild whose copy leaves rows out
# (INSERT INTO new SELECT ... FROM t WHERE keep; DROP TABLE t; rename) is
# reported with the table and the rows it loses, counted on the live
# database before anything runs: on stderr, in the --sql script and in
# --json (kind "rows"), for real and with --sql, also when the table was
# renamed before the copy; a column only the copy's WHERE reads is lost too.
# Copies that keep every row between them and a filtered copy of a table
# that stays report nothing.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004
rev $r1 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, gone INTEGER NOT NULL);
CREATE TABLE owner (id INTEGER PRIMARY KEY, pet_id INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) INSERT INTO pet SELECT i, 'pet ' || i, i % 3 = 0 FROM n;
INSERT INTO owner (pet_id) VALUES (1), (2), (3);" "DROP TABLE owner;
DROP TABLE pet;"
# an archive of the gone pets (pet stays whole), and a split of pet into two
# tables that between them keep every row: nothing is lost
rev $r2 $r1 "archive and split" "CREATE TABLE pet_archive AS SELECT id, name FROM pet WHERE gone;
CREATE TABLE pet_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, gone INTEGER NOT NULL);
INSERT INTO pet_new SELECT id, name, gone FROM pet WHERE id <= 10;
CREATE TABLE pet_more (id INTEGER PRIMARY KEY, name TEXT NOT NULL, gone INTEGER NOT NULL);
INSERT INTO pet_more SELECT * FROM pet WHERE id > 10;
DROP TABLE pet;
ALTER TABLE pet_new RENAME TO pet;
INSERT INTO pet SELECT * FROM pet_more;
DROP TABLE pet_more;" "DROP TABLE pet_archive;"
# the rebuild that purges the 10 gone pets
rev $r3 $r2 "purge gone pets" "CREATE TABLE pet_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, gone INTEGER NOT NULL);
INSERT INTO pet_new (id, name, gone) SELECT id, name, gone FROM pet WHERE NOT gone;
DROP TABLE pet;
ALTER TABLE pet_new RENAME TO pet;" "SELECT 1;"
# the other way round: rename, create, copy the pets past 5 without the
# column the purge used, drop the old table
rev $r4 $r3 "drop gone" "ALTER TABLE pet RENAME TO pet_old;
CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO pet SELECT id, name FROM pet_old WHERE id > 5;
DROP TABLE pet_old;" "SELECT 1;"

run_ok upgrade $r1
run_ok upgrade $r2
expect_no_err "warning" "an archive and a split that keep every row warn about nothing"
expect_q "SELECT count(*) FROM pet" 30

# --sql: the warning on stderr and in the script, nothing run
cp app.db "$work/r2.db"
run_ok upgrade $r3 --sql
cmp -s app.db "$work/r2.db" || fail "upgrade --sql changed the database"
ok "--sql changes nothing"
expect_err "warning:.*$r3.*\b10 rows of table pet\b" "upgrade --sql warns: table pet, 10 rows"
expect_out "^-- warning:.*$r3.*\b10 rows of table pet\b" "the --sql script says it too"
[[ $(grep -c 'warning:' "$work/err") == 1 ]] || fail "expected exactly 1 warning from $last_cmd:
$(shown)"
ok "exactly one warning"

run_ok --json upgrade $r3 --sql
expect_json "json_array_length(j, '\$.data_loss')" 1
expect_json "json_extract(j, '\$.data_loss[0].revision') || ' ' || json_extract(j, '\$.data_loss[0].table') || ' ' ||
	json_extract(j, '\$.data_loss[0].kind') || ' ' || json_extract(j, '\$.data_loss[0].rows') || ' ' ||
	json_type(j, '\$.data_loss[0].column')" "$r3 pet rows 10 null" "--json data_loss: pet, kind rows, 10 rows"

# the real run warns before the rows go
run_ok --echo upgrade $r3
expect_err "warning:.*$r3.*\b10 rows of table pet\b" "upgrade warns: table pet, 10 rows"
w=$(grep -n -E -m1 "warning:.*rows of table pet" "$work/err" | cut -d: -f1)
s=$(grep -n -F -m1 "INSERT INTO pet_new (id, name, gone)" "$work/err" | cut -d: -f1)
[[ -n $w && -n $s ]] && ((w < s)) || fail "the warning does not come before the copy runs:
$(shown)"
ok "the warning comes before the copy runs"
expect_version $r3
expect_q "SELECT count(*), sum(gone) FROM pet" "20|0" "" "the 10 gone pets are gone"

# renamed first: the copy reads pet_old, the rows counted are pet's; the
# column that only its WHERE read is lost as well
run_ok upgrade $r4 --sql
expect_err "warning:.*$r4.*\b4 rows of table pet\b" "upgrade --sql warns: table pet, 4 rows"
expect_err "warning:.*$r4.*pet\.gone\b.*\b20 values" "upgrade --sql warns: pet.gone, 20 values"
[[ $(grep -c 'warning:' "$work/err") == 2 ]] || fail "expected exactly 2 warnings from $last_cmd:
$(shown)"
ok "exactly two warnings"
run_ok upgrade $r4
expect_err "warning:.*$r4.*\b4 rows of table pet\b" "upgrade warns: table pet, 4 rows"
expect_q "SELECT count(*), min(id) FROM pet" "16|7"
finish
