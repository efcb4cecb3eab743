#!/usr/bin/env bash
# --json: every command prints exactly one JSON document on stdout, on
# success and on every error: a bad command line (--json before or after a
# bad option), a malformed config, model or revision file, a corrupt
# database, a database locked by another process, a statement that fails
# part way. The error is {"error": {"code", "message", "file", "line",
# "column"}} (the upgrade report carries it in its own "error"), with the
# exit code of the same run without --json, and the same message on stderr.
source "$(dirname "$0")/common.bash"

project
rev aaaa00000001 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT);" "DROP TABLE pet;"
rev bbbb00000002 aaaa00000001 "pet kind" "ALTER TABLE pet ADD COLUMN kind TEXT;" \
	"ALTER TABLE pet DROP COLUMN kind;"
run_ok inspect head
cp "$work/out" models/schema.yaml
run_ok upgrade aaaa00000001

# one_document: the last run's stdout is exactly one JSON object (the sqlite3
# shell's json_valid() refuses a second document after the first)
one_document() {
	[[ $(json_q "$work/out" "json_valid(j) AND json_type(j) = 'object'") == 1 ]] ||
		fail "stdout of $last_cmd is not exactly one JSON object
$(shown)"
	ok
}

# The error object's shape, 'ok' when it holds: five keys, a code and a
# message, file a string or null, line and column numbers from 1 or null.
shape_sql="CASE WHEN (SELECT count(*) FROM json_each(e)) != 5 THEN 'not 5 keys'
	WHEN json_type(e, '\$.code') != 'text' THEN 'no code'
	WHEN json_type(e, '\$.message') != 'text' OR json_extract(e, '\$.message') = ''
		THEN 'no message'
	WHEN json_type(e, '\$.file') NOT IN ('text', 'null') THEN 'file is neither text nor null'
	WHEN NOT (json_type(e, '\$.line') = 'null' OR (json_type(e, '\$.line') = 'integer'
		AND json_extract(e, '\$.line') > 0)) THEN 'line is neither null nor a number > 0'
	WHEN NOT (json_type(e, '\$.column') = 'null' OR (json_type(e, '\$.column') = 'integer'
		AND json_extract(e, '\$.column') > 0)) THEN 'column is neither null nor a number > 0'
	ELSE 'ok' END"

# expect_error CODE: the last run's stdout is one JSON object whose "error"
# is an error object with this code
expect_error() {
	local got
	one_document
	got=$(json_q "$work/out" "(SELECT $shape_sql FROM (SELECT json_extract(j, '\$.error') AS e))")
	[[ $got == ok ]] || fail "the error object of $last_cmd: $got
$(shown)"
	expect_json "json_extract(j, '\$.error.code')" "$1" "$last_cmd: error.code $1"
}

# json_error RC CODE ARGS...: retort ARGS exits RC with nothing on stdout and
# an error on stderr; with --json before the command and again at the end of
# the line (only before with positions=before), the same RC, the same
# stderr, and one JSON document on stdout with the error CODE
json_error() {
	local want=$1 code=$2 where
	shift 2
	rt "$@"
	expect_rc "$want"
	expect_out_empty
	expect_err '^(retort: )?.*error: ' "$last_cmd: the error on stderr"
	cp "$work/err" "$work/plain_err"
	for where in ${positions:-before after}; do
		if [[ $where == before ]]; then
			rt --json "$@"
		else
			rt "$@" --json
		fi
		expect_rc "$want" "$last_cmd: exit $want, as without --json"
		expect_error "$code"
		cmp -s "$work/err" "$work/plain_err" ||
			fail "$last_cmd: stderr differs from the run without --json:
$(diff "$work/plain_err" "$work/err" | head -20)"
		ok
	done
}

commands=(init revision merge upgrade downgrade stamp current heads history show edit diff
	inspect check verify status)

# 1. usage: no command, an unknown one, an unknown option and a missing
# value for every command, an operand too many
json_error 2 usage
json_error 2 usage bogus
for cmd in "${commands[@]}"; do
	json_error 2 usage "$cmd" --nope
	json_error 2 usage "$cmd" -Z
done
json_error 2 usage upgrade --busy-timeout soon
json_error 2 usage status --color sometimes
# an option missing its value: last on the line (after it, --json would be
# the value)
positions=before json_error 2 usage history -r
json_error 2 usage revision
json_error 2 usage merge aaaa00000001 bbbb00000002
for cmd in current heads check verify status; do
	json_error 2 usage "$cmd" extra
done
json_error 2 usage history extra
json_error 2 usage show
json_error 2 usage upgrade head head
json_error 2 usage downgrade
json_error 2 usage stamp
json_error 2 usage inspect db models
json_error 2 usage diff extra
json_error 2 usage init a b
# getopt still tells an option's value from an option: the message is --json
rt revision -m --json --nope
expect_rc 2
expect_out_empty "-m --json is a message, not --json"

