#!/usr/bin/env bash
# --sql scripts check the database first: every transaction of a script
# `upgrade --sql`, `downgrade --sql` or `stamp --sql` prints starts by checking
# that the version table holds exactly the revisions it was made for (none
# for base, both heads before a merge), and otherwise stops under
# `sqlite3 -bail` before any change, saying which revision it expected and
# which it found. A script run twice, half-run then run again, or run on
# another database changes nothing: schema, rows, version table, history.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004 r5=eeee00000005 r6=ffff00000006
rev $r1 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO pet (name) VALUES ('rex'), ('tom');" "DROP TABLE pet;"
rev $r2 $r1 "kinds" "ALTER TABLE pet ADD COLUMN kind TEXT NOT NULL DEFAULT 'cat';
UPDATE pet SET kind = 'dog' WHERE name = 'rex';" "ALTER TABLE pet DROP COLUMN kind;"
rev $r3 $r2 "owners" "ALTER TABLE pet ADD COLUMN owner TEXT;
UPDATE pet SET owner = 'ann';
CREATE TABLE note (pet INTEGER, text TEXT);" "DROP TABLE note;
ALTER TABLE pet DROP COLUMN owner;"
rev $r4 $r3 "toys" "CREATE TABLE toy (name TEXT);" "DROP TABLE toy;"
rev $r5 $r3 "food" "CREATE TABLE food (name TEXT);" "DROP TABLE food;"
rev $r6 "$r4,$r5" "join" "INSERT INTO toy VALUES ('ball');
INSERT INTO food VALUES ('fish');" "DELETE FROM toy;
DELETE FROM food;"

# everything a script could change: the whole database, the engine's tables
# included, as the sqlite3 shell dumps it
dump() { sqlite3 -bail -batch "${1:-app.db}" .dump; }

# script NAME ARGS...: retort ARGS --sql, saved as $work/NAME.sql
script() {
	local name=$1
	shift
	run_ok "$@" --sql
	cp "$work/out" "$work/$name.sql"
}

# applies NAME [DB]: the script runs clean under sqlite3 -bail
applies() {
	local out
	out=$(sqlite3 -bail "${2:-app.db}" < "$work/$1.sql" 2>&1) || fail "the script $1 failed on ${2:-app.db}: $out"
	[[ -z $out ]] || fail "the script $1 printed: $out"
	ok "the script $1 runs on ${2:-app.db}"
}

# refused NAME EXPECTED FOUND [DB]: the script stops at once under sqlite3
# -bail, naming the revision it expects and the one it found, and the
# database is exactly as it was (no journal left)
refused_script() {
	local name=$1 want=$2 found=$3 db=${4:-app.db} before out code
	before=$(dump "$db")
	cp "$db" "$work/refused_before.db"
	out=$(sqlite3 -bail "$db" < "$work/$name.sql" 2>&1)
	code=$?
	((code != 0)) || fail "the script $name ran on a database at '$found' (it expects '$want'): exit 0, output: $out"
	[[ $out == *"the database is at $found but this script expects $want"* ]] ||
		fail "the script $name on a database at '$found' did not say 'the database is at $found but this script expects $want': $out"
	[[ $out == *"CHECK constraint failed: retort: the database is not at $want"* ]] ||
		fail "the script $name did not fail on its guard: $out"
	[[ $(dump "$db") == "$before" ]] || fail "the script $name changed the database:
$(diff <(echo "$before") <(dump "$db") | head -30)"
	cmp -s "$db" "$work/refused_before.db" || fail "the script $name changed the database file"
	[[ ! -e $db-journal && ! -e $db-wal ]] || fail "the script $name left a journal"
	ok "the script $name on a database at '$found' stops (exit $code), naming $want and $found; nothing changed"
}

# 1. a script made for base (no database yet), run twice
script base_to_r2 upgrade $r2
[[ ! -e app.db ]] || fail "--sql made the database"
applies base_to_r2
expect_version $r2
run_ok upgrade head
expect_version $r6
refused_script base_to_r2 base $r6

# 2. the same script on a database that has tables but no retort tables:
# base, so it runs
sqlite3 -bail other.db "CREATE TABLE misc (x); INSERT INTO misc VALUES (1);"
applies base_to_r2 other.db
expect_version $r2 other.db

# 3. a script made at r2, applied, then the database moves on: run again,
# it stops (today it would add its columns again or set the version back)
run_ok downgrade $r2
script r2_to_r3 upgrade $r3
cp app.db "$work/at_r2.db"
applies r2_to_r3
expect_version $r3
refused_script r2_to_r3 $r2 $r3
run_ok upgrade head
refused_script r2_to_r3 $r2 $r6

