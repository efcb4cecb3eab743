#!/usr/bin/env bash
# Every TARGET form of SPEC section 6 on a chain with a branch point and a
# merge:  a - b - c  \
#                 \ d - m(c,d) - e
# head, heads, base, a full id, a unique prefix, an ambiguous prefix (exit 2
# listing the matches), +N, -N, REV+N, REV-N (across a branch point or a
# merge: exit 2; past either end: exit 2; exactly below the base: base),
# `head` with several heads (exit 2 listing them), targets the wrong way (an
# upgrade to a revision behind the database, a downgrade to one ahead of it
# or on another branch: exit 2, the database untouched; an upgrade to
# another branch applies it), and a database stamped with an id the folder
# does not have. Each successful step is checked on the database: the version table,
# the rows each revision inserts and the table each creates.
source "$(dirname "$0")/common.bash"

project
a=aaaa00000001 b=bbbb00000002 c=cc0000000003 d=cc0000000004 m=dddd00000005 e=eeee00000006
rev $a none "a" "CREATE TABLE log (rev TEXT PRIMARY KEY);
INSERT INTO log VALUES ('a');" "DROP TABLE log;"
for x in b c d m e; do
	id=${!x}
	case $x in
	b | c | d) parent=$b ;;
	m) parent=$c,$d ;;
	e) parent=$m ;;
	esac
	[[ $x == b ]] && parent=$a
	rev "$id" "$parent" "$x" "CREATE TABLE t_$x (x INTEGER);
INSERT INTO log VALUES ('$x');" "DELETE FROM log WHERE rev = '$x';
DROP TABLE t_$x;"
done
mkdir "$work/aside"

