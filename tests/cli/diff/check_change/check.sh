# changed CHECKs (which Alembic does not see) are changed in the database
after_up() {
	expect_fails a.db "INSERT INTO line VALUES (3, 150, 1)" "CHECK constraint failed"
	expect_fails a.db "INSERT INTO line VALUES (3, 1, 0.5)" "ck_line_price"
	expect_ok a.db "INSERT INTO line VALUES (3, 99, 1)"
}
after_down() {
	expect_ok a.db "INSERT INTO line VALUES (3, 150, 0.5)"
}
