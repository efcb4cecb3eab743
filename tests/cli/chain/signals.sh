#!/usr/bin/env bash
# SIGINT, SIGTERM and SIGHUP during a run: a chain of a small revision and a
# rebuild of a 1M-row table (CREATE, INSERT ... SELECT, DROP, RENAME, two
# indexes) is upgraded from the first revision, and signalled at timed
# points after --echo shows the copy statement. Each time retort must exit
# promptly with 128 + the signal (130, 143, 129: not killed by it), say
# which revision it rolled back and where the database is, and leave no
# -journal file; the database must pass integrity_check, hold every row,
# keep the small revision committed and be at it. Also: --one-transaction
# (the whole run rolled back), a downgrade, WAL mode, a signal during
# --backup (the partial copy removed) and during the data-loss count, and a
# second SIGINT (which kills at once: the journal stays, hot, and the next
# opener rolls it back). And a closed stderr pipe does not kill a run.
source "$(dirname "$0")/common.bash"

rows=${RETORT_SIGNAL_ROWS:-1000000}
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004

project
rev $r1 none "items" "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL);" \
	"DROP TABLE item;"
rev $r2 $r1 "notes" "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
INSERT INTO note (body) VALUES ('kept');" "DROP TABLE note;"
rev $r3 $r2 "rebuild item with a price" "CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty >= 0), price REAL NOT NULL DEFAULT 0);
INSERT INTO _retort_new_item (id, name, qty, price) SELECT id, name, qty, qty * 0.5 FROM item;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;
CREATE INDEX ix_item_name ON item (name);
CREATE INDEX ix_item_qty ON item (qty, name);" \
	"DROP INDEX ix_item_qty;
DROP INDEX ix_item_name;
CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL);
INSERT INTO _retort_new_item (id, name, qty) SELECT id, name, qty FROM item;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;"

run_ok upgrade $r1
q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
	INSERT INTO item SELECT i, 'item ' || i, i % 100 FROM n" || fail "cannot fill item"
cp app.db "$work/start.db"
item_sql=$(q "SELECT sql FROM sqlite_schema WHERE name = 'item'")
sums="$rows|$((rows / 100 * 4950))"

# launch ARGS...: start `retort ARGS` in the background, its stdout and
# stderr in $work/out and $work/err, with SIGINT, SIGTERM and SIGHUP at
# their defaults (a script's background job starts with SIGINT ignored);
# sets pid (retort's). A launcher waits for it and writes to $work/status
# "exit N" or, when a signal killed it, "signal N".
launch() {
	rm -f "$work/pid" "$work/status"
	last_cmd="retort $*"
	perl -e '
		my ($pidfile, $statusfile) = splice(@ARGV, 0, 2);
		my $pid = fork() // die "fork: $!";
		if ($pid == 0) {
			$SIG{$_} = "DEFAULT" for qw(INT TERM HUP);
			exec @ARGV or die "exec: $!";
		}
		open(my $p, ">", "$pidfile.tmp") or die; print $p $pid; close $p;
		rename("$pidfile.tmp", $pidfile) or die;
		waitpid($pid, 0);
		open(my $s, ">", $statusfile) or die;
		print $s (($? & 127) ? "signal " . ($? & 127) : "exit " . ($? >> 8));
		close $s;' "$work/pid" "$work/status" \
		env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" "$@" \
		> "$work/out" 2> "$work/err" &
	launcher=$!
	while [[ ! -s $work/pid ]]; do sleep 0.01; done
	pid=$(< "$work/pid")
}

# retort runs under a launcher (a job of this script): on a failure, stop it
# too before the folder goes
trap '[[ -z ${pid:-} ]] || kill -9 "$pid" 2> /dev/null; cleanup' EXIT

# wait_for TEXT: until the running retort's stderr holds TEXT
wait_for() {
	local n=0
	until grep -qF -- "$1" "$work/err"; do
		[[ ! -s $work/status ]] || fail "$last_cmd ended before printing '$1':
$(shown)"
		((++n < 6000)) || fail "$last_cmd printed no '$1' in 60 s"
		sleep 0.01
	done
}

# signal_it SIG: send SIG to the running retort, wait for it to end (a
# watchdog kills it after 60 s); sets status and took (seconds from the
# signal to the end)
signal_it() {
	local t0 n=0
	t0=$(date +%s%N)
	kill -s "$1" "$pid"
	until [[ -s $work/status ]]; do
		((++n < 6000)) || { kill -9 "$pid"; fail "$last_cmd still ran 60 s after SIG$1"; }
		sleep 0.01
	done
	wait "$launcher"
	status=$(< "$work/status")
	took=$((($(date +%s%N) - t0) / 1000000))
}