# at "IDS" "LETTERS": the version table holds IDS; the revisions LETTERS
# (sorted, no separator) and only they have run: their rows and tables
at() {
	local want_log=$2 got_log got_tables want_tables
	expect_version "$1" app.db "at $1 after $last_cmd"
	if [[ -z $want_log ]]; then
		has_table log && fail "at base after $last_cmd, but table log exists"
		got_tables=$(q "SELECT group_concat(name, ' ') FROM sqlite_schema WHERE name LIKE 't\_%' ESCAPE '\'")
		[[ -z $got_tables ]] || fail "at base after $last_cmd, but tables $got_tables exist"
		ok
		return
	fi
	got_log=$(q "SELECT group_concat(rev, '') FROM (SELECT rev FROM log ORDER BY rev)")
	[[ $got_log == "$want_log" ]] || fail "after $last_cmd the revisions that ran are '$got_log', expected '$want_log'"
	got_tables=$(q "SELECT group_concat(substr(name, 3), '') FROM (SELECT name FROM sqlite_schema WHERE name LIKE 't\_%' ESCAPE '\' ORDER BY name)")
	want_tables=${want_log#a}
	[[ $got_tables == "$want_tables" ]] || fail "after $last_cmd the tables are t_ '$got_tables', expected '$want_tables'"
	ok
}

run_ok upgrade base
at "" ""
run_ok upgrade aaaa
at $a a
run_ok upgrade +1
at $b ab
refused 2 upgrade +1
expect_err "$c|$d|branch|ambiguous" "+1 from a branch point is ambiguous"

# ambiguous prefixes list their matches
for p in cc cc00000000; do
	refused 2 upgrade $p
	expect_err $c "prefix $p: lists $c"
	expect_err $d "prefix $p: lists $d"
done
refused 2 downgrade cc
expect_err $c
expect_err $d

run_ok upgrade $c
at $c abc

# two heads: `heads` reaches both, `head` is ambiguous
mv "$(rev_file $m)" "$(rev_file $e)" "$work/aside/"
run_ok heads
expect_out $c
expect_out $d
refused 2 upgrade head
expect_err $c "head with two heads lists $c"
expect_err $d "head with two heads lists $d"
refused 2 upgrade
expect_err $d "the default target is head"
run_ok upgrade heads
at "$c $d" abcd
mv "$work"/aside/* revisions/

# the merge and past it
run_ok upgrade dddd
at $m abcdm
run_ok upgrade +1
at $e abcdem
refused 2 upgrade +1
refused 2 upgrade $e+1
n=$(q "SELECT count(*) FROM retort_history")
run_ok upgrade head
at $e abcdem
expect_q "SELECT count(*) FROM retort_history" "$n" "" "upgrade head at head runs nothing"

run_ok downgrade -1
at $m abcdm
refused 2 downgrade -1
expect_err "$c|$d|merge|ambiguous" "-1 from a merge is ambiguous"
refused 2 downgrade $m-1
run_ok downgrade $c
at "$c $d" abcd
run_ok downgrade $b
at $b ab

# REV+N and REV-N
refused 2 upgrade $b+1
run_ok upgrade $c+2
at $e abcdem
run_ok downgrade $e-1
at $m abcdm
run_ok downgrade $a+1
at $b ab
run_ok downgrade $a-1
at "" ""
refused 2 upgrade $a-2
run_ok upgrade $a
at $a a
refused 2 downgrade -2
run_ok downgrade -1
at "" ""

# full ids, both ways; a downgrade target that is not applied
run_ok upgrade $e
at $e abcdem
run_ok downgrade base
at "" ""
run_ok downgrade base
expect_err "nothing to do" "downgrade base at base: nothing to do"
run_ok upgrade $b
refused 2 downgrade $e
expect_err "^retort: error: $e is ahead of the database's revision $b: did you mean upgrade\?$" \
	"a downgrade to a revision ahead says so"
refused 2 downgrade $c
expect_err "$c is ahead of the database's revision $b: did you mean upgrade" "... for a child too"
refused 2 downgrade $c+1 --sql
expect_err "$c\+1 \($m\) is ahead of the database's revision $b: did you mean upgrade" \
	"a relative target is named as written, with its id"
at $b ab

# wrong way: an upgrade to a revision behind the database is an error (exit
# 2, the database untouched, --sql prints nothing), not "nothing to do"
n=$(q "SELECT count(*) FROM retort_history")
refused 2 upgrade $a
expect_err "^retort: error: $a is behind the database's revision $b: did you mean downgrade\?$" \
	"upgrade to an older revision"
refused 2 upgrade -1
expect_err "^retort: error: -1 \($a\) is behind the database's revision $b: did you mean downgrade\?$" \
	"upgrade -1"
refused 2 upgrade base
expect_err "base is behind the database's revision $b: did you mean downgrade" "upgrade base"
refused 2 upgrade aaaa --sql
expect_err "aaaa \($a\) is behind" "upgrade --sql to an older revision"
run_rc 2 upgrade -1 --json
expect_json "json_extract(j, '\$.error.message') LIKE '-1 ($a) is behind%: did you mean downgrade?'" 1 \
	"--json carries the error"
at $b ab
expect_q "SELECT count(*) FROM retort_history" "$n" "" "the refused upgrades wrote no history"
run_ok upgrade $b
expect_err "nothing to do: the database is at $b" "upgrade to the database's own revision"
run_ok upgrade current
expect_err "nothing to do" "upgrade current"

# another branch, neither ahead nor behind: an upgrade applies it (as in
# Alembic: the database then has two heads); a downgrade to it is refused
run_ok upgrade $c
at $c abc
run_ok upgrade $d
at "$c $d" abcd
run_ok downgrade $b
run_ok upgrade $c
at $c abc
refused 2 downgrade $d
expect_err "$d is not applied: it is on another branch than the database's revision $c" \
	"downgrade to another branch"
refused 2 upgrade $b
expect_err "$b is behind the database's revision $c: did you mean downgrade" "behind, at a branch"
run_ok upgrade $d
at "$c $d" abcd
refused 2 upgrade $b
expect_err "$b is behind the database's revision $c, $d: did you mean downgrade" \
	"behind both heads: names both"
run_ok downgrade $b
at $b ab

# bad targets
refused 2 upgrade ffff
refused 2 upgrade 0123456789abcd
refused 2 upgrade +x
refused 2 upgrade "$a+"
refused 2 downgrade
at $b ab

# a database stamped with a revision the folder does not have
run_ok upgrade head
q "UPDATE retort_version SET revision = '123456789abc'"
for cmd in "upgrade head" "downgrade -1" "downgrade base" "status"; do
	# shellcheck disable=SC2086
	refused 2 $cmd
	expect_err "123456789abc" "$cmd: names the unknown revision"
	expect_err "not in|not found|unknown|missing" "$cmd: says it is not in the folder"
done
finish
