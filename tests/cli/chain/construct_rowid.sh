#!/usr/bin/env bash
# INTEGER PRIMARY KEY DESC is not an alias of the rowid (a key index of its
# own, NULL allowed), PRIMARY KEY(id DESC) written on the table is (SQLite's
# quirk), and PRIMARY KEY(id AUTOINCREMENT) is the column form's table-level
# twin: each round-trips through inspect and the models, and turning one
# into another is a revision that keeps every value and every rowid.
source "$(dirname "$0")/constructs.bash"
source "$(dirname "$0")/common.bash"

adopt "CREATE TABLE item (id INTEGER PRIMARY KEY DESC, name TEXT);
CREATE TABLE log (id INTEGER, msg TEXT, PRIMARY KEY(id AUTOINCREMENT));
CREATE TABLE quirk (id INTEGER, v TEXT, PRIMARY KEY(id DESC));" \
"INSERT INTO item (rowid, id, name) VALUES (10, 5, 'a'), (11, 7, 'b'), (12, NULL, 'c');
INSERT INTO log (msg) VALUES ('x'), ('y'), ('z'); DELETE FROM log WHERE id = 3;
INSERT INTO quirk VALUES (3, 'q');"
rows_sql="SELECT rowid, * FROM item ORDER BY rowid; SELECT rowid, * FROM log ORDER BY id;
	SELECT rowid, * FROM quirk ORDER BY id; SELECT seq FROM sqlite_sequence WHERE name = 'log'"
cp models/schema.yaml "$work/models_before"

grep -qF "primary_key: [id DESC]" models/schema.yaml &&
	grep -qF 'id: {type: INTEGER, nullable: true}' models/schema.yaml &&
	grep -qF 'id: {type: INTEGER, primary_key: true, autoincrement: true}' models/schema.yaml &&
	[[ $(grep -c 'id: {type: INTEGER, primary_key: true}$' models/schema.yaml) == 1 ]] ||
	fail "inspect does not tell the rowid aliases apart: $(cat models/schema.yaml)"
ok "inspect: item's DESC key is a key list, log and quirk's keys are the rowid"

same_as "CREATE TABLE item (id integer primary key desc on conflict abort, name TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, msg TEXT);
CREATE TABLE quirk (id INTEGER PRIMARY KEY ASC, v TEXT);" "the keys written another way"
differs_from "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, msg TEXT);
CREATE TABLE quirk (id INTEGER PRIMARY KEY ASC, v TEXT);" "INTEGER PRIMARY KEY DESC -> the rowid"
differs_from "CREATE TABLE item (id INTEGER PRIMARY KEY DESC, name TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT);
CREATE TABLE quirk (id INTEGER PRIMARY KEY ASC, v TEXT);" "AUTOINCREMENT -> none"

# 1. a rebuild of each table (a new CHECK) keeps every id, rowid and the
# AUTOINCREMENT counter: a deleted id is not handed out again
change 's/(name: \{type: TEXT)\}/$1, check: "name <> '\'''\''"}/; s/(msg: \{type: TEXT)\}/$1, check: "msg <> '\'''\''"}/; s/(v: \{type: TEXT)\}/$1, check: "v <> '\'''\''"}/' "checks"
expect_q "SELECT count(*) FROM pragma_index_list('item') WHERE origin = 'pk'" 1 "" "item's key is still no rowid alias"
[[ $(in_copy "INSERT INTO log (msg) VALUES ('w'); SELECT max(id) FROM log") == 4 ]] ||
	fail "the AUTOINCREMENT counter was lost: $(in_copy "SELECT * FROM sqlite_sequence")"
ok "AUTOINCREMENT does not reuse the deleted id"

# 2. item's key becomes the rowid: a NULL id cannot become one, so the
# upgrade stops and changes nothing; given a value, every id is kept
perl -0pi -e "s/    primary_key: \[id DESC\]\n//; s/id: \{type: INTEGER, nullable: true\}/id: {type: INTEGER, primary_key: true}/" models/schema.yaml
run_ok revision -m "item rowid" --autogenerate
cp app.db "$work/held.db"
run_rc 3 upgrade
expect_err "item.id holds NULL, which cannot become the rowid" "the NULL id stops the upgrade"
cmp -s app.db "$work/held.db" || fail "the failed upgrade changed the database"
ok "the failed upgrade left the database as it was"
q "UPDATE item SET id = 9 WHERE id IS NULL"
run_ok upgrade
expect_q "SELECT rowid, id, name FROM item ORDER BY id" "5|5|a
7|7|b
9|9|c" "" "every id kept, and each is now its row's rowid"
expect_q "SELECT count(*) FROM pragma_index_list('item') WHERE origin = 'pk'" 0 "" "item's key is the rowid"
round_trips "item rowid"
run_ok downgrade -1
expect_q "SELECT id, name FROM item ORDER BY id" "5|a
7|b
9|c" "" "the downgrade keeps every id"
expect_q "SELECT count(*) FROM pragma_index_list('item') WHERE origin = 'pk'" 1 "" "the downgrade makes the DESC key again"
run_ok upgrade
cp models/schema.yaml "$work/models_before"

# 3. quirk's rowid key becomes INTEGER PRIMARY KEY DESC: its own index, the
# ids and rowids kept
change "s/(  quirk:\n    columns:\n      id: \{type: INTEGER), primary_key: true\}/\$1}/; s/(      v: \{type: TEXT, check: \"v <> ''\"\}\n)/\$1    primary_key: [id DESC]\n/" "quirk desc"
expect_q "SELECT group_concat(x.\"desc\") FROM pragma_index_list('quirk') AS l, pragma_index_xinfo(l.name) AS x
	WHERE l.origin = 'pk' AND x.key" 1 "" "quirk's key is a DESC index"
expect_q "SELECT rowid, id FROM quirk" "3|3" "" "the id and its rowid kept"
finish
