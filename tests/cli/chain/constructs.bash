# constructs.bash: what the construct_*.sh scripts share (sourced before
# common.bash, which leaves the script's folder; it does not end in .sh, so
# CMake makes no test of it). Its functions use common.bash's.
#
# A database made by hand holding a construct must survive `inspect` ->
# models -> load unchanged, diff to nothing against the same schema written
# another way, and a real change of the construct must make a revision whose
# upgrade reaches the models with every row kept and whose downgrade gives
# the database back.

# adopt SQL ROWS: a project whose base revision (hand-written, as an
# existing database would be) runs SQL; upgraded, ROWS inserted, then
# adopted with `inspect`: the models load back to exactly its schema
adopt() {
	project
	rev a00000000001 none "base" "$1" "SELECT 1;"
	run_ok upgrade
	q "$2"
	run_ok inspect
	cp "$work/out" models/schema.yaml
	round_trips "inspect of the hand-made database"
}

# round_trips WHAT: the models and the database agree both ways, and both
# inspect to the same models
round_trips() {
	rt diff
	expect_rc 0 "$1: diff finds nothing"
	expect_out_empty "$1: diff prints no SQL"
	run_ok check
	run_ok inspect
	cp "$work/out" "$work/inspect_db.yaml"
	run_ok inspect models
	cmp -s "$work/out" "$work/inspect_db.yaml" ||
		fail "$1: the models and the database inspect differently:
$(diff "$work/inspect_db.yaml" "$work/out")"
	ok "$1: the models and the database inspect alike"
}

# same_as SQL WHAT: SQL, the same schema written another way, diffs to
# nothing against the models, either way round
same_as() {
	printf '%s\n' "$1" > "$work/other.sql"
	rt diff --from "sql:$work/other.sql"
	expect_rc 0 "$2: no difference from the models"
	rt diff --to "sql:$work/other.sql"
	expect_rc 0 "$2: nor to the models"
}

# differs_from SQL WHAT: SQL, one meaningful change away, is a difference
differs_from() {
	printf '%s\n' "$1" > "$work/other.sql"
	rt diff --from "sql:$work/other.sql"
	expect_rc 1 "$2: a difference"
}

# change PERL_EXPR MESSAGE: edit models/schema.yaml, autogenerate a
# revision, upgrade (rows kept: $rows_sql gives the same before and after),
# the models and the database agree, then downgrade -1 gives back the
# schema and the rows, and upgrade again
change() {
	local before_rows after
	perl -0pi -e "$1" models/schema.yaml
	cmp -s models/schema.yaml "$work/models_before" 2>/dev/null &&
		fail "test bug: '$1' changed nothing"
	rt diff
	expect_rc 1 "$2: the change is a difference"
	run_ok revision -m "$2" --autogenerate
	cp app.db "$work/before.db"
	before_rows=$(q "$rows_sql")
	run_ok upgrade
	expect_q "$rows_sql" "$before_rows" "" "$2: every row kept"
	expect_integrity
	round_trips "$2: after the upgrade"
	run_ok downgrade -1
	expect_q "$rows_sql" "$before_rows" "" "$2: the downgrade keeps every row"
	rt diff --from "db:$work/before.db" --to db:app.db
	expect_rc 0 "$2: the downgrade gives the schema back"
	run_ok upgrade
	cp models/schema.yaml "$work/models_before"
}

# in_copy SQL: SQL's output on a copy of app.db (probing behaviour without
# changing the database)
in_copy() {
	cp app.db "$work/probe.db"
	sqlite3 -batch "$work/probe.db" "$1" 2>&1
}
