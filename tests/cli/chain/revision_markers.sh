#!/usr/bin/env bash
# Section marker lines inside a statement (issue 12): a model whose view,
# trigger and column default hold `-- retort:upgrade` / `-- retort:downgrade`
# lines (in a string, in a comment, in a trigger body) gives a revision that
# reads back as written: `revision --autogenerate`, upgrade, check,
# downgrade, verify and `upgrade --sql | sqlite3` all work, the views and the
# trigger keep their text, and the checksum is the same when the file is
# read again. A marker line after a statement that leaves out its ';' still
# opens its section; inside an unclosed quote it opens none, and the error
# says so at the statement.
source "$(dirname "$0")/common.bash"

# views_and_triggers [DB]: the SQL of every view and trigger, as stored
views_and_triggers() {
	sqlite3 -bail -batch "${1:-app.db}" \
		"SELECT name || ': ' || sql FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY name"
}

# ---- marker lines inside a model's SQL ------------------------------------
project "$work/markers"
cat > models/app.yaml <<'EOF'
tables:
  t:
    columns:
      id: {type: INTEGER, primary_key: true}
      note: {type: TEXT, default: "\n-- retort:upgrade\n"}
views:
  v: "SELECT '\n-- retort:downgrade\n' AS x"
  w: "SELECT 1 AS a\n-- retort:upgrade\n, 2 AS b"
  u: "SELECT 1 AS a /*\n-- retort:downgrade\n*/"
triggers:
  tr: "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n-- retort:downgrade\nUPDATE t SET note = ';\n-- retort:upgrade\n' WHERE id = new.id;\nEND"
EOF
run_ok revision --autogenerate -m "markers inside"
file=$(head -n 1 "$work/out")
[[ -f $file ]] || fail "revision --autogenerate printed '$file', not a file"
id=$(basename "$file" | cut -c1-12)
[[ $(grep -c -x -- '-- retort:downgrade' "$file") -ge 3 ]] ||
	fail "test bug: the revision holds fewer marker lines than the model: $(cat "$file")"
ok "the revision holds the model's marker lines"

rt show "$id" --json
expect_rc 0
expect_json "json_extract(j, '\$.revisions[0].upgrade.statements')" 5 "five upgrade statements"
expect_json "json_extract(j, '\$.revisions[0].downgrade.statements')" 5 "five downgrade statements"
sha=$(json_q "$work/out" "json_extract(j, '\$.revisions[0].upgrade.sha256')")

run_ok upgrade
expect_version "$id"
expect_q "SELECT x = char(10) || '-- retort:downgrade' || char(10) FROM v" 1 app.db "view v's string survives"
expect_q "SELECT a, b FROM w" "1|2" app.db "view w's comment line is a comment"
expect_q "INSERT INTO t (id) VALUES (1); SELECT note = ';' || char(10) || '-- retort:upgrade' || char(10) FROM t" 1 app.db \
	"the trigger runs with its string"
expect_q "SELECT revision || ' ' || direction || ' ' || sha256 FROM retort_history" "$id upgrade $sha" app.db \
	"the history records the section's checksum"
live=$(views_and_triggers)
grep -q -- '-- retort:downgrade' <<< "$live" || fail "the views and trigger lost their lines: $live"
ok "the views and the trigger keep their text"
run_ok check
run_ok status
expect_out "^changed since applied: none$" "status: nothing changed"
rm -rf revisions/.retort-cache
run_ok status
expect_out "^changed since applied: none$" "status: nothing changed, the file read again"
run_ok verify
run_ok downgrade base
[[ -z $(views_and_triggers) ]] || fail "downgrade base left views or triggers: $(views_and_triggers)"
ok "downgrade removes them"
rt upgrade --sql
expect_rc 0
sqlite3 -bail "$work/markers.db" < "$work/out" > /dev/null 2>"$work/sqlite.err" ||
	fail "upgrade --sql | sqlite3 -bail failed: $(cat "$work/sqlite.err")"
[[ $(views_and_triggers "$work/markers.db") == "$live" ]] ||
	fail "the --sql script made other views or triggers:
$(views_and_triggers "$work/markers.db")
expected
$live"
ok "upgrade --sql | sqlite3 makes the same views and trigger"

# ---- a marker line after a statement without its ';' ---------------------
project "$work/lenient"
a=aaaa00000001
rev $a none "no semicolons" "CREATE TABLE t (a TEXT DEFAULT 'x;y')" "DROP TABLE t"
run_ok upgrade
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 't'" 1 app.db "the upgrade ran"
run_ok downgrade base
expect_q "SELECT count(*) FROM sqlite_schema WHERE name = 't'" 0 app.db "the downgrade ran"
# inside an unclosed quote it opens nothing: an error at the statement
rm "$(rev_file $a)"
rev $a none "unclosed" "CREATE TABLE t (a TEXT DEFAULT 'x);" "DROP TABLE t;"
refused 2 upgrade
expect_err "$(rev_file $a):7:.*ends inside a statement.*line 9" \
	"the error names the statement's line and the marker's"

finish
