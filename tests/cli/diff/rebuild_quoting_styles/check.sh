# A written with [brackets], `backticks`, 'string' names and comments holding
# parentheses and quotes is rebuilt (unit price becomes NOT NULL) and the
# downgrade gives it back as it was
after_up() {
	expect_sql a.db "SELECT * FROM \"order line\" ORDER BY id" "1|2|1.5|a
2|1|0.5|b"
	expect_fails a.db "INSERT INTO \"order line\" (id, qty) VALUES (3, 0)" "CHECK constraint failed"
	expect_ok a.db "INSERT INTO \"order line\" (id) VALUES (3)"
	expect_sql a.db "SELECT qty, \"unit price\", note FROM \"order line\" WHERE id = 3" "1|0.0|it's -- not a comment"
}