# interrupted CODE SIG: the last run exited CODE (not killed), promptly
expect_interrupted() {
	[[ $status == "exit $1" ]] || fail "after SIG$2, $last_cmd ended with $status, expected exit $1
$(shown)"
	ok "SIG$2: $last_cmd exits $1"
	((took < 5000)) || fail "$last_cmd took $took ms to end after SIG$2"
	ok "it ended $took ms after SIG$2"
	expect_err "error: interrupted \\(SIG$2\\): " "it says SIG$2 stopped it"
}

# no_journal: no rollback journal next to app.db
no_journal() {
	[[ ! -e app.db-journal ]] || fail "a journal is left after $last_cmd: $(ls -la app.db*)"
	ok "no journal left"
}

# hot_journal: app.db-journal is there and begins with the journal magic,
# which SQLite writes once the journal is synced: a rollback is owed
hot_journal() {
	[[ -e app.db-journal && $(od -An -tx1 -N8 app.db-journal | tr -d ' \n') == d9d505f920a163d7 ]]
}

# at_r2 WHAT: app.db as the small revision left it: every row of item in
# its old shape, the note committed, version r2, integrity ok
at_r2() {
	expect_integrity app.db "$1: integrity_check ok"
	expect_version $r2 app.db "$1: at $r2"
	expect_q "SELECT count(*), sum(qty) FROM item" "$sums" app.db "$1: every row of item"
	expect_q "SELECT sql FROM sqlite_schema WHERE name = 'item'" "$item_sql" app.db "$1: item as it was"
	expect_q "SELECT body FROM note" kept app.db "$1: $r2 stays committed"
	expect_q "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_retort\\_new%' ESCAPE '\\'" 0 \
		app.db "$1: no scratch table left"
	expect_q "SELECT group_concat(revision || ' ' || direction, ', ') FROM retort_history" \
		"$r1 upgrade, $r2 upgrade" app.db "$1: no history row for $r3"
}

# the rebuild, signalled at timed points after its copy statement shows
for point in INT:0 INT:0.3 TERM:0.1 TERM:0.8 HUP:0.5; do
	sig=${point%:*} delay=${point#*:}
	case $sig in INT) code=130 ;; TERM) code=143 ;; HUP) code=129 ;; esac
	rm -f app.db-journal
	cp "$work/start.db" app.db
	launch --echo upgrade head
	wait_for "INSERT INTO _retort_new_item"
	sleep "$delay"
	signal_it "$sig"
	expect_interrupted $code "$sig"
	expect_err "^upgrade $r2 notes " "$r2 was committed first"
	# at the statement it stopped (none when the signal came between two,
	# or during the foreign-key check), and where the database is
	expect_err "^($(rev_file $r3):[0-9]+:1|retort): error: interrupted \\(SIG$sig\\): upgrade $r3 cancelled and rolled back; the database is at $r2\$" \
		"SIG$sig ${delay}s into the copy: names $r3 rolled back, and $r2"
	if [[ $delay == 0 ]]; then
		[[ $(grep -A1 "^$(rev_file $r3):8:1: error: " "$work/err" | tail -n 1) == 'INSERT INTO _retort_new_item '* ]] ||
			fail "the error does not show the copy at line 8 as the statement stopped:
$(shown)"
		ok "it shows the statement it stopped: the copy, line 8"
	fi
	no_journal
	at_r2 "SIG$sig ${delay}s into the copy"
done

# --one-transaction: the whole run is rolled back, the small revision too
cp "$work/start.db" app.db
launch --echo upgrade head --one-transaction
wait_for "INSERT INTO _retort_new_item"
sleep 0.2
signal_it INT
expect_interrupted 130 INT
expect_err "error: interrupted \\(SIGINT\\): upgrade $r3 cancelled: the whole run was rolled back \\(one transaction\\); the database is at $r1\$" \
	"--one-transaction: says the whole run went"
expect_err "the 1 revision above was rolled back with it" "--one-transaction: the note on $r2"
no_journal
expect_integrity
expect_version $r1 app.db "--one-transaction: back at $r1"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 'note'" 0 app.db "--one-transaction: $r2 rolled back"
expect_q "SELECT count(*), sum(qty) FROM item" "$sums"

# stderr piped to a reader that goes away (`| head`, or `| tee` ended by
# the same Ctrl-C): the run is not killed midway by SIGPIPE, it finishes
cp "$work/start.db" app.db
env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" --echo upgrade head 2>&1 | head -c 10 > /dev/null
rc=${PIPESTATUS[0]}
last_cmd="retort --echo upgrade head 2>&1 | head -c 10"
expect_rc 0 "a closed pipe: the run finishes"
no_journal
expect_version $r3

