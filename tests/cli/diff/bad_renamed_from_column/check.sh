# a column's renamed_from names no column of either side: line 6, at the
# column (7), its renamed_from (26) or the value (40)
mode=custom
custom() {
	build_db a.db a.sql
	cp a.db orig.db
	bad_input diff --from db:a.db --to models:b
	grep -q "naem" out.err || fail "the error does not name 'naem': $(cat out.err)"
}
