# to NOT NULL: flagged (rows holding NULL would make it fail); here none do
warn_up=yes
after_up() {
	expect_sql a.db "SELECT \"notnull\" FROM pragma_table_xinfo('user') WHERE name = 'name'" 1
	expect_fails a.db "INSERT INTO user VALUES (3, NULL, NULL)" "NOT NULL constraint failed"
	expect_sql a.db "SELECT * FROM user ORDER BY id" "1|ann|
2|bob|b@x"
}
after_down() {
	expect_ok a.db "INSERT INTO user VALUES (3, NULL, NULL)"
}
