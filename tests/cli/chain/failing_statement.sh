#!/usr/bin/env bash
# A statement that fails in the middle of a revision: exit 3, stderr names
# the revision file, the line the statement starts on (counted past a
# multi-statement trigger and a statement split over lines) and SQLite's
# message; that revision is rolled back whole (schema, rows, version table,
# history), and the revisions the same run applied before it stay committed.
# The same in both directions, for a missing table and a constraint.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "things" "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO t (name) VALUES ('a'), ('b'), ('c');" "DROP TABLE t;"
rev bbbb00000002 aaaa00000001 "links" "CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER);
INSERT INTO u (id, t_id) VALUES (1, 1);" "DROP TABLE u;"
r3_up="ALTER TABLE t ADD COLUMN note TEXT;
UPDATE t SET note = 'x; not a statement end';
CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN
  INSERT INTO u (t_id) VALUES (new.id);
  UPDATE u SET t_id = t_id WHERE id = 1;
END;
INSERT INTO t (name) VALUES ('d');"
r3_down="DROP TRIGGER t_audit;
DELETE FROM t WHERE name = 'd';
ALTER TABLE t DROP COLUMN note;"
rev cccc00000003 bbbb00000002 "audit" "$r3_up
INSERT INTO
  nosuch (a)
  VALUES (1);
CREATE TABLE never (a);" "$r3_down"
rev dddd00000004 cccc00000003 "widgets" "CREATE TABLE w (a INTEGER);
INSERT INTO w VALUES (1);" "DROP TABLE w;"
f3=$(rev_file cccc00000003)
f4=$(rev_file dddd00000004)
line=$(grep -n -x -F 'INSERT INTO' "$f3" | cut -d: -f1)

# 1. upgrade head from base: r1 and r2 commit, r3 fails at its 8th statement
sqlite3 app.db "CREATE TABLE keep (k TEXT); INSERT INTO keep VALUES ('mine');"
run_rc 3 upgrade head
expect_err "$(basename "$f3"):$line(:[0-9]+)?: .*no such table: nosuch" "names $(basename "$f3"):$line and SQLite's message"
expect_version bbbb00000002 app.db "r1 and r2 stay committed"
expect_q "SELECT revision || ' ' || direction FROM retort_history ORDER BY id" "aaaa00000001 upgrade
bbbb00000002 upgrade"
expect_q "SELECT group_concat(name) FROM pragma_table_info('t')" "id,name" "" "no note column: r3's ALTER TABLE rolled back"
expect_q "SELECT group_concat(name) FROM (SELECT name FROM t ORDER BY id)" "a,b,c" "" "no row 'd'"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name IN ('t_audit', 'never')" 0 "" "no trigger, no later table"
expect_q "SELECT group_concat(id || ':' || t_id) FROM u" "1:1"
expect_q "SELECT k FROM keep" mine
expect_integrity
state_of > "$work/at_r2"

# 2. a rerun fails the same way and changes nothing
run_rc 3 upgrade head
expect_err "$(basename "$f3"):$line(:[0-9]+)?: .*no such table: nosuch"
state_of > "$work/again"
cmp -s "$work/at_r2" "$work/again" || fail "the failed rerun changed the database: $(diff "$work/at_r2" "$work/again" | head)"
expect_version bbbb00000002
expect_q "SELECT count(*) FROM retort_history" 2

# 3. r3 fixed; now r4 breaks a UNIQUE constraint on its third line
rev cccc00000003 bbbb00000002 "audit" "$r3_up" "$r3_down
ALTER TABLE t DROP COLUMN nope;"
rev dddd00000004 cccc00000003 "widgets" "CREATE TABLE w (a INTEGER);
INSERT INTO w VALUES (1);
INSERT INTO t (name) VALUES ('a');" "DROP TABLE w;"
line=$(line_of "$f4" "INSERT INTO t (name) VALUES ('a');")
run_rc 3 upgrade head
expect_err "$(basename "$f4"):$line(:[0-9]+)?: .*UNIQUE constraint failed: t\.name" "names $(basename "$f4"):$line and the constraint"
expect_version cccc00000003
has_table w && fail "table w was left behind by the failed r4"
expect_q "SELECT group_concat(name || ':' || coalesce(note, '')) FROM (SELECT * FROM t ORDER BY id)" "a:x; not a statement end,b:x; not a statement end,c:x; not a statement end,d:"
expect_q "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = 't_audit'" 1
expect_integrity

# 4. a failing downgrade: r4 reverts and commits, r3's downgrade fails on
# its last statement and is rolled back whole
rev dddd00000004 cccc00000003 "widgets" "CREATE TABLE w (a INTEGER);
INSERT INTO w VALUES (1);" "DROP TABLE w;"
run_ok upgrade head
expect_version dddd00000004
line=$(line_of "$f3" "ALTER TABLE t DROP COLUMN nope;")
run_rc 3 downgrade aaaa00000001
expect_err "$(basename "$f3"):$line(:[0-9]+)?: .*nope" "names the downgrade statement's line $(basename "$f3"):$line and the column"
expect_version cccc00000003 app.db "r4's downgrade stays committed"
has_table w && fail "w still there: r4's downgrade did not commit"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 't_audit'" 1 "" "r3's DROP TRIGGER rolled back"
expect_q "SELECT group_concat(name) FROM (SELECT name FROM t ORDER BY id)" "a,b,c,d" "" "r3's DELETE rolled back"
expect_q "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'note'" 1
expect_q "SELECT revision || ' ' || direction FROM retort_history WHERE direction = 'downgrade'" "dddd00000004 downgrade"
expect_integrity
finish
