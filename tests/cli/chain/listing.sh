#!/usr/bin/env bash
# The read-only commands: current (nothing at base, "ID (head) message" at
# head), heads, history (newest first, "PARENT -> ID (head), message"; -r
# RANGE with START:END inclusive, open ends and `current`; -v adds created
# and path), show REV (header fields, path, both sections). Each also with
# --json (valid JSON naming the revisions). None of them writes anything.
source "$(dirname "$0")/common.bash"

project
ids=(aaaa00000001 bbbb00000002 cccc00000003 dddd00000004 eeee00000005)
names=(alpha bravo charlie delta echo)
parent=none
for i in 0 1 2 3 4; do
	rev "${ids[i]}" "$parent" "message ${names[i]}" "CREATE TABLE t_${names[i]} (x INTEGER);" "DROP TABLE t_${names[i]};"
	parent=${ids[i]}
done
a=${ids[0]} b=${ids[1]} c=${ids[2]} d=${ids[3]} e=${ids[4]}

# listed: the revision ids of the last run's stdout, in order, one line
# each: the id after "->" on history lines, else the first id of the line
listed() {
	sed -nE 's/.*-> *([0-9a-f]{12}).*/\1/p; t; s/^[^0-9a-f]*([0-9a-f]{12}).*/\1/p' "$work/out" | tr '\n' ' ' | sed 's/ $//'
}
expect_listed() {
	[[ $(listed) == "$1" ]] || fail "$last_cmd listed '$(listed)', expected '$1'
$(shown)"
	ok "$last_cmd lists $1"
}

# no database yet
run_ok current
expect_out_empty "current at base prints nothing"
[[ ! -e app.db ]] || fail "current created the database file"
ok
run_ok heads
expect_listed "$e"
run_ok history
expect_listed "$e $d $c $b $a"

run_ok upgrade $c
run_ok current
expect_listed "$c"
expect_out "^$c.*message charlie" "current: ID and message"
expect_no_out "\(head\)" "c is not a head"
cp app.db "$work/before.db"

run_ok history
expect_listed "$e $d $c $b $a"
expect_out "$d -> $e \(head\), message echo" "history line of e"
expect_out "$a -> $b, message bravo" "history line of b"
expect_out "-> $a,? .*message alpha|-> $a \(base\)" "history line of the base revision"
run_ok history -r $b:$d
expect_listed "$d $c $b"
run_ok history -r :$b
expect_listed "$b $a"
run_ok history -r $d:
expect_listed "$e $d"
run_ok history -r current:
expect_listed "$e $d $c"
run_ok history -r :current
expect_listed "$c $b $a"
run_ok history --rev-range bbbb:cccc
expect_listed "$c $b"
run_ok history -v
expect_out "2026-01-01T00:00:03Z" "history -v shows created"
expect_out "$(rev_file $c)|${c}_message_charlie\.sql" "history -v shows the path"
refused 2 history -r nope:
refused 2 history -r $b

run_ok show cccc
f=$(rev_file $c)
expect_out "$c" "show: id"
expect_out "$b" "show: parent"
expect_out "message charlie" "show: message"
expect_out "2026-01-01T00:00:03Z" "show: created"
expect_out "${c}_message_charlie\.sql" "show: path"
expect_out "CREATE TABLE t_charlie \(x INTEGER\);" "show: upgrade section"
expect_out "DROP TABLE t_charlie;" "show: downgrade section"
run_ok show head
expect_out "$e"
refused 2 show 0123456789ab
refused 2 show

run_ok upgrade head
run_ok current
expect_out "^$e \(head\) message echo" "current at head: ID (head) message"
cp app.db "$work/before.db"

# --json: valid, and naming the revisions
for cmd in current heads history "history -r $b:$d" "show $c"; do
	# shellcheck disable=SC2086
	run_ok --json $cmd
	expect_json "json_valid(j)" 1 "--json $cmd is valid JSON"
done
run_ok --json current
expect_json "instr(j, '$e') > 0" 1
run_ok --json history
expect_json "instr(j, '$a') > 0 AND instr(j, '$e') > 0" 1
run_ok --json show $c
expect_json "instr(j, 'CREATE TABLE t_charlie') > 0" 1
cmp -s app.db "$work/before.db" || fail "a listing command changed the database"
ok "the listings wrote nothing"
finish
