# NOT NULL with a default: every existing row takes the default
warn_up=no
warn_down=yes
after_up() {
	expect_sql a.db "SELECT id, status, stock, typeof(stock) FROM item ORDER BY id" "1|new|0|integer
2|new|0|integer"
	expect_fails a.db "INSERT INTO item VALUES (3, 'pan', NULL, 1)" "NOT NULL constraint failed"
}
