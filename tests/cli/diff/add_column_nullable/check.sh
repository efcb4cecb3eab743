warn_up=no
warn_down=yes
after_up() {
	grep -qiE 'ADD[[:space:]]+(COLUMN[[:space:]]+)?"?note' up.sql || fail "a nullable column is not added with ALTER TABLE ADD COLUMN:
$(cat up.sql)"
	expect_sql a.db "SELECT id, name, note IS NULL FROM item ORDER BY id" "1|cup|1
2|pot|1"
	expect_sql a.db "SELECT type FROM pragma_table_xinfo('item') WHERE name = 'note'" "VARCHAR(200)"
}
