after_up() {
	expect_fails a.db "INSERT INTO line VALUES (3, 0, 1)" "CHECK constraint failed"
	expect_fails a.db "INSERT INTO line VALUES (3, 1, -1)" "ck_line_price"
	expect_sql a.db "SELECT count(*) FROM line" 2
}
