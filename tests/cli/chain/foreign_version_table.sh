#!/usr/bin/env bash
# The version and history tables are retort's or are left alone: when the
# table `version_table` names (or retort_history) is not exactly what retort
# creates, every command that would read or write it is refused (exit 2)
# before any change, naming the table and what it is instead. The pet app
# with `version_table: user` keeps every row of its users.
root=$(cd "$(dirname "$0")/../../.." && pwd) # the pet app's project
source "$(dirname "$0")/common.bash"

project
cp "$root"/models/*.yaml models/
cp "$root"/revisions/*.sql revisions/
run_ok upgrade head
q "INSERT INTO user (name) VALUES ('ann'), ('bob'); INSERT INTO pet (name, owner_id) VALUES ('rex', 2);"
users="1|ann
2|bob"

# a table of the app's that has a column named revision: a stamp would
# have emptied it and written the head's id into it
q "CREATE TABLE release_note (revision TEXT, note TEXT); INSERT INTO release_note VALUES ('1.0', 'first');"
echo 'version_table: release_note' >> retort.yaml
refused 2 stamp head
expect_err 'the version table "release_note" is not retort.s: it is CREATE TABLE release_note \(revision TEXT, note TEXT\)'
refused 2 current
expect_q "SELECT revision || ' ' || note FROM release_note" "1.0 first" "" "the release notes are intact"
sed -i '/^version_table:/d' retort.yaml
echo 'version_table: user' >> retort.yaml

for cmd in "stamp head" "stamp base" "upgrade head" "downgrade base" "current" "status" \
	"upgrade head --sql" "downgrade base --sql"; do
	# shellcheck disable=SC2086
	refused 2 $cmd
	expect_err 'the version table "user" is not retort.s: it is CREATE TABLE "user" \( ?"id" INTEGER PRIMARY KEY' \
		"$cmd names the table and what it is"
	expect_err "where retort's is CREATE TABLE \"user\" \(revision TEXT PRIMARY KEY\)" "$cmd says what it should be"
	expect_q "SELECT id || '|' || name FROM user ORDER BY id" "$users" "" "$cmd leaves every user"
done
rt check
expect_rc 2 "check refuses too"
expect_q "SELECT id || '|' || name FROM user ORDER BY id" "$users" "" "every user is still there"
expect_q "SELECT count(*) FROM pet" 1

# the same database under retort's own table name is fine
sed -i '/^version_table:/d' retort.yaml
run_ok current
expect_out fdc24948574a

# retort's table written another way (case, quoting, spacing) is retort's
q "DROP TABLE retort_version; CREATE TABLE RETORT_VERSION (
	[Revision]   text   PRIMARY KEY
); INSERT INTO retort_version VALUES ('fdc24948574a');"
run_ok current
expect_out fdc24948574a
run_ok stamp 815b67093b86
expect_q "SELECT revision FROM retort_version" 815b67093b86

# ... but not with one more constraint, a trigger, or as a view
q "DROP TABLE retort_version; CREATE TABLE retort_version (revision TEXT PRIMARY KEY CHECK (length(revision) = 12));
INSERT INTO retort_version VALUES ('815b67093b86');"
refused 2 upgrade head
expect_err 'the version table "retort_version" is not retort.s: it is CREATE TABLE retort_version \(revision TEXT PRIMARY KEY CHECK'
q "DROP TABLE retort_version; CREATE TABLE retort_version (revision TEXT PRIMARY KEY);
INSERT INTO retort_version VALUES ('815b67093b86');
CREATE TRIGGER eat AFTER DELETE ON retort_version BEGIN DELETE FROM user; END;"
refused 2 upgrade head
expect_err 'the trigger "eat" fires on it'
refused 2 stamp head
expect_q "SELECT count(*) FROM user" 2 "" "the trigger never ran"
q "DROP TRIGGER eat; DROP TABLE retort_version;
CREATE VIEW retort_version AS SELECT '815b67093b86' AS revision;"
refused 2 current
expect_err 'the version table "retort_version" is not retort.s: it is CREATE VIEW'
q "DROP VIEW retort_version; CREATE TABLE retort_version (revision TEXT PRIMARY KEY);
INSERT INTO retort_version VALUES ('815b67093b86');"

# the history table too: an app's own retort_history is left alone
q "ALTER TABLE retort_history RENAME TO old_history;
CREATE TABLE retort_history (id INTEGER PRIMARY KEY, what TEXT); INSERT INTO retort_history VALUES (1, 'app');"
refused 2 upgrade head
expect_err 'the history table "retort_history" is not retort.s: it is CREATE TABLE retort_history \(id INTEGER PRIMARY KEY, what TEXT\)'
refused 2 status
expect_q "SELECT what FROM retort_history" app

# a history table from retort 0.1.0's first builds (no applied_by) is taken
# and given the column
q "DROP TABLE retort_history; CREATE TABLE retort_history (id INTEGER PRIMARY KEY, revision TEXT,
direction TEXT NOT NULL CHECK (direction = 'upgrade' OR direction = 'downgrade' OR direction = 'stamp'),
sha256 TEXT, started TEXT NOT NULL, finished TEXT NOT NULL, duration_ms INTEGER NOT NULL,
retort_version TEXT NOT NULL, git_commit TEXT); DROP TABLE old_history;"
run_ok stamp head
expect_version fdc24948574a
expect_q "SELECT count(*) FROM retort_history WHERE applied_by IS NOT NULL" 1

# a version table of another name, made by retort, works as before
rm app.db
echo 'version_table: app_versions' >> retort.yaml
run_ok upgrade head
expect_q "SELECT revision FROM app_versions" fdc24948574a
run_ok current
expect_out fdc24948574a

finish
