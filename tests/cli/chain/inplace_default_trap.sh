#!/usr/bin/env bash
# The default trap of in-place changes (issue 20). A row written before
# `ALTER TABLE ... ADD COLUMN` stores no value for that column: it reads the
# column's default from the table's definition. So editing the default in
# place would change what such rows hold. A control shows the trap on this
# very database (the edit made by hand changes the old rows); then, whatever
# autogenerate writes for the change, old rows keep their values:
#  1. pet.color (indexed) added by retort's own ADD COLUMN over rows, then
#     its default changed in place, up (binary, and the --sql script run by
#     sqlite3 -bail) and down and up again, integrity_check ok (the index
#     holds what the rows read);
#  2. then its default dropped: the old rows do not become NULL;
#  3. a database made by an app (ADD COLUMN ... NOT NULL DEFAULT 1 over its
#     rows) adopted with `inspect`, a base revision and `stamp`, then the
#     default changed: no revision of the chain ever added that column, and
#     the old rows still keep 1.
source "$(dirname "$0")/inplace.bash"

project
# models COLOR: pet, with the color column's YAML (none: no color column)
models() {
	{
		cat <<-'YAML'
		tables:
		  pet:
		    columns:
		      id: {type: INTEGER, primary_key: true}
		      name: {type: TEXT}
		YAML
		[[ $1 == none ]] || printf '      color: %s\n    indexes:\n      ix_pet_color: {columns: [color]}\n' "$1"
	} > models/pets.yaml
}

models none
run_ok revision -m "pets" --autogenerate
run_ok upgrade
q "INSERT INTO pet (id, name) VALUES (1, 'rex'), (2, 'tom'), (3, 'kit')"
models "{type: TEXT, default: black}"
run_ok revision -m "pet color" --autogenerate
f=$(head -n 1 "$work/out")
section_of "$f" upgrade | grep -qi 'ADD COLUMN' || fail "test bug: color is not added by ADD COLUMN: $(cat "$f")"
ok "color is added by ADD COLUMN over the three rows"
run_ok upgrade
q "INSERT INTO pet (id, name, color) VALUES (4, 'max', 'white'); INSERT INTO pet (id, name) VALUES (5, 'bo')"
expect_q "SELECT group_concat(id || '=' || color, ' ') FROM (SELECT * FROM pet ORDER BY id)" "1=black 2=black 3=black 4=white 5=black"

# the control: the default edited in place by hand (cookie bumped) changes
# rows 1-3, which store no color, and not row 5, which stores 'black'
cp app.db "$work/control.db"
q "PRAGMA writable_schema = ON;
   UPDATE sqlite_schema SET sql = replace(sql, '''black''', '''red''') WHERE name = 'pet';
   PRAGMA writable_schema = OFF;
   CREATE TABLE control_bump (x); DROP TABLE control_bump;" "$work/control.db"
[[ $(sqlite3 "$work/control.db" "SELECT group_concat(id || '=' || color, ' ') FROM (SELECT * FROM pet ORDER BY id)") == "1=red 2=red 3=red 4=white 5=black" ]] ||
	fail "test bug: the control did not show the trap: $(sqlite3 "$work/control.db" "SELECT group_concat(id || '=' || color, ' ') FROM (SELECT * FROM pet ORDER BY id)")"
ok "control: an in-place edit of the default changes the rows written before ADD COLUMN"

# 1. the default changed: old rows keep their values
models "{type: TEXT, default: red}"
run_ok revision -m "pets are red" --autogenerate
f=$(head -n 1 "$work/out")
expect_in_place "$f" upgrade "the default changes in place"
expect_in_place "$f" downgrade "... and back"
cp app.db "$work/before.db"
run_ok upgrade --sql
cp "$work/out" "$work/up.sql"
run_ok upgrade
expect_q "SELECT group_concat(id || '=' || color, ' ') FROM (SELECT * FROM pet ORDER BY id)" "1=black 2=black 3=black 4=white 5=black" "" \
	"the default changed, and rows written before ADD COLUMN keep 'black'"
