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
finish
