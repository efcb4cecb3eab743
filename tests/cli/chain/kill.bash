# kill.bash: the chain and the checks of the kill_*.sh scripts (sourced).
#
# Four revisions over a table of many rows: a base that creates and fills
# it, a rebuild (CREATE the new table, INSERT ... SELECT, DROP, ALTER ...
# RENAME, then an index), a new table filled from it with indexes, and an
# UPDATE of every row with ADD COLUMN. A run of retort is killed with
# SIGKILL when the k-th line appears on its --echo output (every line of
# every revision in turn, so every statement, BEGIN, version update, history
# row and COMMIT is a kill point) and at fixed delays; after each kill the
# database must be exactly at a revision boundary: the version table names a
# revision, the schema and every row are those the reference run had at that
# revision, the history agrees, integrity_check is ok; and a plain rerun
# must then finish the job.
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

rows=${RETORT_KILL_ROWS:-100000}
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004

kill_chain() {
	rev $r1 none "items" "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) INSERT INTO item (id, name, qty, note) SELECT i, 'item ' || i, i % 100, CASE WHEN i % 7 = 0 THEN NULL ELSE printf('%.*c', i % 40, 'x') END FROM n;" \
		"DROP TABLE item;"
	rev $r2 $r1 "rebuild item with a price" "CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty >= 0), note TEXT, price REAL NOT NULL DEFAULT 0);
INSERT INTO _retort_new_item (id, name, qty, note, price) SELECT id, name, qty, note, qty * 0.5 FROM item;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;
CREATE INDEX ix_item_name ON item (name);" \
		"DROP INDEX ix_item_name;
CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, note TEXT);
INSERT INTO _retort_new_item (id, name, qty, note) SELECT id, name, qty, note FROM item;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;"
	rev $r3 $r2 "tags" "CREATE TABLE tag (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item (id), label TEXT NOT NULL);
INSERT INTO tag (item_id, label) SELECT id, 'even ' || id FROM item WHERE id % 2 = 0;
CREATE INDEX ix_tag_item ON tag (item_id);
CREATE UNIQUE INDEX ux_item_name_qty ON item (name, qty);" \
		"DROP INDEX ux_item_name_qty;
DROP TABLE tag;"
	rev $r4 $r3 "restock" "UPDATE item SET qty = qty + 1;
ALTER TABLE item ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_item_seen ON item (seen, qty);" \
		"DROP INDEX ix_item_seen;
ALTER TABLE item DROP COLUMN seen;
UPDATE item SET qty = qty - 1;"
}

# The reference run's state at each boundary, KEY being a revision id or
# "base": $work/ref/KEY.db (a copy), KEY.sum (the fingerprint of its schema
# and rows), KEY.state (the same as text, to show what differs) and
# KEY.history.
mkdir -p "$work/ref"
boundary_key() {
	local v
	v=$(version_of "${1:-app.db}")
	printf '%s' "${v:-base}"
}

# fingerprint [DB]: a hash of the user's schema and of every row of each of
# its tables (the sqlite3 shell's sha3_query: fast on many rows)
fingerprint() {
	local db=${1:-app.db} t
	local sql="SELECT hex(sha3_query('SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE ''retort%'' ORDER BY name'))"
	for t in $(user_tables "$db"); do
		sql+=", hex(sha3_query('SELECT * FROM \"$t\" ORDER BY rowid'))"
	done
	sqlite3 -bail -batch "$db" "$sql"
}

record_boundary() {
	local key
	key=$(boundary_key)
	[[ $(q "PRAGMA journal_mode") != wal ]] || q "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
	cp app.db "$work/ref/$key.db"
	fingerprint > "$work/ref/$key.sum"
	state_of app.db > "$work/ref/$key.state"
	history_of > "$work/ref/$key.history" 2>/dev/null
}

# how many kills landed inside a long statement (long_statement_boundary)
long_checked=0

# fresh START_DB: app.db becomes a copy of START_DB (no journal, no WAL)
fresh() {
	rm -f app.db app.db-journal app.db-wal app.db-shm
	cp "$1" app.db
}

# echo_kill K ARGS...: run `retort --echo ARGS` and SIGKILL it when the K-th
# line appears on its stderr. Sets killed (1 when the kill landed before it
# exited) and killed_at (the line it was killed at).
echo_kill() {
	local k=$1 pid n=0 line='' st
	shift
	rm -f "$work/fifo"
	mkfifo "$work/fifo"
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" --echo "$@" \
		> /dev/null 2> "$work/fifo" &
	pid=$!
	exec 3< "$work/fifo"
	while IFS= read -r line <&3; do
		n=$((n + 1))
		if ((n == k)); then
			kill -9 "$pid" 2>/dev/null
			break
		fi
	done
	exec 3<&-
	{ wait "$pid"; } 2>/dev/null
	st=$?
	killed=0
	((st == 137)) && killed=1
	((st == 0 || st == 137)) || fail "retort --echo $* (to be killed at line $k) exited $st"
	killed_at=$line
}

