#!/usr/bin/env bash
# A foreign key whose parent columns are neither a primary key nor unique
# (SQLite's "foreign key mismatch": every insert into the child fails).
# `retort inspect` of a database holding one still works: exit 0, a warning
# on stderr naming that key (and no other), the YAML written as the
# database is, the database untouched. That YAML, used as the models, is a
# model error at the key's `references` (exit 2); with the parent column
# made unique the models load, autogenerate (taking the database as it is,
# since no revision made it) writes the rebuild, and after the upgrade SQLite
# takes inserts into the child again, every row kept.
source "$(dirname "$0")/common.bash"

project
q "CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE pet (id INTEGER PRIMARY KEY, owner TEXT REFERENCES user (name),
	owner_id INTEGER REFERENCES user (id));
INSERT INTO user VALUES (1, 'ann'), (2, 'bob');
INSERT INTO pet VALUES (10, 'ann', 1), (11, 'bob', 2), (12, NULL, NULL);"
rows="10|ann|1
11|bob|2
12||"
expect_q "PRAGMA foreign_keys = ON; INSERT INTO pet VALUES (13, 'ann', 1);" \
	'Error: in prepare, foreign key mismatch - "pet" referencing "user"' "" \
	"test premise: SQLite refuses inserts into pet"
cp app.db "$work/before.db"

# 1. inspect: works, says so, writes the key as it is
run_ok inspect
expect_err '^retort: warning: foreign key pet\(owner\) references user\(name\): the parent columns are neither a primary key nor unique' \
	"the warning names the foreign key"
expect_err 'foreign key mismatch' "... in SQLite's words"
expect_no_err 'owner_id' "the sound key is not named"
expect_out 'owner: \{type: TEXT, references: user\.name\}' "the YAML keeps the key as it is"
expect_out 'owner_id: \{type: INTEGER, references: user\.id\}'
cmp -s app.db "$work/before.db" || fail "inspect changed the database"
ok "the database is untouched"
[[ ! -e app.db-journal && ! -e app.db-wal ]] || fail "inspect left a journal"
ok "no journal left"
cp "$work/out" models/schema.yaml
run_ok inspect db:app.db
expect_err 'pet\(owner\) references user\(name\)' "the db:FILE source warns too"

# 2. those models: a model error at the `references` value
line=$(line_of models/schema.yaml 'owner: {')
col=$(( $(sed -n "${line}p" models/schema.yaml | grep -bo 'user\.name' | cut -d: -f1) + 1 ))
run_rc 2 inspect models
expect_err "^models/schema\.yaml:$line:$col: error: foreign key pet\(owner\) references user\(name\), which is neither the primary key of 'user' nor unique .*: SQLite would refuse every insert into 'pet' \(\"foreign key mismatch\"\)$" \
	"the models' error is at the references value"
run_rc 2 check
expect_err "^models/schema\.yaml:$line:$col: error: foreign key pet\(owner\)" "check stops there too"

# 3. the fix: user.name made unique; the rebuild makes the key work
sed -i 's/      name: {type: TEXT}/      name: {type: TEXT, unique: true}/' models/schema.yaml
run_ok inspect models
run_ok revision -m "user name unique" --autogenerate --accept-drift
run_ok upgrade
expect_q "SELECT * FROM pet ORDER BY id" "$rows" "" "every pet kept"
expect_q "PRAGMA foreign_keys = ON; INSERT INTO pet VALUES (13, 'ann', 1); SELECT count(*) FROM pet;" 4 "" \
	"SQLite takes inserts into pet again"
run_ok inspect
expect_no_err 'warning' "no warning once the key is sound"
finish
