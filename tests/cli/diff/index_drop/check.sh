warn_up=no
after_up() {
	grep -qiE 'CREATE[[:space:]]+TABLE' up.sql && fail "dropping indexes rebuilt the table: $(cat up.sql)"
	expect_sql a.db "SELECT count(*) FROM pragma_index_list('user')" 0
	expect_ok a.db "INSERT INTO user (id, name, email) VALUES (4, 'dee', 'bob@x')"
}
after_down() {
	expect_sql a.db "SELECT name, \"unique\", partial FROM pragma_index_list('user') ORDER BY name" "ix_user_active|0|1
ix_user_lower|0|0
ix_user_name|0|0
ux_user_email|1|0"
}
