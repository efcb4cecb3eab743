# renamed_from names a table that exists on neither side: exit 2 at the
# table (6:3) or its renamed_from (7:5, or the value 7:19), nothing on
# stdout, the database untouched (in the models, when they are the side
# diffed from, renamed_from means nothing)
mode=custom
custom() {
	build_db a.db a.sql
	cp a.db orig.db
	bad_input diff --from db:a.db --to models:b
	grep -q "people" out.err || fail "the error does not name 'people': $(cat out.err)"
}
