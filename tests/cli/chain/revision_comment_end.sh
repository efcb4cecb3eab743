#!/usr/bin/env bash
# A section's last statement that leaves out its ';' and ends in a `--`
# comment (issue 12): the ';' retort adds goes on a line of its own, so the
# statement runs the same through `upgrade`, through `upgrade --sql` and
# `downgrade --sql` run by `sqlite3 -bail`, and through `verify`.
source "$(dirname "$0")/common.bash"

project "$work/comment"
a=aaaa00000001 b=bbbb00000002
rev $a none "seed" "CREATE TABLE seed (id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO seed (note) VALUES ('first') -- the first row, no ';'" "DROP TABLE seed; -- gone"
rev $b $a "second" "INSERT INTO seed (note) VALUES ('second');
CREATE TRIGGER seed_guard BEFORE DELETE ON seed BEGIN
  SELECT RAISE(ABORT, 'kept');
END -- a trigger without its ';'" "DROP TRIGGER seed_guard;
DELETE FROM seed WHERE note = 'second' -- and no ';'"
rt upgrade --sql
expect_rc 0
cp "$work/out" "$work/comment.sql"
sqlite3 -bail "$work/comment.db" < "$work/comment.sql" > /dev/null 2>"$work/sqlite.err" ||
	fail "upgrade --sql | sqlite3 -bail failed: $(cat "$work/sqlite.err")
$(cat "$work/comment.sql")"
ok "upgrade --sql | sqlite3 -bail runs"
expect_q "SELECT group_concat(note, ',') FROM (SELECT note FROM seed ORDER BY id)" "first,second" \
	"$work/comment.db" "the script inserts both rows"
expect_q "SELECT revision FROM retort_version" "$b" "$work/comment.db" "the script ends at head"
run_ok upgrade
expect_version "$b"
expect_same_state app.db "$work/comment.db" "upgrade and the --sql script agree"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 'seed_guard'" 1 app.db "the trigger is there"
run_ok verify
run_ok downgrade $a
expect_q "SELECT group_concat(note, ',') FROM seed" "first" app.db "the downgrade's last statement ran"
rt downgrade base --sql
expect_rc 0
sqlite3 -bail app.db < "$work/out" > /dev/null 2>"$work/sqlite.err" ||
	fail "downgrade --sql | sqlite3 -bail failed: $(cat "$work/sqlite.err")"
expect_version ""
ok "downgrade --sql | sqlite3 -bail reaches base"

finish
