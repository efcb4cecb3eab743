#!/usr/bin/env bash
# A revision file from a pull request that ATTACHes a file (a new one, or
# the live database itself) or runs VACUUM INTO: every command that replays
# the chain in memory (check, verify, inspect head, diff --from head,
# revision --autogenerate --offline) refuses it with exit 2 at its
# file:line, creates no file and leaves the live database's rows alone. A
# real upgrade or downgrade (and its --sql script) refuses it before
# anything runs, unless --allow-attach; PRAGMA journal_mode (it would be
# ignored inside the revision's transaction) and BEGIN/COMMIT are refused
# by both.
source "$(dirname "$0")/common.bash"

project
cat > models/pets.yaml <<-'EOF'
	tables:
	  pet:
	    columns:
	      id: {type: INTEGER, primary_key: true}
	      name: {type: TEXT}
	  toy:
	    columns:
	      id: {type: INTEGER, primary_key: true}
EOF
a=aaaa00000001 b=bbbb00000002 c=cccc00000003
rev $a none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE pet;"
run_ok upgrade
q "INSERT INTO pet (name) VALUES ('rex'), ('tom');"
cp app.db "$work/before.db"
# b is harmless and pending: a refused run must not apply it either
rev $b $a "toys" "CREATE TABLE toy (id INTEGER PRIMARY KEY);" "DROP TABLE toy;"

# untouched WHAT: no file was written and app.db is as it was, every row
untouched() {
	local f
	for f in x.db v.db "$work/x.db" "$work/v.db"; do
		[[ ! -e $f ]] || fail "$1: $last_cmd created $f"
	done
	cmp -s app.db "$work/before.db" || fail "$1: $last_cmd changed app.db"
	expect_q "SELECT group_concat(name) FROM pet" "rex,tom" app.db "$1: the rows are all there"
	[[ $(ls revisions | wc -l) == 3 ]] || fail "$1: $last_cmd wrote a revision file: $(ls revisions)"
	ok "$1: nothing written"
}

# evil UPGRADE_SQL: c, the revision under test, on top of b
evil() {
	rm -f revisions/${c}_*.sql
	rev $c $b "evil" "$1" "SELECT 1;"
	fc=$(rev_file $c)
}

# replays EXPECTED_REGEX: every in-memory replay refuses c at line 7
replays() {
	local cmd
	for cmd in "check" "verify" "inspect head" "diff --from head" \
		"revision --autogenerate --offline -m x"; do
		# shellcheck disable=SC2086
		rt $cmd
		expect_rc 2 "$cmd refuses"
		expect_err "$fc:7(:[0-9]+)?: .*$1" "$cmd names $fc:7"
		untouched "$cmd"
	done
}

evil "ATTACH 'x.db' AS w;
CREATE TABLE w.t (a);
DELETE FROM main.pet;"
replays "ATTACH"

evil "ATTACH 'app.db' AS live;
DELETE FROM live.pet;"
replays "ATTACH"

evil "ATTACH '$PWD/app.db' AS live;
DELETE FROM live.pet;"
replays "ATTACH"

evil "VACUUM INTO 'v.db';"
replays "VACUUM INTO"

# the same in lower case, after a comment, and with a schema name
evil "/* harmless */ vacuum main into 'v.db';"
replays "VACUUM INTO"

# a schema given as SQL (diff --from sql:FILE) is built in the same sealed
# scratch database: no ATTACH, no VACUUM INTO, no directory for SQLite's files
for evil_sql in "ATTACH 'app.db' AS live;|DELETE FROM live.pet;" \
	"CREATE TABLE t (a);|VACUUM INTO 'v.db';" \
	"CREATE TABLE t (a);|PRAGMA temp_store_directory = '.';"; do
	tr '|' '\n' <<< "$evil_sql" > "$work/evil.sql"
	rt diff --from "sql:$work/evil.sql"
	expect_rc 2 "diff --from sql: refuses ${evil_sql%%|*}..."
	expect_err "evil.sql:[12]:1: error: .*authori" "diff --from sql: says why"
	untouched "diff --from sql:"
done

# a real run refuses before b runs; its --sql script too
evil "ATTACH 'x.db' AS w;
CREATE TABLE w.t (a);
DELETE FROM main.pet;"
refused 2 upgrade
expect_err "$fc:7:1: .*ATTACH.*--allow-attach" "upgrade names $fc:7:1 and --allow-attach"
untouched "upgrade"
refused 2 upgrade --sql
untouched "upgrade --sql"
# its --sql script with --allow-attach holds the ATTACH, and writing it
# (the data-loss replay of the script in a scratch copy) attaches nothing
run_ok upgrade --sql --allow-attach
expect_out "^ATTACH 'x.db' AS w;" "the script attaches"
untouched "upgrade --sql --allow-attach"
# --allow-attach runs it: b and c applied, w.t written, pet emptied
run_ok upgrade --allow-attach
expect_version $c
[[ -f x.db ]] || fail "upgrade --allow-attach did not create x.db"
expect_q "SELECT count(*) FROM t" 0 x.db "w.t was created in x.db"
expect_q "SELECT count(*) FROM pet" 0 app.db "c ran whole"
rm -f x.db

# a downgrade section that attaches: refused, then allowed
rm -f revisions/${c}_*.sql
rev $c $b "evil" "SELECT 1;" "ATTACH 'x.db' AS w;
CREATE TABLE w.t (a);"
fc=$(rev_file $c)
down_line=$(line_of "$fc" "ATTACH 'x.db'")
cp app.db "$work/at_c.db"
refused 2 downgrade $a
expect_err "$fc:$down_line:1: .*ATTACH" "downgrade names $fc:$down_line"
expect_version $c
# (downgrade opens the database without creating files, and so ATTACH)
q "CREATE TABLE z (a);" x.db
run_ok downgrade $a --allow-attach
expect_version $a
expect_q "SELECT count(*) FROM t" 0 x.db "w.t was created in x.db"
rm -f x.db

# PRAGMA journal_mode: refused by a run (even with --allow-attach) and by
# the replays, and the journal mode stays as it was
cp "$work/before.db" app.db
evil "CREATE TABLE note (a);
PRAGMA main.journal_mode = wal;"
for args in "upgrade" "upgrade --allow-attach" "upgrade --sql"; do
	# shellcheck disable=SC2086
	refused 2 $args
	expect_err "$fc:8:1: .*journal_mode" "$args names $fc:8"
	untouched "$args"
done
expect_q "PRAGMA journal_mode" delete
run_rc 2 check
expect_err "$fc:8(:[0-9]+)?: .*journal_mode" "check names $fc:8"

# a revision's own transaction: check and verify refuse it as upgrade does
evil "BEGIN;
CREATE TABLE note (a);
COMMIT;"
for cmd in check verify upgrade; do
	refused 2 $cmd
	expect_err "$fc:7(:[0-9]+)?: .*begin or end a transaction" "$cmd names $fc:7"
done

finish
