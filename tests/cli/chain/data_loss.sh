#!/usr/bin/env bash
# Operator safety: before a step that destroys data runs, retort counts what
# it destroys on the live database and says so on stderr ("warning: ...
# drops column pet.weight: 20 values", "... vet: 7 rows") and in --json
# (data_loss), in either direction, and with --sql before anything runs.
# A table rebuild that leaves out one column reports exactly that column;
# steps that keep every value report nothing.
source "$(dirname "$0")/common.bash"

project
r1=aaaa00000001 r2=bbbb00000002 r3=cccc00000003 r4=dddd00000004 r5=eeee00000005
rev $r1 none "pets" "CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) INSERT INTO pet SELECT i, 'pet ' || i, CASE WHEN i % 5 = 0 THEN NULL ELSE '2020-01-' || (i % 28 + 1) END FROM n;" "DROP TABLE pet;"
rev $r2 $r1 "weights" "ALTER TABLE pet ADD COLUMN weight REAL;
UPDATE pet SET weight = id * 1.5 WHERE id % 3 <> 0;" "ALTER TABLE pet DROP COLUMN weight;"
rev $r3 $r2 "vets" "CREATE TABLE vet (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO vet (name) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g');" "DROP TABLE vet;"
rev $r4 $r3 "nicknames" "ALTER TABLE pet ADD COLUMN nick TEXT;
UPDATE pet SET nick = 'n' || id WHERE id <= 12;" "CREATE TABLE _retort_new_pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born TEXT, weight REAL);
INSERT INTO _retort_new_pet (id, name, born, weight) SELECT id, name, born, weight FROM pet;
DROP TABLE pet;
ALTER TABLE _retort_new_pet RENAME TO pet;"
rev $r5 $r4 "forget birthdays" "ALTER TABLE pet DROP COLUMN born;" "ALTER TABLE pet ADD COLUMN born TEXT;"

# losses: the data_loss entries of the last run's --json, one line each:
# "revision table column count" (count: values for a column, rows for a table)
losses() {
	json_q "$work/out" "(SELECT group_concat(l, char(10)) FROM (SELECT json_extract(value, '\$.revision') || ' ' ||
		json_extract(value, '\$.table') || ' ' || coalesce(json_extract(value, '\$.column'), '-') || ' ' ||
		CASE WHEN json_extract(value, '\$.column') IS NULL THEN json_extract(value, '\$.rows')
		ELSE json_extract(value, '\$.values') END AS l FROM json_each(j, '\$.data_loss') ORDER BY 1))"
}
expect_losses() {
	local got
	got=$(losses 2>&1)
	[[ $got == "$1" ]] || fail "the data_loss of $last_cmd is
$got
expected
$1
$(shown)"
	ok "--json data_loss of $last_cmd"
}

# the three downgrade warnings, and nothing about what the rebuild keeps
down_warnings() {
	expect_err "warning:.*$r4.*pet\.nick\b.*\b12 values" "r4's rebuild: pet.nick, 12 values"
	expect_err "warning:.*$r3.*\bvet\b.*\b7 rows" "r3: table vet, 7 rows"
	expect_err "warning:.*$r2.*pet\.weight\b.*\b20 values" "r2: pet.weight, 20 values"
	expect_no_err "warning:.*pet\.(id|name|born|weight)\b.*$r4|warning:.*$r4.*pet\.(id|name|born|weight)\b" "the rebuild reports no column it copies"
	expect_no_err "warning:.*(table pet|pet: [0-9]+ rows)" "the rebuild does not report the whole table"
	[[ $(grep -c 'warning:' "$work/err") == 3 ]] || fail "expected exactly 3 warnings from $last_cmd:
$(shown)"
	ok "exactly three warnings"
}

run_ok upgrade $r4
expect_no_err "warning" "an upgrade that drops nothing warns about nothing"
cp app.db "$work/r4.db"

# a dry look first: the warnings come, nothing runs
run_ok downgrade $r1 --sql
cmp -s app.db "$work/r4.db" || fail "downgrade --sql changed the database"
down_warnings
expect_out "DROP TABLE vet" "the script is on stdout"

# the real downgrade, with --echo: each warning comes before its revision runs
run_ok --echo downgrade $r1
down_warnings
first_stmt_line() { grep -n -F -m1 -- "$1" "$work/err" | cut -d: -f1; }
warn_line() { grep -n -E -m1 -- "$1" "$work/err" | cut -d: -f1; }
w=$(warn_line "warning:.*pet\.nick") s=$(first_stmt_line "CREATE TABLE _retort_new_pet")
[[ -n $s ]] || fail "--echo did not show r4's downgrade statements: $(shown)"
((w < s)) || fail "the pet.nick warning (stderr line $w) comes after r4's downgrade started (line $s)"
w=$(warn_line "warning:.*\bvet\b") s=$(first_stmt_line "DROP TABLE vet")
((w < s)) || fail "the vet warning (stderr line $w) comes after DROP TABLE vet ran (line $s)"
w=$(warn_line "warning:.*pet\.weight") s=$(first_stmt_line "ALTER TABLE pet DROP COLUMN weight")
((w < s)) || fail "the pet.weight warning (stderr line $w) comes after DROP COLUMN weight ran (line $s)"
ok "every warning comes before the statements it warns about"
expect_version $r1
expect_q "SELECT count(*), count(born) FROM pet" "30|24"

# --json
cp "$work/r4.db" app.db
run_ok --json downgrade $r1
expect_losses "$r2 pet weight 20
$r3 vet - 7
$r4 pet nick 12"
expect_json "json_extract(j, '\$.current')" "[\"$r1\"]" "--json current"
expect_json "json_extract(j, '\$.direction')" downgrade
expect_json "json_array_length(j, '\$.revisions')" 3
run_ok --json upgrade $r4
expect_losses ""

# an upgrade that drops a column reports it too, --sql and for real
run_ok upgrade head --sql
expect_err "warning:.*$r5.*pet\.born\b.*\b24 values" "upgrade --sql: pet.born, 24 values"
expect_version $r4
run_ok --json upgrade head
expect_losses "$r5 pet born 24"
expect_version $r5
finish
