#!/usr/bin/env bash
# After a kill, the runbook's read-only commands work. A real `retort upgrade`
# is killed with SIGKILL inside the INSERT ... SELECT of a big table rebuild,
# which leaves a hot journal. Then each read-only command (current, status,
# check, history, inspect, upgrade --sql, downgrade --sql), each on its own
# copy of the killed state, rolls the journal back as SQLite means it to, says
# so, and reports the previous revision: the journal is gone after it, the
# schema, every row and the history are those before the killed revision.
# When this user cannot write the file or its folder (chmod 444, a read-only
# folder; as root the commands run as nobody through setpriv), each says
# plainly that the database has an unfinished transaction and what to do,
# and changes nothing. The same kill in WAL mode: the commands read the
# database as it was before the killed revision, as the owner and as a user
# who cannot write, and a WAL without its -shm in a read-only folder is a
# plain message too.
source "$(dirname "$0")/kill.bash"

rows=${RETORT_KILL_ROWS:-300000}
project
kill_chain
run_ok upgrade "$r1"
record_boundary

# journal_magic FILE: its first four bytes in hex
journal_magic() {
	head -c 4 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n'
}

# kill_in_rebuild: SIGKILL `retort upgrade head` while r2's INSERT ... SELECT
# copies the rows (its first statement, CREATE TABLE, has started the
# journal); the copy of the killed files is in $work/killed.*
kill_in_rebuild() {
	local pid line st i
	rm -f "$work/fifo" "$work"/killed.*
	mkfifo "$work/fifo"
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" --echo upgrade head \
		> /dev/null 2> "$work/fifo" &
	pid=$!
	exec 3< "$work/fifo"
	while IFS= read -r line <&3; do
		if [[ $line == *'INSERT INTO _retort_new_item'* ]]; then
			# hot once the copy has spilled into the file: SQLite writes
			# the journal's magic number only then
			for ((i = 0; i < 2000; i++)); do
				[[ $(journal_magic app.db-journal) == d9d505f9 ]] && break
				# the first frames (a WAL with its header alone is the
				# last case below)
				(($(stat -c %s app.db-wal 2>/dev/null || echo 0) > 65536)) && break
				sleep 0.005
			done
			kill -9 "$pid" 2>/dev/null
			break
		fi
	done
	exec 3<&-
	{ wait "$pid"; } 2>/dev/null
	st=$?
	((st == 137)) || fail "retort upgrade head exited $st before the kill inside the rebuild (more rows?)"
	for f in app.db app.db-journal app.db-wal app.db-shm; do
		[[ ! -e $f ]] || cp "$f" "$work/killed.${f#app.db}"
	done
	ok "killed inside the rebuild of $rows rows"
}

# killed_state: app.db and its journal (or WAL) as the kill left them
killed_state() {
	local f
	rm -f app.db app.db-journal app.db-wal app.db-shm
	for f in "$work"/killed.*; do
		cp "$f" "app.db${f##*/killed.}"
	done
}
# the read-only commands of the runbook; each line: exit code, then arguments
read_only_commands=(
	"0 current"
	"1 status"
	"1 check"
	"0 history -r base:current"
	"0 inspect"
	"0 upgrade --sql"
	"0 downgrade base --sql"
)

# reports_r1 ARGS...: the last run's output says the database is at r1
reports_r1() {
	case $1 in
	current) expect_out "^$r1 items" "current shows $r1" ;;
	history) expect_out "^<base> -> $r1, items" "history -r base:current ends at $r1"
		expect_no_out "$r2" "history -r base:current: not $r2" ;;
	status) expect_out "^  $r1 items" "status: current is $r1"
		expect_out "^  $r2 " "status: $r2 is pending" ;;
	check) expect_no_err 'error' "check: no error" ;;
	inspect) expect_out '^  item:' "inspect: the table item"
		expect_no_out 'price' "inspect: item as at $r1, without r2's price" ;;
	upgrade) expect_out "^-- retort upgrade head: 3 revisions" "upgrade --sql: from $r1, 3 revisions" ;;
	downgrade) expect_out "^-- retort downgrade base: 1 revision" "downgrade --sql: from $r1, 1 revision" ;;
	esac
}

kill_in_rebuild
[[ $(journal_magic "$work/killed.-journal") == d9d505f9 ]] || fail "the kill left no hot journal"
ok "a hot journal: $(stat -c %s "$work/killed.-journal") bytes"

# each command alone, on its own copy of the killed state
for cmd in "${read_only_commands[@]}"; do
	read -r want args <<< "$cmd"
	killed_state
	rt $args
	expect_rc "$want" "retort $args after the kill"
	expect_no_err 'readonly|read-only' "retort $args: no read-only error"
	expect_err "database '[^']*app.db' had an unfinished transaction .*rolled back" \
		"retort $args says it rolled the hot journal back"
	reports_r1 $args
	[[ ! -e app.db-journal ]] || fail "retort $args left the journal"
	ok "retort $args: the journal is gone"
	check_boundary "after retort $args"
	[[ $key == "$r1" ]] || fail "after retort $args the database is at $key, expected $r1"
	ok
