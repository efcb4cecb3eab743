#!/usr/bin/env bash
# Nothing escapes a comment (SPEC section 4, issue 12 item 2): a table,
# column, index, view and trigger named like "t\n.shell touch x\n--", and a
# revision message holding a newline and a .shell line. The generated
# revision files, `upgrade --sql`, `downgrade --sql` and diff's script run
# under `sqlite3 -bail` as pure SQL: no dot-command runs (no file x
# appears), since every comment line retort writes shows a line break as \n.
# The message is written as one escaped header line and read back so.
source "$(dirname "$0")/common.bash"

project
evil='\n.shell touch x\n--'   # YAML's "\n": a line break in the name
# models FIRST: the tables, with or without column c and its index
models() {
	{
		printf 'tables:\n  "t%s":\n    columns:\n' "$evil"
		printf '      id: {type: INTEGER, primary_key: true}\n      keep: {type: TEXT}\n'
		if [[ $1 == with_c ]]; then
			printf '      "c%s": {type: TEXT}\n' "$evil"
			printf '    indexes:\n      "i%s": {columns: ["c%s"]}\n' "$evil" "$evil"
		fi
		printf 'views:\n  "v%s": "SELECT keep FROM \\"t%s\\""\n' "$evil" "$evil"
		printf 'triggers:\n  "g%s": "CREATE TRIGGER \\"g%s\\" AFTER INSERT ON \\"t%s\\" BEGIN SELECT 1; END"\n' \
			"$evil" "$evil" "$evil"
	} > models/app.yaml
}

# pure_sql WHAT DB SCRIPT: sqlite3 -bail runs SCRIPT on DB as SQL: whole,
# or up to an SQL error; never a dot-command
pure_sql() {
	local out
	out=$(sqlite3 -bail "$2" < "$3" 2>&1)
	[[ ! -e x ]] || fail "$1: sqlite3 ran a .shell line (file x exists)"
	[[ $out != *"unknown command"* && $out != *"Usage: ."* ]] ||
		fail "$1: sqlite3 read a dot-command: $out"
	ok "$1: no dot-command ran"
}

models with_c
run_ok revision --autogenerate -m $'first\n.shell touch x\n--'
f1=$(head -n 1 "$work/out")
grep -qx -- '-- message: first\\n.shell touch x\\n--' "$f1" ||
	fail "the message is not one escaped header line: $(cat "$f1")"
ok "a message's line breaks are written as \\n in the header"
pure_sql "the generated revision file" "$work/rev1.db" "$f1"
r1=$(sed -n 's/^-- retort revision: //p' "$f1")
run_ok history
expect_out "^<base> -> $r1 \\(head\\), first\\\\n\\.shell touch x\\\\n--\$" "the message reads back as written"

# a second revision drops the column: its warning names it
run_ok upgrade
models without_c
run_ok revision --autogenerate -m "drop c"
f2=$(head -n 1 "$work/out")
grep -q -- '^-- warning: .*drops column.*\\n\.shell touch x\\n--' "$f2" ||
	fail "no one-line warning naming the dropped column in $f2: $(cat "$f2")"
ok "the drop warning is one comment line"
cp app.db "$work/rev2.db"
pure_sql "the revision file with a drop warning" "$work/rev2.db" "$f2"

# every script, run by sqlite3 on a copy of the database it is for
rm -f app.db
run_ok upgrade --sql
cp "$work/out" "$work/up.sql"
pure_sql "upgrade --sql" "$work/up.db" "$work/up.sql"
expect_q "SELECT count(*) FROM retort_version" 1 "$work/up.db" "upgrade --sql ran whole"
run_ok upgrade
run_ok downgrade base --sql
grep -q -- '^-- warning: .*drops table t\\n\.shell touch x\\n--' "$work/out" ||
	fail "downgrade --sql has no one-line data-loss warning: $(cat "$work/out")"
ok "downgrade --sql: the data-loss line is one comment line"
cp "$work/out" "$work/down.sql"
cp app.db "$work/down.db"
pure_sql "downgrade base --sql" "$work/down.db" "$work/down.sql"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name LIKE 't%'" 0 "$work/down.db" \
	"downgrade --sql ran whole"
run_ok downgrade -1 --sql
cp "$work/out" "$work/down1.sql"
cp app.db "$work/down1.db"
pure_sql "downgrade -1 --sql" "$work/down1.db" "$work/down1.sql"
: > "$work/empty.sql"
rt diff --from db --to "sql:$work/empty.sql"
expect_rc 1 "diff: the database differs from an empty schema"
grep -q -- '^-- warning: drops table' "$work/out" || fail "test bug: no warning in diff's script: $(cat "$work/out")"
cp "$work/out" "$work/diff.sql"
cp app.db "$work/diff.db"
pure_sql "diff's script" "$work/diff.db" "$work/diff.sql"

finish
