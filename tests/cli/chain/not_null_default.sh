#!/usr/bin/env bash
# A column made NOT NULL. With a default in the models, autogenerate's
# rebuild copies coalesce(column, DEFAULT) (as Django does), the revision
# and `retort diff --json` flag it (fill_null), and the run warns with the
# number of NULLs it fills (stderr, --sql, --json) before it fills them;
# the downgrade keeps the filled values. Without a default the step stays a
# flagged risk that stops on the NULL rows: exit 3, the error names pet.kind
# and counts its NULLs (never the rebuild's scratch table), and the
# database is left exactly as it was.
source "$(dirname "$0")/common.bash"

project
cat > models/pets.yaml <<'YAML'
tables:
  pet:
    columns:
      id: {type: INTEGER, primary_key: true}
      name: {type: TEXT}
      kind: {type: TEXT}
YAML
run_ok revision -m "pets" --autogenerate
run_ok upgrade
q "INSERT INTO pet VALUES (1, 'rex', 'cat'), (2, NULL, 'dog'), (3, NULL, NULL), (4, 'tom', NULL)"

# 1. NOT NULL with a default: the revision fills the NULLs
sed -i 's/      name: {type: TEXT}/      name: {type: TEXT, nullable: false, default: unnamed}/' models/pets.yaml
run_rc 1 diff --json
expect_json "json_extract(j, '\$.upgrade[0].risks') LIKE '%\"fill_null\"%'" 1 "diff --json flags fill_null"
expect_json "json_extract(j, '\$.upgrade[0].risks') LIKE '%set_not_null%'" 0 "... not set_not_null"
run_ok revision -m "name required" --autogenerate
expect_err "makes 'pet.name' NOT NULL: rows holding NULL get its default 'unnamed' \(a downgrade does not put the NULLs back\)" \
	"autogenerate warns that the NULLs get the default"
r2=$(ls revisions | grep name_required | cut -c1-12)
f=$(rev_file "$r2")
grep -qF "SELECT \"id\", coalesce(\"name\", 'unnamed'), \"kind\" FROM \"pet\";" "$f" ||
	fail "the rebuild's copy does not coalesce name: $(cat "$f")"
ok "the copy takes coalesce(name, 'unnamed')"
grep -qF -- "-- warning: rebuilds table 'pet': every row is copied; makes 'pet.name' NOT NULL: rows holding NULL get its default 'unnamed'" "$f" ||
	fail "the revision has no warning comment: $(cat "$f")"
ok "the revision carries the warning"

cp app.db "$work/before.db"
run_ok upgrade --sql
fill_warning="upgrade $r2 fills column pet.name with 'unnamed' where it is NULL: 2 rows \(a downgrade does not put the NULLs back\)"
expect_out "^-- warning: $fill_warning$" "--sql: the count as a comment"
expect_err "^retort: warning: $fill_warning$" "--sql: ... and on stderr"
cmp -s app.db "$work/before.db" || fail "upgrade --sql changed the database"
ok "--sql changes nothing"

run_ok upgrade
expect_err "^retort: warning: $fill_warning$" "the run warns with the count"
expect_version "$r2"
expect_q "SELECT id, name, kind FROM pet ORDER BY id" "1|rex|cat
2|unnamed|dog
3|unnamed|
4|tom|" "" "the NULLs hold the default, every other value kept"
expect_q "SELECT \"notnull\", dflt_value FROM pragma_table_info('pet') WHERE name = 'name'" "1|'unnamed'" "" \
	"pet.name is NOT NULL DEFAULT 'unnamed'"
expect_integrity

# the downgrade makes the column nullable again and keeps the filled values
run_ok downgrade -1
expect_q "SELECT count(*) FROM pet WHERE name = 'unnamed'" 2 "" "the downgrade keeps the filled values"
q "UPDATE pet SET name = NULL WHERE id = 3"
run_ok upgrade --json
expect_json "json_extract(j, '\$.data_loss[0].kind') || ' ' || json_extract(j, '\$.data_loss[0].table') || '.' || json_extract(j, '\$.data_loss[0].column') || ' ' || json_extract(j, '\$.data_loss[0].values') || ' ' || json_extract(j, '\$.data_loss[0].fill')" \
	"fill pet.name 1 'unnamed'" "--json: the fill in data_loss, with its count and value"
expect_q "SELECT name FROM pet WHERE id = 3" unnamed

# 2. NOT NULL without a default: a flagged risk that stops on the NULL rows
# (with a new type too, so that the table is rebuilt: NOT NULL alone is
# added in place, chain/inplace.sh)
sed -i 's/      kind: {type: TEXT}/      kind: {type: VARCHAR(20), nullable: false}/' models/pets.yaml
run_ok revision -m "kind required" --autogenerate
expect_err "makes 'pet.kind' NOT NULL: fails if a row holds NULL" "autogenerate flags the risk"
r3=$(ls revisions | grep kind_required | cut -c1-12)
cp app.db "$work/before.db"
run_rc 3 upgrade
first=$(head -n 1 "$work/err")
[[ $first =~ ^revisions/${r3}_kind_required\.sql:[0-9]+:1:\ error:\ pet\.kind\ holds\ NULL\ in\ 2\ rows,\ and\ the\ copy\ of\ pet\ makes\ it\ NOT\ NULL ]] ||
	fail "the error does not name pet.kind and its NULLs: $first"
ok "the error names pet.kind and counts its NULL rows"
[[ $first != *_retort_new_* ]] || fail "the error names the scratch table: $first"
ok "the scratch table's name is not in the error"
expect_version "$r2" app.db "the revision was rolled back"
cmp -s app.db "$work/before.db" || fail "the failed upgrade changed the database"
ok "the database is unchanged"
[[ ! -e app.db-journal && ! -e app.db-wal ]] || fail "a journal was left"
ok "no journal left"

# filled by hand, the same revision runs
q "UPDATE pet SET kind = 'frog' WHERE kind IS NULL"
run_ok upgrade
expect_version "$r3"
expect_q "SELECT count(*) FROM pet WHERE kind = 'frog'" 2
finish