done

# in a row: the first rolls back, the next find nothing to do
killed_state
run_ok current
[[ ! -e app.db-journal ]] || fail "current left the journal"
run_rc 1 status
expect_no_err 'unfinished' "status after current: nothing left to roll back"
expect_out "^  $r1 items"
run_ok upgrade head
expect_version "$r4" "" "the rerun after the kill finishes"
expect_integrity

# A user who cannot write the file or its folder. Root may write anything:
# then the commands run as nobody (setpriv), which can read the files.
if ! other_user; then
	echo "skipped: running as root without setpriv to run as nobody: the cases of a user who cannot write need one"
	finish
fi
# perms FILE_MODE FOLDER_MODE: the folder is writable only with 777 as root
perms() {
	chmod "$1" app.db
	chmod "$2" .
}

# file mode, folder mode (as root the folder is root's: 755 is read-only to nobody)
if ((EUID == 0)); then cases=("444 755" "666 755" "444 777"); else cases=("444 555" "644 555" "444 755"); fi
for c in "${cases[@]}"; do
	read -r fmode dmode <<< "$c"
	for cmd in "${read_only_commands[@]}"; do
		read -r want args <<< "$cmd"
		killed_state
		perms "$fmode" "$dmode"
		cp app.db "$work/before.db"
		as_other $args
		expect_rc 3 "retort $args, file $fmode, folder $dmode"
		expect_err "database '[^']*app.db' has an unfinished transaction \(a hot journal, '[^']*app.db-journal', left by a process that stopped in the middle of a write\); only a connection that may write can roll it back, and this user cannot write '[^']*app.db' or its folder.*: run retort as the file's owner, or have the owner run: sqlite3 '[^']*app.db' 'PRAGMA schema_version'" \
			"retort $args says plainly what is wrong and what to do"
		perms 644 755
		cmp -s app.db "$work/before.db" || fail "retort $args changed the database it could not write"
		[[ -s app.db-journal ]] || fail "retort $args removed the journal"
		ok "retort $args, file $fmode, folder $dmode: nothing changed"
	done
done
# the owner's sqlite3 as the message says, then the other user reads it
killed_state
sqlite3 app.db 'PRAGMA schema_version' > /dev/null || fail "sqlite3 as the owner failed"
[[ ! -e app.db-journal ]] || fail "the owner's sqlite3 left the journal"
perms 444 "${cases[0]#* }"
as_other current
expect_rc 0 "current as the other user, after the owner's sqlite3"
expect_out "^$r1 "
perms 644 755
check_boundary "after the owner's sqlite3"
[[ $key == "$r1" ]] || fail "after the owner's sqlite3 the database is at $key"
ok

# WAL mode: the kill leaves -wal and -shm, and a reader ignores the frames
# of the transaction that never committed
fresh "$work/ref/$r1.db"
expect_q "PRAGMA journal_mode = WAL" wal
kill_in_rebuild
[[ -s $work/killed.-wal ]] || fail "the kill in WAL mode left no WAL"
for cmd in "${read_only_commands[@]}"; do
	read -r want args <<< "$cmd"
	killed_state
	rt $args
	expect_rc "$want" "retort $args after the kill, WAL mode"
	reports_r1 $args
	killed_state
	perms "${cases[0]% *}" "${cases[0]#* }"
	as_other $args
	expect_rc "$want" "retort $args after the kill, WAL mode, by a user who cannot write"
	reports_r1 $args
	perms 644 755
done
# without its -shm, in a folder this user cannot write, SQLite cannot read it
killed_state
rm -f app.db-shm
perms "${cases[0]% *}" "${cases[0]#* }"
as_other current
expect_rc 3 "current, WAL without -shm, read-only folder"
expect_err "cannot read database '[^']*app.db' \(.*\): it is in WAL mode, .*this user cannot write '[^']*app.db-shm' or its folder" \
	"the WAL case says plainly what is wrong"
perms 644 755
[[ ! -e app.db-shm ]] || fail "the other user created the -shm"
run_ok current
expect_out "^$r1 " "the owner reads it"
# killed just after a WAL was restarted (its header written with new salts,
# no frame yet): the -shm's header no longer matches and must be rebuilt,
# which only a connection that may write the -shm can do (SQLite retries
# for about ten seconds before it gives up)
killed_state
head -c 16 "$work/killed.-wal" > app.db-wal
printf 'saltsalt\0\0\0\0\0\0\0\0' >> app.db-wal
perms "${cases[0]% *}" "${cases[0]#* }"
as_other current
expect_rc 3 "current, a restarted WAL whose -shm this user cannot write"
expect_err "cannot read database '[^']*app.db' \(.*\): it is in WAL mode, .*this user cannot write '[^']*app.db-shm' or its folder" \
	"the restarted WAL case says plainly what is wrong"
perms 644 755
cmp -s app.db "$work/killed." || fail "the other user changed the database"
run_ok current
expect_out "^$r1 " "the owner reads it"
check_boundary "WAL mode, after the kill"
[[ $key == "$r1" ]] || fail "WAL mode: after the kill the database is at $key"
ok
finish
