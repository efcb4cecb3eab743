# no ANY column: nothing can be converted, so no word of it (the rebuild is
# still told)
after_up() {
	expect_sql a.db "SELECT strict FROM pragma_table_list('reading')" 0
	expect_ok a.db "INSERT INTO reading VALUES (3, 's3', 'abc', 'x')"
	! grep -q "STRICT" up.err || fail "a warning about STRICT for a table without ANY columns: $(cat up.err)"
	grep -q "rebuilds table 'reading'" up.err || fail "the rebuild is not told: $(cat up.err)"
}
