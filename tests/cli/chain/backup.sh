#!/usr/bin/env bash
# --backup FILE: the copy is taken before the first change and opens at the
# old revision with every row (a table of 50k rows, so the copy spans many
# pages), integrity_check ok; an existing FILE is refused (exit 2) with
# nothing run and the file untouched; with nothing to run no copy is made.
# Works for upgrade and downgrade, and the copy is there also when a later
# revision of the run fails.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003
rev $r1 none "items" "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) INSERT INTO item SELECT i, 'item ' || i, hex(randomblob(i % 20)) FROM n;" "DROP TABLE item;"
rev $r2 $r1 "item price" "ALTER TABLE item ADD COLUMN price REAL;
UPDATE item SET price = id / 4.0;
DELETE FROM item WHERE id % 10 = 0;" "ALTER TABLE item DROP COLUMN price;"
rev $r3 $r2 "more" "CREATE TABLE more (a INTEGER);" "DROP TABLE more;"

run_ok upgrade $r1
state_of > "$work/at_r1"

# upgrade with a backup
run_ok upgrade head --backup backup.db
expect_version $r3
[[ -f backup.db ]] || fail "no backup.db after upgrade --backup backup.db"
expect_integrity backup.db
expect_version $r1 backup.db "the backup is at the old revision"
state_of backup.db > "$work/backup_state"
cmp -s "$work/at_r1" "$work/backup_state" || fail "the backup's schema or rows differ from the database before the upgrade:
$(diff "$work/at_r1" "$work/backup_state" | head)"
ok "the backup holds every row as it was"
expect_q "SELECT count(*) FROM item" 50000 backup.db
expect_q "SELECT count(*) FROM retort_history" 1 backup.db "the backup's history is the old one"

# an existing file is refused, before anything runs
cp backup.db "$work/backup_copy.db"
refused 2 downgrade $r1 --backup backup.db
expect_err "backup\.db" "names the file"
cmp -s backup.db "$work/backup_copy.db" || fail "the refused --backup overwrote backup.db"
ok "the existing file is untouched"
: > empty.db
refused 2 upgrade head --backup empty.db
[[ ! -s empty.db ]] || fail "an empty existing file was overwritten"
ok

# downgrade with a backup, to a new file in another folder
mkdir -p "$work/safe"
state_of > "$work/at_r3"
run_ok downgrade $r1 --backup "$work/safe/before-downgrade.db"
expect_version $r1
expect_version $r3 "$work/safe/before-downgrade.db" "the downgrade's backup is at the old revision"
state_of "$work/safe/before-downgrade.db" > "$work/backup_state"
cmp -s "$work/at_r3" "$work/backup_state" || fail "the downgrade's backup differs from the database before it"
ok "the downgrade's backup holds every row"
expect_integrity "$work/safe/before-downgrade.db"

# nothing to run: no copy
run_ok upgrade $r1 --backup nothing.db
[[ ! -e nothing.db ]] || fail "a backup was made although nothing ran"
ok "no backup when nothing runs"

# a run whose last revision fails: the copy was taken before the first change
rev $r3 $r2 "more" "CREATE TABLE more (a INTEGER);
INSERT INTO nosuch VALUES (1);" "DROP TABLE more;"
state_of > "$work/at_start"
run_rc 3 upgrade head --backup failed-run.db
expect_version $r2
[[ -f failed-run.db ]] || fail "no backup after a run that failed in its last revision"
expect_version $r1 failed-run.db "the backup of the failed run is at the start"
state_of failed-run.db > "$work/backup_state"
cmp -s "$work/at_start" "$work/backup_state" || fail "the failed run's backup differs from the start"
ok
finish