# 4. a downgrade script made at r3 on a database elsewhere: at the merge it
# would drop owner and note and set the version to r2 over two heads
run_ok downgrade $r3
script r3_down downgrade $r2
run_ok upgrade head
refused_script r3_down $r3 $r6
cp "$work/at_r2.db" "$work/r2_copy.db"
refused_script r3_down $r3 $r2 "$work/r2_copy.db"

# 5. a merge's two heads: the script expects both rows, no fewer, no more
run_ok downgrade $r4
run_ok upgrade $r5
expect_version "$r4 $r5"
script join upgrade $r6
cp app.db "$work/heads.db"
run_ok downgrade $r3
run_ok upgrade $r4
expect_version $r4
refused_script join "$r4, $r5" $r4
run_ok upgrade $r5
applies join
expect_version $r6
refused_script join "$r4, $r5" $r6
# a version table holding one more row than the script expects
sqlite3 -bail "$work/heads.db" "INSERT INTO retort_version VALUES ('$r1')"
refused_script join "$r4, $r5" "$r1, $r4, $r5" "$work/heads.db"

# 6. a stamp script made at r6, on a database at base and at r2
script stamp_r3 stamp $r3
refused_script stamp_r3 $r6 $r2 "$work/at_r2.db"
sqlite3 -bail empty.db "CREATE TABLE misc (x);"
refused_script stamp_r3 $r6 base empty.db
# and a stamp script made for base (no version table) on a database at r2
rm -f fresh.db
rt --db fresh.db stamp $r1 --sql
expect_rc 0
cp "$work/out" "$work/stamp_fresh.sql"
refused_script stamp_fresh base $r2 "$work/at_r2.db"
applies stamp_fresh empty.db
expect_version $r1 empty.db

# 7. a multi-revision script, each block guarded: half-run (its second block
# fails), then run again: it stops at its first block, nothing re-run
run_ok downgrade $r1
script r1_to_r4 upgrade $r4
[[ $(grep -c '^BEGIN IMMEDIATE;' "$work/r1_to_r4.sql") == 3 ]] || fail "expected 3 transactions: $(cat "$work/r1_to_r4.sql")"
[[ $(grep -c '^CREATE TEMP TABLE retort_guard ' "$work/r1_to_r4.sql") == 3 ]] ||
	fail "every transaction must start with its guard: $(cat "$work/r1_to_r4.sql")"
ok "a guard per transaction"
sqlite3 -bail app.db "CREATE TABLE note (hand TEXT)"
out=$(sqlite3 -bail app.db < "$work/r1_to_r4.sql" 2>&1) && fail "the second block should fail on the hand-made table note"
expect_version $r2 app.db "the first block committed, the second did not"
sqlite3 -bail app.db "DROP TABLE note"
refused_script r1_to_r4 $r1 $r2
# the first block alone (cut after its COMMIT), then the whole script
run_ok downgrade $r1
awk '{ print } /^COMMIT;$/ { exit }' "$work/r1_to_r4.sql" > "$work/r1_first.sql"
applies r1_first
expect_version $r2
refused_script r1_to_r4 $r1 $r2

# 8. --one-transaction: one guard for the whole script
script one upgrade head --one-transaction
[[ $(grep -c '^CREATE TEMP TABLE retort_guard ' "$work/one.sql") == 1 ]] || fail "one transaction, one guard: $(cat "$work/one.sql")"
applies one
expect_version $r6
refused_script one $r2 $r6
# 9. who applied: a script's history rows name the applier as a real run's
# do, also on a history table of retort 0.1.0's first builds (no applied_by),
# which the script gives the column as a real run would
sqlite3 -bail old.db "CREATE TABLE retort_version (revision TEXT PRIMARY KEY);
CREATE TABLE retort_history (id INTEGER PRIMARY KEY, revision TEXT,
direction TEXT NOT NULL CHECK (direction = 'upgrade' OR direction = 'downgrade' OR direction = 'stamp'),
sha256 TEXT, started TEXT NOT NULL, finished TEXT NOT NULL, duration_ms INTEGER NOT NULL,
retort_version TEXT NOT NULL, git_commit TEXT);"
rt --db old.db upgrade $r2 --sql
expect_rc 0
cp "$work/out" "$work/old.sql"
applies old old.db
expect_version $r2 old.db
who=$(sqlite3 -bail app.db "SELECT applied_by FROM retort_history ORDER BY id DESC LIMIT 1")
[[ -n $who ]] || fail "a real run recorded no applied_by"
expect_q "SELECT group_concat(applied_by, '|') FROM retort_history" "$who|$who" old.db \
	"the script's history rows name the applier as a real run's do"
finish
