# AUTOINCREMENT switched on, then off again by the downgrade
after_up() {
	expect_ok a.db "INSERT INTO ev (msg) VALUES ('f'); DELETE FROM ev WHERE msg = 'f'; INSERT INTO ev (msg) VALUES ('g')"
	expect_sql a.db "SELECT max(id) FROM ev" 5
}
