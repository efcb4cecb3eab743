after_up() {
	expect_sql a.db "SELECT strict FROM pragma_table_list('reading')" 1
	expect_fails a.db "INSERT INTO reading VALUES (3, 's3', 'abc', NULL, NULL)" "cannot store TEXT value in REAL column"
	expect_sql a.db "SELECT id, sensor, value, hex(raw), extra, typeof(extra) FROM reading ORDER BY id" "1|s1|1.5|00FF|a|text
2|s2|2.0||3|integer"
}
after_down() {
	expect_ok a.db "INSERT INTO reading VALUES (3, 's3', 'abc', NULL, NULL)"
}