# timed_kill SECONDS ARGS...: run retort ARGS and SIGKILL it after SECONDS
timed_kill() {
	local s=$1 pid st
	shift
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" "$@" > /dev/null 2>&1 &
	pid=$!
	sleep "$s"
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	st=$?
	killed=0
	((st == 137)) && killed=1
	((st == 0 || st == 137)) || fail "retort $* (to be killed after ${s}s) exited $st"
}

# check_boundary WHAT [FULL]: app.db is at a revision boundary of the
# reference run, with that boundary's history and (unless FULL is 0: after a
# rerun, which starts from a checked state) its schema and every row, and
# integrity_check ok; sets key to the boundary
check_boundary() {
	local what=$1 full=${2:-1} got
	if ((full)); then
		got=$(sqlite3 -bail -batch app.db "PRAGMA integrity_check;" 2>&1)
		[[ $got == ok ]] || fail "$what: integrity_check gave: $got"
	fi
	key=$(boundary_key)
	[[ -f $work/ref/$key.sum ]] || fail "$what: the version table holds '$key', not a revision boundary of this run"
	((full)) && fingerprint > "$work/sum"
	if ((full)) && ! cmp -s "$work/sum" "$work/ref/$key.sum"; then
		state_of app.db > "$work/state"
		fail "$what: the version table says $key but the schema or rows are not those at $key:
$(diff "$work/ref/$key.state" "$work/state" | head -20)"
	fi
	history_of > "$work/history" 2>/dev/null
	cmp -s "$work/history" "$work/ref/$key.history" || fail "$what: at $key the history is
$(cat "$work/history")
expected
$(cat "$work/ref/$key.history")"
	ok
}

# kill_everywhere FINISH_KEY ARGS...: for each boundary of `order` (set by
# the script: the boundaries of the run in the order it passes them) but the
# last, from the reference copy at that boundary, kill `retort ARGS` at
# every --echo line up to the end of the first revision it runs; then from
# the first boundary at fixed delays. After each kill, check the boundary,
# then rerun ARGS, which must finish at FINISH_KEY. Fails unless the kills
# left the database at every boundary at least once.
kill_everywhere() {
	local finish=$1 i lines k seen=" " s long start total=0
	shift
	for ((i = 0; i + 1 < ${#order[@]}; i++)); do
		start=$work/ref/${order[i]}.db
		fresh "$start"
		rt --echo "$@"
		expect_rc 0 "reference run of retort --echo $* from ${order[i]}"
		check_boundary "reference run of retort --echo $* from ${order[i]}"
		[[ $key == "$finish" ]] || fail "retort --echo $* ended at $key, expected $finish"
		# the lines of the first revision: up to its "upgrade|downgrade ID" line
		lines=$(grep -n -m1 -E "^(upgrade|downgrade) [0-9a-f]{12} " "$work/err" | cut -d: -f1)
		[[ -n $lines ]] || fail "retort --echo $* from ${order[i]} printed no 'upgrade|downgrade ID ...' line:
$(shown)"
		((lines >= 5)) || fail "retort --echo $* printed $lines lines for one revision; expected one per statement"
		for ((k = 1; k <= lines; k++)); do
			fresh "$start"
			echo_kill "$k" "$@"
			check_boundary "from ${order[i]}, killed at --echo line $k ($killed_at)"
			seen+="$key "
			# a statement that runs for a while is killed while it runs:
			# the database must be at the boundary before its revision
			long=$(long_statement_boundary "$killed_at")
			if ((killed)) && [[ -n $long ]]; then
				[[ $key == "$long" ]] || fail "killed while '$killed_at' ran, the database is at $key; expected $long"
				long_checked=$((long_checked + 1))
				ok
			fi
			rt "$@"
			expect_rc 0 "rerun after a kill at --echo line $k"
			check_boundary "rerun after a kill at --echo line $k from ${order[i]}" 0
			[[ $key == "$finish" ]] || fail "rerun of retort $* after a kill at line $k ended at $key, expected $finish"
		done
		total=$((total + lines))
	done
	for s in 0.05 0.1 0.2 0.3 0.5 0.7; do
		fresh "$work/ref/${order[0]}.db"
		timed_kill "$s" "$@"
		check_boundary "killed after ${s}s"
		seen+="$key "
		rt "$@"
		expect_rc 0 "rerun after a kill at ${s}s"
		check_boundary "rerun after a kill at ${s}s" 0
		[[ $key == "$finish" ]] || fail "rerun after a kill at ${s}s ended at $key, expected $finish"
	done
	for key in "${order[@]}"; do
		[[ $key == "$finish" || $seen == *" $key "* ]] || fail "no kill left the database at $key (boundaries seen:$seen): the kill points do not cover the run"
	done
	ok "killed at $total --echo lines and 6 delays: always at a boundary (seen:$seen)"
}
