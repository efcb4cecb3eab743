#!/usr/bin/env bash
# history -i (--indicate-current), as Alembic's: "(current)" beside the
# revisions the database is at, after "(head)"; "current" true or false in
# --json (null without -i, which never opens the database). A database file
# not there yet is at base: nothing marked. With -i and no database URL
# anywhere, or a database that cannot be read, it fails as `current` does.
source "$(dirname "$0")/common.bash"

project
# a -> b -> c, and b -> d: b is a branchpoint, c and d are heads
rev aaaa00000001 none "one" "CREATE TABLE t1 (x INTEGER);" "DROP TABLE t1;"
rev bbbb00000002 aaaa00000001 "two" "CREATE TABLE t2 (x INTEGER);" "DROP TABLE t2;"
rev cccc00000003 bbbb00000002 "three" "CREATE TABLE t3 (x INTEGER);" "DROP TABLE t3;"
rev dddd00000004 bbbb00000002 "side" "CREATE TABLE t4 (x INTEGER);" "DROP TABLE t4;"

# expect_stdout TEXT [WHAT]: the last run's stdout is exactly TEXT
expect_stdout() {
	[[ $(cat "$work/out") == "$1" ]] || fail "${2:+$2: }stdout of $last_cmd:
$(cat "$work/out")
expected
$1"
	ok "${2:-}"
}

# currents: the ids whose "current" is true in the last run's --json, and
# the distinct values of "current" over all of them
currents() {
	json_q "$work/out" "coalesce((SELECT group_concat(json_extract(value, '\$.id'), ' ') FROM
		json_each(j, '\$.revisions') WHERE json_extract(value, '\$.current') = 1), '') || '|' ||
		(SELECT group_concat(t) FROM (SELECT DISTINCT json_type(value, '\$.current') AS t
		FROM json_each(j, '\$.revisions') ORDER BY t))"
}
expect_currents() {
	[[ $(currents) == "$1" ]] || fail "$last_cmd: current revisions and types '$(currents)', expected '$1'
$(shown)"
	ok "${2:-$last_cmd: $1}"
}

# 1. no database file yet: at base, nothing current, and no file made
run_ok history -i
expect_stdout "bbbb00000002 -> dddd00000004 (head), side
bbbb00000002 -> cccc00000003 (head), three
aaaa00000001 -> bbbb00000002 (branchpoint), two
<base> -> aaaa00000001, one" "history -i at base marks nothing current"
expect_err "the database is at base" "history -i at base says so"
[[ ! -e app.db ]] || fail "history -i created the database"
ok
run_ok --json history -i
expect_currents "|false"

# 2. the database at b
run_ok upgrade bbbb00000002
run_ok history -i
expect_stdout "bbbb00000002 -> dddd00000004 (head), side
bbbb00000002 -> cccc00000003 (head), three
aaaa00000001 -> bbbb00000002 (current) (branchpoint), two
<base> -> aaaa00000001, one" "history -i marks b (current)"
run_ok history --indicate-current
expect_out "bbbb00000002 \(current\) \(branchpoint\), two" "--indicate-current, the long form"
run_ok --json history -i
expect_currents "bbbb00000002|false,true"
run_ok -q history -i -r current:
expect_stdout "bbbb00000002 -> dddd00000004 (head), side
bbbb00000002 -> cccc00000003 (head), three
aaaa00000001 -> bbbb00000002 (current) (branchpoint), two" "-i with -r current:"

# without -i, the database is not read: no marks, and "current" null
run_ok history
expect_no_out "current" "history without -i marks nothing"
run_ok --json history
expect_currents "|null"
cp app.db "$work/good.db"
head -c 4096 /dev/zero | tr '\0' x > app.db
run_ok history
ok "history without -i does not open the database"
run_rc 2 history -i
expect_err "not a SQLite database" "history -i reads the database"
cp "$work/good.db" app.db

# 3. the database at both heads: both marked
run_ok upgrade heads
run_ok history -i
expect_stdout "bbbb00000002 -> dddd00000004 (head) (current), side
bbbb00000002 -> cccc00000003 (head) (current), three
aaaa00000001 -> bbbb00000002 (branchpoint), two
<base> -> aaaa00000001, one" "history -i marks both heads (head) (current)"
run_ok --json -v history -i
expect_currents "dddd00000004 cccc00000003|false,true"
run_ok --db "sqlite:///$work/project/app.db" history -i -v
expect_out "cccc00000003 \(head\) \(current\), three" "--db names the database -i reads"
expect_out "^    path: revisions/cccc00000003_three.sql" "-v adds the details under a marked line"

# 4. no database URL anywhere: history still lists, -i fails as `current` does
printf 'models: models/\nrevisions: revisions/\n' > retort.yaml
run_ok history
run_rc 2 current
cp "$work/err" "$work/current_err"
run_rc 2 history -i
cmp -s "$work/err" "$work/current_err" || fail "history -i without a database says other than current:
$(cat "$work/err")
current says:
$(cat "$work/current_err")"
ok "history -i without a database fails as current does"

finish
