after_up() {
	expect_ok a.db "INSERT INTO user VALUES (3, 'a@x', 'acme', 'ann')"
	expect_sql a.db "SELECT count(*) FROM pragma_index_list('user')" 0
}
