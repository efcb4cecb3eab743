#!/usr/bin/env bash
# ON CONFLICT on NOT NULL, PRIMARY KEY and UNIQUE, and COLLATE and ASC/DESC
# on the terms of UNIQUE and PRIMARY KEY constraints, round-trip through
# inspect and the models (SQLite parses a CHECK's ON CONFLICT and ignores
# it: nothing to keep); the same schema written another way diffs to
# nothing, and each real change of a clause is a revision whose upgrade
# keeps the rows and changes what SQLite does.
source "$(dirname "$0")/constructs.bash"
source "$(dirname "$0")/common.bash"

adopt "CREATE TABLE person (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL ON CONFLICT FAIL UNIQUE ON CONFLICT REPLACE,
  nick TEXT,
  team TEXT NOT NULL DEFAULT 'none',
  born INT,
  UNIQUE (nick COLLATE NOCASE DESC) ON CONFLICT IGNORE,
  CONSTRAINT team_born UNIQUE (team COLLATE RTRIM, born DESC),
  CHECK (born > 1900) ON CONFLICT REPLACE
);
CREATE TABLE tag (
  name TEXT, kind TEXT,
  PRIMARY KEY (name COLLATE NOCASE, kind DESC) ON CONFLICT IGNORE
) WITHOUT ROWID;" \
"INSERT INTO person VALUES (1, 'a@x', 'Bob', 'red', 1990), (2, 'b@x', 'alice', 'blue', 1980);
INSERT INTO tag VALUES ('Cat', 'pet'), ('dog', 'pet');"
rows_sql="SELECT * FROM person ORDER BY id; SELECT * FROM tag ORDER BY name, kind"
cp models/schema.yaml "$work/models_before"

grep -qF 'not_null_on_conflict: FAIL' models/schema.yaml && grep -qF 'unique_on_conflict: REPLACE' models/schema.yaml &&
	grep -qF "{columns: [nick COLLATE NOCASE DESC], on_conflict: IGNORE}" models/schema.yaml &&
	grep -qF "{name: team_born, columns: [team COLLATE RTRIM, born DESC]}" models/schema.yaml &&
	grep -qF "primary_key: [name COLLATE NOCASE, kind DESC]" models/schema.yaml &&
	grep -qF 'primary_key_on_conflict: IGNORE' models/schema.yaml ||
	fail "inspect does not write every clause: $(cat models/schema.yaml)"
ok "inspect writes each clause with its key"

# the same schema, written another way: clause order, case, constraint
# placement, ABORT (the default) spelled out, the CHECK's ignored clause
same_as "CREATE TABLE person (
  id integer primary key on conflict abort,
  email TEXT UNIQUE ON CONFLICT replace NOT NULL ON CONFLICT fail,
  nick TEXT,
  team TEXT DEFAULT 'none' NOT NULL ON CONFLICT ABORT,
  born INT CHECK (born > 1900),
  CONSTRAINT team_born UNIQUE (team collate rtrim ASC, [born] desc) ON CONFLICT ABORT,
  UNIQUE (\"nick\" COLLATE nocase DESC) ON CONFLICT ignore
);
CREATE TABLE tag (name TEXT, kind TEXT,
  PRIMARY KEY (name COLLATE NoCase, kind DESC) ON CONFLICT IGNORE) WITHOUT ROWID;" \
	"the clauses written another way"
differs_from "$(sed 's/ON CONFLICT ignore/ON CONFLICT REPLACE/' "$work/other.sql")" "UNIQUE ON CONFLICT IGNORE -> REPLACE"
differs_from "$(sed 's/nick\" COLLATE nocase DESC/nick\" COLLATE nocase/' "$work/other.sql")" "UNIQUE term DESC -> ASC"
differs_from "$(sed 's/NOT NULL ON CONFLICT fail/NOT NULL/' "$work/other.sql")" "NOT NULL ON CONFLICT FAIL -> none"
differs_from "$(sed 's/kind DESC/kind/' "$work/other.sql")" "PRIMARY KEY term DESC -> ASC"
differs_from "$(sed 's/COLLATE NoCase/COLLATE RTRIM/' "$work/other.sql")" "PRIMARY KEY term NOCASE -> RTRIM"
differs_from "$(sed 's/) ON CONFLICT IGNORE) WITHOUT/)) WITHOUT/' "$work/other.sql")" "PRIMARY KEY ON CONFLICT IGNORE -> none"

