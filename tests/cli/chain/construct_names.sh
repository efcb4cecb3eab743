#!/usr/bin/env bash
# Defaults written as names (DEFAULT "x", DEFAULT [x], DEFAULT none: SQLite's
# grammar makes strings of them), a column named like an expression
# ("lower(name)") beside an index on the expression lower(name), key terms
# beside a column named like one ("a DESC"), and the empty name "" for a
# table, a column and what refers to it: each
# round-trips through inspect and the models, diffs to nothing written
# another way, and a real change is a revision that keeps every row.
source "$(dirname "$0")/constructs.bash"
source "$(dirname "$0")/common.bash"

adopt "CREATE TABLE pet (
  id INTEGER PRIMARY KEY,
  name TEXT DEFAULT \"\",
  kind TEXT DEFAULT \"cat\",
  coat TEXT DEFAULT [short hair],
  mood TEXT DEFAULT \`calm\`,
  legs TEXT DEFAULT four,
  flag DEFAULT \"true\",
  real_flag DEFAULT true,
  \"lower(name)\" TEXT
);
CREATE INDEX pet_lower ON pet (lower(name));
CREATE INDEX pet_lower_col ON pet (\"lower(name)\");
CREATE TABLE \"\" (\"\" TEXT UNIQUE, x INT CHECK (\"\" <> 'x'), y INT REFERENCES \"\"(\"\"));
CREATE INDEX empty_ix ON \"\" (\"\" DESC, x);
CREATE TABLE odd (a INT, \"a DESC\" INT, \"x y\" TEXT, UNIQUE (a DESC), UNIQUE (\"a DESC\"), UNIQUE (\"x y\" COLLATE NOCASE));" \
"INSERT INTO pet (id, \"lower(name)\") VALUES (1, 'col');
INSERT INTO pet VALUES (2, 'Rex', 'dog', 'long', 'wild', 'three', 'no', false, 'REX');
INSERT INTO \"\" VALUES ('a', 1, NULL), ('b', 2, NULL)"
rows_sql="SELECT id, name, kind, coat, mood, legs, flag, real_flag, \"lower(name)\" FROM pet ORDER BY id;
	SELECT \"\", x, y FROM \"\" ORDER BY 1"
cp models/schema.yaml "$work/models_before"
expect_q "SELECT name, kind, coat, mood, legs, flag, real_flag FROM pet WHERE id = 1" "|cat|short hair|calm|four|true|1" "" \
	"test premise: SQLite takes each name default as a string"

for want in "name: {type: TEXT, default: ''}" "kind: {type: TEXT, default: cat}" "coat: {type: TEXT, default: short hair}" \
	"mood: {type: TEXT, default: calm}" "legs: {type: TEXT, default: four}" "flag: {default: 'true'}" \
	"real_flag: {default: true}" "lower(name): {type: TEXT}" "pet_lower: {columns: [lower(\"name\")]}" \
	"pet_lower_col: {columns: [lower(name)]}" "'': {type: TEXT, unique: true}" \
	"a DESC: {type: INT, unique: true}" "- ['\"a\" DESC']" "- ['\"x y\" COLLATE NOCASE']"; do
	grep -qF -- "$want" models/schema.yaml || fail "inspect does not write '$want': $(cat models/schema.yaml)"
done
ok "inspect writes the name defaults as the strings they are"

same_as "CREATE TABLE pet (
  id INTEGER PRIMARY KEY,
  name TEXT DEFAULT '',
  kind TEXT DEFAULT 'cat',
  coat TEXT DEFAULT \"short hair\",
  mood TEXT DEFAULT 'calm',
  legs TEXT DEFAULT [four],
  flag DEFAULT 'true',
  real_flag DEFAULT TRUE,
  [lower(name)] TEXT
);
CREATE INDEX pet_lower ON pet (LOWER(\"name\"));
CREATE INDEX pet_lower_col ON pet (\`lower(name)\`);
CREATE TABLE [] (\`\` TEXT, x INT, y INT, UNIQUE (\"\"), CHECK ([] <> 'x'), FOREIGN KEY (y) REFERENCES \"\" (\"\"));
CREATE INDEX empty_ix ON \"\" (\"\" DESC, \"x\" ASC);
CREATE TABLE odd (a INT, [a DESC] INT UNIQUE, \"x y\" TEXT, UNIQUE (\"a\" DESC), UNIQUE ([x y] COLLATE nocase));" \
	"the same names and defaults written another way"
differs_from "$(sed 's/real_flag DEFAULT TRUE/real_flag DEFAULT \"TRUE\"/' "$work/other.sql")" "DEFAULT TRUE -> DEFAULT \"TRUE\" (a string)"
differs_from "$(sed 's/DEFAULT .cat./DEFAULT dog/' "$work/other.sql")" "DEFAULT cat -> DEFAULT dog"
differs_from "$(sed 's/pet (LOWER("name"))/pet ("lower(name)")/' "$work/other.sql")" "the expression index -> the column"

# 1. a changed name default, and a rebuild of the table with the odd column
# and of the table named "" (a new NOT NULL column with a default each)
change "s/kind: \{type: TEXT, default: cat\}/kind: {type: TEXT, default: dog}/;
	s/(      lower\(name\): \{type: TEXT\}\n)/\$1      born: {type: INT, nullable: false, default: 0}\n/;
	s/(      'y': .*\n)/\$1      z: {type: TEXT, nullable: false, default: ''}\n/" "defaults"
expect_q "SELECT dflt_value FROM pragma_table_info('pet') WHERE name = 'kind'" "'dog'" "" "kind's default is 'dog'"
expect_q "SELECT group_concat(name, ',') FROM pragma_index_list('pet')" "pet_lower_col,pet_lower" "" "both indexes kept"
expect_q "SELECT count(*) FROM pet INDEXED BY pet_lower WHERE lower(name) = 'rex'" 1 "" "the expression index is lower(name)"

# 2. the expression index and the column index trade places
change "s/pet_lower: \{columns: \[lower\(\"name\"\)\]\}/pet_lower: {columns: [lower(name)]}/;
	s/pet_lower_col: \{columns: \[lower\(name\)\]\}/pet_lower_col: {columns: [lower(\"name\")]}/" "swap indexes"
expect_q "SELECT count(*) FROM pet INDEXED BY pet_lower_col WHERE lower(name) = 'rex'" 1 "" "pet_lower_col is lower(name) now"
expect_q "SELECT name FROM pragma_index_info('pet_lower')" "lower(name)" "" "pet_lower is the column"

# 3. the column named "" gets a collation: a rebuild of "" that keeps its rows
change "s/'': \{type: TEXT, unique: true\}/'': {type: TEXT, unique: true, collate: NOCASE}/" "empty nocase"
expect_q "SELECT x FROM \"\" WHERE \"\" = 'A'" 1 "" "\"\" compares without case"
finish
