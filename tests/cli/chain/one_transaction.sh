#!/usr/bin/env bash
# --one-transaction: the whole upgrade (or downgrade) is one transaction. A
# failure in the last revision rolls back every revision of the run (schema,
# rows, version table, history), where the default mode keeps the earlier
# ones; a clean run applies them all with one history row each.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cccc00000003 d=dddd00000004
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO pet (name) VALUES ('rex');" "DROP TABLE pet;"
rev $b $a "kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
UPDATE pet SET kind = 'dog';" "ALTER TABLE pet DROP COLUMN kind;"
rev $c $b "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);
INSERT INTO vet VALUES (1), (2);" "DROP TABLE vet;"
rev $d $c "broken" "CREATE TABLE toy (id INTEGER PRIMARY KEY);
INSERT INTO toy VALUES (1);
INSERT INTO pet (id, name) VALUES (1, 'duplicate id');" "DROP TABLE toy;"
f=$(rev_file $d)
line=$(line_of "$f" "duplicate id")

sqlite3 app.db "CREATE TABLE keep (k TEXT); INSERT INTO keep VALUES ('mine');"
state_of > "$work/start"

run_rc 3 upgrade head --one-transaction
expect_err "$(basename "$f"):$line(:[0-9]+)?: .*UNIQUE constraint failed: pet\.id" "names the failing statement"
state_of > "$work/after"
cmp -s "$work/start" "$work/after" || fail "--one-transaction: a failure in the last revision left changes:
$(diff "$work/start" "$work/after" | head -20)"
ok "every revision of the run rolled back"
expect_version ""
if has_table retort_history; then
	expect_q "SELECT count(*) FROM retort_history" 0 "" "no history row"
fi
expect_integrity

# the default mode keeps what committed before the failure
run_rc 3 upgrade head
expect_version $c
expect_q "SELECT count(*) FROM retort_history" 3
has_table toy && fail "toy left behind"
ok

# downgrade --one-transaction: a failure in the oldest revision's
# downgrade undoes the newer ones too
rev $d $c "broken" "CREATE TABLE toy (id INTEGER PRIMARY KEY);
INSERT INTO toy VALUES (1);" "DROP TABLE toy;"
run_ok upgrade head
expect_version $d
rev $b $a "kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
UPDATE pet SET kind = 'dog';" "ALTER TABLE pet DROP COLUMN kind;
SELECT no_such_function();"
# the edited b does not matter to the downgrade of c and d
state_of > "$work/start"
history_of > "$work/start_history"
run_rc 3 downgrade $a --one-transaction
expect_err "no_such_function" "SQLite's message"
state_of > "$work/after"
cmp -s "$work/start" "$work/after" || fail "downgrade --one-transaction: d and c were not rolled back:
$(diff "$work/start" "$work/after" | head -20)"
[[ $(history_of) == "$(cat "$work/start_history")" ]] || fail "downgrade --one-transaction left history rows"
expect_version $d
ok "the downgrades of d and c rolled back with b's"

# a clean run in one transaction
rev $b $a "kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
UPDATE pet SET kind = 'dog';" "ALTER TABLE pet DROP COLUMN kind;"
run_ok downgrade base --one-transaction
expect_version ""
has_table pet && fail "pet still there"
run_ok upgrade head --one-transaction
expect_version $d
expect_q "SELECT group_concat(revision) FROM (SELECT revision FROM retort_history WHERE direction = 'upgrade' AND id > (SELECT max(id) FROM retort_history WHERE direction = 'downgrade') ORDER BY id)" "$a,$b,$c,$d" "" \
	"one history row per revision"
expect_q "SELECT name || ':' || kind FROM pet" "rex:dog"
finish
