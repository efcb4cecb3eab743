# tables without an INTEGER PRIMARY KEY keep their rowids through a rebuild
# (apps and external-content FTS tables point at them)
after_up() {
	expect_sql a.db "SELECT rowid, body FROM note ORDER BY rowid" "2|b
3|c"
	expect_sql a.db "SELECT rowid, name FROM tag ORDER BY rowid" "2|y
3|z"
}
after_down() {
	expect_sql a.db "SELECT rowid, body FROM note ORDER BY rowid" "2|b
3|c"
	expect_sql a.db "SELECT rowid, name FROM tag ORDER BY rowid" "2|y
3|z"
}
