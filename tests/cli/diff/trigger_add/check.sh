warn_up=no
warn_down=no
after_up() {
	expect_ok a.db "INSERT INTO pet VALUES (4, 'bo', 3); UPDATE user SET name = 'bobby' WHERE id = 2"
	expect_sql a.db "SELECT what FROM audit ORDER BY id" "added bo
bob -> bobby"
}
after_down() {
	expect_ok a.db "INSERT INTO pet VALUES (4, 'bo', 3)"
	expect_sql a.db "SELECT count(*) FROM audit" 0
}