# what the database does before the changes; the CHECK's ON CONFLICT
# REPLACE is parsed and ignored (a row that breaks it is refused)
[[ $(in_copy "INSERT INTO person (id, email, born) VALUES (9, 'z@x', 1)") == *"CHECK constraint failed"* ]] ||
	fail "test bug: SQLite did not ignore the CHECK's ON CONFLICT"
[[ $(in_copy "INSERT INTO person (id, email, nick) VALUES (3, 'c@x', 'BOB'); SELECT count(*) FROM person") == 2 ]] ||
	fail "test bug: the nick UNIQUE does not IGNORE"

# 1. UNIQUE ON CONFLICT IGNORE -> REPLACE
change 's/on_conflict: IGNORE\}/on_conflict: REPLACE}/' "nick replaces"
expect_q "SELECT sql LIKE '%UNIQUE (\"nick\" COLLATE \"NOCASE\" DESC) ON CONFLICT REPLACE%' FROM sqlite_schema WHERE name = 'person'" 1
[[ $(in_copy "INSERT INTO person (id, email, nick) VALUES (3, 'c@x', 'BOB'); SELECT group_concat(id) FROM (SELECT id FROM person ORDER BY id)") == "2,3" ]] ||
	fail "UNIQUE ON CONFLICT REPLACE does not replace"
ok "the UNIQUE now replaces"

# 2. the UNIQUE term's collation NOCASE -> BINARY (as the column's)
change "s/nick COLLATE NOCASE DESC/nick DESC/" "nick binary"
[[ $(in_copy "INSERT INTO person (id, email, nick) VALUES (3, 'c@x', 'BOB'); SELECT count(*) FROM person") == 3 ]] ||
	fail "the UNIQUE still compares nick without case"
ok "the UNIQUE term compares with BINARY"

# 3. the UNIQUE term DESC -> ASC
change "s/nick DESC/nick/" "nick ascending"
expect_q "SELECT group_concat(\"desc\") FROM pragma_index_list('person') AS l, pragma_index_xinfo(l.name) AS x
	WHERE x.name = 'nick' AND x.key" 0 "" "the nick UNIQUE is ascending"

# 4. NOT NULL ON CONFLICT FAIL -> none, and team's none -> REPLACE (its default fills a NULL)
change 's/ not_null_on_conflict: FAIL,//; s/(team: \{type: TEXT, nullable: false)/$1, not_null_on_conflict: REPLACE/' "not null actions"
[[ $(in_copy "INSERT INTO person (id, email, nick, team) VALUES (3, 'c@x', 'z', NULL); SELECT team FROM person WHERE id = 3") == none ]] ||
	fail "NOT NULL ON CONFLICT REPLACE does not take the default"
ok "a NULL team takes the default"

# 5. the primary key's terms and action: kind DESC -> ASC, NOCASE -> BINARY, IGNORE -> REPLACE
change "s/kind DESC/kind/; s/name COLLATE NOCASE/name/; s/primary_key_on_conflict: IGNORE/primary_key_on_conflict: REPLACE/" "tag key"
expect_q "SELECT group_concat(\"desc\" || coll, ' ') FROM pragma_index_xinfo('sqlite_autoindex_tag_1') WHERE key" \
	"0BINARY 0BINARY" "" "the key is ascending and BINARY"
[[ $(in_copy "INSERT INTO tag VALUES ('CAT', 'pet'), ('dog', 'pet'); SELECT count(*) FROM tag") == 3 ]] ||
	fail "the tag key still compares without case or does not REPLACE"
