#!/usr/bin/env bash
# A rename cycle in one revision (q renamed_from p, r from q, p from r) and a
# table swap (cat renamed_from dog, dog renamed_from cat): the values follow
# the names through upgrade, downgrade and upgrade again, and the next
# autogenerate finds nothing to do.
source "$(dirname "$0")/common.bash"

project
gen() {
	run_ok revision --autogenerate -m "$1"
	file=$(head -n 1 "$work/out")
	[[ -f $file ]] || fail "revision --autogenerate printed '$file', not a file"
}

cat > models/m.yaml <<'YAML'
tables:
  t:
    columns:
      id: {type: INTEGER, primary_key: true}
      p: INTEGER
      q: TEXT
      r: REAL
  cat:
    columns:
      id: {type: INTEGER, primary_key: true}
      meow: TEXT
  dog:
    columns:
      id: {type: INTEGER, primary_key: true}
      woof: TEXT
      cat_id: {type: INTEGER, references: cat.id}
YAML
gen "start"
run_ok upgrade head
first=$(version_of)
q "INSERT INTO t VALUES (1, 10, 'ten', 1.5), (2, 20, 'twenty', 2.5);
   INSERT INTO cat VALUES (1, 'tom');
   INSERT INTO dog VALUES (7, 'rex', 1)"

cat > models/m.yaml <<'YAML'
tables:
  t:
    columns:
      id: {type: INTEGER, primary_key: true}
      q: {type: INTEGER, renamed_from: p}
      r: {type: TEXT, renamed_from: q}
      p: {type: REAL, renamed_from: r}
  dog:
    renamed_from: cat
    columns:
      id: {type: INTEGER, primary_key: true}
      meow: TEXT
  cat:
    renamed_from: dog
    columns:
      id: {type: INTEGER, primary_key: true}
      woof: TEXT
      cat_id: {type: INTEGER, references: dog.id}
YAML
gen "cycle and swap"
cycled=$(sed -n 's/^-- retort revision: //p' "$file")

check_after() {
	expect_q "SELECT id, q, r, p FROM t ORDER BY id" "1|10|ten|1.5
2|20|twenty|2.5" app.db "$1: q, r, p hold the old p, q, r"
	expect_q "SELECT id, meow FROM dog" "1|tom" app.db "$1: dog is the old cat"
	expect_q "SELECT id, woof, cat_id FROM cat" "7|rex|1" app.db "$1: cat is the old dog"
	expect_q "SELECT \"table\" FROM pragma_foreign_key_list('cat')" "dog" app.db \
		"$1: its key follows the parent to its new name"
}
check_before() {
	expect_q "SELECT id, p, q, r FROM t ORDER BY id" "1|10|ten|1.5
2|20|twenty|2.5" app.db "$1: p, q, r as they were"
	expect_q "SELECT id, meow FROM cat; SELECT id, woof, cat_id FROM dog" "1|tom
7|rex|1" app.db "$1: cat and dog as they were"
}

run_ok upgrade head
check_after "upgraded"
run_ok downgrade "$first"
check_before "downgraded"
run_ok upgrade head
check_after "upgraded again"
expect_version "$cycled"
expect_integrity
run_ok verify
grep -q '^-- renames: .*"cat" -> "dog"' "$file" || fail "no renames line in $file: $(cat "$file")"
ok "the revision records the renames"

count=$(ls revisions | wc -l)
run_ok revision --autogenerate -m "again"
expect_err "nothing to change" "the next autogenerate finds nothing"
[[ $(ls revisions | wc -l) == "$count" ]] || fail "a second revision was written"
run_ok check
: > empty.sql
run_rc 1 diff --from sql:empty.sql
expect_no_err 'ignored|error' "from an empty schema the done table hints are quiet"
finish