q "INSERT INTO pet (id, name) VALUES (6, 'new')"
expect_q "SELECT color FROM pet WHERE id = 6" red "" "a new row gets the new default"
expect_q "SELECT dflt_value FROM pragma_table_info('pet') WHERE name = 'color'" "'red'"
expect_integrity
# the revision's SQL run by sqlite3 -bail gives the same
sqlite3 -bail "$work/before.db" < "$work/up.sql" > /dev/null || fail "sqlite3 -bail could not run the --sql script"
q "INSERT INTO pet (id, name) VALUES (6, 'new')" "$work/before.db"
expect_same_state app.db "$work/before.db" "the --sql script run by sqlite3 gives the same schema and rows"

run_ok downgrade -1
expect_q "SELECT group_concat(id || '=' || color, ' ') FROM (SELECT * FROM pet ORDER BY id)" "1=black 2=black 3=black 4=white 5=black 6=red" "" \
	"the downgrade keeps every value"
q "INSERT INTO pet (id, name) VALUES (7, 'old')"
expect_q "SELECT color FROM pet WHERE id = 7" black "" "a new row gets the old default again"
run_ok upgrade
expect_q "SELECT group_concat(id || '=' || color, ' ') FROM (SELECT * FROM pet ORDER BY id)" "1=black 2=black 3=black 4=white 5=black 6=red 7=black" "" \
	"up again: every value kept"
expect_integrity

# 2. the default dropped: the old rows do not become NULL
models "{type: TEXT}"
run_ok revision -m "no default color" --autogenerate
run_ok upgrade
expect_q "SELECT group_concat(id || '=' || coalesce(color, 'NULL'), ' ') FROM (SELECT * FROM pet ORDER BY id)" \
	"1=black 2=black 3=black 4=white 5=black 6=red 7=black" "" "the default dropped: no value lost"
run_ok downgrade -1
expect_q "SELECT group_concat(id || '=' || coalesce(color, 'NULL'), ' ') FROM (SELECT * FROM pet ORDER BY id)" \
	"1=black 2=black 3=black 4=white 5=black 6=red 7=black" "" "... nor on the way down"
expect_integrity

# 3. a database made by an app, with its own ADD COLUMN over its rows,
# adopted by retort
project "$work/adopted"
sqlite3 -bail app.db "CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT);
	INSERT INTO item VALUES (1, 'a'), (2, 'b'), (3, 'c');
	ALTER TABLE item ADD COLUMN size INTEGER NOT NULL DEFAULT 1;
	INSERT INTO item VALUES (4, 'd', 5);
	CREATE INDEX ix_item_size ON item (size);"
run_ok inspect
cp "$work/out" models/schema.yaml
run_ok revision -m "adopt" --autogenerate --offline
run_ok stamp head
grep -q 'default: 1' models/schema.yaml || fail "test bug: inspect wrote no 'default: 1': $(cat models/schema.yaml)"
sed -i 's/default: 1/default: 2/' models/schema.yaml
run_ok revision -m "bigger items" --autogenerate
expect_in_place "$(head -n 1 "$work/out")" upgrade "adopted: the default changes in place"
cp app.db "$work/before.db"
run_ok upgrade --sql
cp "$work/out" "$work/up.sql"
run_ok upgrade
expect_q "SELECT group_concat(id || '=' || size, ' ') FROM (SELECT * FROM item ORDER BY id)" "1=1 2=1 3=1 4=5" "" \
	"adopted: the rows written before the app's ADD COLUMN keep 1"
q "INSERT INTO item (id, label) VALUES (5, 'e')"
expect_q "SELECT size FROM item WHERE id = 5" 2 "" "a new row gets the new default"
expect_integrity
sqlite3 -bail "$work/before.db" < "$work/up.sql" > /dev/null || fail "sqlite3 -bail could not run the --sql script"
expect_q "SELECT group_concat(id || '=' || size, ' ') FROM (SELECT * FROM item ORDER BY id)" "1=1 2=1 3=1 4=5" "$work/before.db" \
	"adopted: the --sql script run by sqlite3 keeps them too"
run_ok downgrade -1
expect_q "SELECT group_concat(id || '=' || size, ' ') FROM (SELECT * FROM item ORDER BY id)" "1=1 2=1 3=1 4=5 5=2" "" \
	"adopted: the downgrade keeps every value"
expect_integrity
finish
