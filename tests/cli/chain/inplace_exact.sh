#!/usr/bin/env bash
# In place, exactly what SQLite reads (issue 20), through the binary, on
# databases made by an app and adopted (inspect, a base revision, stamp):
#  1. price.label added by the app's ADD COLUMN over its rows, TEXT with
#     DEFAULT 2.50, and read through a plain, an expression and a partial
#     index: its default changed in place, the old rows keep exactly '2.50'
#     (not '2.5', what an UPDATE with 2.50 would store), up (binary, and the
#     --sql script run by sqlite3 -bail) and down, and integrity_check is
#     ok (the indexes hold what the rows read);
#  2. member, WITHOUT ROWID with a named UNIQUE written on its column before
#     its TEXT PRIMARY KEY (an INTEGER one SQLite would number last): two
#     automatic indexes that SQLite numbers by their
#     place in the text, which retort writes in another order (the named
#     UNIQUE at the end): a CHECK added is a rebuild, not an edit that
#     would give one index's b-tree to the other; integrity_check ok and the
#     rows found through both.
source "$(dirname "$0")/inplace.bash"

values="SELECT group_concat(id || '=' || quote(label), ' ') FROM (SELECT * FROM price ORDER BY id)"

project
sqlite3 -bail app.db "CREATE TABLE price (id INTEGER PRIMARY KEY, n INT);
	INSERT INTO price (id, n) VALUES (1, 1), (2, 2), (3, 3);
	ALTER TABLE price ADD COLUMN label TEXT DEFAULT 2.50;
	INSERT INTO price VALUES (4, 4, 'own');
	CREATE INDEX ix_price_label ON price (label);
	CREATE INDEX ix_price_lower ON price (lower(label));
	CREATE INDEX ix_price_some ON price (n) WHERE label > '1';
	CREATE TABLE member (email TEXT CONSTRAINT uq_email UNIQUE, id TEXT PRIMARY KEY, age INT) WITHOUT ROWID;
	INSERT INTO member VALUES ('a@x', 'm1', 30), ('b@x', 'm2', 40), ('c@x', 'm3', 50);"
expect_q "$values" "1='2.50' 2='2.50' 3='2.50' 4='own'" "" "the app's old rows read '2.50'"
run_ok inspect
cp "$work/out" models/schema.yaml
run_ok revision -m "adopt" --autogenerate --offline
run_ok stamp head

# 1. the default changed in place: old rows keep exactly '2.50'
grep -q "default: 2.50" models/schema.yaml || fail "test bug: inspect wrote no 'default: 2.50': $(cat models/schema.yaml)"
sed -i "s/default: 2.50/default: none/" models/schema.yaml
run_ok revision -m "no price" --autogenerate
f=$(head -n 1 "$work/out")
expect_in_place "$f" upgrade "the default changes in place"
expect_in_place "$f" downgrade "... and back"
cp app.db "$work/before.db"
run_ok upgrade --sql
cp "$work/out" "$work/up.sql"
run_ok upgrade
expect_q "$values" "1='2.50' 2='2.50' 3='2.50' 4='own'" "" "old rows keep exactly '2.50'"
expect_q "SELECT count(*) FROM price INDEXED BY ix_price_label WHERE label = '2.50'" 3 "" \
	"the plain index finds them"
expect_q "SELECT count(*) FROM price INDEXED BY ix_price_some WHERE label > '1' AND n > 0" 4 "" \
	"the partial index finds them"
expect_integrity
sqlite3 -bail "$work/before.db" < "$work/up.sql" > /dev/null || fail "sqlite3 -bail could not run the --sql script"
expect_same_state app.db "$work/before.db" "the --sql script run by sqlite3 gives the same schema and rows"
q "INSERT INTO price (id, n) VALUES (5, 5)"
expect_q "SELECT label FROM price WHERE id = 5" none "" "a new row gets the new default"
run_ok downgrade -1
expect_q "$values" "1='2.50' 2='2.50' 3='2.50' 4='own' 5='none'" "" "the downgrade keeps every value"
expect_integrity

# 2. two automatic indexes: a CHECK added is a rebuild
run_ok upgrade
sed -i '/^  member:/,/^  [a-z]/ s/^\(      age: {type: INT\)/\1, check: "age > 0"/' models/schema.yaml
grep -q 'age > 0' models/schema.yaml || fail "test bug: no CHECK written: $(cat models/schema.yaml)"
run_ok revision -m "positive age" --autogenerate
f=$(head -n 1 "$work/out")
section_of "$f" upgrade | grep -q '_retort_new_member' ||
	fail "member is not rebuilt: $(section_of "$f" upgrade)"
ok "two automatic indexes: the CHECK is added by a rebuild"
run_ok upgrade
expect_integrity
expect_q "SELECT group_concat(id, ' ') FROM (SELECT id FROM member WHERE email IN ('a@x', 'b@x', 'c@x') ORDER BY id)" \
	"m1 m2 m3" "" "the rows found through the UNIQUE"
expect_q "SELECT email FROM member WHERE id = 'm2'" "b@x" "" "... and through the key"
run_ok downgrade -1
expect_integrity
finish
