#!/usr/bin/env bash
# drift_autogenerate: `revision --autogenerate` against a live database that
# has drifted from the chain at its current revision (objects made by hand)
# refuses (exit 2), lists the drift, points at --offline, and writes no
# file: a revision made from it would drop the hand-made objects, and fail
# on every other database. --accept-drift takes the live schema as it is.
source "$(dirname "$0")/common.bash"

src=${RETORT_SOURCE_DIR:?RETORT_SOURCE_DIR must name the source tree}
project
cp "$src"/models/*.yaml models/
cp "$src"/revisions/*.sql revisions/
run_ok upgrade head
q "CREATE INDEX hand_pet_kind ON pet (kind);
   CREATE TRIGGER hand_pet_trim AFTER INSERT ON pet BEGIN
     UPDATE pet SET name = trim(name) WHERE id = new.id; END;
   CREATE VIEW hand_pet_names AS SELECT name FROM pet"
sed -i "s/'cat','dog','frog'/'cat','dog','frog','bird'/" models/pet.yaml
ls revisions > "$work/before.ls"

refused 2 revision -m "pets may be birds" --autogenerate
expect_err "drifted" "the drift said"
expect_err "hand_pet_kind" "the index listed"
expect_err "hand_pet_trim" "the trigger listed"
expect_err "hand_pet_names" "the view listed"
expect_err -- "--offline" "--offline pointed at"
expect_err -- "--accept-drift" "the option pointed at"
diff -q <(ls revisions) "$work/before.ls" >/dev/null || fail "a revision file was written"
ok "no file written"

# --offline is not affected: it never reads the database
run_ok revision -m "pets may be birds" --autogenerate --offline
off=$(cat "$work/out")
expect_not_said "hand_pet" "the offline revision knows nothing of the hand-made objects"
grep -q hand_pet "$off" && fail "the offline revision names a hand-made object"
ok
rm "$off"

# --accept-drift: the live schema as it is (here: the drift is dropped)
run_ok revision -m "pets may be birds" --autogenerate --accept-drift
live=$(cat "$work/out")
[[ -f $live ]] || fail "no revision written"
grep -q 'hand_pet_kind' "$live" || fail "the live schema was not taken as it is"
ok "--accept-drift generates from the live schema"
rm "$live"

# the flag needs --autogenerate and a live database
refused 2 revision -m x --accept-drift
refused 2 revision -m x --autogenerate --offline --accept-drift

# no drift: no option needed
q "DROP INDEX hand_pet_kind; DROP TRIGGER hand_pet_trim; DROP VIEW hand_pet_names"
run_ok revision -m "pets may be birds" --autogenerate
finish
