after_up() {
	expect_sql a.db "SELECT name, \"unique\" FROM pragma_index_list('user') ORDER BY name" "ix_user_email|1
ix_user_name|0"
	expect_fails a.db "INSERT INTO user (id, name, email) VALUES (4, 'dee', 'bob@x')" "UNIQUE constraint failed"
	expect_ok a.db "INSERT INTO user (id, name, email) VALUES (4, 'ann', 'dee@x')"
}
