after_up() {
	expect_fails a.db "INSERT INTO user VALUES (4, 'a@x', NULL, 'zed')" "UNIQUE constraint failed"
	expect_fails a.db "INSERT INTO user VALUES (4, 'd@x', 'acme', 'ann')" "UNIQUE constraint failed"
	expect_ok a.db "INSERT INTO user VALUES (4, 'd@x', NULL, 'ann')"
	expect_sql a.db "SELECT count(*) FROM pragma_index_list('user') WHERE origin = 'u'" 2
}
