# a renamed column used by a generated column and by CHECKs
warn_up=no
warn_down=no
after_up() {
	expect_sql a.db "SELECT id, quantity, total FROM line ORDER BY id" "1|2|3.0
2|3|6.0"
	expect_fails a.db "INSERT INTO line (id, quantity, price) VALUES (3, 0, 1)" "CHECK constraint failed"
	expect_fails a.db "INSERT INTO line (id, quantity, price) VALUES (3, 5000, 1)" "ck_line_price"
}
