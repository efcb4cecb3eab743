#!/usr/bin/env bash
# Malformed revision files, one case each, next to a good base revision:
# no id, a bad id (not hex, upper case, too short), an unknown parent, an id
# clash between two files, no upgrade section, no downgrade section, a
# section twice, a cycle (two revisions, and one naming itself), SQL before
# the first section. Every command that loads the folder (`heads`,
# `upgrade head`, `history`) exits 2 with nothing on stdout, its first
# stderr line starting FILE:LINE: (the line where the fault is, when there
# is one), and the database untouched.
source "$(dirname "$0")/common.bash"

good=aaaa00000001
# bad_case NAME FILE_REGEX LINE_REGEX: set up by the caller in a fresh
# project; checks the three commands
bad_case() {
	local name=$1 file=$2 line=$3 cmd first
	for cmd in heads "upgrade head" history; do
		# shellcheck disable=SC2086
		refused 2 $cmd
		first=$(head -n 1 "$work/err")
		[[ $first =~ (^|/)($file):($line):([0-9]+:)?\ *error ]] ||
			fail "$name: retort $cmd: the first line of stderr is
  $first
expected it to start with FILE:LINE: for file /$file/ and line /$line/
$(shown)"
		ok "$name: retort $cmd exits 2 naming $(sed -E 's/^(([^:]*\/)?)?([^/:]+:[0-9]+):.*/\3/' <<< "$first")"
	done
}

n=0
# fresh_project: a new project with a good base revision and a database
fresh_project() {
	n=$((n + 1))
	project "$work/p$n"
	rev $good none "good" "CREATE TABLE good (a INTEGER);" "DROP TABLE good;"
	sqlite3 app.db "CREATE TABLE keep (k TEXT); INSERT INTO keep VALUES ('mine');"
}

# put FILE LINES...: write a file line by line
put() {
	local f=$1
	shift
	printf '%s\n' "$@" > "revisions/$f"
}

fresh_project
put ffff00000009_no_id.sql "-- parent: $good" "-- message: no id" "-- created: 2026-01-02T00:00:00Z" "" \
	"-- retort:upgrade" "CREATE TABLE x (a);" "" "-- retort:downgrade" "DROP TABLE x;"
bad_case "no id" ffff00000009_no_id.sql 1

for bad in "XYZ-not-hex!" "AAAA00000009" "aaaa0000009" "aaaa000000099"; do
	fresh_project
	put ffff00000009_bad_id.sql "-- retort revision: $bad" "-- parent: $good" "-- message: bad id" \
		"-- created: 2026-01-02T00:00:00Z" "" "-- retort:upgrade" "CREATE TABLE x (a);" "" \
		"-- retort:downgrade" "DROP TABLE x;"
	bad_case "bad id '$bad'" ffff00000009_bad_id.sql 1
done

fresh_project
rev ffff00000009 0123456789ab "orphan" "CREATE TABLE x (a);" "DROP TABLE x;"
bad_case "unknown parent" "ffff00000009_orphan.sql" 2
expect_err 0123456789ab "names the missing parent"

fresh_project
rev ffff00000009 $good "first" "CREATE TABLE x (a);" "DROP TABLE x;"
rev ffff00000009 $good "second" "CREATE TABLE y (a);" "DROP TABLE y;"
bad_case "id clash" "ffff00000009_(first|second).sql" 1
expect_err "ffff00000009_first.sql" "names the first file"
expect_err "ffff00000009_second.sql" "names the second file"

fresh_project
put ffff00000009_no_upgrade.sql "-- retort revision: ffff00000009" "-- parent: $good" "-- message: no upgrade" \
	"-- created: 2026-01-02T00:00:00Z" "" "-- retort:downgrade" "DROP TABLE x;"
bad_case "no upgrade section" ffff00000009_no_upgrade.sql "[0-9]+"
expect_err "upgrade" "says which section is missing"

fresh_project
put ffff00000009_no_downgrade.sql "-- retort revision: ffff00000009" "-- parent: $good" "-- message: no downgrade" \
	"-- created: 2026-01-02T00:00:00Z" "" "-- retort:upgrade" "CREATE TABLE x (a);"
bad_case "no downgrade section" ffff00000009_no_downgrade.sql "[0-9]+"
expect_err "downgrade" "says which section is missing"

fresh_project
put ffff00000009_twice.sql "-- retort revision: ffff00000009" "-- parent: $good" "-- message: twice" \
	"-- created: 2026-01-02T00:00:00Z" "" "-- retort:upgrade" "CREATE TABLE x (a);" "" \
	"-- retort:downgrade" "DROP TABLE x;" "" "-- retort:upgrade" "CREATE TABLE y (a);"
bad_case "upgrade section twice" ffff00000009_twice.sql 12

fresh_project
rev eeee00000001 ffff00000002 "loop one" "CREATE TABLE x (a);" "DROP TABLE x;"
rev ffff00000002 eeee00000001 "loop two" "CREATE TABLE y (a);" "DROP TABLE y;"
bad_case "cycle of two" "(eeee00000001_loop_one|ffff00000002_loop_two).sql" "[0-9]+"
expect_err "cycle" "says it is a cycle"

fresh_project
rev ffff00000009 ffff00000009 "myself" "CREATE TABLE x (a);" "DROP TABLE x;"
bad_case "a revision naming itself" ffff00000009_myself.sql "[0-9]+"

fresh_project
put ffff00000009_early_sql.sql "-- retort revision: ffff00000009" "-- parent: $good" "-- message: early" \
	"-- created: 2026-01-02T00:00:00Z" "" "CREATE TABLE early (a);" "-- retort:upgrade" \
	"CREATE TABLE x (a);" "" "-- retort:downgrade" "DROP TABLE x;"
bad_case "SQL before the first section" ffff00000009_early_sql.sql 6

# the same files without the fault load fine (the cases test the fault)
fresh_project
put ffff00000009_fine.sql "-- retort revision: ffff00000009" "-- parent: $good" "-- message: fine" \
	"-- created: 2026-01-02T00:00:00Z" "" "-- retort:upgrade" "CREATE TABLE x (a);" "" \
	"-- retort:downgrade" "DROP TABLE x;"
run_ok heads
expect_out ffff00000009
run_ok upgrade head
expect_version ffff00000009
finish
