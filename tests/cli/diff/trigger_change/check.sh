warn_up=no
warn_down=no
after_up() {
	expect_ok a.db "INSERT INTO pet VALUES (4, 'bo', 3), (5, 'stray', NULL)"
	expect_sql a.db "SELECT what FROM audit ORDER BY id" "new pet bo of 3"
}
after_down() {
	expect_ok a.db "INSERT INTO pet VALUES (4, 'bo', 3), (5, 'stray', NULL)"
	expect_sql a.db "SELECT what FROM audit ORDER BY id" "added bo
added stray"
}
