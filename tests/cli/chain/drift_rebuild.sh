#!/usr/bin/env bash
# drift_rebuild: objects the chain does not know about (a trigger, an index
# and a view made by hand on `pet`) are never dropped silently by a revision
# that rebuilds `pet`. Without --carry-unknown-objects, upgrade and downgrade
# refuse before any change (exit 3), naming each object and the revision;
# with it they are recreated from their sqlite_schema text after the
# revision, in its transaction, and a revision after which one no longer
# applies fails and is rolled back whole.
source "$(dirname "$0")/common.bash"

src=${RETORT_SOURCE_DIR:?RETORT_SOURCE_DIR must name the source tree}
project
cp "$src"/models/*.yaml models/
cp "$src"/revisions/*.sql revisions/
run_ok upgrade head
head0=$(version_of)
q "INSERT INTO user (id, name) VALUES (1, 'ann');
   INSERT INTO pet (name, kind, owner_id) VALUES ('rex', 'dog', 1), ('tom', 'cat', 1), ('kim', 'frog', NULL);"

# the hand-made objects
q "CREATE INDEX hand_pet_kind ON pet (kind);
   CREATE TRIGGER hand_pet_trim AFTER INSERT ON pet BEGIN
     UPDATE pet SET name = trim(name) WHERE id = new.id; END;"

# a revision that rebuilds pet, generated from a changed model (a new CHECK
# alone would be made in place: --rebuild)
sed -i "s/'cat','dog','frog'/'cat','dog','frog','bird'/" models/pet.yaml
run_ok revision -m "pets may be birds" --autogenerate --offline --rebuild
birds=$(basename "$(cat "$work/out")" | cut -c1-12)
grep -q 'DROP TABLE "pet"' revisions/${birds}_*.sql || fail "test bug: the revision does not rebuild pet"

# refused, nothing changed (the file byte for byte: schema, rows, version table)
refused 3 upgrade head
expect_err "$birds" "the revision named"
expect_err "hand_pet_kind" "the index named"
expect_err "hand_pet_trim" "the trigger named"
expect_err "carry-unknown-objects" "the option pointed at"
expect_version "$head0"

# --sql: the same refusal
refused 3 upgrade head --sql
expect_err "hand_pet_trim"

# a view that reads pet too (today it makes the rebuild's RENAME fail)
q "CREATE VIEW hand_pet_names AS SELECT name FROM pet ORDER BY name"
refused 3 upgrade head
expect_err "hand_pet_names" "the view named"
expect_err "hand_pet_kind"

# --sql with the option: the script drops the view first and recreates all three after
run_ok upgrade head --sql --carry-unknown-objects
expect_out 'DROP VIEW IF EXISTS "hand_pet_names"'
expect_out "CREATE INDEX hand_pet_kind ON pet \(kind\)"
expect_out "CREATE TRIGGER hand_pet_trim"
expect_out "CREATE VIEW hand_pet_names"
cp app.db "$work/script.db"
grep -v '^PRAGMA foreign_key_check' "$work/out" | sqlite3 -bail "$work/script.db" >/dev/null \
	|| fail "the --carry-unknown-objects script does not run"
ok "the script runs under sqlite3 -bail"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'hand_%'" 3 "$work/script.db" \
	"the script keeps the three objects"

# the option: the revision runs, the objects are there after it and work
run_ok upgrade head --carry-unknown-objects
expect_version "$birds"
expect_q "SELECT name FROM sqlite_schema WHERE name LIKE 'hand_%' ORDER BY name" \
	"hand_pet_kind
hand_pet_names
hand_pet_trim" app.db "the objects were carried across"
expect_q "SELECT id, name, kind, owner_id FROM pet ORDER BY id" "1|rex|dog|1
2|tom|cat|1
3|kim|frog|" app.db "every row kept"
q "INSERT INTO pet (name, kind) VALUES ('  tweety  ', 'bird')"
expect_q "SELECT name FROM pet WHERE id = 4" "tweety" app.db "the trigger fires"
expect_q "SELECT group_concat(name, ',') FROM hand_pet_names" "kim,rex,tom,tweety" app.db "the view works"
expect_q "EXPLAIN QUERY PLAN SELECT id FROM pet WHERE kind = 'dog'" \
	"$(q "EXPLAIN QUERY PLAN SELECT id FROM pet INDEXED BY hand_pet_kind WHERE kind = 'dog'")" \
	app.db "the index is used"
expect_integrity
q "DELETE FROM pet WHERE id = 4"

# downgrade: refused the same way, then carried
refused 3 downgrade -1
expect_err "$birds"
expect_err "hand_pet_trim"
run_ok downgrade -1 --carry-unknown-objects
expect_version "$head0"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'hand_%'" 3 app.db "carried back down"
expect_q "SELECT count(*) FROM pet" 3
run_ok upgrade head --carry-unknown-objects
expect_version "$birds"

# an object that no longer applies after the revision: an index on the
# column a hand-written rebuild leaves out. The revision fails, rolled back.
nb=dddd00000004
rev $nb $birds "pets lose born" \
"CREATE TABLE _new_pet (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, kind TEXT NOT NULL DEFAULT 'cat', owner_id INTEGER REFERENCES user (id) ON DELETE CASCADE);
INSERT INTO _new_pet (id, name, kind, owner_id) SELECT id, name, kind, owner_id FROM pet;
DROP TABLE pet;
ALTER TABLE _new_pet RENAME TO pet;
CREATE INDEX ix_pet_name ON pet (name);" \
"CREATE TABLE _new_pet (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, kind TEXT NOT NULL DEFAULT 'cat', born DATE DEFAULT CURRENT_DATE, owner_id INTEGER REFERENCES user (id) ON DELETE CASCADE);
INSERT INTO _new_pet (id, name, kind, owner_id) SELECT id, name, kind, owner_id FROM pet;
DROP TABLE pet;
ALTER TABLE _new_pet RENAME TO pet;
CREATE INDEX ix_pet_name ON pet (name);"
q "CREATE INDEX hand_pet_born ON pet (born)"
refused 3 upgrade head
expect_err "hand_pet_born"
refused 3 upgrade head --carry-unknown-objects
expect_err "hand_pet_born" "the object that no longer applies named"
expect_err "$nb" "with its revision"
expect_version "$birds"
[[ ! -e app.db-journal ]] || fail "a journal was left behind"
ok "no journal left"
q "DROP INDEX hand_pet_born"
# SQLite takes a view or trigger that reads a missing column, and fails only
# when it is read or fires: retort checks them when it recreates them
q "CREATE VIEW hand_pet_ages AS SELECT name, born FROM pet"
refused 3 upgrade head --carry-unknown-objects
expect_err "hand_pet_ages.*no such column: born" "the view that no longer applies named"
q "DROP VIEW hand_pet_ages"
q "CREATE TRIGGER hand_pet_born AFTER UPDATE OF name ON pet BEGIN
     UPDATE pet SET born = NULL WHERE id = new.id; END"
refused 3 upgrade head --carry-unknown-objects
expect_err "hand_pet_born.*no such column: born" "the trigger that no longer applies named"
q "DROP TRIGGER hand_pet_born"
expect_version "$birds"
run_ok upgrade head --carry-unknown-objects
expect_version "$nb"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'hand_%'" 3 app.db "the others carried again"

# two rebuilds in one run (and in one transaction): carried across each
refused 3 downgrade "$head0"
expect_err "downgrade $nb would destroy" "named at the first revision that destroys them"
run_ok downgrade "$head0" --carry-unknown-objects --one-transaction
expect_version "$head0"
expect_q "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'hand_%'" 3 app.db "carried across both"
expect_q "SELECT id, name, kind, owner_id FROM pet ORDER BY id" "1|rex|dog|1
2|tom|cat|1
3|kim|frog|" app.db "every row kept"
run_ok upgrade head --carry-unknown-objects
expect_version "$nb"

# the objects the chain knows are not the operator's: no option needed
# for a revision that rebuilds pet once the hand-made ones are gone
q "DROP VIEW hand_pet_names; DROP TRIGGER hand_pet_trim; DROP INDEX hand_pet_kind"
run_ok downgrade -1
expect_version "$birds"
finish
