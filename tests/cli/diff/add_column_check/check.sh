warn_down=yes
after_up() {
	expect_sql a.db "SELECT id, qty FROM line ORDER BY id" "1|1
2|1"
	expect_fails a.db "INSERT INTO line VALUES (3, 'pan', 0)" "CHECK constraint failed"
	expect_ok a.db "INSERT INTO line VALUES (3, 'pan', 5)"
}
