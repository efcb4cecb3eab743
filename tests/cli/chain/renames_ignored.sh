#!/usr/bin/env bash
# A renamed_from hint that cannot be followed is ignored and says so on
# stderr (with its place in the models), and never drops what it names:
# its old name is not in the database (the rename was done by a revision
# written before `-- renames:` lines, which stays valid), or both names are
# there and the models keep the old one. A malformed `-- renames:` line is a
# revision error at its line and column.
source "$(dirname "$0")/common.bash"

project
rev aaaaaaaaaaa1 none "start" \
	"CREATE TABLE pet (id INTEGER PRIMARY KEY, nick TEXT, name TEXT);" \
	"DROP TABLE pet;"
# an old revision without a renames line: valid, and its rename unknown
rev aaaaaaaaaaa2 aaaaaaaaaaa1 "rename" \
	"ALTER TABLE pet RENAME COLUMN name TO title; ALTER TABLE pet ADD COLUMN name TEXT;" \
	"ALTER TABLE pet DROP COLUMN name; ALTER TABLE pet RENAME COLUMN title TO name;"
run_ok upgrade head
q "INSERT INTO pet VALUES (1, 'n1', 'kept', 'fresh')"

cat > models/m.yaml <<'YAML'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      nick: {type: TEXT, renamed_from: nickname}
      title: {type: TEXT, renamed_from: name}
      name: TEXT
YAML
rt revision --autogenerate -m "hints"
expect_rc 0
expect_err "m\.yaml:[0-9]+:[0-9]+: column 'pet\.title': renamed_from 'name' ignored" \
	"an ambiguous hint is ignored, with its place"
expect_err "column 'pet\.nick': renamed_from 'nickname' ignored" "a hint whose old name is gone too"
expect_err "nothing to change" "and nothing is written"
expect_q "SELECT id, title, name, nick FROM pet" "1|kept|fresh|n1" app.db \
	"title and name keep their values"
run_ok check
expect_out '^ok$' "check is clean"

# a rename done and recorded, then undone by a hand-written revision: the
# schema holds the old name alone again, so the hint renames again (it is
# not taken as done, which would drop the column and add an empty one)
cat > models/m.yaml <<'YAML'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      moniker: {type: TEXT, renamed_from: nick}
      title: TEXT
      name: TEXT
YAML
run_ok revision --autogenerate -m "moniker"
grep -q '^-- renames: "pet"."nick" -> "moniker"$' "$(head -n 1 "$work/out")" ||
	fail "no renames line: $(cat "$(head -n 1 "$work/out")")"
run_ok upgrade head
rev aaaaaaaaaaa3 "$(version_of)" "undo by hand" \
	"ALTER TABLE pet RENAME COLUMN moniker TO nick;" "ALTER TABLE pet RENAME COLUMN nick TO moniker;"
run_ok upgrade head
expect_q "SELECT nick FROM pet" n1
run_ok revision --autogenerate -m "moniker again"
expect_no_err "drops column" "the hint renames again, nothing is dropped"
run_ok upgrade head
expect_q "SELECT id, moniker, title, name FROM pet" "1|n1|kept|fresh" app.db "moniker holds nick's values"

rev aaaaaaaaaaa9 "$(version_of)" "bad" "SELECT 1;" "SELECT 1;"
sed -i 's/^-- message: bad$/-- message: bad\n-- renames: "pet"."a" -> /' "$(rev_file aaaaaaaaaaa9)"
run_rc 2 heads
expect_err "aaaaaaaaaaa9_bad\.sql:4:[0-9]+: error: renames: expected" "a malformed renames line"
finish