# a downgrade: its rebuild rolled back, the database still at head
expect_q "SELECT count(*), sum(price) FROM item" "$rows|$((rows / 100 * 4950 / 2)).0"
cp app.db "$work/head.db"
launch --echo downgrade $r2
wait_for "INSERT INTO _retort_new_item (id, name, qty) SELECT"
sleep 0.3
signal_it TERM
expect_interrupted 143 TERM
expect_err "error: interrupted \\(SIGTERM\\): downgrade $r3 cancelled and rolled back; the database is at $r3\$" \
	"downgrade: names $r3"
no_journal
expect_integrity
expect_version $r3 app.db "downgrade: still at $r3"
expect_same_state app.db "$work/head.db" "downgrade: every row and index as before"

# WAL mode: nothing of the rebuild survives, the database is consistent
cp "$work/start.db" app.db
[[ $(q "PRAGMA journal_mode = WAL") == wal ]] || fail "cannot set WAL mode"
launch --echo upgrade head
wait_for "INSERT INTO _retort_new_item"
sleep 0.3
signal_it TERM
expect_interrupted 143 TERM
expect_err "error: interrupted \\(SIGTERM\\): upgrade $r3 cancelled and rolled back; the database is at $r2\$" \
	"WAL: names $r3"
no_journal
at_r2 "WAL"
expect_q "PRAGMA journal_mode" wal
# (every connection is closed: SQLite removed them; a stale one must never
# meet the next copy)
[[ ! -e app.db-wal ]] || fail "a WAL file is left after every connection closed"
rm -f app.db-shm

# during --backup: the partial copy is removed, nothing changed
cp "$work/start.db" app.db
launch upgrade head --backup backup.db
until [[ -s backup.db || -s $work/status ]]; do sleep 0.005; done
signal_it INT
expect_interrupted 130 INT
expect_err "^retort: error: interrupted \\(SIGINT\\): the backup to 'backup\\.db' was cancelled and removed; nothing was changed; the database is at $r1\$" \
	"--backup: says the copy is gone"
[[ ! -e backup.db ]] || fail "the partial backup is left: $(ls -la backup.db)"
ok "no partial backup left"
cmp -s app.db "$work/start.db" || fail "the database changed although the run stopped at its backup"
ok "the database is unchanged"
no_journal

# during the data-loss count that runs before a revision (a rebuild whose
# copy keeps some rows: its SELECT is counted on the live table first)
rev $r4 $r1 "cheap items only" "CREATE TABLE _retort_new_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL);
INSERT INTO _retort_new_item SELECT id, name, qty FROM item WHERE length(printf('%.*c', 300 + qty % 2, 'x')) > 0 AND qty < 50;
DROP TABLE item;
ALTER TABLE _retort_new_item RENAME TO item;" "SELECT 1;"
cp "$work/start.db" app.db
launch --echo upgrade $r4
wait_for "BEGIN IMMEDIATE"
sleep 0.3
signal_it INT
expect_interrupted 130 INT
expect_err "^retort: error: interrupted \\(SIGINT\\): upgrade $r4 cancelled and rolled back; the database is at $r1\$" \
	"the count: names $r4"
expect_no_err "CREATE TABLE _retort_new_item" "the count: no statement of $r4 ran"
expect_no_err "warning" "the count: no loss reported from a count it stopped"
no_journal
expect_integrity
cmp -s <(state_of app.db) <(state_of "$work/start.db") || fail "the count's run changed the database"
ok "the count: the database is as it was"
expect_version $r1
rm "$(rev_file $r4)"

# a second SIGINT ends the process at once: SQLite's journal stays (hot) and
# keeps the file whole; the next connection that may write rolls it back.
# SIGINT every 0.2 ms until it ends, so that one lands while the first is
# being acted on (when none does, it exits 130: fine too)
cp "$work/start.db" app.db
launch --echo upgrade head
wait_for "INSERT INTO _retort_new_item"
perl -MTime::HiRes=usleep -e 'for (1 .. 50000) { kill("INT", $ARGV[0]) or last; usleep(200) }' "$pid"
wait "$launcher"
status=$(< "$work/status")
[[ $status == "signal 2" || $status == "exit 130" ]] || fail "after many SIGINTs, $last_cmd ended with $status
$(shown)"
ok "SIGINT again and again: $status$(hot_journal && echo ", a hot journal left")"
# (a journal SQLite never synced has a zero header: cold, and harmless)
q "SELECT count(*) FROM sqlite_schema" > /dev/null || fail "sqlite3 cannot read the database after many SIGINTs"
! hot_journal || fail "the sqlite3 shell did not roll the hot journal back"
ok "no hot journal once the database was opened"
at_r2 "SIGINT again and again"
run_ok upgrade head
expect_version $r3 app.db "then upgrade head finishes"
no_journal

finish
