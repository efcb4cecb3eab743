#!/usr/bin/env bash
# A constraint added in place over rows that break it (issue 20): a CHECK, a
# NOT NULL (no default, so nothing fills the NULLs) and a foreign key, each
# added to a table of 5,000 rows of which exactly one breaks it. The
# in-place step reads the rows before it edits the definition, so
# `retort upgrade` stops (exit 3) with an error that names the table and the
# breaking row, and leaves the database byte for byte as it was. The
# revision's SQL run by `sqlite3 -bail` (`upgrade --sql`) stops too, the
# database unchanged. With the row mended, the same revision goes through
# in place, and the constraint holds.
source "$(dirname "$0")/inplace.bash"

# models KIND: owner and pet; KIND (none, check, not_null, fk) is the
# constraint pet has
models() {
	local name='' age='' owner=''
	case $1 in
	check) age=', check: "age >= 0"' ;;
	not_null) name=', nullable: false' ;;
	fk) owner=', references: owner.id' ;;
	esac
	pet_models "$name" "$age" "$owner"
}

# the breaking row of each kind, how to mend it (its first value back),
# and a row the constraint refuses once added
declare -A bad_row=([check]=4711 [not_null]=2345 [fk]=3999)
declare -A breaks=(
	[check]="UPDATE pet SET age = -3 WHERE id = 4711"
	[not_null]="UPDATE pet SET name = NULL WHERE id = 2345"
	[fk]="UPDATE pet SET owner_id = 99 WHERE id = 3999"
)
declare -A mend=(
	[check]="UPDATE pet SET age = id % 9 WHERE id = 4711"
	[not_null]="UPDATE pet SET name = 'pet ' || id WHERE id = 2345"
	[fk]="UPDATE pet SET owner_id = 1 + id % 2 WHERE id = 3999"
)
declare -A refused_insert=(
	[check]="INSERT INTO pet VALUES (9001, 'x', -1, 1)"
	[not_null]="INSERT INTO pet VALUES (9001, NULL, 1, 1)"
	[fk]="PRAGMA foreign_keys = ON; INSERT INTO pet VALUES (9001, 'x', 1, 98)"
)

for kind in check not_null fk; do
	project "$work/$kind"
	models none
	run_ok revision -m "pets" --autogenerate
	run_ok upgrade
	q "INSERT INTO owner VALUES (1), (2);
	   WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
	   INSERT INTO pet SELECT i, 'pet ' || i, i % 9, 1 + i % 2 FROM n;
	   ${breaks[$kind]}"
	models "$kind"
	run_ok revision -m "pets $kind" --autogenerate
	f=$(head -n 1 "$work/out")
	expect_in_place "$f" upgrade "$kind: adding the constraint is in place"
	before=$(version_of)

	refused 3 upgrade
	first=$(head -n 1 "$work/err")
	[[ $first == *pet* && $first =~ (^|[^0-9])${bad_row[$kind]}([^0-9]|$) ]] ||
		fail "$kind: the error does not name pet's row ${bad_row[$kind]}:
$(shown)"
	ok "$kind: the error names the breaking row: $first"
	[[ $first != *_retort_* ]] || fail "$kind: the error names a scratch object: $first"
	ok
	expect_version "$before" app.db "$kind: still at the revision before"
	[[ ! -e app.db-journal && ! -e app.db-wal ]] || fail "$kind: a journal was left"
	ok

	# the same SQL, run by the sqlite3 shell, stops on the row too
	run_ok upgrade --sql
	cp "$work/out" "$work/up.sql"
	cp app.db "$work/shell.db"
	state=$(state_of app.db)
	if sqlite3 -bail "$work/shell.db" < "$work/up.sql" > "$work/shell.out" 2>&1; then
		fail "$kind: sqlite3 -bail ran the --sql script over the breaking row: $(cat "$work/shell.out")"
	fi
	ok "$kind: sqlite3 -bail stops on the breaking row: $(tail -n 1 "$work/shell.out")"
	[[ $(state_of "$work/shell.db") == "$state" && $(version_of "$work/shell.db") == "$before" ]] ||
		fail "$kind: the script stopped by sqlite3 changed the database:
$(diff <(echo "$state") <(state_of "$work/shell.db") | head -20)"
	ok "$kind: ... and leaves the database as it was"
	expect_integrity "$work/shell.db"

	# mended, the revision goes through, keeps every row, and the
	# constraint holds
	q "${mend[$kind]}"
	run_ok upgrade
	expect_version "$(sed -n 's/^-- retort revision: //p' "$f")" app.db "$kind: upgraded once mended"
	expect_q "SELECT count(*), sum(age), sum(owner_id) FROM pet" \
		"5000|$(q "SELECT sum(i % 9) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i FROM n)")|7500" \
		"" "$kind: every row kept"
	if q "${refused_insert[$kind]}" 2> /dev/null; then
		fail "$kind: after the upgrade, pet takes a row the constraint forbids"
	fi
	ok "$kind: the constraint holds"
	expect_integrity
done
finish