ok "the key takes 'CAT' beside 'Cat' and replaces 'dog'"

# 6. a downgrade that the old clause would let lose rows fails instead: two
# nicks that differ only in case cannot go back under NOCASE ... REPLACE,
# which would delete one of them
q "INSERT INTO person (id, email, nick) VALUES (3, 'c@x', 'BOB')"
run_ok downgrade "$(ls revisions | grep nick_binary | cut -c1-12)"
cp app.db "$work/held.db"
run_rc 3 downgrade -1
expect_err "error: UNIQUE constraint failed: person.nick" "the copy stops at the pair"
cmp -s app.db "$work/held.db" || fail "the failed downgrade changed the database"
ok "the failed downgrade left the database as it was"
expect_q "SELECT count(*) FROM person" 3 "" "no row dropped"

# a key term's collation that makes more values equal is told as the risk
# it is; one that tells more values apart is not
printf 'CREATE TABLE u (a TEXT, b TEXT, UNIQUE (a), PRIMARY KEY (b));\n' > "$work/fine.sql"
printf 'CREATE TABLE u (a TEXT, b TEXT, UNIQUE (a COLLATE NOCASE), PRIMARY KEY (b COLLATE RTRIM));\n' > "$work/coarse.sql"
rt diff --from "sql:$work/fine.sql" --to "sql:$work/coarse.sql"
expect_rc 1
expect_err "adds a UNIQUE constraint on 'u': fails if rows repeat" "a NOCASE UNIQUE term is a risk"
expect_err "changes the primary key of 'u': fails if rows repeat" "an RTRIM key term is a risk"
rt diff --from "sql:$work/coarse.sql" --to "sql:$work/fine.sql"
expect_rc 1
expect_no_err "UNIQUE|primary key" "BINARY terms are no risk"

# the models' own spellings: lower case, ASC, and a key given as a term
run_ok upgrade
cat > models/schema.yaml <<'YAML'
tables:
  person:
    columns:
      id: {type: INTEGER, primary_key: true}
      email: {type: TEXT, nullable: false, unique: true, unique_on_conflict: replace}
      nick: {type: TEXT}
      team: {type: TEXT, nullable: false, default: none, not_null_on_conflict: Replace}
      born: {type: INT}
    unique:
    - {columns: [nick asc], on_conflict: replace}
    - {name: team_born, columns: [team collate rtrim, "[born] DESC"], on_conflict: abort}
    checks:
    - born > 1900
  tag:
    columns:
      name: {type: TEXT}
      kind: {type: TEXT}
    primary_key: [name COLLATE binary, kind]
    primary_key_on_conflict: replace
    without_rowid: true
YAML
rt diff
expect_rc 0 "the models in other spellings: no difference"

# bad values are errors at the value
printf 'tables:\n  t:\n    columns:\n      a: {type: TEXT, unique: true, unique_on_conflict: explode}\n' > models/schema.yaml
run_rc 2 diff
expect_err "schema.yaml:4:57: error: column 'a': unknown ON CONFLICT action 'explode'" "an unknown action"
printf 'tables:\n  t:\n    columns:\n      a: {type: TEXT, not_null_on_conflict: IGNORE}\n' > models/schema.yaml
run_rc 2 diff
expect_err "column 'a': not_null_on_conflict needs nullable: false" "NOT NULL's action without NOT NULL"
printf 'tables:\n  t:\n    columns:\n      a: {type: TEXT}\n    unique: [[a DESCENDING]]\n' > models/schema.yaml
run_rc 2 diff
expect_err "unique: 'a DESCENDING' is neither a column of table 't' nor 'column \[COLLATE name\] \[ASC\|DESC\]'" "a term that is no term"
printf 'tables:\n  t:\n    columns:\n      a: {type: TEXT}\n    primary_key: [a COLLATE nosuch]\n' > models/schema.yaml
run_rc 2 diff
expect_err "no such collation sequence: nosuch" "an unknown collation"
finish