# 2. config: a retort.yaml that is not YAML, and none at all
printf 'database: [\n' > "$work/bad.yaml"
for cmd in revision merge upgrade downgrade stamp current heads history show diff \
	inspect check verify status; do
	json_error 2 invalid -c "$work/bad.yaml" "$cmd"
	expect_json "json_extract(j, '\$.error.file') || ':' || json_extract(j, '\$.error.line')" \
		"$work/bad.yaml:2" "$last_cmd: the config's file and line"
done
mkdir "$work/empty"
cd "$work/empty" || fail "cannot enter $work/empty"
for cmd in revision upgrade current history check status; do
	json_error 2 not_found "$cmd"
done
cd "$work/project" || fail "cannot enter the project"

# 3. model: a column attribute of the wrong type
printf 'tables:\n  vet:\n    columns:\n      id: {type: integer, primary_key: maybe}\n' > models/vet.yaml
for args in "revision -m x --autogenerate --offline" "diff" "inspect models" "check"; do
	# shellcheck disable=SC2086
	json_error 2 invalid $args
	expect_json "json_extract(j, '\$.error.file') || ':' || json_extract(j, '\$.error.line')" \
		"models/vet.yaml:4" "$last_cmd: the model's file and line"
done
rm models/vet.yaml

# 4. revision file: an id that is not one
printf -- '-- retort revision: zzz\n-- parent: none\n' > revisions/zzz_bad.sql
for args in "revision -m x" "merge -m x aaaa00000001 bbbb00000002" upgrade "downgrade base" \
	"stamp head" current heads history "show head" "edit head" "diff --from head" "inspect head" check \
	verify status; do
	# shellcheck disable=SC2086
	json_error 2 invalid $args
	expect_json "json_extract(j, '\$.error.file') || ':' || json_extract(j, '\$.error.line')" \
		"revisions/zzz_bad.sql:1" "$last_cmd: the revision file and line"
done
rm revisions/zzz_bad.sql

db_commands=("revision -m x --autogenerate" upgrade "downgrade base" "stamp head" current
	"history -i" diff inspect check status)

# 5. database: the schema's b-tree page overwritten (exit 3), and a file
# that is no database (exit 2)
cp app.db "$work/good.db"
printf '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff' |
	dd of=app.db bs=1 seek=100 conv=notrunc 2> /dev/null
for args in "${db_commands[@]}"; do
	# shellcheck disable=SC2086
	json_error 3 database $args
done
head -c 4096 /dev/zero | tr '\0' x > app.db
for args in "${db_commands[@]}"; do
	# shellcheck disable=SC2086
	json_error 2 invalid $args
done
cp "$work/good.db" app.db

# 6. lock: another process holds an exclusive lock for all of these runs
hold_until "$work/release" "BEGIN EXCLUSIVE;"
for args in "${db_commands[@]}"; do
	# shellcheck disable=SC2086
	json_error 4 locked --busy-timeout 100 $args
done
kill -0 "$holder" 2> /dev/null || fail "the lock holder was gone before the last run: the lock cases prove nothing"
touch "$work/release"
wait "$holder" || fail "the lock holder failed"
cmp -s app.db "$work/good.db" || fail "a locked run changed the database"
ok "the database is unchanged under the lock"

# 7. a statement that fails part way: the upgrade's report, printed because
# aaaa00000001 stays applied, carries the error with the file and line
rev cccc00000003 bbbb00000002 "broken" "CREATE TABLE vet (id INTEGER PRIMARY KEY);
INSERT INTO nowhere VALUES (1);" "DROP TABLE vet;"
run_rc 3 --json upgrade
expect_error database
expect_json "json_extract(j, '\$.error.file') || ':' || json_extract(j, '\$.error.line') ||
	' ' || json_extract(j, '\$.direction') || ' ' || json_extract(j, '\$.current')" \
	"$(rev_file cccc00000003):8 upgrade [\"bbbb00000002\"]" \
	"the report: the failing file and line, and where the database is"
rm "$(rev_file cccc00000003)"

# 8. success: one document from every command, with its own shape
run_ok --json --version
one_document
expect_json "json_type(j, '\$.version')" text "--version --json"
run_ok --json init "$work/new"
one_document
expect_json "json_extract(j, '\$.directory')" "$work/new" "init --json names the folder"
run_ok --json inspect
one_document
expect_json "json_extract(j, '\$.source') || ' ' || (json_extract(j, '\$.yaml') LIKE '%pet:%')" \
	"db 1" "inspect --json: the source and its YAML"
for args in "upgrade --sql" upgrade "downgrade aaaa00000001" "stamp head" current heads \
	"history -i" "show head" "diff" "check" "verify" "status" \
	"revision -m more --empty"; do
	# shellcheck disable=SC2086
	rt --json $args
	((rc <= 1)) || fail "$last_cmd exited $rc
$(shown)"
	one_document
	expect_json "json_type(j, '\$.error') IS NULL OR json_type(j, '\$.error') = 'null'" 1 \
		"$last_cmd: no error"
done
rev dddd00000004 aaaa00000001 "side" "SELECT 1;" "SELECT 1;"
run_ok --json merge -m both heads
one_document
expect_json "json_array_length(j, '\$.parents')" 2 "merge --json: the new revision's two parents"

finish
