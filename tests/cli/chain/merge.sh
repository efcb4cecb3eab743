#!/usr/bin/env bash
# merge -m MSG REV...: a new revision file whose parents are the given
# revisions (`heads`, ids or prefixes), with empty sections; it loads back,
# becomes the only head, and upgrades through it. Fewer than two distinct
# revisions, or no message, is exit 2 with no file written.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cccc00000003 e=eeee00000005
rev $a none "base" "CREATE TABLE log (rev TEXT);" "DROP TABLE log;"
rev $b $a "left" "INSERT INTO log VALUES ('b');" "DELETE FROM log WHERE rev = 'b';"
rev $c $a "right" "INSERT INTO log VALUES ('c');" "DELETE FROM log WHERE rev = 'c';"

run_ok merge -m "join the two heads" heads
path=$(head -n 1 "$work/out")
[[ -f $path ]] || fail "merge printed '$path', which is not a file"
ok "merge prints the new file's path"
[[ $(dirname "$(realpath "$path")") == "$(realpath revisions)" ]] || fail "the merge file $path is not in revisions/"
m=$(sed -n 's/^-- retort revision: \([0-9a-f]\{12\}\)$/\1/p' "$path")
[[ -n $m ]] || fail "the merge file has no 12-hex id line: $(cat "$path")"
[[ $(basename "$path") == ${m}_*.sql ]] || fail "the merge file is named $(basename "$path"), expected ${m}_<slug>.sql"
grep -Eq "^-- parent: ($b, ?$c|$c, ?$b)\$" "$path" || fail "the merge file's parent line is not $b,$c: $(cat "$path")"
grep -q '^-- message: join the two heads$' "$path" || fail "no message line: $(cat "$path")"
grep -q '^-- retort:upgrade$' "$path" && grep -q '^-- retort:downgrade$' "$path" || fail "a section is missing: $(cat "$path")"
grep -q '^-- created: [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z$' "$path" || fail "no created line: $(cat "$path")"
ok "the merge file: id, parents, message, created, both sections"
run_ok heads
expect_out "$m" "the merge is the head"
[[ $(grep -c '[0-9a-f]\{12\}' "$work/out") == 1 ]] || fail "heads lists more than one head: $(shown)"
ok

run_ok upgrade head
expect_version "$m"
expect_q "SELECT group_concat(rev) FROM (SELECT rev FROM log ORDER BY rev)" "b,c"
expect_q "SELECT count(*) FROM retort_history WHERE revision = '$m' AND direction = 'upgrade'" 1
run_ok downgrade $b
expect_version "$b $c"
run_ok upgrade head

# refusals, no file written
count=$(ls revisions | wc -l)
refused 2 merge -m "only one" $b
refused 2 merge -m "the same twice" $b $b
refused 2 merge -m "one of them twice" bbbb $b
refused 2 merge $b $c
refused 2 merge -m "unknown" $b 0123456789ab
[[ $(ls revisions | wc -l) == "$count" ]] || fail "a refused merge wrote a file: $(ls revisions)"
ok "no file written by a refused merge"

# a second branch merged by prefix with the first merge
rev $e $a "another" "INSERT INTO log VALUES ('e');" "DELETE FROM log WHERE rev = 'e';"
run_ok merge -m "second join" "${m:0:6}" eeee
path2=$(head -n 1 "$work/out")
grep -Eq "^-- parent: ($m, ?$e|$e, ?$m)\$" "$path2" || fail "the second merge's parents: $(cat "$path2")"
ok
run_ok upgrade head
expect_q "SELECT group_concat(rev) FROM (SELECT rev FROM log ORDER BY rev)" "b,c,e"
run_ok verify
finish
