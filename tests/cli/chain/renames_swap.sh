#!/usr/bin/env bash
# Two columns swap their names in one revision (b renamed_from a, a
# renamed_from b): the values follow the names (the column now called b
# holds the old a values), through upgrade, downgrade and upgrade again. The
# revision records the swap on its `-- renames:` line, so the hints are
# consumed: the next autogenerate finds nothing, check is clean, and a diff
# from an empty schema takes them as done rather than failing on them.
source "$(dirname "$0")/common.bash"

project
# gen MSG: revision --autogenerate -m MSG against the live database; sets file
gen() {
	run_ok revision --autogenerate -m "$1"
	file=$(head -n 1 "$work/out")
	[[ -f $file ]] || fail "revision --autogenerate printed '$file', not a file"
}

cat > models/pets.yaml <<'YAML'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      a: {type: TEXT}
      b: {type: TEXT, nullable: false, default: x}
YAML
gen "pets"
run_ok upgrade head
q "INSERT INTO pet VALUES (1, 'a1', 'b1'), (2, 'a2', 'b2'), (3, NULL, 'b3')"
first=$(version_of)

cat > models/pets.yaml <<'YAML'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      b: {type: TEXT, renamed_from: a}
      a: {type: TEXT, nullable: false, default: x, renamed_from: b}
YAML
gen "swap a and b"
swap=$(sed -n 's/^-- retort revision: //p' "$file")

swapped="1|a1|b1
2|a2|b2
3||b3"
run_ok upgrade head
expect_q "SELECT id, b, a FROM pet ORDER BY id" "$swapped" app.db "b holds the old a values"
expect_q "SELECT group_concat(name, ' ') FROM pragma_table_info('pet')" "id b a" app.db "in the models' order"
expect_q "SELECT \"notnull\" FROM pragma_table_info('pet') WHERE name = 'a'" 1 app.db \
	"a is the old b, NOT NULL"
run_ok downgrade "$first"
expect_q "SELECT id, a, b FROM pet ORDER BY id" "$swapped" app.db "downgraded: a and b as they were"
run_ok upgrade head
expect_q "SELECT id, b, a FROM pet ORDER BY id" "$swapped" app.db "upgraded again"
expect_version "$swap"
expect_integrity
run_ok verify
grep -qxF -- '-- renames: "pet"."a" -> "b", "pet"."b" -> "a"' "$file" ||
	fail "no renames line for the swap in $file: $(cat "$file")"
ok "the revision records the swap"

# the swap is done: the hints mean nothing more
count=$(ls revisions | wc -l)
run_ok revision --autogenerate -m "again"
expect_err "nothing to change" "the next autogenerate finds nothing"
[[ $(ls revisions | wc -l) == "$count" ]] || fail "a second swap revision was written"
ok
run_ok revision --autogenerate --offline -m "again"
expect_err "nothing to change" "nor does --offline"
run_ok check
expect_out '^ok$' "check is clean"
run_ok diff
expect_err "the schemas are the same" "diff from the database finds nothing"
run_ok diff --from head
expect_err "the schemas are the same" "nor from head"
# a database behind the swap has not done it: diff from it swaps
run_ok downgrade "$first"
run_rc 1 diff
expect_out 'RENAME COLUMN "b" TO "a"' "diff from a database before the swap swaps"
expect_no_err 'ignored' "and ignores nothing"
run_ok upgrade head
expect_q "SELECT id, b, a FROM pet ORDER BY id" "$swapped" app.db "upgraded once more"
: > empty.sql
run_rc 1 diff --from sql:empty.sql
expect_no_err 'ignored|error' "from an empty schema the done hints are quiet"
expect_out 'CREATE TABLE "pet"' "and the table is created"
finish
