after_up() {
	expect_ok a.db "INSERT INTO line VALUES (3, -1, -1), (4, 5000, 0)"
}
after_down() {
	expect_fails a.db "INSERT INTO line VALUES (3, -1, 1)" "CHECK constraint failed"
	expect_fails a.db "INSERT INTO line VALUES (3, 1, -1)" "ck_line_price"
	expect_fails a.db "INSERT INTO line VALUES (3, 5000, 1)" "CHECK constraint failed"
}
