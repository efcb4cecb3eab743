# common.bash: what the tests/cli/chain/*.sh scripts share. Sourced, never
# run (it does not end in .sh, so CMake makes no test of it).
#
# Each script builds its own project in a temporary folder: retort.yaml
# (database app.db), models/ and revisions/ with hand-written revision files
# in the SPEC section 3 format, runs the real binary ($RETORT_BIN) on real
# database files and checks them with the sqlite3 shell. The first failed
# assertion prints what was run, what was expected and what came, and exits
# 1; a script that gets to its end prints "N passed, 0 failed".
set -uo pipefail
export LC_ALL=C.UTF-8

: "${RETORT_BIN:?RETORT_BIN must name the retort binary}"
bin=$RETORT_BIN
[[ $bin == /* ]] || bin=$PWD/$bin
[[ -x $bin ]] || { echo "FAIL: RETORT_BIN=$bin is not an executable" >&2; exit 1; }
test_name=chain_$(basename "$0" .sh)
passed=0
rev_seq=0

work=$(mktemp -d "${TMPDIR:-/tmp}/retort-$test_name.XXXXXX")
# Background jobs are this script's own children (lock holders, racing
# upgrades): stop them before the folder goes.
cleanup() {
	local pids
	pids=$(jobs -p)
	[[ -z $pids ]] || kill -9 $pids 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

fail() {
	echo "FAIL $test_name: $*" >&2
	echo "$passed passed, 1 failed" >&2
	exit 1
}

# ok WHAT: one assertion passed
ok() {
	passed=$((passed + 1))
	[[ -z ${1:-} ]] || echo "ok $passed - $1"
}

finish() {
	echo "$test_name: $passed passed, 0 failed"
	exit 0
}

# project [DIR]: a new project (default: $work/project) whose
# database is app.db next to retort.yaml; DIR becomes the current folder
project() {
	local dir=${1:-$work/project}
	mkdir -p "$dir/models" "$dir/revisions"
	cat > "$dir/retort.yaml" <<-'EOF'
		database: sqlite:///app.db
		models: models/
		revisions: revisions/
	EOF
	cd "$dir" || fail "cannot enter $dir"
}

# slug TEXT: the file-name slug of a message
slug() {
	local s
	s=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9' '_' | tr -s '_')
	s=${s#_}
	printf '%s' "${s%_}"
}

# rev ID PARENTS MESSAGE UPGRADE_SQL DOWNGRADE_SQL: write
# revisions/ID_slug.sql in the SPEC section 3 format. PARENTS is "none" or
# ids separated by commas. The upgrade SQL starts on line 7 of the file.
# Creation times increase with each call, so ties in the topological order
# fall in call order.
rev() {
	local id=$1 parents=$2 msg=$3 up=$4 down=$5
	rev_seq=$((rev_seq + 1))
	printf -- '-- retort revision: %s\n-- parent: %s\n-- message: %s\n-- created: 2026-01-01T%02d:%02d:%02dZ\n\n-- retort:upgrade\n%s\n\n-- retort:downgrade\n%s\n' \
		"$id" "$parents" "$msg" $((rev_seq / 3600)) $((rev_seq / 60 % 60)) $((rev_seq % 60)) \
		"$up" "$down" > "revisions/${id}_$(slug "$msg").sql"
}

# race_chain N: the chain of N revisions that the concurrency tests race on
# (chain/concurrent.sh, dqlite/concurrent.sh). The first makes log, counter
# and bulk; each other adds a table, a log row and one to the counter, so a
# revision applied twice shows; every fourth also writes 20,000 bulk rows,
# holding its transaction longer. Sets ids (in chain order) and head_id.
race_chain() {
	local n=$1 i id up down parent=none
	ids=()
	for ((i = 1; i <= n; i++)); do
		id=$(printf 'c0c0c0c000%02d' "$i")
		ids+=("$id")
		if ((i == 1)); then
			up="CREATE TABLE log (id INTEGER PRIMARY KEY, rev TEXT NOT NULL);
CREATE TABLE counter (n INTEGER NOT NULL);
INSERT INTO counter VALUES (0);
CREATE TABLE bulk (id INTEGER PRIMARY KEY, rev TEXT NOT NULL, v INTEGER);
INSERT INTO log (rev) VALUES ('$id');"
			down="DROP TABLE bulk;
DROP TABLE counter;
DROP TABLE log;"
		else
			up="CREATE TABLE t$i (a INTEGER);
INSERT INTO log (rev) VALUES ('$id');
UPDATE counter SET n = n + 1;"
			down="DELETE FROM log WHERE rev = '$id';
UPDATE counter SET n = n - 1;
DROP TABLE t$i;"
			if ((i % 4 == 0)); then
				up+="
WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 20000) INSERT INTO bulk (rev, v) SELECT '$id', j FROM k;"
				down="DELETE FROM bulk WHERE rev = '$id';
$down"
			fi
		fi
		rev "$id" "$parent" "step $i" "$up" "$down"
		parent=$id
	done
	head_id=${ids[n - 1]}
}

# rev_file ID: the path of revision ID's file
rev_file() {
	local f
	for f in revisions/"$1"_*.sql; do
		[[ -f $f ]] || fail "no revision file for $1"
		printf '%s' "$f"
		return
	done
}

# line_of FILE TEXT: the number of the first line of FILE holding TEXT
line_of() {
	local n
	n=$(grep -n -F -m1 -- "$2" "$1" | cut -d: -f1)
	[[ -n $n ]] || fail "test bug: '$2' is not in $1"
	printf '%s' "$n"
}

# section_sha FILE upgrade|downgrade: the SHA-256 that SPEC section 3 gives a
# section: its text with CRLF/CR made LF and leading and trailing blank space
# dropped
section_sha() {
	tr -d '\r' < "$1" | awk -v want="-- retort:$2" '
		/^-- retort:(upgrade|downgrade)[ \t]*$/ { on = ($0 ~ "^" want); next }
		on { print }' | perl -0777 -pe 's/\A\s+//; s/\s+\z//' | sha256sum | cut -d' ' -f1
}

# rt ARGS...: run retort in the current folder; sets rc, and leaves stdout in
# $work/out and stderr in $work/err. A crash fails the test at once.
rt() {
	last_cmd="retort $*"
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "$bin" "$@" \
		> "$work/out" 2> "$work/err"
	rc=$?
	((rc < 128)) || fail "$last_cmd crashed (exit $rc): $(head -c 3000 "$work/err")"
	return 0
}

shown() {
	printf 'stdout:\n%s\nstderr:\n%s' "$(head -c 3000 "$work/out")" "$(head -c 3000 "$work/err")"
}

# expect_rc CODE [WHAT]: the last retort run exited with CODE
expect_rc() {
	[[ $rc == "$1" ]] || fail "${2:+$2: }$last_cmd exited $rc, expected $1
$(shown)"
	ok "${2:-$last_cmd exits $1}"
}

# run_ok ARGS...: retort ARGS must exit 0
run_ok() {
	rt "$@"
	expect_rc 0
}

# run_rc CODE ARGS...: retort ARGS must exit CODE
run_rc() {
	local want=$1
	shift
	rt "$@"
	expect_rc "$want"
}

# expect_err REGEX [WHAT] / expect_out REGEX [WHAT]: the last run's stderr
# (stdout) has a line matching the extended regular expression
expect_err() {
	grep -Eq -- "$1" "$work/err" || fail "${2:+$2: }stderr of $last_cmd has no match for /$1/
$(shown)"
	ok "${2:-}"
}
expect_out() {
	grep -Eq -- "$1" "$work/out" || fail "${2:+$2: }stdout of $last_cmd has no match for /$1/
$(shown)"
	ok "${2:-}"
}
expect_no_err() {
	! grep -Eq -- "$1" "$work/err" || fail "${2:+$2: }stderr of $last_cmd matches /$1/ and must not
$(shown)"
	ok "${2:-}"
}
expect_no_out() {
	! grep -Eq -- "$1" "$work/out" || fail "${2:+$2: }stdout of $last_cmd matches /$1/ and must not
$(shown)"
	ok "${2:-}"
}
expect_out_empty() {
	[[ ! -s $work/out ]] || fail "${1:+$1: }$last_cmd printed on stdout
$(shown)"
	ok "${1:-}"
}

# q SQL [DB]: the sqlite3 shell's output (DB defaults to app.db)
q() {
	sqlite3 -bail -batch "${2:-app.db}" "$1"
}

# expect_q SQL WANT [DB] [WHAT]
expect_q() {
	local got
	got=$(sqlite3 -bail -batch "${3:-app.db}" "$1" 2>&1)
	[[ $got == "$2" ]] || fail "${4:+$4: }$1 on ${3:-app.db} gave
$got
expected
$2"
	ok "${4:-}"
}

# version_of [DB]: the version table's rows, sorted, on one line ("" at
# base or with no version table)
version_of() {
	local db=${1:-app.db}
	[[ -f $db ]] || return 0
	sqlite3 -bail -batch "$db" "SELECT group_concat(revision, ' ') FROM
		(SELECT revision FROM retort_version ORDER BY revision)" 2>/dev/null
}

# expect_version "IDS" [DB] [WHAT]: the database is at exactly these ids
# (sorted, separated by spaces; "" for base)
expect_version() {
	local got
	got=$(version_of "${2:-app.db}")
	[[ $got == "$1" ]] || fail "${3:+$3: }the version table of ${2:-app.db} holds '$got', expected '$1' (after $last_cmd)"
	ok "${3:-}"
}

# history_of [DB]: "revision direction" per history row, oldest first
history_of() {
	sqlite3 -bail -batch "${1:-app.db}" \
		"SELECT coalesce(revision, 'NULL') || ' ' || direction FROM retort_history ORDER BY id"
}

expect_integrity() {
	local got
	got=$(sqlite3 -bail -batch "${1:-app.db}" "PRAGMA integrity_check; PRAGMA foreign_key_check;" 2>&1)
	[[ $got == ok ]] || fail "integrity_check/foreign_key_check of ${1:-app.db} gave: $got"
	ok "${2:-}"
}

# user_tables [DB]: the tables that are neither SQLite's nor retort's
user_tables() {
	sqlite3 -bail -batch "${1:-app.db}" "SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'retort\_%' ESCAPE '\'
		ORDER BY name"
}

# state_of [DB]: the schema and every row of the user's tables (the sqlite3
# shell's .dump of each, with its indexes and triggers), and the views
state_of() {
	local db=${1:-app.db} t
	[[ -f $db ]] || { echo "(no file)"; return; }
	for t in $(user_tables "$db"); do
		sqlite3 -bail -batch "$db" ".dump '$t'"
	done
	sqlite3 -bail -batch "$db" "SELECT sql FROM sqlite_schema WHERE type = 'view' ORDER BY name"
}

# expect_same_state DB_A DB_B WHAT: same user schema and rows
expect_same_state() {
	local a b
	a=$(state_of "$1")
	b=$(state_of "$2")
	[[ $a == "$b" ]] || fail "$3: $1 and $2 differ:
$(diff <(echo "$a") <(echo "$b") | head -40)"
	ok "$3"
}

# has_table NAME [DB]: 0 when the table exists
has_table() {
	[[ $(sqlite3 -bail -batch "${2:-app.db}" "SELECT count(*) FROM sqlite_schema WHERE name = '$1'") == 1 ]]
}

# json_q FILE SQL_EXPR: evaluate an SQL expression over the JSON document in
# FILE, bound to the name j (the sqlite3 shell's JSON functions: no jq needed)
json_q() {
	sqlite3 -bail -batch :memory: "WITH d(j) AS (SELECT readfile('$1')) SELECT $2 FROM d"
}

# expect_json EXPR WANT [WHAT]: over the last run's stdout
expect_json() {
	local got
	got=$(json_q "$work/out" "$1" 2>&1)
	[[ $got == "$2" ]] || fail "${3:+$3: }$1 over the JSON of $last_cmd gave '$got', expected '$2'
$(shown)"
	ok "${3:-}"
}

# expect_said REGEX [WHAT]: stdout or stderr of the last run matches
expect_said() {
	grep -Eq -- "$1" "$work/out" "$work/err" || fail "${2:+$2: }neither stdout nor stderr of $last_cmd matches /$1/
$(shown)"
	ok "${2:-}"
}
expect_not_said() {
	! grep -Eq -- "$1" "$work/out" "$work/err" || fail "${2:+$2: }the output of $last_cmd matches /$1/ and must not
$(shown)"
	ok "${2:-}"
}

# refused CODE ARGS...: retort ARGS exits CODE, prints nothing on stdout and
# leaves app.db byte-for-byte as it was (or still missing)
refused() {
	local want=$1
	shift
	if [[ -f app.db ]]; then
		cp app.db "$work/refused.db"
	else
		rm -f "$work/refused.db"
	fi
	rt "$@"
	expect_rc "$want"
	expect_out_empty
	if [[ -f $work/refused.db ]]; then
		cmp -s app.db "$work/refused.db" || fail "$last_cmd exited $want but changed the database"
	else
		[[ ! -s app.db ]] || fail "$last_cmd exited $want but wrote a database"
	fi
	ok
}

# other_user: sets `other`, the prefix that runs a command as a user who
# cannot write the files this script makes unless their modes let it: none
# when not root (chmod does it), setpriv to nobody as root (root may write
# anything), with the work folder opened to it. Returns 1 when there is no
# such user (root without setpriv): the caller skips, saying so.
other_user() {
	other=()
	((EUID == 0)) || return 0
	command -v setpriv > /dev/null || return 1
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null || return 1
	other=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	chmod 755 "$work"
}

# as_other ARGS...: rt, as the user other_user chose
as_other() {
	last_cmd="retort $* (as a user who cannot write)"
	env -u DATABASE_URL -u RETORT_DATABASE_URL NO_COLOR=1 "${other[@]}" "$bin" "$@" \
		> "$work/out" 2> "$work/err"
	rc=$?
	((rc < 128)) || fail "$last_cmd crashed (exit $rc): $(head -c 3000 "$work/err")"
}

# hold_until FILE SQL [DB]: another process (the sqlite3 shell) runs SQL on
# DB (default app.db) and keeps its transaction open until FILE exists;
# returns once the lock is really held, with the shell's pid in $holder
hold_until() {
	local file=$1 sql=$2 db=${3:-app.db} i
	rm -f "$work/held" "$file"
	{ echo ".timeout 5000"; echo "$sql"; echo ".output $work/held"; echo "SELECT 'held';"; echo ".output stdout"
		while [[ ! -e $file ]]; do sleep 0.01; done; echo "COMMIT;"; } | sqlite3 -bail "$db" > /dev/null &
	holder=$!
	for ((i = 0; i < 500; i++)); do
		[[ -s $work/held ]] && return
		sleep 0.01
	done
	fail "the sqlite3 shell did not take its lock"
}
