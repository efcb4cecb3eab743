#!/usr/bin/env bash
# In-place table changes (docs/autogenerate.md, "In place"). Each change that
# only edits a table's definition (a CHECK dropped or added, NOT NULL dropped
# or added, a foreign key dropped or added, a default changed) is written by
# autogenerate as one inplace_table step, said in diff --json, in the
# revision's comment and on stderr; run up on a table with rows and an
# index, it copies nothing (the table's root page stays) and gives the schema
# (as SQLite reports it) and the rows that the rebuild (`diff --rebuild`,
# applied to a copy with the sqlite3 shell) gives; run down, the schema and
# rows of before. A default changed on a column that ADD COLUMN added over
# old rows leaves those rows their value. A CHECK, a NOT NULL or a foreign
# key added over a row that breaks it stops naming the row, the database
# unchanged. The revision's script run by `sqlite3 -bail` ends the same.
source "$(dirname "$0")/common.bash"

project
cat > models/pets.yaml <<'YAML'
tables:
  owner:
    columns:
      id: {type: INTEGER, primary_key: true}
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      name: {type: TEXT, nullable: false}
      qty: {type: INTEGER, check: "qty > 0"}
      color: {type: TEXT, default: red}
      owner_id: {type: INTEGER, references: owner.id}
    indexes:
      ix_pet_name: {columns: [name]}
YAML
run_ok revision -m "pets" --autogenerate
run_ok upgrade
q "INSERT INTO owner VALUES (1), (2);
INSERT INTO pet VALUES (1, 'rex', 1, 'red', 1), (2, 'tom', NULL, 'blue', NULL), (3, 'kit', 7, 'red', 2)"
# rows 1 to 3 store nothing for legacy: they read its default
sed -i 's/^      owner_id: .*/&\n      legacy: {type: INTEGER, default: 5}/' models/pets.yaml
run_ok revision -m "legacy" --autogenerate
rf=$(rev_file "$(ls revisions | grep _legacy | cut -c1-12)")
grep -q '^ALTER TABLE "pet" ADD COLUMN "legacy" INTEGER DEFAULT 5;$' "$rf" ||
	fail "legacy is not added by ADD COLUMN: $(cat "$rf")"
ok "legacy is added by ADD COLUMN"
run_ok upgrade
q "INSERT INTO pet VALUES (4, 'max', 3, 'red', 1, 6)"

rows() { q "SELECT * FROM pet ORDER BY id" "${1:-app.db}"; }
root() { q "SELECT rootpage FROM sqlite_schema WHERE name = 'pet'" "${1:-app.db}"; }
# the schema as SQLite reports it: columns, keys, indexes (and with `text`,
# the definitions as written)
facts() {
	q "SELECT type, name, tbl_name, CASE WHEN '${2:-}' = 'text' OR type = 'index' THEN sql END
		FROM sqlite_schema WHERE name NOT LIKE 'retort%' ORDER BY name;
	SELECT * FROM pragma_table_xinfo('pet');
	SELECT * FROM pragma_foreign_key_list('pet');
	SELECT * FROM pragma_index_list('pet');" "${1:-app.db}"
}

# change WHAT SED: the models changed by SED; autogenerate writes WHAT as
# one in-place step each way, the upgrade runs and is compared with the
# rebuild, the downgrade gives back the database of before, then the
# upgrade runs again (the next change starts from there)
change() {
	local what=$1 id f root0 rows0 facts0
	sed -i "$2" models/pets.yaml
	run_rc 1 diff --json
	expect_json "json_extract(j, '\$.upgrade[0].kind') || ' ' || json_array_length(j, '\$.upgrade') || ' ' || json_extract(j, '\$.downgrade[0].kind') || ' ' || json_array_length(j, '\$.downgrade')" \
		"inplace_table 1 inplace_table 1" "$what: one in-place step each way (diff --json)"
	run_ok revision -m "$what" --autogenerate
	expect_err "^retort: warning: changes table 'pet' in place: its definition is edited in sqlite_schema, no row is copied" \
		"$what: stderr says it is in place"
	id=$(ls revisions | grep -E "^[0-9a-f]{12}_$(slug "$what")\.sql$" | cut -c1-12)
	f=$(rev_file "$id")
	[[ $(grep -c "^-- warning: changes table 'pet' in place" "$f") == 2 ]] ||
		fail "$what: the revision does not say both steps are in place: $(cat "$f")"
	ok "$what: the revision's comments say it, up and down"
	! grep -q '_retort_new_' "$f" || fail "$what: the revision rebuilds: $(cat "$f")"
	ok "$what: no rebuild in the revision"

	cp app.db "$work/before.db"
	root0=$(root)
	rows0=$(rows)
	facts0=$(facts)
	# what the rebuild gives, on a copy
	cp app.db "$work/rebuilt.db"
	run_rc 1 diff --rebuild
	grep -q '_retort_new_pet' "$work/out" || fail "$what: diff --rebuild does not rebuild pet"
	sqlite3 -bail "$work/rebuilt.db" < "$work/out" > /dev/null || fail "$what: the rebuild fails"
	ok "$what: the rebuild, for comparison"

	run_ok upgrade
	expect_version "$id"
	[[ $(root) == "$root0" ]] || fail "$what: pet was copied (root page $root0, now $(root))"
	ok "$what: pet is not copied"
	[[ $(facts app.db text) == "$(facts "$work/rebuilt.db" text)" ]] ||
		fail "$what: the schema is not the rebuild's: $(diff <(facts app.db text) <(facts "$work/rebuilt.db" text))"
	ok "$what: the schema is the rebuild's"
	[[ $(rows) == "$(rows "$work/rebuilt.db")" ]] ||
		fail "$what: the rows are not the rebuild's: $(diff <(rows) <(rows "$work/rebuilt.db"))"
	ok "$what: every value is the rebuild's"
	expect_integrity app.db "$what: integrity_check ok"
	run_ok diff
	expect_out_empty "$what: the database is the models"

	run_ok downgrade -1
	[[ $(root) == "$root0" ]] || fail "$what: the downgrade copied pet"
	ok "$what: the downgrade does not copy pet"
	[[ $(facts) == "$facts0" ]] || fail "$what: the downgrade's schema: $(diff <(facts) <(echo "$facts0"))"
	# (the CHECKs are in the text alone, which ADD COLUMN wrote otherwise)
	run_ok diff --from "db:$work/before.db" --to db:app.db
	expect_out_empty "$what: the downgrade gives back the schema"
	[[ $(rows) == "$rows0" ]] || fail "$what: the downgrade's rows: $(diff <(rows) <(echo "$rows0"))"
	ok "$what: the downgrade gives back the rows"
	expect_integrity app.db "$what: integrity_check ok after the downgrade"
	run_ok upgrade
}

