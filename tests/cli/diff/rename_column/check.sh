warn_up=no
warn_down=no
after_up() {
	grep -qiE 'RENAME[[:space:]]+(COLUMN[[:space:]]+)?"?nme' up.sql || fail "no ALTER TABLE RENAME COLUMN in:
$(cat up.sql)"
	expect_sql a.db "SELECT id, name, email FROM user ORDER BY id" "1|ann|a@x
2|bob|"
}
