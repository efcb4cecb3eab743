# a full index made partial, a partial one with a changed WHERE
after_up() {
	expect_sql a.db "SELECT name, \"unique\", partial FROM pragma_index_list('user') ORDER BY name" "ix_user_email|0|1
ux_user_name|1|1"
	expect_ok a.db "INSERT INTO user VALUES (4, 'bob', NULL, 1)"
	expect_fails a.db "INSERT INTO user VALUES (5, 'ann', NULL, 1)" "UNIQUE constraint failed"
	expect_sql a.db "SELECT sql LIKE '%active = 1%' FROM sqlite_schema WHERE name = 'ix_user_email'" 1
}