change "drop check" 's/qty: {type: INTEGER, check: "qty > 0"}/qty: {type: INTEGER}/'
q "INSERT INTO pet (id, name, qty) VALUES (5, 'neg', -1)"
expect_q "SELECT count(*) FROM pet WHERE qty < 0" 1 app.db "the CHECK is gone: a negative qty goes in"
q "DELETE FROM pet WHERE id = 5"
change "add check" 's/qty: {type: INTEGER}/qty: {type: INTEGER, check: "qty < 10"}/'
change "drop not null" 's/name: {type: TEXT, nullable: false}/name: {type: TEXT}/'
change "add not null" 's/name: {type: TEXT}/name: {type: TEXT, nullable: false}/'
change "drop foreign key" 's/owner_id: {type: INTEGER, references: owner.id}/owner_id: {type: INTEGER}/'
change "add foreign key" 's/owner_id: {type: INTEGER}/owner_id: {type: INTEGER, references: owner.id}/'
change "new color default" 's/default: red/default: green/'

# the default trap: rows 1 to 3 store nothing for legacy and read 5
change "new legacy default" 's/default: 5/default: 9/'
expect_q "SELECT id, legacy FROM pet ORDER BY id" "1|5
2|5
3|5
4|6" app.db "rows older than legacy keep the value they read"
q "INSERT INTO pet (id, name) VALUES (5, 'new')"
expect_q "SELECT legacy, color FROM pet WHERE id = 5" "9|green" app.db "a new row gets the new defaults"
q "DELETE FROM pet WHERE id = 5"

# a constraint added over a row that breaks it: stopped, the row named
# stop WHAT SED ERROR: the revision of SED fails to upgrade with ERROR
stop() {
	local id
	sed -i "$2" models/pets.yaml
	run_ok revision -m "$1" --autogenerate
	id=$(ls revisions | grep -E "^[0-9a-f]{12}_$(slug "$1")\.sql$" | cut -c1-12)
	cp app.db "$work/before.db"
	run_rc 3 upgrade
	expect_err "$3" "$1: stopped, naming the row"
	cmp -s app.db "$work/before.db" || fail "$1: the failed upgrade changed the database"
	ok "$1: the database is unchanged"
	expect_integrity app.db "$1: integrity_check ok"
	last_id=$id
}
stop "qty under 5" 's/check: "qty < 10"/check: "qty < 5"/' \
	"^revisions/[0-9a-f]{12}_qty_under_5\.sql:[0-9]+:1: error: pet: a row breaks the new CHECK \(qty < 5\): rowid 3$"
q "UPDATE pet SET qty = 4 WHERE id = 3"
run_ok upgrade
expect_version "$last_id"

sed -i 's/name: {type: TEXT, nullable: false}/name: {type: TEXT}/' models/pets.yaml
run_ok revision -m "name nullable" --autogenerate
run_ok upgrade
q "UPDATE pet SET name = NULL WHERE id = 2"
stop "name required" 's/name: {type: TEXT}/name: {type: TEXT, nullable: false}/' \
	"^revisions/[0-9a-f]{12}_name_required\.sql:[0-9]+:1: error: pet\.name holds NULL in a row, and becomes NOT NULL: rowid 2$"
q "UPDATE pet SET name = 'tom' WHERE id = 2"
run_ok upgrade
expect_version "$last_id"

q "UPDATE pet SET owner_id = NULL WHERE id = 1"
sed -i 's/owner_id: {type: INTEGER, references: owner.id}/owner_id: {type: INTEGER}/' models/pets.yaml
run_ok revision -m "no owner key" --autogenerate
run_ok upgrade
q "UPDATE pet SET owner_id = 99 WHERE id = 1"
stop "owner key" 's/owner_id: {type: INTEGER}/owner_id: {type: INTEGER, references: owner.id}/' \
	"error: foreign key check failed: 1 row of pet \(rowid 1\) has no parent in owner"
q "UPDATE pet SET owner_id = 1 WHERE id = 1"
run_ok upgrade
expect_version "$last_id"

# the script as sqlite3 -bail runs it ends where retort's run does
sed -i 's/default: 9/default: 11/; s/check: "qty < 5"/check: "qty < 6"/' models/pets.yaml
run_ok revision -m "shell" --autogenerate
cp app.db "$work/shell.db"
run_ok upgrade --sql
sqlite3 -bail "$work/shell.db" < "$work/out" > /dev/null || fail "sqlite3 -bail fails on the script"
run_ok upgrade
expect_same_state app.db "$work/shell.db" "sqlite3 -bail gives what retort gives"
expect_integrity "$work/shell.db"
finish
