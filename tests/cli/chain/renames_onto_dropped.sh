#!/usr/bin/env bash
# A rename onto a name dropped in the same step: the column `label`
# renamed_from `name` while the old `label` goes, and the table `pet`
# renamed_from `animal` while the old `pet` goes. The renamed values take
# the name; the dropped ones are told as dropped, under their own names.
source "$(dirname "$0")/common.bash"

project
gen() {
	run_ok revision --autogenerate -m "$1"
	file=$(head -n 1 "$work/out")
	[[ -f $file ]] || fail "revision --autogenerate printed '$file', not a file"
}

cat > models/m.yaml <<'YAML'
tables:
  toy:
    columns:
      id: {type: INTEGER, primary_key: true}
      name: TEXT
      label: {type: TEXT, unique: true}
  animal:
    columns:
      id: {type: INTEGER, primary_key: true}
      kind: TEXT
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      old: TEXT
YAML
gen "start"
run_ok upgrade head
first=$(version_of)
q "INSERT INTO toy VALUES (1, 'ball', 'L1'), (2, 'kite', 'L2');
   INSERT INTO animal VALUES (1, 'cat');
   INSERT INTO pet VALUES (9, 'gone')"

cat > models/m.yaml <<'YAML'
tables:
  toy:
    columns:
      id: {type: INTEGER, primary_key: true}
      label: {type: TEXT, renamed_from: name}
  pet:
    renamed_from: animal
    columns:
      id: {type: INTEGER, primary_key: true}
      kind: TEXT
YAML
gen "onto dropped names"
expect_err "drops column 'toy.label'" "the old label is told as dropped, by its name"
expect_err "drops table 'pet'" "so is the old pet"
expect_no_err "_retort_tmp_" "no stopover name in the warnings"

run_ok upgrade head
expect_q "SELECT id, label FROM toy ORDER BY id" "1|ball
2|kite" app.db "label holds the old name values"
expect_q "SELECT group_concat(name, ' ') FROM pragma_table_info('toy')" "id label"
expect_q "SELECT id, kind FROM pet" "1|cat" app.db "pet is the old animal"
run_ok downgrade "$first"
expect_q "SELECT id, name FROM toy ORDER BY id" "1|ball
2|kite" app.db "downgraded: name is back"
expect_q "SELECT id, kind FROM animal" "1|cat" app.db "downgraded: animal is back"
expect_q "SELECT count(*) FROM pet" 0 app.db "the dropped pet comes back empty"
run_ok upgrade head
expect_q "SELECT id, label FROM toy ORDER BY id" "1|ball
2|kite" app.db "upgraded again"
expect_q "SELECT id, kind FROM pet" "1|cat" app.db "upgraded again: pet"
expect_integrity
run_ok verify

run_ok revision --autogenerate -m "again"
expect_err "nothing to change" "the next autogenerate finds nothing"
run_ok check
finish
