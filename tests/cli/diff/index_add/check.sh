warn_down=no
after_up() {
	grep -qiE 'CREATE[[:space:]]+(UNIQUE[[:space:]]+)?INDEX' up.sql || fail "no CREATE INDEX in: $(cat up.sql)"
	grep -qiE 'CREATE[[:space:]]+TABLE' up.sql && fail "adding an index rebuilt the table: $(cat up.sql)"
	expect_sql a.db "SELECT name, \"unique\" FROM pragma_index_list('user') ORDER BY name" "ix_user_name|0
ux_user_email|1"
	expect_fails a.db "INSERT INTO user (id, name, email) VALUES (4, 'dee', 'bob@x')" "UNIQUE constraint failed"
}
