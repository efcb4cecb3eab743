#!/usr/bin/env bash
# A database locked by another process: with --busy-timeout 200 the upgrade
# gives up after about that long with exit 4, saying the database is locked,
# and the file is byte-for-byte unchanged; with --busy-timeout 10000 it waits
# for the lock and succeeds. The same for a reader that keeps a read
# transaction open (the writer then cannot commit), and for a downgrade.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO pet (name) VALUES ('rex'), ('tom');" "DROP TABLE pet;"
rev bbbb00000002 aaaa00000001 "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;
UPDATE pet SET kind = 'dog';" "ALTER TABLE pet DROP COLUMN kind;"
rev cccc00000003 bbbb00000002 "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY);" "DROP TABLE vet;"

run_ok upgrade aaaa00000001
expect_version aaaa00000001

now_ms() { date +%s%3N; }

# hold SECONDS SQL: another process (the sqlite3 shell) runs SQL and keeps
# its transaction open for SECONDS; returns once the lock is really held
hold() {
	local secs=$1 sql=$2 i
	rm -f "$work/held"
	{ echo ".timeout 5000"; echo "$sql"; echo ".output $work/held"; echo "SELECT 'held';"; echo ".output stdout"; sleep "$secs"; echo "COMMIT;"; } \
		| sqlite3 -bail app.db > /dev/null &
	holder=$!
	for ((i = 0; i < 500; i++)); do
		[[ -s $work/held ]] && return
		sleep 0.01
	done
	fail "the sqlite3 shell did not take its lock"
}

# busy_case WHAT HOLD_SQL ARGS...: with the lock held, retort
# --busy-timeout 200 ARGS exits 4 after about 200 ms and changes nothing;
# with --busy-timeout 10000 it waits for the holder and exits 0
busy_case() {
	local what=$1 sql=$2 t0 t1
	shift 2
	cp app.db "$work/before.db"
	hold 3 "$sql"
	t0=$(now_ms)
	rt --busy-timeout 200 "$@"
	t1=$(now_ms)
	expect_rc 4 "$what, --busy-timeout 200"
	expect_err 'locked|busy' "$what: the message says the database is locked"
	((t1 - t0 >= 150)) || fail "$what: retort gave up after $((t1 - t0)) ms, before its 200 ms busy timeout"
	((t1 - t0 < 2500)) || fail "$what: retort took $((t1 - t0)) ms with a 200 ms busy timeout: it waited for the holder"
	ok "$what: gave up after $((t1 - t0)) ms"
	kill -0 "$holder" 2>/dev/null || fail "$what: the holder was gone before retort gave up, so the test proves nothing"
	wait "$holder" || fail "$what: the lock holder failed"
	cmp -s app.db "$work/before.db" || fail "$what: the database changed although retort could not lock it"
	[[ ! -e app.db-journal ]] || fail "$what: a journal was left behind"
	ok "$what: database byte-for-byte unchanged"

	hold 1.5 "$sql"
	t0=$(now_ms)
	rt --busy-timeout 10000 "$@"
	t1=$(now_ms)
	expect_rc 0 "$what, --busy-timeout 10000"
	((t1 - t0 >= 800)) || fail "$what: retort finished after $((t1 - t0)) ms while the lock was held for 1.5 s"
	ok "$what: waited $((t1 - t0)) ms for the lock"
	wait "$holder" || fail "$what: the lock holder failed"
	expect_integrity
}

# a writer holding the write lock (RESERVED)
busy_case "writer holds BEGIN IMMEDIATE" "BEGIN IMMEDIATE;" upgrade bbbb00000002
expect_version bbbb00000002
expect_q "SELECT group_concat(name || ':' || kind) FROM pet" "rex:dog,tom:dog"
expect_q "SELECT count(*) FROM retort_history WHERE revision = 'bbbb00000002'" 1

