#!/usr/bin/env bash
# Model text that retort splices into SQL (issue 12 item 3): every type name
# that real schemas use still loads and reaches the database as written, and
# SQL that is one whole piece loads even with comments (a trailing "--" one,
# a statement followed by "; -- note"). What `inspect` writes for a database
# with odd declared types loads back (leaving out [x] (1, 2), which SQLite
# reads as the type "x] (1, 2": no version of retort could load that). The
# refused forms are in tests/cli/bad.
source "$(dirname "$0")/common.bash"

project
cat > models/pets.yaml <<'EOF'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      name: VARCHAR(255)
      price: {type: "DECIMAL(10, 2)", check: "price >= 0 -- never negative"}
      big: UNSIGNED BIG INT
      weight: DOUBLE PRECISION
      nick: NATIVE CHARACTER(70)
      age: INT(+5)
      score: "NUMERIC(-1, 2)"
      born: TIMESTAMP WITH TIME ZONE
      tag: KEY VALUE
      code: VARCHAR /* chars */ (10)
      note: {}
      untyped:
    indexes:
      pet_name: {columns: [name], where: "name IS NOT NULL /* named only */"}
views:
  named: "SELECT name FROM pet WHERE name IS NOT NULL -- a view; with a comment"
  cheap: "SELECT id FROM pet WHERE price < 10; -- ends in ';' and a comment"
triggers:
  pet_touch: |
    CREATE TRIGGER pet_touch AFTER INSERT ON pet BEGIN
      UPDATE pet SET note = 'new' WHERE id = new.id; -- inside the body
    END; -- after the statement
EOF

run_ok revision --autogenerate -m "types"
run_ok upgrade
expect_q "SELECT group_concat(name || ':' || type, '|') FROM pragma_table_info('pet')" \
	"id:INTEGER|name:VARCHAR(255)|price:DECIMAL(10, 2)|big:UNSIGNED BIG INT|weight:DOUBLE PRECISION|nick:NATIVE CHARACTER(70)|age:INT(+5)|score:NUMERIC(-1, 2)|born:TIMESTAMP WITH TIME ZONE|tag:KEY VALUE|code:VARCHAR /* chars */ (10)|note:|untyped:" \
	app.db "every type reaches the database as written"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name IN ('pet_name', 'named', 'cheap', 'pet_touch')" \
	4 app.db "the index, both views and the trigger exist"
q "INSERT INTO pet (name, price) VALUES ('rex', 5)"
expect_q "SELECT note FROM pet; SELECT name FROM named; SELECT id FROM cheap" "new
rex
1" app.db "the trigger, the views and the check work"
rt check
expect_rc 0 "check: the models match the chain"

# what inspect writes for a database with odd declared types loads back
sqlite3 odd.db "CREATE TABLE odd (a VARCHAR /* c */ (10), b \"my type\", c 'str' (5),
	e \"INT\" (10), f DOUBLE   PRECISION, g KEY VALUE, h DECIMAL(+10, -2))"
run_ok inspect db:odd.db
mkdir -p odd_models
cp "$work/out" odd_models/odd.yaml
run_ok diff --from db:odd.db --to models:odd_models
expect_out_empty "inspect's types load back and compare equal"

# `check` in CI: an unclosed /* in one check and a */ in a later one would
# hide the columns between them, and the chain that lacks them would match
project "$work/splice"
cat > models/pets.yaml <<'EOF'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true, check: "id > 0 /*"}
      secret: TEXT
      kind: {type: TEXT, check: "*/ AND 1"}
EOF
rev 0000000000a1 none "pets" 'CREATE TABLE "pet" ("id" INTEGER PRIMARY KEY CHECK (id > 0 AND 1));' 'DROP TABLE "pet";'
rt check
expect_rc 2 "check refuses the model"
expect_err "^models/pets.yaml:4:53: error: column 'id': unterminated comment in SQL 'id > 0 /\\*'$" \
	"at the check that opens the comment"
[[ ! -e app.db ]] || fail "check created app.db"
ok "no database written"

finish
