after_up() {
	expect_sql a.db "SELECT strict FROM pragma_table_list('reading')" 0
	expect_ok a.db "INSERT INTO reading VALUES (3, 's3', 'abc', 'x')"
}