# a writer with an EXCLUSIVE lock: even reading the version table must wait
busy_case "writer holds BEGIN EXCLUSIVE" "BEGIN EXCLUSIVE;" upgrade cccc00000003
expect_version cccc00000003

# a reader: the migration can start but not commit while the reader's
# transaction is open; giving up must roll the revision back
busy_case "reader holds a read transaction" "BEGIN; SELECT count(*) FROM pet;" downgrade bbbb00000002
expect_version bbbb00000002
has_table vet && fail "vet still there after the downgrade"
ok
expect_q "SELECT direction FROM retort_history ORDER BY id DESC LIMIT 1" downgrade

# the default busy timeout (5000 ms) waits out a short lock
hold 1 "BEGIN IMMEDIATE;"
run_ok upgrade head
wait "$holder" || fail "the lock holder failed"
expect_version cccc00000003

# --busy-timeout is one deadline for the whole run, not one per statement:
# waits that each stay under it but add up past it stop the run. In
# rollback-journal mode each COMMIT waits for the readers: one holds its
# read transaction for 0.7 s as the run starts (the first revision's COMMIT
# waits for it); another starts while the second revision's slow statement
# runs and lets go 0.7 s after that revision's COMMIT begins to wait:
# 1.4 s of waiting in all, over a 1000 ms deadline, each wait under it.
# (the slow statement joins a small table with itself: it writes nothing,
# so no cache spill waits for the reader before the COMMIT does)
rev dddd00000004 cccc00000003 "owners" "CREATE TABLE owner (id INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO owner SELECT i FROM n;" "DROP TABLE owner;"
rev eeee00000005 dddd00000004 "tally" "CREATE TABLE tally AS SELECT count(*) AS c FROM owner a, owner b, owner c WHERE a.id + b.id > c.id;" "DROP TABLE tally;"

hold 0.7 "BEGIN; SELECT count(*) FROM pet;"
rm -f "$work/fifo" "$work/held"
mkfifo "$work/fifo"
t0=$(now_ms)
env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" --busy-timeout 1000 --echo upgrade head \
	> /dev/null 2> "$work/fifo" &
pid=$!
: > "$work/err"
tp=
exec 3< "$work/fifo"
while IFS= read -r line <&3; do
	printf '%s\n' "$line" >> "$work/err"
	if [[ $line == 'CREATE TABLE tally'* ]]; then
		hold_until "$work/release" "BEGIN; SELECT count(*) FROM pet;"
	elif [[ $line == 'COMMIT;' && -e $work/held ]]; then
		# the second revision's COMMIT, which waits for that reader
		tp=$(now_ms)
		{ sleep 0.7; touch "$work/release"; } &
	fi
done
exec 3<&-
wait "$pid"
rc=$?
t1=$(now_ms)
last_cmd="retort --busy-timeout 1000 upgrade head (two COMMITs that wait about 0.7 s each)"
[[ -n $tp ]] || fail "the run did not get to its second revision: $(shown)"
expect_rc 4 "waits that add up past --busy-timeout stop the run"
expect_err 'the database is locked \(waited 1000 ms\)'
expect_version dddd00000004 "" "the first revision committed, the second rolled back"
has_table tally && fail "the tally of the rolled-back revision is there"
[[ ! -e app.db-journal ]] || fail "a journal was left behind"
((t1 - tp < 650)) || fail "the second COMMIT waited $((t1 - tp)) ms: the first one's wait did not count"
ok "the second COMMIT gave up after $((t1 - tp)) ms, the run after $((t1 - t0)) ms"
wait "$holder"
expect_integrity

# WAL mode: a writer holding the write lock makes BEGIN IMMEDIATE wait
expect_q "PRAGMA journal_mode = WAL" wal
busy_case "WAL mode, writer holds BEGIN IMMEDIATE" "BEGIN IMMEDIATE;" upgrade head
expect_version eeee00000005
expect_q "SELECT c FROM tally" 6666700
finish
