warn_up=no
warn_down=no
after_up() {
	expect_ok a.db "INSERT INTO pet VALUES (4, 'bo', 3); DELETE FROM user WHERE id = 2"
	expect_sql a.db "SELECT count(*) FROM audit" 0
}
after_down() {
	expect_fails a.db "DELETE FROM user WHERE id = 2" "users are never deleted"
	expect_ok a.db "INSERT INTO pet VALUES (4, 'bo', 3)"
	expect_sql a.db "SELECT what FROM audit" "added bo"
}
